"""Numbered formulations (数字式提法: “五多” “三前” “三会一课” “两个维护” …) found in a corpus:
every candidate term, scored by a model learned from real pages.

1. Candidates: every short term a number could belong to (:mod:`banmian.formulation_candidates`),
   plus the terms of the reference list and of your ``corpus/formulations.csv``.
2. Certain filters: ordinals and sequence words (十九届四中, 二是), dates and names read digit by
   digit (七一, 九一八), approximate counts (两三), reduplication (一张一张), spans that cut a word
   of their sentence (三通 in 三通道) or whose numeral belongs to another word (十分) are rejected
   outright.
3. A score for everything else: the probability that the term is a formulation, from a logistic
   regression trained on candidates read and labelled on real pages (People's Daily and a news
   site, 2023 and 2026; see ``tests/formulations_real``). Its features are weak signals (the
   term's parts and parts of speech, quotation, the words around it, a spelled-out expansion,
   recurrence across the corpus, the former hand rules' verdict …, see
   :mod:`banmian.formulation_model`).
4. ``label`` from thresholds you can change: "formulation" at ``score >= thresholds["formulation"]``,
   "borderline" from ``thresholds["borderline"]``, else "rejected". Of overlapping terms the likelier
   one is kept (五水共治, not 五水).
5. The reference list is a strong feature, not a verdict: a listed term is scored in its context like
   any other, so 四清 inside the name 陈四清 or 两步走 in 分两步走 can still be rejected. A term
   quoted in one enumeration with a listed formulation that shares its first character is a
   formulation too (“双报到、双服务”). Your ``corpus/formulations.csv`` decides: label "not" is always
   rejected, label "formulation" (the default) always kept.
"""
from __future__ import annotations

import multiprocessing
import os
import re
from functools import partial

import numpy as np
import pandas as pd

from .formulation_cache import article_keys, cached_candidates, cached_findings, kept_term_facts
from .formulation_candidates import candidate_terms
from .dictionary import dictionary_cut, word_tags
from .formulation_model import THRESHOLDS, load_model, model_digest, political_register, row_logit_column, row_logits, score_frame
from .formulation_lists import known_formulations, read_known_formulations
from .numbered_terms import MEASURE_WORDS, announced_numbers, nearby_expansion, rule_findings
from .slogans import FORMULATION_COLUMNS

__all__ = ["find_formulations", "candidate_table", "prepare_candidates", "score_candidates", "uncertain_findings",
           "teaching_report", "FINDING_COLUMNS"]

FINDING_COLUMNS = FORMULATION_COLUMNS + ["score"]
_CERTAIN = ("an ordinal", "a reduplication", "a date or a name read digit by digit", "an approximate count",
            "cuts the word", "cuts a word", "its numeral", "its 百/千/万 belongs")  # 45 of 45 on the development pages: not
_KEY = ["page_id", "edition", "article_no"]


