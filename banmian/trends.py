"""Trends: terms over time, what one period says more than another, when a term first
appeared and how it spread, where its occurrences fall, and front page against the rest.

Every function reads the token table of :func:`helpers.tokenize`, whose rows carry the
article's ``date`` and ``page_no``. Articles without a date are left out of the timeline
and counted in ``attrs["undated_articles"]``; :func:`date_report` lists them with the reason.
A term is a word or any string of consecutive words (基层治理 is found where jieba cuts
it 基层 / 治理).
"""
from __future__ import annotations

import math
import re
from functools import lru_cache

import numpy as np
import pandas as pd

from .scale import is_dask
from .timeline import (FREQUENCIES, TermFinder, Timeline, check_freq, choose_freq, date_coverage, date_report,
                       full_dates, terms_list)
from .frequencies import xlogx_ratio
from .remembered import files_digest, remembered_analysis
from .coded_tokens import counted_words

__all__ = ["FREQUENCIES", "choose_freq", "date_report", "date_coverage", "distinct_dates", "term_trends",
           "period_keyness", "latest_period_keyness", "first_seen", "dispersion", "front_page_terms"]

TREND_COLUMNS = ["term", "period", "start", "count", "articles_with_term", "articles", "tokens", "per_10k",
                 "share_of_articles"]


# --------------------------------------------------------------------------- trends

def _term_trends_by_file(tokens, terms: list[str], freq: str | None) -> pd.DataFrame:
    """term_trends on a dask token table: the token files (one a date) counted on the workers, about eight a task,
    the counts added up per period, the rates computed again over the whole range."""
    from .scale import map_files

    if freq is None:
        freq = choose_freq(tokens["date"].astype(str).unique().compute().to_numpy(dtype=object))
    freq = check_freq(freq)
    parts = map_files(tokens, _trend_counts, terms, freq, files_per_task=8)  # counts add up over files
    counted = pd.concat([p for p, _ in parts], ignore_index=True)
    undated = sum(u for _, u in parts)
    if counted.empty:
        table = term_trends(tokens.head(0), terms, freq)
        table.attrs["undated_articles"] = undated
        return table
    sums = counted.groupby(["term", "period"], sort=False)[["count", "articles_with_term", "articles", "tokens"]].sum()
    periods = pd.PeriodIndex(sums.index.get_level_values("period").unique(), freq=freq)
    full = pd.period_range(periods.min(), periods.max(), freq=freq)
    per_period = sums.groupby(level="period")[["articles", "tokens"]].max().reindex(full.astype(str), fill_value=0)
    # integers whatever the parts' dtypes (a part with no rows concatenates as objects)
    articles_n, tokens_n = (per_period[c].to_numpy(dtype=np.int64) for c in ("articles", "tokens"))
    gap = articles_n == 0
    frames = []
    for term in terms:
        one = sums.xs(term, level="term").reindex(full.astype(str), fill_value=0) if term in sums.index.get_level_values(0) \
            else pd.DataFrame(0, index=full.astype(str), columns=sums.columns)
        counts, with_term = (one[c].to_numpy(dtype=np.int64) for c in ("count", "articles_with_term"))
        with np.errstate(divide="ignore", invalid="ignore"):
            frame = pd.DataFrame({
                "term": term, "period": full.astype(str), "start": full.start_time,
                "count": pd.array(counts, dtype="Int64"), "articles_with_term": pd.array(with_term, dtype="Int64"),
                "articles": articles_n, "tokens": tokens_n,
                "per_10k": np.where(gap, np.nan, counts / tokens_n * 10_000).round(3),
                "share_of_articles": np.where(gap, np.nan, with_term / articles_n).round(4)})
        frame.loc[gap, ["count", "articles_with_term"]] = pd.NA
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True)
    table.attrs.update(undated_articles=undated, freq=freq)
    return table


def _trend_counts(tokens: pd.DataFrame, terms: list[str], freq: str):
    """(counts per term and period, undated articles) of one token file."""
    if tokens.empty:
        return pd.DataFrame(columns=["term", "period", "count", "articles_with_term", "articles", "tokens"]), 0
    table = term_trends.__wrapped__(tokens, terms, freq)  # not kept: a part of the whole
    table = table[table["articles"] > 0]
    return table[["term", "period", "count", "articles_with_term", "articles", "tokens"]].fillna(0), \
        table.attrs.get("undated_articles", 0)


