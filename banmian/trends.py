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

import numpy as np
import pandas as pd

from .sources import dateline_day
from .scale import is_dask
from .frequencies import xlogx_ratio
from .remembered import remembered_analysis

__all__ = ["FREQUENCIES", "choose_freq", "date_report", "date_coverage", "term_trends",
           "period_keyness", "latest_period_keyness", "first_seen", "dispersion", "front_page_terms"]

# freq argument → pandas period alias and what the notebooks call it
FREQUENCIES = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year"}
TREND_COLUMNS = ["term", "period", "start", "count", "articles_with_term", "articles", "tokens", "per_10k",
                 "share_of_articles"]


# --------------------------------------------------------------------------- dates

def _full_dates(dates: pd.Series) -> pd.Series:
    """ISO day strings: a month-only date (2025-06, as pages.csv may give) counts as its first day."""
    dates = dates.fillna("").astype(str)
    return dates.where(dates.str.len() != 7, dates + "-01")


def choose_freq(dates) -> str:
    """A period length that gives a readable timeline for these dates: days for up to a
    month, weeks up to half a year, months up to five years, else years."""
    days = pd.to_datetime(_full_dates(pd.Series(list(dates))).replace("", None), errors="coerce").dropna()
    span = (days.max() - days.min()).days if len(days) else 0
    return "D" if span <= 31 else "W" if span <= 183 else "M" if span <= 5 * 366 else "Y"


def _check_freq(freq: str) -> str:
    freq = {"A": "Y"}.get(str(freq).upper(), str(freq).upper())
    if freq not in FREQUENCIES:
        raise ValueError(f"freq {freq!r}: use one of {', '.join(FREQUENCIES)} ({', '.join(FREQUENCIES.values())})")
    return freq


def date_report(articles: pd.DataFrame) -> pd.DataFrame:
    """The articles without a date, and why: columns path, page_id, edition, article_no,
    headline, problem. An empty table means every article is dated."""
    undated = articles[articles["date"].fillna("") == ""]
    rows = []
    for art in undated.itertuples(index=False):
        day = dateline_day(art.byline, art.body)
        problem = (f"its dateline gives {day.group(0)[:-1]} but no year: none in the file's path or the text"
                   if day else "no date in pages.csv, the file name, its folders, a table column or a dateline")
        rows.append({"path": art.path, "page_id": art.page_id, "edition": art.edition,
                     "article_no": art.article_no, "headline": art.headline, "problem": problem})
    return pd.DataFrame(rows, columns=["path", "page_id", "edition", "article_no", "headline", "problem"])


def date_coverage(articles: pd.DataFrame, freq: str | None = None) -> pd.DataFrame:
    """What the timeline holds: per period (every period from the first date to the last,
    empty ones included), the number of pages and articles, and where their dates came from.
    Columns: period, start, pages, articles, date_sources. ``attrs["undated_articles"]``."""
    dated = articles[articles["date"].fillna("") != ""]
    freq = _check_freq(freq or choose_freq(dated["date"]))
    columns = ["period", "start", "pages", "articles", "date_sources"]
    if dated.empty:
        table = pd.DataFrame(columns=columns)
    else:
        periods = pd.to_datetime(_full_dates(dated["date"])).dt.to_period(freq)
        grouped = dated.assign(_period=periods.to_numpy()).groupby("_period")
        full = pd.period_range(periods.min(), periods.max(), freq=freq)
        table = pd.DataFrame({
            "period": full.astype(str), "start": full.start_time,
            "pages": grouped[["page_id", "edition"]].value_counts().groupby(level=0).size().reindex(full, fill_value=0)
            .to_numpy(),  # printed pages: the articles of a crawl's one-article files share their page's id
            "articles": grouped.size().reindex(full, fill_value=0).to_numpy(),
            "date_sources": grouped["date_source"].agg(lambda s: "; ".join(sorted(set(s)))).reindex(full, fill_value="")
            .to_numpy()})
    table.attrs.update(undated_articles=int(len(articles) - len(dated)), freq=freq)
    return table


# --------------------------------------------------------------------------- finding terms

