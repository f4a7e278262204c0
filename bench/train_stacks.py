"""Train the headline-stack model on real stacks (``make train-stacks``).

    python bench/train_stacks.py [--repos DIR]

Reads the development months of the slot crawl (:mod:`crawl_months`: 2019-02, 2019-10,
2020-01, unpacked from the fetched repository), takes every article whose header holds
exactly two lines (kicker + headline, or headline + subtitle) that no mark decides
(:func:`banmian.page_parser.marked_pair`), measures a logistic regression (scikit-learn,
liblinear: deterministic) by leaving one month out against the former rules, fits it on all
three months and writes ``banmian/stack_model.json``: weights, intercept and figures. Pairs
whose lower line reads as a sentence (:func:`banmian.stack_roles.reads_as_sentence`) are
decided before the model, so the model is fitted on the others; the figures count every pair. The
other months (2020-02, 2020-05) are never read here. The text stays in the fetched repository;
``tests/stacks_real/development_pairs.tsv`` lists the pairs used (month, path, roles), stand-off.
"""
from __future__ import annotations

import json
from unittest import mock

import numpy as np
import pandas as pd
from crawl_months import DEVELOPMENT, ROOT, crawl_month, crawl_stacks
from formulation_study import parse_script_args, run_script, script_parser

from banmian import page_articles
from banmian.page_articles import Article, marked_pair
from banmian.page_parser import normalise_line
from banmian.stack_roles import STACK_MODEL, pair_features, reads_as_sentence

STANDOFF = ROOT / "tests" / "stacks_real" / "development_pairs.tsv"


def pairs(month: str) -> pd.DataFrame:
    """The unmarked two-line stacks of a month: upper, lower, and whether the upper is the kicker."""
    rows = []
    for r in crawl_stacks(crawl_month(month)):
        kicker, headline, subtitle = (normalise_line(r[k]) for k in ("kicker", "headline", "subtitle"))
        if bool(kicker) == bool(subtitle):
            continue  # one line, or all three: no pair to decide
        upper, lower = (kicker, headline) if kicker else (headline, subtitle)
        if marked_pair(upper, lower) or lower.startswith(("—", "－", "-")):
            continue  # a mark decides these
        rows.append({"month": month, "path": r["path"], "upper": upper, "lower": lower,
                     "upper_is_kicker": bool(kicker)})
    return pd.DataFrame(rows)


def former_rules(upper: str, lower: str) -> bool:
    """The rules the model replaces (what the kit does with no model shipped): is the upper the kicker?"""
    article = Article(headline=upper)
    with mock.patch.object(page_articles, "upper_is_kicker", lambda upper, lower: None):
        article.take_stack_line(lower)
    return bool(article.kicker)


def fit(rows: pd.DataFrame, c: float) -> dict:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform([{f: 1 for f in pair_features(u, w)} for u, w in zip(rows["upper"], rows["lower"])]).tocsr()
    x.indices, x.indptr = x.indices.astype(np.int32), x.indptr.astype(np.int32)  # liblinear takes 32-bit indices only
    learner = LogisticRegression(C=c, solver="liblinear", max_iter=1000)
    learner.fit(x, rows["upper_is_kicker"].to_numpy().astype(int))
    return {"weights": {n: round(float(w), 5) for n, w in zip(vectorizer.feature_names_, learner.coef_[0]) if abs(w) > 1e-6},
            "intercept": round(float(learner.intercept_[0]), 5), "c": c}


def predict(model: dict, rows: pd.DataFrame) -> np.ndarray:
    """Whether the upper line is the kicker: False under a sentence, else by the model."""
    logits = np.array([model["intercept"] + sum(model["weights"].get(f, 0.0) for f in pair_features(u, w))
                       for u, w in zip(rows["upper"], rows["lower"])])
    return (logits >= 0) & ~rows["sentence"].to_numpy()


def main() -> None:
    parser = script_parser(__doc__)
    args = parse_script_args(parser)
    rows = pd.concat([pairs(m) for m in DEVELOPMENT], ignore_index=True)
    rows["sentence"] = rows["lower"].map(reads_as_sentence)
    gold = rows["upper_is_kicker"].to_numpy()
    sentence = rows["sentence"].to_numpy()
    print(f"{len(rows)} unmarked two-line stacks in {', '.join(DEVELOPMENT)}; upper is the kicker in {gold.mean():.1%}")
    print(f"lower line reads as a sentence: {sentence.sum()} pairs, headline + subtitle in "
          f"{(~gold[sentence]).sum()} (decided before the model)")
    rules = np.array([former_rules(u, w) for u, w in zip(rows["upper"], rows["lower"])])
    print(f"former rules: {np.mean(rules == gold):.1%} right")
    accuracy = {}
    for c in (0.1, 0.3, 1.0, 3.0):
        right = np.zeros(len(rows), dtype=bool)
        for month in DEVELOPMENT:
            held = (rows["month"] == month).to_numpy()
            right[held] = predict(fit(rows[~held & ~sentence], c), rows[held]) == gold[held]
        accuracy[c] = float(right.mean())
        print(f"  C={c}: leave-one-month-out {accuracy[c]:.1%} right", flush=True)
    c = max(accuracy, key=accuracy.get)
    model = fit(rows[~sentence], c)
    model["development"] = {"months": list(DEVELOPMENT), "pairs": int(len(rows)), "sentence_pairs": int(sentence.sum()),
                            "leave_one_month_out_accuracy": round(accuracy[c], 4),
                            "former_rules_accuracy": round(float(np.mean(rules == gold)), 4)}
    model["weights"] = dict(sorted(model["weights"].items()))
    STACK_MODEL.write_text(json.dumps(model, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    STANDOFF.parent.mkdir(parents=True, exist_ok=True)
    rows.assign(roles=np.where(gold, "kicker+headline", "headline+subtitle"),
                read_by=np.where(sentence, "sentence", "model"))[["month", "path", "roles", "read_by"]].to_csv(
        STANDOFF, sep="\t", index=False)
    print(f"chose C={c}; {len(model['weights'])} weights written to {STACK_MODEL.relative_to(ROOT)}; "
          f"pairs listed in {STANDOFF.relative_to(ROOT)}")


if __name__ == "__main__":
    run_script(main)