@remembered_analysis
def term_trends(tokens: pd.DataFrame, terms, freq: str | None = "M") -> pd.DataFrame:
    """Occurrences of each term per day, week, month, quarter or year (``freq`` "D", "W",
    "M", "Q", "Y"; None chooses from the span of the dates).

    One row per term and period, every period from the corpus's first date to its last:
    term, period, start (a Timestamp), count, articles_with_term, articles (dated articles
    in the period), tokens (all word tokens in the period), per_10k (count per 10,000
    tokens) and share_of_articles. A period without pages is a gap: its count, per_10k and
    share are missing (NA), not zero, so charts break the line there. Undated articles are
    left out (``attrs["undated_articles"]``).
    """
    terms = terms_list(terms)
    if is_dask(tokens):
        return _term_trends_by_file(tokens, terms, freq)
    line = Timeline(tokens, freq, terms)
    n = len(line.range)
    frames = []
    for term in terms:
        rows = line.occurrences(term)
        rows = rows[line.dated[rows]]
        counts = np.bincount(line.period[rows], minlength=n)
        first_rows = pd.DataFrame({"article": line.article[rows], "period": line.period[rows]}).drop_duplicates()
        with_term = np.bincount(first_rows["period"].to_numpy(), minlength=n)
        gap = line.articles_per_period == 0
        with np.errstate(divide="ignore", invalid="ignore"):
            frames.append(pd.DataFrame({
                "term": term, "period": line.range.astype(str), "start": line.range.start_time,
                "count": pd.array(np.where(gap, 0, counts), dtype="Int64"),
                "articles_with_term": pd.array(with_term, dtype="Int64"),
                "articles": line.articles_per_period, "tokens": line.tokens_per_period,
                "per_10k": np.where(gap, np.nan, counts / line.tokens_per_period * 10_000).round(3),
                "share_of_articles": np.where(gap, np.nan, with_term / line.articles_per_period).round(4)}))
        frames[-1].loc[gap, ["count", "articles_with_term"]] = pd.NA
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=TREND_COLUMNS)
    table.attrs.update(undated_articles=line.undated_articles, freq=line.freq)
    return table[TREND_COLUMNS]


# --------------------------------------------------------------------------- periods

def _period_bounds(spec) -> tuple[str, str, str]:
    """(first day, last day, label) of "2025", "2025-03", "2025-03-05", a pandas Period, or a
    (start, end) pair of those."""
    if isinstance(spec, tuple):
        start, _, first_label = _period_bounds(spec[0])
        _, end, last_label = _period_bounds(spec[1])
        return start, end, first_label if first_label == last_label else f"{first_label} to {last_label}"
    if isinstance(spec, pd.Period):
        return spec.start_time.date().isoformat(), spec.end_time.date().isoformat(), str(spec)
    text = str(spec).strip()
    for pattern, freq in ((r"\d{4}", "Y"), (r"\d{4}-\d{1,2}", "M"), (r"\d{4}-\d{1,2}-\d{1,2}", "D")):
        if re.fullmatch(pattern, text):
            period = pd.Period(text, freq=freq)
            return period.start_time.date().isoformat(), period.end_time.date().isoformat(), text
    raise ValueError(f"period {spec!r}: write 2025, 2025-03 or 2025-03-05, or a pair (start, end) of those")


@remembered_analysis
def period_keyness(tokens: pd.DataFrame, period_a, period_b=None, min_count: int = 2) -> pd.DataFrame:
    """What period a says more (and less) than period b: :func:`helpers.keyness` (G² and log
    ratio) of the tokens dated in each. A period is "2025", "2025-03", "2025-03-05" or a pair
    (start, end) such as ("2025-01", "2025-03"); period b defaults to everything dated
    before period a. ``attrs["description"]`` says what was compared."""
    from .frequencies import keyness

    if "date" not in tokens.columns:
        raise ValueError("these tokens carry no dates: tokenize the articles from helpers.load_articles")
    written = distinct_dates(tokens)  # chosen among the distinct dates: the same on a Dask token table
    dates = full_dates(pd.Series(written, dtype=object)).to_numpy(dtype=object)
    start_a, end_a, label_a = _period_bounds(period_a)
    in_a = (dates >= start_a) & (dates <= end_a)
    if period_b is None:
        in_b, label_b = dates < start_a, f"everything before {label_a}"
    else:
        start_b, end_b, label_b = _period_bounds(period_b)
        in_b = (dates >= start_b) & (dates <= end_b)
    target = {"date": [d for d, x in zip(written, in_a) if x]}
    reference = {"date": [d for d, x in zip(written, in_b) if x]}
    for label, chosen in ((label_a, target), (label_b, reference)):
        if not chosen["date"]:
            raise ValueError(f"period_keyness: no dated tokens in {label}")
    table = keyness(tokens, target, reference, min_count=min_count)
    table.attrs["description"] = f"{label_a} against {label_b}"
    return table