class _TermFinder:
    """The token table indexed for a set of terms, so that they are found in a few vectorised
    passes however large the table: each token is looked up once among the terms' pieces
    (every substring of a term), with Arrow's hash lookup."""

    def __init__(self, tokens: pd.DataFrame, terms, whole_tokens_only: bool = False):
        import pyarrow as pa
        import pyarrow.compute as pc

        terms = list(terms)
        pieces = set(terms) if whole_tokens_only else \
            {t[i:j] for t in terms for i in range(len(t)) for j in range(i + 1, len(t) + 1)}
        self.pieces = np.array(sorted(pieces), dtype=object)
        self.code_of = {piece: i for i, piece in enumerate(self.pieces)}
        found = pc.index_in(pa.array(tokens["token"].astype(str)), value_set=pa.array(list(self.pieces), pa.string()))
        self.codes = found.fill_null(-1).to_numpy() if len(tokens) else np.array([], dtype=int)
        self.positions = tokens["position"].to_numpy()
        number = tokens["article_no"].to_numpy()
        self.starts = ((tokens["page_id"] != tokens["page_id"].shift()) | (tokens["edition"] != tokens["edition"].shift())
                       ).to_numpy() | (number != np.roll(number, 1))
        if len(self.starts):
            self.starts[0] = True
        self.article = np.cumsum(self.starts) - 1

    def occurrences(self, term: str) -> np.ndarray:
        """Rows where ``term`` starts: a token equal to it, or consecutive tokens that spell it."""
        found = [np.flatnonzero(self.codes == self.code_of[term])] if term in self.code_of else []
        prefixes = [self.code_of[term[:k]] for k in range(1, len(term)) if term[:k] in self.code_of]
        alive = np.flatnonzero(np.isin(self.codes, prefixes)) if prefixes else np.array([], dtype=int)
        spelled = self.pieces[self.codes[alive]]
        last = len(self.codes) - 1
        for step in range(1, len(term)):
            if not len(alive):
                break
            nxt = np.minimum(alive + step, last)
            joined = (alive + step <= last) & (self.codes[nxt] >= 0) \
                & (self.positions[nxt] == self.positions[alive] + step) & (self.article[nxt] == self.article[alive])
            spelled = spelled + np.where(joined, self.pieces[np.maximum(self.codes[nxt], 0)], "\x00")
            done = joined & (spelled == term)
            found.append(alive[done])
            keep = joined & ~done & np.fromiter((term.startswith(w) for w in spelled), bool, len(spelled))
            alive, spelled = alive[keep], spelled[keep]
        return np.sort(np.concatenate(found)) if found else np.array([], dtype=int)


class _Timeline(_TermFinder):
    """... and placed on a timeline of periods (every period from the first date to the last),
    dated article by article."""

    def __init__(self, tokens: pd.DataFrame, freq: str | None, terms=(), whole_tokens_only: bool = False):
        if "date" not in tokens.columns:
            raise ValueError("these tokens carry no dates: make them with helpers.tokenize(articles) from "
                             "helpers.load_articles, whose articles have a date column")
        super().__init__(tokens, terms, whole_tokens_only)
        first_rows = np.flatnonzero(self.starts)
        article_dates = _full_dates(tokens["date"].iloc[first_rows]).to_numpy(dtype=object)
        days = pd.to_datetime(pd.Series(article_dates, dtype=object).replace("", None), errors="coerce")
        self.freq = _check_freq(freq or choose_freq(article_dates))
        periods = pd.PeriodIndex(days.dt.to_period(self.freq))
        self.range = pd.period_range(periods.min(), periods.max(), freq=self.freq) if days.notna().any() \
            else pd.PeriodIndex([], freq=self.freq)
        article_period = self.range.get_indexer(periods) if len(self.range) else np.full(len(first_rows), -1)
        self.article_dates = np.where(days.notna(), article_dates, "")
        self.period = article_period[self.article] if len(self.article) else np.array([], dtype=int)
        self.dated = self.period >= 0
        self.undated_articles = int((article_period < 0).sum())
        sizes = np.diff(np.append(first_rows, len(self.starts)))
        dated_articles = article_period >= 0
        self.tokens_per_period = np.bincount(article_period[dated_articles], weights=sizes[dated_articles],
                                             minlength=len(self.range)).astype(int)
        self.articles_per_period = np.bincount(article_period[dated_articles], minlength=len(self.range))

    def dates_of(self, rows: np.ndarray) -> np.ndarray:
        return self.article_dates[self.article[rows]]


def _terms_list(terms) -> list[str]:
    terms = [terms] if isinstance(terms, str) else list(terms)
    cleaned = [str(t).strip("“”\"'‘’「」 ") for t in terms]
    if not cleaned or any(not t for t in cleaned):
        raise ValueError("give one or more non-empty terms, e.g. term_trends(tokens, [\"基层治理\", \"五多\"])")
    return list(dict.fromkeys(cleaned))


# --------------------------------------------------------------------------- trends

