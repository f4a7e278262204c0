"""The corpus on a timeline: dates and periods (which articles have a date, how the periods are
covered), and the token table indexed for a set of terms and placed on a timeline of periods, so
that the analyses of :mod:`banmian.trends` find terms in a few vectorised passes.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .sources import dateline_day
from .coded_tokens import article_runs, token_codes

__all__ = ["FREQUENCIES", "choose_freq", "date_report", "date_coverage"]

# freq argument → pandas period alias and what the notebooks call it
FREQUENCIES = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year"}


# --------------------------------------------------------------------------- dates

def full_dates(dates: pd.Series) -> pd.Series:
    """ISO day strings: a month-only date (2025-06, as pages.csv may give) counts as its first day."""
    dates = dates.fillna("").astype(str)
    return dates.where(dates.str.len() != 7, dates + "-01")


def choose_freq(dates) -> str:
    """A period length that gives a readable timeline for these dates: days for up to a
    month, weeks up to half a year, months up to five years, else years."""
    days = pd.to_datetime(full_dates(pd.Series(list(dates))).replace("", None), errors="coerce").dropna()
    span = (days.max() - days.min()).days if len(days) else 0
    return "D" if span <= 31 else "W" if span <= 183 else "M" if span <= 5 * 366 else "Y"


def check_freq(freq: str) -> str:
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
    freq = check_freq(freq or choose_freq(dated["date"]))
    columns = ["period", "start", "pages", "articles", "date_sources"]
    if dated.empty:
        table = pd.DataFrame(columns=columns)
    else:
        periods = pd.to_datetime(full_dates(dated["date"])).dt.to_period(freq)
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

class TermFinder:
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
        codes, vocabulary = token_codes(tokens)  # each distinct token looked up once
        piece_of = pc.index_in(pa.array(vocabulary, pa.string()), value_set=pa.array(list(self.pieces), pa.string()))
        piece_of = np.append(piece_of.fill_null(-1).to_numpy(zero_copy_only=False), -1)  # code -1 (no token): -1
        self.codes = piece_of[codes].astype(np.int64)
        self.positions = tokens["position"].to_numpy()
        self.starts = np.zeros(len(tokens), dtype=bool)
        self.starts[article_runs(tokens)] = True
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


class Timeline(TermFinder):
    """... and placed on a timeline of periods (every period from the first date to the last),
    dated article by article."""

    def __init__(self, tokens: pd.DataFrame, freq: str | None, terms=(), whole_tokens_only: bool = False):
        if "date" not in tokens.columns:
            raise ValueError("these tokens carry no dates: make them with helpers.tokenize(articles) from "
                             "helpers.load_articles, whose articles have a date column")
        super().__init__(tokens, terms, whole_tokens_only)
        first_rows = np.flatnonzero(self.starts)
        article_dates = full_dates(tokens["date"].iloc[first_rows]).to_numpy(dtype=object)
        days = pd.to_datetime(pd.Series(article_dates, dtype=object).replace("", None), errors="coerce")
        self.freq = check_freq(freq or choose_freq(article_dates))
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


def terms_list(terms) -> list[str]:
    terms = [terms] if isinstance(terms, str) else list(terms)
    cleaned = [str(t).strip("“”\"'‘’「」 ") for t in terms]
    if not cleaned or any(not t for t in cleaned):
        raise ValueError("give one or more non-empty terms, e.g. term_trends(tokens, [\"基层治理\", \"五多\"])")
    return list(dict.fromkeys(cleaned))
