"""Slogans: numbered formulations (数字式提法: “五多” “三前” “三会一课” “一城两区三门户” …)
with the items that spell them out, parallel 以X促Y formulas and quoted catchphrases.

The former hand rules (:func:`rule_formulations`; the rules themselves are in
:mod:`banmian.numbered_terms`, and each finding says which one decided it, in ``reason``):

1. Candidates: a quoted term that begins with a number (or 双); a run of several number +
   character units (三严三实); numeral + measure word + a two-character word (两个维护); every
   term of the reference list (``reference_formulations.csv``: 153 formulations, each with the
   document that spells it out) and of ``corpus/formulations.csv``, quoted or not.
2. Word boundaries come from jieba's dictionary reading of the sentence (no HMM guesses). An
   unquoted run that a word of its sentence crosses is no term (清一色两层 → 一色两层); each of its
   numerals must begin a word (三下五除二就); a known term may sit inside a word that holds it
   whole (三农 in 三农问题) but not across one (三通 in 三通道).
3. Evidence against: counts of people, things, money or time (一家六口, 两个苹果, 一天两练, 一职两年),
   reduplication (一张一张), ordinals and dates (二是, 十九届二中, 七一), idioms (jieba's tags i and
   l), a numeral that belongs to another word (十分, 四川), 百/千/万 alone ('many'), a one-per
   description (一人一桌) that is neither quoted, listed, enumerated with another nor the object
   of a policy verb (实行一户一策).
4. Evidence for: quotation marks; the reference list; several number units; a measure word
   followed by a verb or adjective (两个维护, 八个统一: verbs are not counted) or a policy noun
   (三项机制); 双 standing alone before a word (双报到, not 双向); items spelled out right after
   it, or before it sharing its head word (问题清单、任务清单、责任清单三张清单), as many as it
   announces.
5. Borderline (kept, counted neither way): quoted ordinary words (“一线”, “两难”), quoted
   idioms, counts in Arabic digits (5个阶段25个步骤), zero targets (“零故障”).
6. Expansions: items in parentheses or after a dash or colon right after the term; an
   enumeration right before a dash that leads to the term; or an enumeration earlier in the
   same clause (or the clause before) whose item count equals the announced number.

Precision and recall on the held-out set: :func:`evaluate_formulations` (``make evaluate``).
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .dictionary import jieba_version
from .formulation_lists import known_formulations
from .numbered_terms import HAN_RANGE, QUOTED_SHORT, find_in_text
from .keyed_rows import row_keys, rows_for_keys
from .paths import CACHE_DIR, code_digest
from .remembered import remembered, remembered_analysis

__all__ = ["FORMULATION_COLUMNS", "rule_formulations", "formulation_summary", "formulation_table", "expansion_table",
           "formulations_over_corpus", "parallel_slogans", "quoted_phrases"]

FORMULATION_COLUMNS = ["page_id", "edition", "article_no", "headline", "field", "term", "family", "label", "reason",
                       "number", "number_total", "start", "context", "expansion", "expansion_count",
                       "expansion_where", "count_matches", "source"]


def rule_formulations(articles: pd.DataFrame, known="corpus/formulations.csv",
                      include_rejected: bool = False, reference: bool = True, engine: str = "pandas") -> pd.DataFrame:
    """The former hand rules alone (written from sentences written for the project), kept to
    compare with the learned :func:`banmian.formulations.find_formulations` and as its features.
    One row per occurrence.

    Columns: page_id, edition, article_no, headline, field ("headline" or "body"), term,
    family, label ("formulation"
    or "borderline"; "rejected" too with ``include_rejected``), reason, number (the
    values it announces: "5", "1+2+3", "3+1"), number_total, start (character offset in
    the field), context, expansion (list of items), expansion_count, expansion_where,
    count_matches (does the number of items equal number_total? None without
    expansion, or when the numbers are magnitudes above 20 as in 千万工程), source ("pattern",
    "reference list" or "formulations.csv"). ``known=None`` leaves out your formulations.csv;
    ``reference=False`` leaves out the kit's reference list (to measure the rules alone).
    ``engine="dask"`` spreads the articles over Dask workers (see :mod:`banmian.scale`). See the module docstring for the rules.

    >>> a = pd.DataFrame({"page_id": ["p"], "edition": ["A"], "article_no": [1], "headline": ["h"],
    ...     "body": ["形成了‘五勤’（脑勤、眼勤、嘴勤、手勤、腿勤）工作机制"]})
    >>> rule_formulations(a, known=None)[["term", "number", "expansion"]].values.tolist()
    [['五勤', '5', ['脑勤', '眼勤', '嘴勤', '手勤', '腿勤']]]
    """
    if engine == "dask":
        from .scale import dask_client, split_articles

        client = dask_client()
        parts = split_articles(articles, 4 * len(client.scheduler_info()["workers"]))
        futures = client.map(rule_formulations, parts, known=known, include_rejected=include_rejected,
                             reference=reference, pure=False)
        results = client.gather(futures)
        found = pd.concat([r for r in results if len(r)] or results[:1], ignore_index=True)
        order = found["field"].map({"headline": 0, "body": 1})
        return found.assign(_order=order).sort_values(["page_id", "edition", "article_no", "_order", "start"]) \
            .drop(columns="_order").reset_index(drop=True)
    known_table = known_formulations(known, reference)
    known_map = {t: (e, origin) for t, e, origin in zip(known_table["term"], known_table["expansion"],
                                                        known_table["origin"])}
    rows = []
    for art in articles.itertuples(index=False):
        headline = getattr(art, "headline", "")
        for field, text in (("headline", headline), ("body", art.body)):
            for row in find_in_text(text, known_map, include_rejected):
                rows.append({"page_id": art.page_id, "edition": art.edition, "article_no": art.article_no,
                             "headline": headline, "field": field, **row})
    found = pd.DataFrame(rows, columns=FORMULATION_COLUMNS)
    order = found["field"].map({"headline": 0, "body": 1})
    return found.assign(_order=order).sort_values(["page_id", "edition", "article_no", "_order", "start"]) \
        .drop(columns="_order").reset_index(drop=True)


def formulation_summary(found: pd.DataFrame) -> pd.DataFrame:
    """One row per term: family, label, number, occurrences, articles, pages, editions,
    dates (if the frame has them), and the first expansion the corpus gives with its count check."""
    columns = ["term", "family", "label", "number", "occurrences", "articles", "pages", "editions",
               "expansion", "expansion_count", "count_matches"]
    if found.empty:
        return pd.DataFrame(columns=columns)
    groups = found.groupby("term", sort=False)
    table = found.drop_duplicates("term")[["term", "family", "label", "number"]].set_index("term")
    table["occurrences"] = groups.size()
    table["articles"] = found.drop_duplicates(["term", "page_id", "edition", "article_no"]).groupby("term").size()
    table["pages"] = groups["page_id"].nunique()
    table["editions"] = groups["edition"].agg(lambda editions: sorted(editions.unique()))
    spelled = found[found["expansion_count"] > 0].drop_duplicates("term").set_index("term")
    table["expansion"] = spelled["expansion"].reindex(table.index)
    table["expansion"] = [e if isinstance(e, list) else [] for e in table["expansion"]]
    table["expansion_count"] = spelled["expansion_count"].reindex(table.index).fillna(0).astype(
        found["expansion_count"].dtype)
    table["count_matches"] = spelled["count_matches"].reindex(table.index).astype(object)
    table["count_matches"] = table["count_matches"].where(table["count_matches"].notna(), None)
    return table.reset_index()[columns].sort_values(["label", "occurrences", "term"], ascending=[False, False, True],
                                                   ignore_index=True)


def formulation_table(found: pd.DataFrame, max_articles: int = 12) -> pd.DataFrame:
    """How often each formulation appears in each article (headline included), one column per
    edition and article, when at most ``max_articles`` articles have findings; on a larger corpus,
    where that table would grow a column per article, the number of articles per edition that
    use each term (columns: editions), most used first."""
    articles = found.drop_duplicates(["edition", "article_no", "page_id"])
    if len(articles) <= max_articles:
        return found.assign(article=found["article_no"].astype(str) + " " + found["headline"].str[:10]).pivot_table(
            index="term", columns=["edition", "article"], values="start", aggfunc="count", fill_value=0)
    table = found.drop_duplicates(["term", "page_id", "edition", "article_no"]).pivot_table(
        index="term", columns="edition", values="article_no", aggfunc="size", fill_value=0)
    return table.loc[table.sum(axis=1).sort_values(ascending=False, kind="stable").index]


@remembered_analysis
def formulations_over_corpus(found: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """One row per formulation across the corpus: first_date and last_date seen, articles,
    pages and dates it occurs in, articles_expanded (where the page spells it out) and
    articles_named_only, and expansions: each distinct expansion with how often it appears
    ("会前、会中、会后 ×3; 会前、会后 ×1"). Only label "formulation"; undated articles count
    everywhere except in the dates."""
    columns = ["term", "first_date", "last_date", "articles", "pages", "dates", "articles_expanded",
               "articles_named_only", "expansions"]
    kept = found[found["label"] == "formulation"]
    if kept.empty:
        return pd.DataFrame(columns=columns)
    meta = articles[["page_id", "edition", "article_no", "date"]].drop_duplicates(["page_id", "edition", "article_no"])
    kept = kept.merge(meta, on=["page_id", "edition", "article_no"], how="left")
    kept["date"] = kept["date"].fillna("")
    kept["article"] = kept["page_id"].astype(str) + "\x00" + kept["edition"].astype(str) + "\x00" \
        + kept["article_no"].astype(str)
    spelled = kept[(kept["expansion_count"] > 0) & ~kept["expansion_where"].str.startswith("from the")]
    by_term = kept.groupby("term", sort=False)
    table = pd.DataFrame({"articles": by_term["article"].nunique(), "pages": by_term["page_id"].nunique()})
    dated = kept[kept["date"] != ""].groupby("term", sort=False)["date"]
    table["first_date"], table["last_date"] = dated.min(), dated.max()
    table["dates"] = dated.nunique()
    table["articles_expanded"] = spelled.groupby("term", sort=False)["article"].nunique()
    table = table.fillna({"first_date": "", "last_date": "", "dates": 0, "articles_expanded": 0})
    table = table.astype({"dates": int, "articles_expanded": int})
    table["articles_named_only"] = table["articles"] - table["articles_expanded"]
    # each term's expansions, the commonest first (ties: the first seen first), as "会前、会中、会后 ×3; …"
    variants = spelled.assign(variant=spelled["expansion"].map("、".join)).groupby(["term", "variant"], sort=False).size()
    variants = variants.reset_index(name="times").sort_values(["term", "times"], ascending=[True, False], kind="stable")
    listed = (variants["variant"] + " ×" + variants["times"].astype(str)).groupby(variants["term"]).agg("; ".join)
    table["expansions"] = listed.reindex(table.index).fillna("")
    return table.rename_axis("term").reset_index()[columns].sort_values(["articles", "term"], ascending=[False, True],
                                                                        ignore_index=True)


def expansion_table(found: pd.DataFrame) -> pd.DataFrame:
    """The spelled-out formulations with their items side by side (item 1, item 2 …):
    one row per edition, term and kind of expansion, with number and count check."""
    spelled = found[found["expansion_count"] > 0].drop_duplicates(["edition", "term", "expansion_where"])
    width = int(spelled["expansion_count"].max()) if len(spelled) else 0
    rows = []
    for row in spelled.itertuples(index=False):
        items = list(row.expansion) + [""] * (width - len(row.expansion))
        rows.append({"edition": row.edition, "term": row.term, "where": row.expansion_where,
                     **{f"item {i + 1}": item for i, item in enumerate(items)},
                     "number": row.number, "matches": row.count_matches})
    items = [f"item {i + 1}" for i in range(width)]
    return pd.DataFrame(rows, columns=["edition", "term", "where", *items, "number", "matches"])


_YI_PART = rf"以[{HAN_RANGE}]{{1,5}}?(?:促|为|带|强|保|助|聚|凝|激|撬|动|传|治|推|化)[{HAN_RANGE}]{{1,4}}"
_PARALLEL = re.compile(rf"(?:{_YI_PART})(?:[、，, ]+(?:{_YI_PART})){{1,5}}")


def parallel_slogans(articles: pd.DataFrame) -> pd.DataFrame:
    """Parallel 以X促Y formulas (以赛促学、以学促干; 以案为鉴 以案促改; 以贴心服务凝聚民心，
    以有效自治激发内力 …): one row per occurrence with its parts. ``pattern`` is
    "以X促Y" when every part has 促, else "以X…Y".

    >>> a = pd.DataFrame({"page_id": ["p"], "edition": ["A"], "article_no": [1], "headline": ["h"],
    ...                   "body": ["激励其“以赛促学，以学促干”，6月18日"]})
    >>> parallel_slogans(a)[["slogan", "pattern"]].values.tolist()
    [['以赛促学，以学促干', '以X促Y']]
    """
    rows = []
    for art in articles.itertuples(index=False):
        for m in _PARALLEL.finditer(art.body):
            parts = [p for p in re.split(r"[、，, ]+", m.group()) if p]
            rows.append({"page_id": art.page_id, "edition": art.edition, "article_no": art.article_no,
                         "headline": getattr(art, "headline", ""), "slogan": m.group(), "parts": parts,
                         "n_parts": len(parts), "pattern": "以X促Y" if all("促" in p for p in parts) else "以X…Y",
                         "start": m.start(),
                         "context": art.body[max(0, m.start() - 15):m.end() + 15].replace("\n", " ")})
    return pd.DataFrame(rows, columns=["page_id", "edition", "article_no", "headline", "slogan", "parts",
                                       "n_parts", "pattern", "start", "context"])


def quoted_phrases(articles: pd.DataFrame, max_chars: int = 10, cache_dir=None) -> pd.DataFrame:
    """Short quoted phrases (“小刘热线”, “双向奔赴”, “小板凳”) with their count per article:
    columns page_id, edition, article_no, headline, phrase, count, is_formulation.
    Quotations of speech (with sentence punctuation) are left out. A rerun on the same articles
    reads the table back from ``.cache/results``; after new pages, only their articles are read
    (each article's phrases are kept in ``.cache/phrases``)."""
    settings = {"max_chars": max_chars, "jieba": jieba_version()}  # is_formulation reads jieba's dictionary
    return remembered("quoted_phrases", articles, settings, PHRASES_CODE,
                      lambda: _quoted_phrases(articles, max_chars, cache_dir), cache_dir=cache_dir)


PHRASES_CODE = ("slogans.py", "numbered_terms.py", "expansions.py", "dictionary.py", "remembered.py", "keyed_rows.py")
_PHRASE_ROW = ["page_id", "edition", "article_no", "headline", "phrase", "count"]


def _quoted_phrases(articles: pd.DataFrame, max_chars: int, cache_dir=None) -> pd.DataFrame:
    """The phrase rows of every article, and the formulations each names (rows of kind
    "formulation": is_formulation looks across the corpus), read back per article from the
    store where it holds them."""
    ids = articles[["page_id", "edition", "article_no"]].astype(str)
    if ids.duplicated().any() or articles.empty:  # no key to file an article's rows under
        table = _article_phrases(articles, max_chars)
    else:
        keys = row_keys(articles, ["page_id", "edition", "article_no", "headline", "body"])

        def find(positions: list[int]) -> pd.DataFrame:
            return _article_phrases(articles.iloc[positions], max_chars, [keys[i] for i in positions])

        store = Path(cache_dir or CACHE_DIR) / "phrases" / \
            f"{code_digest(*PHRASES_CODE)}-{max_chars}-{jieba_version()}.arrow"
        table, _ = rows_for_keys(store, keys, find, keep_others=True)
    formulations = set(table.loc[table["kind"] == "formulation", "phrase"])
    table = table[table["kind"] == "phrase"].drop(columns="kind").reset_index(drop=True)
    table["count"] = table["count"].astype("int64")
    table["is_formulation"] = table["phrase"].isin(formulations)
    return table


def _article_phrases(articles: pd.DataFrame, max_chars: int, keys: list[str] | None = None) -> pd.DataFrame:
    rows = []
    for number, art in enumerate(articles.itertuples(index=False)):
        key = {"_key": keys[number]} if keys is not None else {}
        counts: dict[str, int] = {}
        for m in QUOTED_SHORT.finditer(art.body):
            phrase = m.group(1)
            if len(phrase) <= max_chars and not re.search(r"[，。！？；：,.!?;:]", phrase):
                counts[phrase] = counts.get(phrase, 0) + 1
        ids = {"page_id": art.page_id, "edition": art.edition, "article_no": art.article_no,
               "headline": getattr(art, "headline", "")}
        for phrase, count in counts.items():
            rows.append({**ids, "phrase": phrase, "count": count, "kind": "phrase", **key})
        named = {r["term"] for r in find_in_text(art.body, {}, False) if r["label"] == "formulation"}
        rows.extend({**ids, "phrase": term, "count": 0, "kind": "formulation", **key} for term in sorted(named))
    return pd.DataFrame(rows, columns=_PHRASE_ROW + ["kind"] + (["_key"] if keys is not None else []))