def candidate_table(articles: pd.DataFrame, known="corpus/formulations.csv", reference: bool = True,
                    workers: int | None = None) -> pd.DataFrame:
    """Every candidate occurrence of the corpus with what the features need: page_id, edition,
    article_no, headline, field, term, start, end, quoted, before / after (two characters),
    the former rules' family, label and reason (rule_label "none" where they proposed
    nothing), source, listed (the term is in the reference list, wherever it was found),
    expansion and its count, register (political words per 100 characters of
    the article), context; plus date when the articles have one.

    A corpus of more than a million characters is read in ``workers`` processes (default: one
    per core), each a share of the articles; the table is the same."""
    workers = workers or os.cpu_count() or 1
    chars = int(articles["body"].str.len().sum()) if len(articles) else 0
    if workers > 1 and chars > 1_000_000 and not multiprocessing.current_process().daemon \
            and multiprocessing.get_start_method(allow_none=True) in (None, "fork"):
        # shares of equal characters, not of equal articles: a share of long articles would finish last
        chars_before = np.concatenate([[0], np.cumsum(articles["body"].str.len().fillna(0).to_numpy())])
        bounds = np.searchsorted(chars_before, np.linspace(0, chars_before[-1], 2 * workers + 1)).clip(0, len(articles))
        bounds[0], bounds[-1] = 0, len(articles)
        parts = [articles.iloc[a:b] for a, b in zip(bounds[:-1], bounds[1:]) if b > a]
        dictionary_cut("两个维护"), word_tags(), known_formulations(known, reference)  # loaded once, shared by fork
        context = multiprocessing.get_context("fork")
        with context.Pool(workers) as pool:
            tables = pool.starmap(candidate_table, [(part, known, reference, 1) for part in parts])
        return pd.concat(tables, ignore_index=True)
    known_table = known_formulations(known, reference)
    known_map = {t: (e, o) for t, e, o in zip(known_table["term"], known_table["expansion"], known_table["origin"])}
    listed = set(known_table.loc[known_table["origin"] == "reference list", "term"])
    dated = "date" in articles.columns
    rows = []
    for art in articles.itertuples(index=False):
        headline = getattr(art, "headline", "") or ""
        date = getattr(art, "date", None) if dated else None
        register = political_register(art.body or "")
        for field, text in (("headline", headline), ("body", art.body or "")):
            if not text:
                continue
            rules = {(r["start"], r["term"]): r for r in rule_findings(text, known_map)}
            spans = {(start, term): quoted for term, start, end, quoted in candidate_terms(text)}
            for key, rule in rules.items():
                spans.setdefault(key, rule["quoted"])
            for (start, term), quoted in spans.items():
                end = start + len(term)
                rule = rules.get((start, term))
                if rule:
                    items, where = rule["expansion"], rule["expansion_where"]
                else:
                    items, where = nearby_expansion(text, term, start, end, quoted)
                lead = start - (1 if quoted else 0)
                quote_at = max(text.rfind(q, 0, start + 1) for q in "“‘「『\"") if quoted else -1
                rows.append((art.page_id, art.edition, art.article_no, headline, date, field, term, start, end,
                             bool(quoted), quote_at, text[max(0, lead - 2):lead], text[end + (1 if quoted else 0):][:2],
                             rule["family"] if rule else "", rule["label"] if rule else "none",
                             rule["reason"] if rule else "", rule["source"] if rule else "pattern", term in listed,
                             items, len(items), where, register,
                             text[max(0, start - 20):end + 20].replace("\n", " ")))
    columns = _KEY + ["headline", "date", "field", "term", "start", "end", "quoted", "quote_at", "before", "after",
                      "family",
                      "rule_label", "rule_reason", "source", "listed", "expansion", "expansion_count", "expansion_where",
                      "register", "context"]
    table = pd.DataFrame(rows, columns=columns)
    if not dated:
        table = table.drop(columns="date")
    return table


def _recurrence(table: pd.DataFrame) -> pd.DataFrame:
    """How many articles, pages and dates each term recurs in, and how often it is quoted."""
    article = table.groupby(_KEY, sort=False, dropna=False).ngroup()
    grouped = table.assign(_article=article).groupby("term", sort=False)
    stats = pd.DataFrame({"articles": grouped["_article"].nunique(), "pages": grouped["page_id"].nunique(),
                          "quoted_share": grouped["quoted"].mean()})
    stats["dates"] = grouped["date"].nunique() if "date" in table.columns else 0
    return stats


def prepare_candidates(table: pd.DataFrame) -> pd.DataFrame:
    """A :func:`candidate_table` with what scoring needs beside it: recurrence across the corpus
    (articles, pages, dates, quoted_share), number, number_total and count_matches."""
    return _with_term_facts(table.join(_recurrence(table), on="term"))