def _term_trends_by_file(tokens, terms: list[str], freq: str | None) -> pd.DataFrame:
    """term_trends on a dask token table: the token files (one a date) counted on the workers, about eight a task,
    the counts added up per period, the rates computed again over the whole range."""
    from .scale import map_files

    if freq is None:
        freq = choose_freq(tokens["date"].astype(str).unique().compute().to_numpy(dtype=object))
    freq = _check_freq(freq)
    # counts add up over files, so a task takes about eight of them: its fixed cost is paid once
    tokens = tokens.repartition(npartitions=-(-tokens.npartitions // 8))
    parts = map_files(tokens, _trend_counts, terms, freq)
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
    terms = _terms_list(terms)
    if is_dask(tokens):
        return _term_trends_by_file(tokens, terms, freq)
    line = _Timeline(tokens, freq, terms)
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
    dates = _full_dates(tokens["date"])
    start_a, end_a, label_a = _period_bounds(period_a)
    target = (dates >= start_a) & (dates <= end_a) & (dates != "")
    if period_b is None:
        reference, label_b = (dates < start_a) & (dates != ""), f"everything before {label_a}"
    else:
        start_b, end_b, label_b = _period_bounds(period_b)
        reference = (dates >= start_b) & (dates <= end_b) & (dates != "")
    for label, mask in ((label_a, target), (label_b, reference)):
        if not mask.any():
            raise ValueError(f"period_keyness: no dated tokens in {label}")
    table = keyness(tokens, target, reference, min_count=min_count)
    table.attrs["description"] = f"{label_a} against {label_b}"
    return table


# --------------------------------------------------------------------------- first appearance

def _new_words(tokens: pd.DataFrame) -> list[str]:
    """Counted tokens jieba's own dictionary does not hold (two or more characters, some Han)."""
    from .dictionary import jieba_words

    known = jieba_words()
    han = re.compile(r"[\u4e00-\u9fff]")
    counted = tokens.loc[~tokens["is_stopword"], "token"].unique()
    return [w for w in counted if len(w) >= 2 and han.search(w) and not known.get(w)]


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
    corpus's end). Sorted by first date.
    """
    from .numbered_terms import classify_term

    named = terms is not None
    if named:
        terms = _terms_list(terms)
        line = _Timeline(tokens, freq, terms)
        found = [(term, line.occurrences(term)) for term in terms]
        rows = np.concatenate([r for _, r in found]) if found else np.array([], dtype=int)
        names = np.concatenate([np.full(len(r), t, dtype=object) for t, r in found]) if found else np.array([])
    else:
        line = _Timeline(tokens, freq, _new_words(tokens), whole_tokens_only=True)
        rows = np.flatnonzero(line.codes >= 0)
        names = line.pieces[line.codes[rows]]
    keep = line.dated[rows]
    rows, names = rows[keep], names[keep]
    columns = ["term", "kind", "first_date", "first_page_id", "first_page_no", "first_article_no", "articles",
               "periods", "articles_period_1", "articles_period_2", "articles_period_3"]
    hits = pd.DataFrame({"term": names, "row": rows, "article": line.article[rows], "period": line.period[rows],
                         "date": line.dates_of(rows)})
    per_article = hits.sort_values(["term", "date", "row"]).drop_duplicates(["term", "article"])
    counts = per_article.groupby("term").size()
    per_article = per_article[per_article["term"].map(counts) >= (1 if named else min_articles)]
    first = per_article.groupby("term", sort=False).first()
    table = pd.DataFrame({"term": first.index, "first_date": first["date"].to_numpy()})
    first_rows = first["row"].to_numpy()
    for column, source in (("first_page_id", "page_id"), ("first_page_no", "page_no"), ("first_article_no", "article_no")):
        table[column] = tokens[source].iloc[first_rows].to_numpy() if source in tokens.columns else ""
    table["articles"] = counts.reindex(first.index).to_numpy()
    spread = per_article.groupby(["term", "period"]).size()
    table["periods"] = spread.groupby(level=0).size().reindex(first.index).to_numpy()
    for k in range(3):
        period = first["period"].to_numpy() + k
        inside = period < len(line.range)
        with_pages = np.zeros(len(period), dtype=bool)
        with_pages[inside] = line.articles_per_period[period[inside]] > 0
        got = spread.reindex(pd.MultiIndex.from_arrays([first.index, period])).fillna(0).to_numpy().astype(int)
        table[f"articles_period_{k + 1}"] = pd.array(np.where(with_pages, got, 0), dtype="Int64")
        table.loc[~with_pages, f"articles_period_{k + 1}"] = pd.NA
    if named:
        table.insert(1, "kind", "term")
    else:
        # a formulation the kit kept whole (tagged nz when found quoted or spelled out), or one by shape alone
        tagged = tokens["pos"].iloc[first_rows].to_numpy() == "nz" if "pos" in tokens.columns else np.zeros(len(table), bool)
        kinds = [classify_term(term, bool(nz), False) for term, nz in zip(table["term"], tagged)]
        table.insert(1, "kind", ["formulation" if c and c[1] == "formulation" else "new word" for c in kinds])
    table = table[columns].sort_values(["first_date", "articles", "term"], ascending=[True, False, True],
                                       ignore_index=True)
    table.attrs.update(undated_articles=line.undated_articles, freq=line.freq)
    return table


def latest_period_keyness(tokens: pd.DataFrame, freq: str | None = None, previous: int = 3,
                          min_count: int = 2) -> pd.DataFrame | None:
    """:func:`period_keyness` of the latest period with pages against the ``previous``
    periods with pages before it (the span from the first to the last of them); None when
    the corpus has fewer than two periods with pages."""
    if freq is None and "date" in tokens.columns:  # chosen here, so that None and its choice share a kept result
        freq = choose_freq(tokens["date"].dropna().unique())
    return _latest_period_keyness(tokens, freq, previous, min_count)


@remembered_analysis
def _latest_period_keyness(tokens: pd.DataFrame, freq: str | None, previous: int, min_count: int):
    line = _Timeline(tokens, freq)
    with_pages = [p for p, n in zip(line.range, line.articles_per_period) if n]
    if len(with_pages) < 2:
        return None
    earlier = with_pages[-previous - 1:-1]
    return period_keyness(tokens, with_pages[-1], (earlier[0], earlier[-1]), min_count=min_count)


# --------------------------------------------------------------------------- dispersion

@remembered_analysis
def dispersion(tokens: pd.DataFrame, terms) -> pd.DataFrame:
    """Every dated occurrence of each term on the corpus timeline (AntConc's "Plot"): one row
    per occurrence with term, date, page_id, edition, article_no, page_no, position."""
    terms = _terms_list(terms)
    line = _Timeline(tokens, "D", terms)
    columns = ["term", "date", "page_id", "edition", "article_no", "page_no", "position"]
    frames = []
    for term in terms:
        hits = line.occurrences(term)
        picked = tokens.iloc[hits[line.dated[hits]]]
        frames.append(pd.DataFrame({"term": term, "date": pd.to_datetime(_full_dates(picked["date"])).to_numpy(),
                                    **{c: picked[c].to_numpy() if c in picked else "" for c in columns[2:]}}))
    table = pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)
    order = {term: i for i, term in enumerate(terms)}
    table = table.sort_values(["term", "date", "page_id", "article_no", "position"], key=lambda s: s.map(order)
                              if s.name == "term" else s, ignore_index=True)
    dated = pd.to_datetime(pd.Series(line.article_dates, dtype=object).replace("", None)).dropna()
    table.attrs.update(first_date=dated.min() if len(dated) else None, last_date=dated.max() if len(dated) else None,
                       terms=terms)
    return table


# --------------------------------------------------------------------------- front page

@remembered_analysis
def front_page_terms(tokens: pd.DataFrame, terms) -> pd.DataFrame:
    """Each term on the front page (page_no 1) against the inner pages: count, tokens and
    per_10k on each, log_ratio (front against inner; zero counts taken as 0.5) and G².
    Tokens of articles without a page number are left out (``attrs["without_page_no"]``).
    An empty table (with its columns) when the corpus lacks either kind of page."""
    terms = _terms_list(terms)
    columns = ["term", "front_count", "front_per_10k", "inner_count", "inner_per_10k", "log_ratio",
               "log_likelihood", "front_tokens", "inner_tokens"]
    pages = tokens["page_no"].fillna("").astype(str).str.strip() if "page_no" in tokens.columns \
        else pd.Series("", index=tokens.index)
    front, inner = (pages == "1").to_numpy(), ((pages != "1") & (pages != "")).to_numpy()
    table_attrs = {"without_page_no": int((pages == "").sum())}
    c, d = int(front.sum()), int(inner.sum())
    if not c or not d:
        table = pd.DataFrame(columns=columns)
        table.attrs.update(table_attrs, note="the corpus has no front page or no inner page with a page number")
        return table
    finder = _TermFinder(tokens, terms)
    rows = []
    for term in terms:
        hits = finder.occurrences(term)
        a, b = int(front[hits].sum()), int(inner[hits].sum())
        e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
        rows.append({"term": term, "front_count": a, "front_per_10k": round(a / c * 10_000, 3), "inner_count": b,
                     "inner_per_10k": round(b / d * 10_000, 3),
                     "log_ratio": round(math.log2(((a or 0.5) / c) / ((b or 0.5) / d)), 3),
                     "log_likelihood": round(2 * (xlogx_ratio(a, e1) + xlogx_ratio(b, e2)), 3),
                     "front_tokens": c, "inner_tokens": d})
    table = pd.DataFrame(rows, columns=columns)
    table.attrs.update(table_attrs)
    return table
