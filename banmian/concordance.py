"""Words in context: collocations (bigrams scored by G²) and keyword in context (KWIC)."""
from __future__ import annotations

import re
from functools import partial

import numpy as np
import pandas as pd

from .frequencies import xlogx_ratios
from .scale import is_dask
from .coded_tokens import article_runs, token_codes
from .token_table import ARTICLE_KEY
from .remembered import remembered_analysis

__all__ = ["collocations", "kwic"]

@remembered_analysis
def collocations(tokens: pd.DataFrame, min_count: int = 2, top: int | None = None) -> pd.DataFrame:
    """Pairs of adjacent content words (no punctuation or stopword between them,
    never across articles) scored by PMI and log-likelihood (G²).

    Columns: first, second, bigram, count, first_count, second_count, pmi,
    log_likelihood; sorted by G². ``min_count`` drops rare pairs, which PMI overrates.
    Computed on integer codes of the tokens (numpy), not row by row. On a Dask token table
    each file's pairs are counted on the workers and the counts added up there in a tree,
    then scored here.
    """
    if is_dask(tokens):
        return _collocations_by_file(tokens, min_count, top)
    first, second, words = _adjacent_pairs(tokens)
    n = len(first)
    if not n:
        return pd.DataFrame(columns=COLLOCATION_COLUMNS)
    pair, count = np.unique(first.astype(np.int64) * len(words) + second, return_counts=True)
    keep = count >= min_count
    pair, o11 = pair[keep], count[keep]
    a, b = pair // len(words), pair % len(words)
    first_count = np.bincount(first, minlength=len(words))[a]
    second_count = np.bincount(second, minlength=len(words))[b]
    return _scored_pairs(words[a], words[b], o11, first_count, second_count, n, top)


COLLOCATION_COLUMNS = ["first", "second", "bigram", "count", "first_count", "second_count", "pmi", "log_likelihood"]


def _adjacent_pairs(tokens: pd.DataFrame):
    """(code of the first word, code of the second, the sorted words) of every adjacent pair of
    counted tokens in one token table. A table of :func:`helpers.tokenize` holds each article's
    rows together in position order and is read as it is; any other order is sorted first."""
    starts = article_runs(tokens)
    position = tokens["position"].to_numpy()
    run = np.zeros(len(tokens), dtype=np.int64)
    run[starts[1:]] = 1
    run = np.cumsum(run)
    ordered = (np.diff(position)[run[1:] == run[:-1]] > 0).all() \
        and not tokens[ARTICLE_KEY].iloc[starts].duplicated().any()
    if not ordered:
        return _adjacent_pairs(tokens.sort_values(ARTICLE_KEY + ["position"], kind="stable"))
    codes, words = token_codes(tokens)
    rows = np.flatnonzero(~tokens["is_stopword"].to_numpy(dtype=bool))
    run, position, codes = run[rows], position[rows], codes[rows]
    adjacent = (run[1:] == run[:-1]) & (position[1:] == position[:-1] + 1)
    return codes[:-1][adjacent], codes[1:][adjacent], words


def _file_pairs(tokens: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Of some token files: the count of every pair (indexed by first and second word), and each
    word's count as the first and as the second of a pair."""
    first, second, words = _adjacent_pairs(tokens)
    words = np.asarray(words, dtype=object)
    width = max(len(words), 1)
    pair, count = np.unique(first.astype(np.int64) * width + second, return_counts=True)
    pairs = pd.Series(count, index=pd.MultiIndex.from_arrays([words[pair // width], words[pair % width]]))
    as_first, as_second = np.bincount(first, minlength=len(words)), np.bincount(second, minlength=len(words))
    return (pairs, pd.Series(as_first[as_first > 0], index=words[as_first > 0]),
            pd.Series(as_second[as_second > 0], index=words[as_second > 0]))


def _frequent_pairs(counts, min_count: int):
    """The summed counts of :func:`_file_pairs`, the pairs seen fewer than ``min_count`` times left
    out (on the worker that added them up), with the number of pairs of the corpus."""
    pairs, firsts, seconds = counts
    return pairs[pairs >= min_count], firsts, seconds, int(pairs.sum())


def _collocations_by_file(tokens, min_count: int, top: int | None) -> pd.DataFrame:
    from .scale import added_up

    pairs, firsts, seconds, n = added_up(tokens, _file_pairs, finish=partial(_frequent_pairs, min_count=min_count))
    if not n or not len(pairs):
        return pd.DataFrame(columns=COLLOCATION_COLUMNS)
    first_words = pairs.index.get_level_values(0).to_numpy(dtype=object)
    second_words = pairs.index.get_level_values(1).to_numpy(dtype=object)
    return _scored_pairs(first_words, second_words, pairs.to_numpy(dtype=np.int64),
                         firsts.reindex(first_words).to_numpy(dtype=np.int64),
                         seconds.reindex(second_words).to_numpy(dtype=np.int64), n, top)


def _scored_pairs(first_words, second_words, o11, first_count, second_count, n: int, top) -> pd.DataFrame:
    """The collocation table of pairs with their counts (o11), their words' counts as first and
    second of a pair, and ``n`` pairs in all: PMI and G², sorted by G²."""
    if not len(o11):
        return pd.DataFrame(columns=COLLOCATION_COLUMNS)
    o12, o21 = first_count - o11, second_count - o11
    o22 = n - o11 - o12 - o21
    r1, r2, c1, c2 = o11 + o12, o21 + o22, o11 + o21, o12 + o22
    g2 = 2 * (xlogx_ratios(o11, r1 * c1 / n) + xlogx_ratios(o12, r1 * c2 / n) + xlogx_ratios(o21, r2 * c1 / n)
              + xlogx_ratios(o22, r2 * c2 / n))
    table = pd.DataFrame({"first": first_words, "second": second_words,
                          "bigram": pd.Series(first_words, dtype=object) + pd.Series(second_words, dtype=object),
                          "count": o11, "first_count": first_count, "second_count": second_count,
                          "pmi": np.round(np.log2(o11 * n / (first_count * second_count)), 3),
                          "log_likelihood": np.round(g2, 3)})
    table = table.sort_values(["log_likelihood", "bigram", "first"], ascending=[False, True, True], ignore_index=True)
    return table[COLLOCATION_COLUMNS].head(top) if top else table[COLLOCATION_COLUMNS]


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
