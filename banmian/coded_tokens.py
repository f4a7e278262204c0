"""A token table's token column as integer codes into its sorted vocabulary, and the runs of
each article's rows: what the statistics count on. Kept apart from :mod:`token_table`, whose
code stamps the token files (:func:`code_version`): changing these helpers segments nothing again."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .token_table import ARTICLE_KEY

_CODED: list = []  # (token column data, codes, vocabulary) of the last token columns coded


def token_codes(tokens: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each row's token as an integer code into the sorted distinct tokens (the vocabulary, an
    object array): what the statistics count on. Kept for the last two token columns coded, so
    that the tables of a notebook code the corpus once; an Arrow column cannot change in place
    (an edited column is new data), so a kept code is never stale. Do not write into the codes."""
    data = _token_data(tokens)
    for kept, codes, vocabulary in _CODED:
        if data is not None and kept is data:
            return codes, vocabulary
    if data is None:
        codes, vocabulary = pd.factorize(tokens["token"], sort=True)
    else:
        codes, vocabulary = _sorted_codes(data)
    return _keep_codes(data, codes, vocabulary)


def _sorted_codes(data) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(column, sort=True)`` of an Arrow string column, done by Arrow: its distinct
    strings sorted (UTF-8 order is code point order, as Python sorts), a missing value -1."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(data, pa.ChunkedArray):
        data = data.combine_chunks() if data.num_chunks else pa.array([], data.type)
    encoded = data.dictionary_encode()
    order = pc.array_sort_indices(encoded.dictionary).to_numpy()
    rank = np.empty(len(order) + 1, dtype=np.int64)
    rank[order] = np.arange(len(order))
    rank[-1] = -1
    codes = rank[encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)]
    return codes, encoded.dictionary.take(order).to_numpy(zero_copy_only=False)


def remember_codes(tokens: pd.DataFrame, codes: np.ndarray, vocabulary: np.ndarray) -> None:
    """Hand :func:`token_codes` the codes of ``tokens``' token column, made from that very column
    earlier (kept with a token table read back), so that it does not code the column again."""
    if len(codes) == len(tokens):
        _keep_codes(_token_data(tokens), codes, vocabulary)


def _token_data(tokens: pd.DataFrame):
    """The Arrow data of the token column (None for a column of Python objects)."""
    array = tokens["token"].array
    return array.__arrow_array__() if hasattr(array, "__arrow_array__") else None


def _keep_codes(data, codes: np.ndarray, vocabulary) -> tuple[np.ndarray, np.ndarray]:
    codes, vocabulary = codes.astype(np.int32, copy=False), np.asarray(vocabulary, dtype=object)
    codes.flags.writeable = False
    if data is not None:
        _CODED.insert(0, (data, codes, vocabulary))  # holding the data keeps its identity unique
        del _CODED[2:]
    return codes, vocabulary


def counted_words(tokens: pd.DataFrame):
    """The distinct counted tokens (not stopwords) of two or more characters with some Han in
    them, as an Arrow array in the vocabulary's order: judged once per distinct token."""
    import pyarrow as pa
    import pyarrow.compute as pc

    codes, vocabulary = token_codes(tokens)
    counted = np.zeros(len(vocabulary) + 1, dtype=bool)
    counted[codes[~tokens["is_stopword"].to_numpy(dtype=bool)]] = True  # code -1 (no token) marks the extra slot
    words = pa.array(vocabulary[counted[:-1]], pa.string())
    return words.filter(pc.and_(pc.greater_equal(pc.utf8_length(words), 2),
                                pc.match_substring_regex(words, "[\u4e00-\u9fff]")))


def article_runs(tokens: pd.DataFrame) -> np.ndarray:
    """Where each run of one article's rows starts (rows of one article are contiguous in a token
    table of :func:`helpers.tokenize`); compared on category codes, no strings made."""
    change = np.zeros(len(tokens), dtype=bool)
    if len(tokens):
        change[0] = True
    for c in ARTICLE_KEY:
        column = tokens[c]
        values = column.cat.codes.to_numpy() if isinstance(column.dtype, pd.CategoricalDtype) else column.to_numpy()
        change[1:] |= values[1:] != values[:-1]
    return np.flatnonzero(change)


def article_index(tokens: pd.DataFrame, articles: pd.DataFrame):
    """For each token row, the position of its article in ``articles``, -1 if not there (the
    rows of one article are contiguous, so each run is looked up once)."""
    if tokens.empty:
        return np.array([], dtype=np.int64)
    starts = article_runs(tokens)
    lengths = np.diff(np.append(starts, len(tokens)))
    where = {key: i for i, key in enumerate(zip(*(articles[c].astype(str).to_numpy() for c in ARTICLE_KEY)))}
    run_keys = zip(*(tokens[c].iloc[starts].astype(str).to_numpy() for c in ARTICLE_KEY))
    runs = [where.get(key, -1) for key in run_keys]
    return np.repeat(np.array(runs, dtype=np.int64), lengths)
