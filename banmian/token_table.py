"""The token table of segmented articles: one row per token with its part of speech and why a
filter drops it (stopword, digits, single character)."""
from __future__ import annotations

import re
import unicodedata
from itertools import chain

import numpy as np
import pandas as pd

from .dictionary import published_stopwords, read_word_list
from .segmenter import cached_segmenter, segment_texts

__all__ = ["TOKEN_COLUMNS"]

TOKEN_COLUMNS = ["page_id", "edition", "article_no", "position", "token", "pos", "is_stopword", "filtered_by"]
ARTICLE_KEY = ["page_id", "edition", "article_no"]
CARRIED_COLUMNS = ["date", "page_no"]  # article metadata every token row carries, for trends and front-page views


def _is_punctuation(token: str) -> bool:
    return all(unicodedata.category(ch)[0] in "PSZC" for ch in token)


def _filter_reason(token: str, stopwords, extra) -> str:
    if token in extra:
        return "user stopword"
    if token in stopwords:
        return "stopword list"
    if token.isdigit() or re.fullmatch(r"[\d.,%％]+", token):
        return "digits"
    if len(token) == 1:
        return "single character"
    return ""


def segment_articles(articles, entries, stopwords_extra) -> pd.DataFrame:
    """The token frame of ``articles``, segmented here with the given dictionary entries."""
    return _token_frame(articles, segment_texts(list(articles["body"]), entries),
                        cached_segmenter(tuple(entries)).tags_of, stopwords_extra)


def _token_frame(articles: pd.DataFrame, segmented: list[list[str]], tags_of, stopwords_extra) -> pd.DataFrame:
    """The token table of ``articles`` from their words (``segmented``, one list per article;
    white space is dropped before positions are counted); ``tags_of`` gives the distinct words
    their parts of speech."""
    import pyarrow as pa

    lengths = np.fromiter(map(len, segmented), dtype=np.int64, count=len(segmented))
    encoded = pa.array(list(chain.from_iterable(segmented)), pa.string()).dictionary_encode()
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    unique = encoded.dictionary.to_pylist()
    space = np.array([t.isspace() for t in unique], dtype=bool)
    if space.any():
        words = ~space[codes]
        lengths = np.bincount(np.repeat(np.arange(len(lengths)), lengths)[words], minlength=len(lengths))
        codes = codes[words]
    punctuation, reasons = _judged(encoded.dictionary, unique, stopwords_extra)
    reason_codes, reasons = pd.factorize(reasons)
    tag_codes, tags = pd.factorize(pd.Series(tags_of(unique), dtype=object))
    keep = ~punctuation[codes] if len(codes) else np.array([], dtype=bool)
    kept_codes = codes[keep]
    article_of = np.repeat(np.arange(len(articles)), lengths)[keep]
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    columns = {}
    for column in ARTICLE_KEY + [c for c in CARRIED_COLUMNS if c in articles.columns]:
        values = articles[column]
        if column in ("article_no", "page_no") and pd.api.types.is_integer_dtype(values.dtype) \
                and not values.isna().any():
            columns[column] = values.to_numpy().astype(np.int32)[article_of]
        else:
            per_article = pd.Categorical(values)
            columns[column] = pd.Categorical.from_codes(per_article.codes[article_of], per_article.categories)
    reasons = list(reasons)
    frame = pd.DataFrame({
        **columns,
        "position": (np.arange(len(codes)) - starts)[keep].astype(np.int32),
        "token": pd.array(pa.array(unique, pa.string()).take(pa.array(kept_codes)), dtype="str"),
        "pos": pd.Categorical.from_codes(tag_codes[kept_codes], pd.Index(list(tags), dtype="str")),
        "filtered_by": pd.Categorical.from_codes(reason_codes[kept_codes], pd.Index(reasons, dtype="str")),
        "is_stopword": reason_codes[kept_codes] != reasons.index("") if "" in reasons
        else np.ones(len(kept_codes), dtype=bool),
    })
    return frame[TOKEN_COLUMNS + [c for c in CARRIED_COLUMNS if c in articles.columns]]


def sorted_categories(frame: pd.DataFrame) -> pd.DataFrame:
    """Categorical columns with their categories in sorted order, so that tables grouped by them
    come out in the same order whichever files (or compacted copies) the rows were read from."""
    for column in frame.columns:
        values = frame[column]
        if isinstance(values.dtype, pd.CategoricalDtype) and not values.cat.categories.is_monotonic_increasing:
            order = values.cat.categories.argsort()
            new_code = np.empty(len(order), dtype=np.int32)
            new_code[order] = np.arange(len(order), dtype=np.int32)
            new_code = np.append(new_code, np.int32(-1))  # a missing value (code -1) stays missing
            frame[column] = pd.Categorical.from_codes(new_code[values.cat.codes.to_numpy()],
                                                      categories=values.cat.categories[order], validate=False)
    return frame


def concat_tokens(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Token frames one after the other; categorical columns stay categorical over the union of
    their categories (pandas would turn columns of unequal categories into strings, one by one)."""
    if len(frames) > 1:
        for column in frames[0].columns:
            if all(isinstance(f[column].dtype, pd.CategoricalDtype) for f in frames):
                categories = frames[0][column].cat.categories
                for f in frames[1:]:
                    categories = categories.union(f[column].cat.categories, sort=False)
                frames = [f.assign(**{column: f[column].cat.set_categories(categories)}) for f in frames]
    return pd.concat(frames, ignore_index=True)


def empty_token_table(articles, stopwords_extra):
    import pyarrow as pa

    return pa.Table.from_pandas(_token_frame(articles.iloc[:0], [], list, stopwords_extra), preserve_index=False)


_JUDGED: dict = {}


def _judged(words, unique: list[str], stopwords_extra) -> tuple[np.ndarray, np.ndarray]:
    """Whether each distinct word is punctuation, and why a filter drops it (an object array),
    judged once per process and word list. Words of Han characters alone (most of them) are
    judged on the whole array at once: they are never punctuation or digits."""
    import pyarrow as pa
    import pyarrow.compute as pc

    stopwords, extra = published_stopwords(), read_word_list(stopwords_extra)
    judged = _JUDGED.setdefault(frozenset(extra), {})  # token → (is punctuation, filter reason)
    han = pc.match_substring_regex(words, "^[\u4e00-\u9fff]+$").to_numpy(zero_copy_only=False)
    listed = np.full(len(unique), "", dtype=object)
    listed[pc.equal(pc.utf8_length(words), 1).to_numpy(zero_copy_only=False)] = "single character"
    for values, reason in ((stopwords, "stopword list"), (extra, "user stopword")):
        if values:
            listed[pc.is_in(words, pa.array(sorted(values), pa.string())).to_numpy(zero_copy_only=False)] = reason
    punctuation = np.zeros(len(unique), dtype=bool)
    for i in np.flatnonzero(~han):
        word = unique[i]
        if word not in judged:
            judged[word] = (_is_punctuation(word), _filter_reason(word, stopwords, extra))
        punctuation[i], listed[i] = judged[word]
    return punctuation, listed