# --------------------------------------------------------------------------- first appearance

def _new_words(tokens: pd.DataFrame) -> list[str]:
    """Counted tokens jieba's own dictionary does not hold (two or more characters, some Han)."""
    import pyarrow.compute as pc

    words = counted_words(tokens)
    return words.filter(pc.invert(pc.is_in(words, value_set=_jieba_known()))).to_pylist()


@lru_cache(maxsize=1)
def _jieba_known():
    """The words of jieba's own dictionary, as an Arrow array."""
    import pyarrow as pa

    from .dictionary import jieba_word_list

    return pa.array(jieba_word_list(), pa.string())


@remembered_analysis
def first_seen(tokens: pd.DataFrame, terms=None, freq: str | None = "M", min_articles: int = 2) -> pd.DataFrame:
    """When each term first appeared, where, and how fast it spread.

    ``terms`` defaults to the words jieba's own dictionary does not hold (new coinages,
    names, and the numbered formulations the kit keeps whole) that occur in at least
    ``min_articles`` dated articles. One row per term: term, kind ("formulation" for a
    numbered formulation the kit found in the text, else "new word", or "term" for terms you
    named), first_date,
    first_page_id, first_page_no, first_article_no, articles (dated articles with it),
    periods (periods it occurs in), and articles_period_1 … _3: the articles with it in the
    period it appeared in and the two after (NA for a period without pages or past the
    corpus's end). Sorted by first date. On a Dask token table each file is read on the
    workers and the files' counts combined here.
    """
    from .formulation_candidates import NUMERAL_CHARS
    from .numbered_terms import classify_term

    named = terms is not None
    terms = terms_list(terms) if named else None
    dates = distinct_dates(tokens)
    freq = check_freq(freq or choose_freq(dates))
    if is_dask(tokens):
        from .scale import map_files

        parts = map_files(tokens, _first_hits, terms, freq)
    else:
        parts = [_first_hits(tokens, terms, freq)]
    spread = pd.concat([p[0] for p in parts]).groupby(level=[0, 1]).sum()
    hits = pd.concat([p[1].assign(_part=k) for k, p in enumerate(parts)])
    columns = ["term", "kind", "first_date", "first_page_id", "first_page_no", "first_article_no", "articles",
               "periods", "articles_period_1", "articles_period_2", "articles_period_3"]
    counts = spread.groupby(level=0).sum()
    counts = counts[counts >= (1 if named else min_articles)]
    first = hits[hits["term"].isin(counts.index)].sort_values(["term", "date", "_part", "row"]).drop_duplicates("term")
    first = first.set_index("term")
    table = pd.DataFrame({"term": first.index, "first_date": first["date"].to_numpy()})
    for column in ("page_id", "page_no", "article_no"):
        table[f"first_{column}"] = first[column].to_numpy()
    table["articles"] = counts.reindex(first.index).to_numpy()
    table["periods"] = spread.groupby(level=0).size().reindex(first.index).to_numpy()
    full, with_pages = _periods_with_pages(dates, freq)
    full_labels = full.astype(str).to_numpy(dtype=object)
    position = pd.Index(full_labels).get_indexer(first["period"].to_numpy(dtype=object))  # labels, not parsed
    for k in range(3):
        period = position + k
        inside = period < len(full)
        has_pages = np.zeros(len(period), dtype=bool)
        has_pages[inside] = with_pages[period[inside]]
        labels = np.where(inside, full_labels[np.minimum(period, len(full) - 1)], "")
        got = spread.reindex(pd.MultiIndex.from_arrays([first.index, labels])).fillna(0).to_numpy().astype(int)
        table[f"articles_period_{k + 1}"] = pd.array(np.where(has_pages, got, 0), dtype="Int64")
        table.loc[~has_pages, f"articles_period_{k + 1}"] = pd.NA
    if named:
        table.insert(1, "kind", "term")
    else:
        # a formulation the kit kept whole (tagged nz when found quoted or spelled out), or one by shape alone
        kinds = [classify_term(term, bool(nz), False) if term[:1] in NUMERAL_CHARS else None  # none else can be
                 for term, nz in zip(table["term"], first["nz"])]
        table.insert(1, "kind", ["formulation" if c and c[1] == "formulation" else "new word" for c in kinds])
    table = table[columns].sort_values(["first_date", "articles", "term"], ascending=[True, False, True],
                                       ignore_index=True)
    table.attrs.update(undated_articles=sum(p[2] for p in parts), freq=freq)
    return table


