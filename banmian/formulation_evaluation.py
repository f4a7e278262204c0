"""How well the formulation finder does on the evaluation set written for the project
(``tests/formulations``): scoring tables and precision and recall. Real text is scored by
``bench/evaluate_real.py`` (``make evaluate-real``)."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .formulations import find_formulations
from .remembered import remembered_analysis

__all__ = ["evaluate_formulations", "formulation_scores", "evaluation_set", "formulation_examples"]

EVALUATION_SET = Path(__file__).resolve().parent.parent / "tests" / "formulations"


def formulation_examples() -> pd.DataFrame:
    """The kit's development examples (``banmian/formulation_examples.csv``): text, the
    formulations a careful reader finds in it ("|"-separated), and a note."""
    path = Path(__file__).with_name("formulation_examples.csv")
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table["expected"] = table["expected"].map(lambda s: [t for t in s.split("|") if t])
    return table


def evaluation_set(folder=EVALUATION_SET) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The held-out evaluation set (``tests/formulations``, see its README): a frame of
    labelled candidates (class, label, term, sentence, reason) and a frame of articles
    (article_no, headline, body, formulations, borderline; the last two are lists)."""
    folder = Path(folder)
    candidates = pd.read_csv(folder / "candidates.tsv", sep="\t", dtype=str, keep_default_na=False)
    articles = []
    for block in re.split(r"^## ", (folder / "articles.txt").read_text(encoding="utf-8"), flags=re.M)[1:]:
        lines = block.splitlines()
        fields = dict(line.split(":", 1) for line in lines[1:4])
        articles.append({"article_no": int(lines[0]), "headline": fields["headline"].strip(),
                         "body": "\n".join(lines[4:]).strip(),
                         "formulations": [t for t in fields["formulations"].strip().split("|") if t],
                         "borderline": [t for t in fields["borderline"].strip().split("|") if t]})
    return candidates, pd.DataFrame(articles)


def _as_articles(bodies, headlines=None) -> pd.DataFrame:
    bodies = list(bodies)
    return pd.DataFrame({"page_id": "evaluation", "edition": "-", "article_no": range(1, len(bodies) + 1),
                         "headline": list(headlines) if headlines is not None else "", "body": bodies})


def evaluate_formulations(folder=EVALUATION_SET, reference: bool = True) -> pd.DataFrame:
    """Score :func:`find_formulations` on the evaluation set: one row per scored item with
    part ("sentences" or "articles"), class, label, term, context, outcome ("TP", "FP",
    "FN", "TN" or "borderline") and the finding's reason. ``reference=False`` scores the
    pattern rules alone (without the kit's reference list). :func:`formulation_scores`
    turns the frame into precision and recall.

    Sentences: a ``formulation`` row is a TP when that exact term is found as formulation;
    a ``not`` row is a FP when any formulation finding overlaps it; a finding that overlaps
    no labelled row is a FP of class "unlabelled". Articles: expected terms found are TP,
    missed FN, other findings FP; borderline terms are left out."""
    candidates, articles = evaluation_set(folder)
    return _evaluation(candidates, articles, reference)


@remembered_analysis
def _evaluation(candidates: pd.DataFrame, articles: pd.DataFrame, reference: bool) -> pd.DataFrame:
    sentences = list(dict.fromkeys(candidates["sentence"]))
    found = find_formulations(_as_articles(sentences), known=None, include_rejected=True, reference=reference)
    found = found[found["field"] == "body"]
    rows = []
    # plain records grouped once: a pandas filter per sentence costs more than the scoring itself
    labelled_by_sentence = {s: g.to_dict("records") for s, g in candidates.groupby("sentence", sort=False)}
    found_by_article = {no: g.to_dict("records") for no, g in
                        found[["article_no", "term", "start", "label", "reason"]].groupby("article_no", sort=False)}
    for no, sentence in enumerate(sentences, start=1):
        here = found_by_article.get(no, [])
        spans = [(f["start"], f["start"] + len(f["term"]), f["term"], f["reason"]) for f in here
                 if f["label"] == "formulation"]
        covered = set()
        for row in labelled_by_sentence[sentence]:
            start = sentence.find(row["term"])
            end = start + len(row["term"])
            overlapping = [s for s in spans if s[0] < end and start < s[1]]
            covered.update(s[:3] for s in overlapping)
            exact = next((s for s in overlapping if s[2] == row["term"]), None)
            if row["label"] == "borderline":
                outcome, why = "borderline", exact[3] if exact else _reason_for(here, row["term"])
            elif row["label"] == "formulation":
                outcome = "TP" if exact else "FN"
                why = exact[3] if exact else _reason_for(here, row["term"])
            else:
                outcome = "FP" if overlapping else "TN"
                why = overlapping[0][3] if overlapping else _reason_for(here, row["term"])
            rows.append({"part": "sentences", "class": row["class"], "label": row["label"], "term": row["term"],
                         "context": sentence, "outcome": outcome, "reason": why})
        for start, end, term, reason in spans:
            if (start, end, term) not in covered:
                rows.append({"part": "sentences", "class": "unlabelled", "label": "not", "term": term,
                             "context": sentence, "outcome": "FP", "reason": reason})
    found = find_formulations(_as_articles(articles["body"], articles["headline"]), known=None, reference=reference)
    for article in articles.itertuples():
        kept = found[(found["article_no"] == article.Index + 1) & (found["label"] == "formulation")]
        predicted = dict(zip(kept["term"], kept["reason"]))
        for term in article.formulations:
            rows.append({"part": "articles", "class": f"article {article.article_no}", "label": "formulation",
                         "term": term, "context": article.headline, "outcome": "TP" if term in predicted else "FN",
                         "reason": predicted.get(term, "")})
        for term, reason in predicted.items():
            if term not in article.formulations:
                rows.append({"part": "articles", "class": f"article {article.article_no}", "label": "not",
                             "term": term, "context": article.headline,
                             "outcome": "borderline" if term in article.borderline else "FP", "reason": reason})
    return pd.DataFrame(rows, columns=["part", "class", "label", "term", "context", "outcome", "reason"])


def _reason_for(found: list[dict], term: str) -> str:
    """What the finder said about a term it did not keep (its rejection reason), if anything."""
    return next((f["reason"] for f in found if f["term"] == term), "not a candidate")


def formulation_scores(evaluation: pd.DataFrame, by: str = "part") -> pd.DataFrame:
    """Precision and recall of the label formulation from :func:`evaluate_formulations`,
    grouped by ``by`` ("part" or "class") with an "all" row: tp, fp, fn, precision, recall."""
    def score(group):
        counts = group["outcome"].value_counts()
        tp, fp, fn = (int(counts.get(k, 0)) for k in ("TP", "FP", "FN"))
        return {"tp": tp, "fp": fp, "fn": fn, "precision": tp / (tp + fp) if tp + fp else float("nan"),
                "recall": tp / (tp + fn) if tp + fn else float("nan")}

    rows = [{by: key, **score(group)} for key, group in evaluation.groupby(by, sort=False)]
    rows.append({by: "all", **score(evaluation)})
    return pd.DataFrame(rows).round({"precision": 3, "recall": 3})