def _with_term_facts(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with what its terms' letters say (:func:`term_facts`, kept per term) beside each
    row: number, number_total, count_matches (whether the expansion counts as many items as the
    term announces) and term_family."""
    table = table.copy()
    codes, terms = pd.factorize(table["term"])
    facts = kept_term_facts(list(terms), term_facts)
    table["number"] = facts["number"].to_numpy(dtype=object)[codes]
    totals = pd.Series(facts["number_total"].to_numpy(dtype=float)[codes], index=table.index)
    if totals.notna().all():  # whole numbers as integers, as a map of the terms' sums gives them
        totals = totals.astype(np.int64)
    table["number_total"] = totals.astype(object).where(totals.notna(), None)
    counted = (table["expansion_count"] > 0) & (totals <= 20)
    table["count_matches"] = (table["expansion_count"] == totals).astype(object).where(counted, None)
    table["term_family"] = facts["family"].to_numpy(dtype=object)[codes]  # for candidates no rule named
    return table


def _candidates_with_row_logits(articles: pd.DataFrame, known, reference: bool, model: dict) -> pd.DataFrame:
    """:func:`candidate_table` with the model's part of each row's logit that the rest of the corpus
    cannot change (:func:`~banmian.formulation_model.row_logits`), for the candidate store."""
    table = candidate_table(articles, known, reference)
    table[row_logit_column(model)] = row_logits(_with_term_facts(table), model) if len(table) else np.array([])
    return table


def term_facts(terms: list[str]) -> pd.DataFrame:
    """What each term's letters say: number (the numbers it announces, "1+2+3"), number_total
    (their sum; NaN when none) and family (its kind by shape)."""
    numbers = [announced_numbers(t) for t in terms]
    return pd.DataFrame({"number": ["+".join(map(str, n)) for n in numbers],
                         "number_total": [float(sum(n)) if n else np.nan for n in numbers],
                         "family": [_family(t) for t in terms]})


def score_candidates(table: pd.DataFrame, known="corpus/formulations.csv", model=None, thresholds=None,
                     include_rejected: bool = False) -> pd.DataFrame:
    """Score a :func:`candidate_table` and label it (see the module docstring)."""
    model = model or load_model()
    thresholds = {**(model["thresholds"] if model else THRESHOLDS), **(thresholds or {})}
    if table.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    table = prepare_candidates(table)
    if model:
        scores = score_frame(table, model)
    else:  # no model shipped: the former rules' verdicts stand in
        scores = table["rule_label"].map({"formulation": 0.9, "borderline": 0.4}).fillna(0.05).to_numpy()
    certain = table["rule_reason"].str.startswith(_CERTAIN) | (table["family"] == "ordinal")
    scores = np.where(certain, 0.0, scores)
    label = np.select([scores >= thresholds["formulation"], scores >= thresholds["borderline"]],
                      ["formulation", "borderline"], "rejected").astype(object)
    rules = table["rule_reason"].fillna("").to_numpy(dtype=object)
    reason = ("score " + pd.Series(scores).map("{:.2f}".format).to_numpy(dtype=object)
              + np.where(rules != "", "; rules: " + rules, "").astype(object))
    reason[certain.to_numpy()] = table.loc[certain, "rule_reason"].to_numpy()
    user = read_known_formulations(known) if known else pd.DataFrame(columns=["term", "label"])
    user_label = dict(zip(user["term"], user["label"]))
    listed = table["listed"].to_numpy(dtype=bool) & ~certain.to_numpy()
    reason[listed] = reason[listed] + "; in the reference list"
    told = table["term"].map(user_label)
    said_not, said_yes = (told == "not").to_numpy(), ((told == "formulation") & (table["rule_label"] != "rejected")).to_numpy()
    before = label.copy()
    label[said_not], scores[said_not] = "rejected", 0.0
    reason[said_not] = "labelled not in formulations.csv"
    label[said_yes], scores[said_yes] = "formulation", 1.0
    reason[said_yes] = "in formulations.csv"
    table["label"], table["score"], table["reason"] = label, np.round(scores, 4), reason
    taught = _teaching(table, told, before)
    missing = table["family"] == ""
    table.loc[missing, "family"] = table.loc[missing, "term_family"]
    table = _listed_siblings(table)
    table = _resolve_overlaps(table)
    if not include_rejected:
        table = table[table["label"] != "rejected"]
    order = table[_KEY + ["start", "term"]].assign(_order=table["field"].map({"headline": 0, "body": 1}))
    order = order.sort_values(_KEY + ["_order", "start", "term"]).index
    if not order.is_monotonic_increasing:  # the sort moves only the columns it needs, and the rest when out of order
        table = table.loc[order]
    found = table[FINDING_COLUMNS].reset_index(drop=True)
    found.attrs["taught"] = taught
    return found


def _teaching(table: pd.DataFrame, told: pd.Series, before: np.ndarray) -> pd.DataFrame:
    """What your formulations.csv changed: one row per labelled term found in the corpus with your
    label, the label the kit would have given, and how many occurrences changed."""
    columns = ["term", "your_label", "kit_label", "occurrences", "changed"]
    used = told.notna().to_numpy()
    if not used.any():
        return pd.DataFrame(columns=columns)
    rows = pd.DataFrame({"term": table.loc[used, "term"], "your_label": told[used], "kit_label": before[used],
                         "now": table.loc[used, "label"]})
    rows["changed"] = rows["kit_label"] != rows["now"]
    summary = rows.groupby(["term", "your_label"], sort=True).agg(
        kit_label=("kit_label", lambda s: s.mode().iloc[0]), occurrences=("term", "size"), changed=("changed", "sum"))
    return summary.reset_index()[columns]


def teaching_report(found: pd.DataFrame) -> pd.DataFrame:
    """The labels of your ``corpus/formulations.csv`` that a :func:`find_formulations` run used: term,
    your_label, kit_label (the label the score gave; a term you list is found as a known term,
    which the score takes into account), occurrences and changed (occurrences whose label your
    line changed). Empty when the file labels nothing found."""
    return found.attrs.get("taught", pd.DataFrame(columns=["term", "your_label", "kit_label", "occurrences",
                                                           "changed"]))


def _family(term: str) -> str:
    groups = re.findall(r"[零〇一二两三四五六七八九十百千万双]+|[0-9０-９]+", term)
    if len(groups) >= 2:
        return "multi-number formula"
    if re.search(r"(?:工程|行动|计划|机制|制度|活动|热线|战略)$", term):
        return "named project"
    if term.startswith("双"):
        return "双-formula"
    if re.match(rf"[零〇一二两三四五六七八九十百千万]+[{MEASURE_WORDS}]", term):
        return "number + measure word + noun"
    return "number + character"


def _listed_siblings(table: pd.DataFrame) -> pd.DataFrame:
    """A term quoted in one enumeration with a formulation the lists name, and sharing its first
    character, is a formulation too (“双报到、双服务”, “四个意识、四个自信”)."""
    listed = ((table["listed"] & (table["label"] == "formulation")) | (table["reason"] == "in formulations.csv")) \
        & table["quoted"]
    if not listed.any():
        return table
    columns = _KEY + ["field", "quote_at"]
    anchors = table.loc[listed, columns].assign(_first=table.loc[listed, "term"].str[0],
                                                _anchor=table.loc[listed, "term"])
    anchors = anchors.drop_duplicates(columns + ["_first"])
    open_rows = table[table["quoted"] & (table["label"] != "formulation")]
    pairs = open_rows[columns].assign(_first=open_rows["term"].str[0]).reset_index().merge(
        anchors, on=columns + ["_first"]).set_index("index")
    if len(pairs):
        table = table.copy()
        table.loc[pairs.index, "label"] = "formulation"
        table.loc[pairs.index, "reason"] = [f"enumerated with the listed {a}; score {x:.2f}" for a, x in
                                            zip(pairs["_anchor"], table.loc[pairs.index, "score"])]
    return table


def _resolve_overlaps(table: pd.DataFrame) -> pd.DataFrame:
    """Of overlapping kept terms in one text, keep the likelier (then the longer) one; the
    others are rejected with the reason."""
    kept = table[table["label"] != "rejected"]
    if kept.empty:
        return table
    rank = kept.assign(_rank=kept["label"].map({"formulation": 0, "borderline": 1}), _len=kept["term"].str.len())
    rank = rank.sort_values(_KEY + ["field", "_rank", "score", "_len"], ascending=[True] * 4 + [True, False, False])
    taken: dict[tuple, list] = {}
    losers = {}
    for index, key, field, start, end, term in zip(rank.index, zip(*(rank[k] for k in _KEY)), rank["field"],
                                                   rank["start"], rank["end"], rank["term"]):
        spans = taken.setdefault((key, field), [])
        winner = next((t for s, e, t in spans if s < end and start < e), None)
        if winner:
            losers[index] = winner
        else:
            spans.append((start, end, term))
    if losers:
        index = list(losers)
        table = table.copy()
        table.loc[index, "label"] = "rejected"
        table.loc[index, "reason"] = [f"overlaps the likelier {w}" for w in losers.values()]
    return table


def find_formulations(articles: pd.DataFrame, known="corpus/formulations.csv", include_rejected: bool = False,
                      reference: bool = True, engine: str = "pandas", thresholds: dict | None = None,
                      model: dict | None = None) -> pd.DataFrame:
    """Numbered formulations in every headline and body: one row per occurrence.

    Columns: page_id, edition, article_no, headline, field ("headline" or "body"), term,
    family, label ("formulation" or "borderline"; "rejected" too with ``include_rejected``),
    reason (the score, the former rules' word on it, or the filter or label that decided),
    number (the values it announces: "5", "1+2+3"), number_total, start (offset in the field),
    context, expansion (items spelled out next to it), expansion_count, expansion_where,
    count_matches, source ("pattern", "reference list" or "formulations.csv") and score (the
    model's probability that it is a formulation; 1 or 0 where your label decided).

    ``thresholds={"formulation": 0.7}`` asks for more certainty (fewer, surer findings);
    ``known=None`` leaves out your formulations.csv; ``reference=False`` the kit's reference list.
    ``engine="dask"`` finds the candidates on Dask workers (see :mod:`banmian.scale`); the
    scores need the whole corpus and are computed here. Each article's candidates are kept in
    ``.cache/formulations`` (:mod:`banmian.formulation_cache`): a rerun reads only new articles,
    and a rerun with nothing new (same articles, lists, model and settings) reads the whole table
    back.

    >>> a = pd.DataFrame({"page_id": ["p"], "edition": ["A"], "article_no": [1], "headline": ["h"],
    ...     "body": ["形成了‘五勤’（脑勤、眼勤、嘴勤、手勤、腿勤）工作机制"]})
    >>> find_formulations(a, known=None)[["term", "label", "expansion"]].values.tolist()
    [['五勤', 'formulation', ['脑勤', '眼勤', '嘴勤', '手勤', '腿勤']]]
    """
    if engine == "dask":
        from .scale import dask_client, split_articles

        client = dask_client()
        parts = split_articles(articles, 4 * len(client.scheduler_info()["workers"]))
        tables = client.gather(client.map(candidate_table, parts, known=known, reference=reference, workers=1,
                                          pure=False))
        return score_candidates(pd.concat(tables, ignore_index=True), known, model, thresholds, include_rejected)
    model = model or load_model()
    settings = {"model": model, "thresholds": thresholds, "include_rejected": include_rejected}
    if model:
        find, model_key = partial(_candidates_with_row_logits, model=model), model_digest(model)
    else:
        find, model_key = candidate_table, ""
    keys = article_keys(articles)
    return cached_findings(articles, known, reference, settings, lambda: score_candidates(
        cached_candidates(articles, find, known, reference, model_key=model_key, keys=keys), known, model, thresholds,
        include_rejected), keys=keys)


def uncertain_findings(found: pd.DataFrame, n: int = 20) -> pd.DataFrame:
    """The ``n`` distinct terms whose score is nearest the formulation threshold: the ones worth
    labelling in ``corpus/formulations.csv`` (label formulation or not). Needs a frame from
    ``find_formulations(..., include_rejected=True)``; one row per term with its best context."""
    model = load_model()
    threshold = (model["thresholds"] if model else THRESHOLDS)["formulation"]
    open_rows = found[~found["reason"].isin(["in formulations.csv", "labelled not in formulations.csv"])
                      & ~found["reason"].str.startswith("enumerated with the listed") & (found["score"] > 0)]
    if open_rows.empty:
        return pd.DataFrame(columns=["term", "score", "label", "occurrences", "context"])
    distance = (open_rows["score"] - threshold).abs()
    ranked = open_rows.assign(_distance=distance).sort_values(["_distance", "term"])
    counts = found.groupby("term").size()
    first = ranked.drop_duplicates("term").head(n)
    return pd.DataFrame({"term": first["term"], "score": first["score"], "label": first["label"],
                         "occurrences": first["term"].map(counts).to_numpy(),
                         "context": first["context"]}).reset_index(drop=True)