def _first_hits(tokens: pd.DataFrame, terms, freq: str):
    """Of one token table (the corpus, or one file of it): dated articles with each term per
    (term, period); each term's first dated occurrence (date, period, row, page_id, page_no,
    article_no, nz: tagged as a kept formulation); and the undated articles."""
    if terms is not None:
        line = Timeline(tokens, freq, terms)
        found = [(term, line.occurrences(term)) for term in terms]
        rows = np.concatenate([r for _, r in found]) if found else np.array([], dtype=int)
        names = np.concatenate([np.full(len(r), t, dtype=object) for t, r in found]) if found else np.array([])
    else:
        line = Timeline(tokens, freq, _new_words(tokens), whole_tokens_only=True)
        rows = np.flatnonzero(line.codes >= 0)
        names = line.pieces[line.codes[rows]]
    keep = line.dated[rows]
    rows, names = rows[keep], names[keep]
    hits = pd.DataFrame({"term": pd.Series(names, dtype=object), "row": rows, "article": line.article[rows],
                         "period": line.range.astype(str).to_numpy(dtype=object)[line.period[rows]],
                         "date": line.dates_of(rows)})
    per_article = hits.sort_values(["term", "date", "row"]).drop_duplicates(["term", "article"])
    spread = per_article.groupby(["term", "period"]).size()
    first = per_article.drop_duplicates("term")
    first_rows = first["row"].to_numpy()
    first = first.drop(columns="article").assign(
        **{c: (tokens[c].iloc[first_rows].to_numpy() if c in tokens.columns else "") for c in ("page_id", "page_no")},
        article_no=tokens["article_no"].iloc[first_rows].to_numpy(),
        nz=(tokens["pos"].iloc[first_rows].astype(str).to_numpy(dtype=object) == "nz") if "pos" in tokens.columns
        else False)
    return spread, first, line.undated_articles


def distinct_dates(tokens) -> list[str]:
    """The distinct dates of a token table (pandas or Dask), as written (empty ones left out)."""
    if is_dask(tokens):
        from .scale import map_files

        key = files_digest(tokens)  # the token files' names, when this frame reads them unchanged
        found = _DATES_OF_FILES.get(key) if key else None
        if found is None:
            found = set().union(*map_files(tokens, _file_dates, files_per_task=8))
            if key:
                _DATES_OF_FILES[key] = found
    else:
        found = _file_dates(tokens)
    return sorted(found)


_DATES_OF_FILES: dict[str, set] = {}  # token files (by their names) → their dates: read once per session


def _file_dates(tokens: pd.DataFrame) -> set[str]:
    if "date" not in tokens.columns:
        return set()
    return {str(d) for d in tokens["date"].dropna().unique() if d}  # unique first: a category's codes, not its rows


def _periods_with_pages(dates: list[str], freq: str):
    """Every period from the first date to the last, and which of them have dated articles."""
    days = pd.to_datetime(full_dates(pd.Series(dates, dtype=object)).replace("", None), errors="coerce").dropna()
    if days.empty:
        return pd.PeriodIndex([], freq=freq), np.zeros(0, dtype=bool)
    periods = pd.PeriodIndex(days.dt.to_period(freq))
    full = pd.period_range(periods.min(), periods.max(), freq=freq)
    return full, full.isin(periods)


def latest_period_keyness(tokens: pd.DataFrame, freq: str | None = None, previous: int = 3,
                          min_count: int = 2) -> pd.DataFrame | None:
    """:func:`period_keyness` of the latest period with pages against the ``previous``
    periods with pages before it (the span from the first to the last of them); None when
    the corpus has fewer than two periods with pages."""
    dates = distinct_dates(tokens)
    freq = check_freq(freq or choose_freq(dates))  # chosen here, so that None and its choice share a kept result
    return _latest_period_keyness(tokens, freq, previous, min_count)


@remembered_analysis
def _latest_period_keyness(tokens: pd.DataFrame, freq: str, previous: int, min_count: int):
    full, has_pages = _periods_with_pages(distinct_dates(tokens), freq)
    with_pages = list(full[has_pages])
    if len(with_pages) < 2:
        return None
    earlier = with_pages[-previous - 1:-1]
    return period_keyness(tokens, with_pages[-1], (earlier[0], earlier[-1]), min_count=min_count)


# --------------------------------------------------------------------------- dispersion

