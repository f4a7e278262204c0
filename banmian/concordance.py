"""Words in context: collocations (bigrams scored by G²) and keyword in context (KWIC)."""
from __future__ import annotations

import math
import re

import pandas as pd

from .frequencies import xlogx_ratio
from .token_table import ARTICLE_KEY

__all__ = ["collocations", "kwic"]

def collocations(tokens: pd.DataFrame, min_count: int = 2, top: int | None = None) -> pd.DataFrame:
    """Pairs of adjacent content words (no punctuation or stopword between them,
    never across articles) scored by PMI and log-likelihood (G²).

    Columns: first, second, bigram, count, first_count, second_count, pmi,
    log_likelihood; sorted by G². ``min_count`` drops rare pairs, which PMI overrates.
    """
    frame = tokens[~tokens["is_stopword"]].sort_values(ARTICLE_KEY + ["position"])
    same_article = (frame[ARTICLE_KEY].shift(-1) == frame[ARTICLE_KEY]).all(axis=1)
    adjacent = same_article & (frame["position"].shift(-1) == frame["position"] + 1)
    pairs = pd.DataFrame({"first": frame["token"][adjacent].values,
                          "second": frame["token"].shift(-1)[adjacent].values})
    n = len(pairs)
    counts = pairs.value_counts().rename("count").reset_index() if n else pd.DataFrame(columns=["count"])
    counts = counts[counts["count"] >= min_count].copy()
    if counts.empty:
        return pd.DataFrame(columns=["first", "second", "bigram", "count", "first_count", "second_count",
                                     "pmi", "log_likelihood"])
    first_counts, second_counts = pairs["first"].value_counts(), pairs["second"].value_counts()
    counts["first_count"] = counts["first"].map(first_counts)
    counts["second_count"] = counts["second"].map(second_counts)
    counts["bigram"] = counts["first"] + counts["second"]

    def scores(row):
        o11 = row["count"]
        o12, o21 = row["first_count"] - o11, row["second_count"] - o11
        o22 = n - o11 - o12 - o21
        r1, r2, c1, c2 = o11 + o12, o21 + o22, o11 + o21, o12 + o22
        observed_expected = [(o11, r1 * c1 / n), (o12, r1 * c2 / n), (o21, r2 * c1 / n), (o22, r2 * c2 / n)]
        g2 = 2 * sum(xlogx_ratio(o, e) for o, e in observed_expected if e > 0)
        return pd.Series({"pmi": round(math.log2(o11 * n / (row["first_count"] * row["second_count"])), 3),
                          "log_likelihood": round(g2, 3)})

    counts[["pmi", "log_likelihood"]] = counts.apply(scores, axis=1)
    counts = counts.sort_values(["log_likelihood", "bigram"], ascending=[False, True], ignore_index=True)
    columns = ["first", "second", "bigram", "count", "first_count", "second_count", "pmi", "log_likelihood"]
    return counts[columns].head(top) if top else counts[columns]


def kwic(articles: pd.DataFrame, query: str, width: int = 15, regex: bool = False) -> pd.DataFrame:
    """Keyword in context over the clean article text, by characters (so it also
    finds strings that segmentation split). Columns: page_id, edition, article_no,
    headline, position (character offset in the body), left, match, right.

    >>> a = pd.DataFrame({"page_id": ["p"], "edition": ["A"], "article_no": [1], "headline": ["h"],
    ...                   "body": ["居民自治，居民共建"]})
    >>> kwic(a, "居民", width=2)[["left", "match", "right"]].values.tolist()
    [['', '居民', '自治'], ['治，', '居民', '共建']]
    """
    if not isinstance(query, str) or not query:
        raise ValueError("kwic needs a word or pattern to search for, e.g. kwic(articles, \"基层治理\")")
    try:
        pattern = re.compile(query if regex else re.escape(query))
    except re.error as err:
        raise ValueError(f"kwic: {query!r} is not a valid regular expression ({err})") from None
    if pattern.search(""):
        raise ValueError(f"kwic: {query!r} matches the empty string, so it would match between every two "
                         "characters; give a pattern that needs at least one character")
    rows = []
    for art in articles.itertuples(index=False):
        body = art.body.replace("\n", " ")
        for m in pattern.finditer(body):
            rows.append({"page_id": art.page_id, "edition": art.edition, "article_no": art.article_no,
                         "headline": art.headline, "position": m.start(),
                         "left": body[max(0, m.start() - width):m.start()], "match": m.group(),
                         "right": body[m.end():m.end() + width]})
    return pd.DataFrame(rows, columns=["page_id", "edition", "article_no", "headline", "position",
                                       "left", "match", "right"])