@remembered_analysis
def dispersion(tokens: pd.DataFrame, terms) -> pd.DataFrame:
    """Every dated occurrence of each term on the corpus timeline (AntConc's "Plot"): one row
    per occurrence with term, date, page_id, edition, article_no, page_no, position. On a Dask
    token table each file is searched on the workers."""
    terms = terms_list(terms)
    columns = ["term", "date", "page_id", "edition", "article_no", "page_no", "position"]
    if is_dask(tokens):
        from .scale import map_files

        parts = [p for p in map_files(tokens, _occurrences, terms) if len(p)]
        table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    else:
        table = _occurrences(tokens, terms)
    order = {term: i for i, term in enumerate(terms)}
    table = table.sort_values(["term", "date", "page_id", "article_no", "position"], key=lambda s: s.map(order)
                              if s.name == "term" else s, ignore_index=True)
    dated = pd.to_datetime(full_dates(pd.Series(distinct_dates(tokens), dtype=object)), errors="coerce").dropna()
    table.attrs.update(first_date=dated.min() if len(dated) else None, last_date=dated.max() if len(dated) else None,
                       terms=terms)
    return table


def _occurrences(tokens: pd.DataFrame, terms: list[str]) -> pd.DataFrame:
    """The rows of :func:`dispersion` of one token table, unsorted."""
    line = Timeline(tokens, "D", terms)
    columns = ["term", "date", "page_id", "edition", "article_no", "page_no", "position"]
    frames = []
    for term in terms:
        hits = line.occurrences(term)
        picked = tokens.iloc[hits[line.dated[hits]]]
        frames.append(pd.DataFrame({"term": term, "date": pd.to_datetime(full_dates(picked["date"])).to_numpy(),
                                    **{c: picked[c].to_numpy() if c in picked else "" for c in columns[2:]}}))
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


# --------------------------------------------------------------------------- front page

@remembered_analysis
def front_page_terms(tokens: pd.DataFrame, terms) -> pd.DataFrame:
    """Each term on the front page (page_no 1) against the inner pages: count, tokens and
    per_10k on each, log_ratio (front against inner; zero counts taken as 0.5) and G².
    Tokens of articles without a page number are left out (``attrs["without_page_no"]``).
    An empty table (with its columns) when the corpus lacks either kind of page. On a Dask
    token table each file is counted on the workers."""
    terms = terms_list(terms)
    columns = ["term", "front_count", "front_per_10k", "inner_count", "inner_per_10k", "log_ratio",
               "log_likelihood", "front_tokens", "inner_tokens"]
    if is_dask(tokens):
        from .scale import added_up

        counts = added_up(tokens, _front_counts, terms)
    else:
        counts = _front_counts(tokens, terms)
    (c, d, without), per_term = counts[:3], counts[3:].reshape(-1, 2)
    table_attrs = {"without_page_no": int(without)}
    if not c or not d:
        table = pd.DataFrame(columns=columns)
        table.attrs.update(table_attrs, note="the corpus has no front page or no inner page with a page number")
        return table
    rows = []
    for term, (a, b) in zip(terms, per_term.tolist()):
        e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
        rows.append({"term": term, "front_count": a, "front_per_10k": round(a / c * 10_000, 3), "inner_count": b,
                     "inner_per_10k": round(b / d * 10_000, 3),
                     "log_ratio": round(math.log2(((a or 0.5) / c) / ((b or 0.5) / d)), 3),
                     "log_likelihood": round(2 * (xlogx_ratio(a, e1) + xlogx_ratio(b, e2)), 3),
                     "front_tokens": int(c), "inner_tokens": int(d)})
    table = pd.DataFrame(rows, columns=columns)
    table.attrs.update(table_attrs)
    return table


def _front_counts(tokens: pd.DataFrame, terms: list[str]) -> np.ndarray:
    """[front tokens, inner tokens, tokens without a page number, then each term's front and inner
    count] of one token table: integers that add up over files."""
    pages = tokens["page_no"].fillna("").astype(str).str.strip() if "page_no" in tokens.columns \
        else pd.Series("", index=tokens.index)
    front, inner = (pages == "1").to_numpy(), ((pages != "1") & (pages != "")).to_numpy()
    counts = [int(front.sum()), int(inner.sum()), int((pages == "").sum())]
    finder = TermFinder(tokens, terms) if len(tokens) else None
    for term in terms:
        hits = finder.occurrences(term) if finder else np.array([], dtype=int)
        counts += [int(front[hits].sum()), int(inner[hits].sum())]
    return np.array(counts, dtype=np.int64)
