"""Reprints: articles that share most of their text across pages, dates and papers (a wire
story in a national daily, a provincial daily and an evening news transcript; an abridged
version keeping part of it).

Each article (headline and body, punctuation and spaces left out) is cut into overlapping
runs of characters ("shingles") and hashed with datasketch's MinHash. Locality-sensitive hashing
proposes the articles likely to share many of them without comparing every pair: two articles
are candidates when their MinHashes agree on a whole band, with the bands datasketch's
``MinHashLSH`` chooses for the similarity asked (the bands are compared by sorting them, not
one article at a time, see :func:`candidate_pairs`). Each
candidate pair is then checked on the shingles themselves: similarity (Jaccard) and the share
of each article found in the other, so that an abridged version (one keeps 40 % of the
other) counts by its own share, which is near 1.
"""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .keyed_rows import rows_for_keys
from .paths import CACHE_DIR, code_digest
from .remembered import remembered

__all__ = ["find_reprints", "reprint_witnesses"]

REPRINT_COLUMNS = ["group", "row_a", "row_b", "page_id_a", "edition_a", "article_no_a", "headline_a", "page_id_b",
                   "edition_b", "article_no_b", "headline_b", "chars_a", "chars_b", "similarity", "share_a", "share_b",
                   "longer"]
_NOT_TEXT = re.compile(r"[^\w]|_", re.UNICODE)


def _shingles(text: str, size: int) -> np.ndarray:
    """The distinct runs of ``size`` characters of ``text`` (punctuation and spaces left out),
    each as a 32-bit hash, sorted."""
    codes = np.frombuffer(_NOT_TEXT.sub("", text).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < size:
        return np.array([], dtype=np.uint32)
    hashes = np.zeros(len(codes) - size + 1, dtype=np.uint64)
    for k in range(size):  # polynomial hash of each run, wrapping at 2**64
        hashes = hashes * np.uint64(1_000_003) + codes[k:len(codes) - size + 1 + k]
    hashes ^= hashes >> np.uint64(29)
    hashes = np.sort((hashes & np.uint64(0xFFFFFFFF)).astype(np.uint32))  # 4 bytes a shingle kept
    return hashes[np.r_[True, hashes[1:] != hashes[:-1]]]  # distinct: np.unique hashes first, ten times slower


def _identity(value):
    return value


@lru_cache(maxsize=4)
def _permutations(num_perm: int):
    """datasketch's permutations for seed 1, made once rather than once a text."""
    from datasketch import MinHash

    minhash = MinHash(num_perm=num_perm, seed=1, hashfunc=_identity)
    return minhash.permutations, minhash.scheme


@lru_cache(maxsize=40_000)  # a second search of the same corpus (same_page=True) reuses every signature
def _signature(text: str, shingle: int, num_perm: int):
    """The shingles of a text and their MinHash (None when the text has no shingle). The shingles
    are already hashes: they go in as Python ints through the builtin ``int``, which is much faster
    than a Python function per shingle and gives the same values."""
    from datasketch import LeanMinHash, MinHash

    values = _shingles(text, shingle)
    if len(values) == 0:
        return values, None
    permutations, scheme = _permutations(num_perm)
    minhash = MinHash(num_perm=num_perm, seed=1, hashfunc=int, permutations=permutations, scheme=scheme)
    minhash.update_batch(values.tolist())
    return values, LeanMinHash(minhash)


def find_reprints(articles: pd.DataFrame, min_share: float = 0.5, min_similarity: float = 0.3,
                  min_chars: int = 80, shingle: int = 5, num_perm: int = 128, same_page: bool = False) -> pd.DataFrame:
    """Pairs of articles that share most of their text, wherever they are in the corpus.

    A pair is kept when at least ``min_share`` of one article's text (counted in runs of
    ``shingle`` characters, punctuation and spaces left out) is found in the other. Candidates
    come from MinHash LSH (datasketch) tuned to Jaccard similarity ``min_similarity``: pairs
    less similar than that are rarely proposed, so an abridged version is found when it keeps
    at least about a third of the longer text. Articles shorter than ``min_chars`` characters
    (briefs, captions) are left out; so are pairs on the same page (its editions are compared
    by :func:`compare_editions`) unless ``same_page=True``.

    Columns: group (articles linked by pairs share a group number), row_a, row_b (index labels
    in ``articles``), page_id, edition, article_no, headline of each, chars_a, chars_b,
    similarity (Jaccard of the two shingle sets), share_a (share of a's text found in b),
    share_b, longer ("a", "b" or "same"). Extra columns the articles have (paper, date) are
    added for each side. Sorted by group, then similarity (highest first; equal ones in the
    articles' order). A rerun on the same articles with the same settings reads the table back
    from ``.cache/results`` (:mod:`banmian.remembered`).
    """
    import datasketch

    for column in ("page_id", "edition", "article_no", "body"):
        if column not in articles.columns:
            raise ValueError(f"articles have no {column!r} column (load them with load_articles)")
    if not 0 < min_share <= 1 or not 0 < min_similarity <= 1:
        raise ValueError("min_share and min_similarity must be between 0 and 1")
    settings = {"min_share": min_share, "min_similarity": min_similarity, "min_chars": min_chars, "shingle": shingle,
                "num_perm": num_perm, "datasketch": datasketch.__version__}
    code = ("reprints.py", "remembered.py", "keyed_rows.py")

    def table() -> pd.DataFrame:
        # the pairs of both readings (same page or not) are searched once, kept, and filtered here
        rows = remembered("reprint-pairs", articles, settings, code, lambda: _pairs_found(
            articles, min_share, min_similarity, min_chars, shingle, num_perm))
        return _pair_table(articles, [r for r in rows if same_page or not r["same_page"]])
    return remembered("reprints", articles, {**settings, "same_page": same_page}, code, table)


def _pairs_found(articles: pd.DataFrame, min_share: float, min_similarity: float, min_chars: int, shingle: int,
                 num_perm: int) -> list[dict]:
    """Every pair of articles that share ``min_share`` of one's text, those on one page marked."""
    from datasketch import MinHashLSH

    headlines = articles["headline"].fillna("").astype(str) if "headline" in articles.columns else ""
    texts = (headlines + "\n" + articles["body"].fillna("").astype(str)).tolist()
    pages = list(zip(articles["page_id"].astype(str), articles["edition"].astype(str)))
    # a missed reprint costs more than a candidate checked and dropped: weigh false negatives 9:1
    lsh = MinHashLSH(threshold=min_similarity, num_perm=num_perm, weights=(0.1, 0.9))
    long_enough = [i for i, text in enumerate(texts) if len(text) >= min_chars]
    kept = [(i, values) for i, values in zip(long_enough, kept_signatures([texts[i] for i in long_enough], shingle,
                                                                           num_perm)) if len(values)]
    hashed = np.array([i for i, _ in kept], dtype=np.int64)
    matrix = np.vstack([values for _, values in kept]) if kept else np.zeros((0, num_perm), dtype=np.uint64)
    shingles: dict[int, np.ndarray] = {}  # of the candidates only: most articles have none

    def shingles_of(i: int) -> np.ndarray:
        if i not in shingles:
            shingles[i] = _shingles(texts[i], shingle)
        return shingles[i]

    rows = []
    for first, second in candidate_pairs(matrix, lsh.b, lsh.r):
        i, j = int(hashed[first]), int(hashed[second])
        a, b = shingles_of(i), shingles_of(j)
        shared = len(np.intersect1d(a, b, assume_unique=True))
        share_a, share_b = shared / len(a), shared / len(b)
        if max(share_a, share_b) < min_share:
            continue
        rows.append({"a": i, "b": j, "similarity": shared / (len(a) + len(b) - shared), "share_a": share_a,
                     "share_b": share_b, "same_page": pages[i][0] == pages[j][0]})
    return rows


def candidate_pairs(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """The pairs (i, j), i < j, of rows of ``signatures`` (one MinHash a row) that are equal on all
    ``rows`` values of at least one of the first ``bands`` bands: the candidates datasketch's
    MinHashLSH with those bands proposes, found by sorting each band's values instead of
    inserting and querying every signature one by one. Sorted by i, then j."""
    n = len(signatures)
    codes = []
    for band in range(bands):
        block = np.ascontiguousarray(signatures[:, band * rows:(band + 1) * rows])
        _, bucket, size = np.unique(block.view(np.dtype((np.void, block.itemsize * rows))).ravel(),
                                    return_inverse=True, return_counts=True)
        bucket = bucket.ravel()
        shared = np.flatnonzero(size[bucket] > 1)  # rows whose bucket holds another row too
        shared = shared[np.argsort(bucket[shared], kind="stable")]  # by bucket, each in row order
        starts = np.flatnonzero(np.r_[True, np.diff(bucket[shared]) != 0]) if len(shared) else np.array([], int)
        sizes = np.diff(np.r_[starts, len(shared)])
        pair = starts[sizes == 2]  # most buckets hold two rows: paired at once
        codes.append(shared[pair].astype(np.int64) * n + shared[pair + 1])
        for start, size in zip(starts[sizes > 2], sizes[sizes > 2]):
            members = shared[start:start + size]
            first, second = np.triu_indices(size, 1)
            codes.append(members[first].astype(np.int64) * n + members[second])
    pairs = np.unique(np.concatenate(codes)) if codes else np.array([], dtype=np.int64)
    return np.column_stack(np.divmod(pairs, max(n, 1)))


def kept_signatures(texts: list[str], shingle: int, num_perm: int, cache_dir=None) -> list[np.ndarray]:
    """The MinHash values of each text (empty for a text without a shingle), kept per text in
    ``.cache/reprints``: after a new day only the new articles are hashed (the hashing is most of
    a search's time; the index is built again from the kept values in a second)."""
    import datasketch

    keys = [hashlib.sha256(text.encode("utf-8")).hexdigest()[:32] for text in texts]
    if len(set(keys)) < len(keys):  # the same text twice: hashed once, shared
        unique = list(dict.fromkeys(texts))
        by_text = dict(zip(unique, kept_signatures(unique, shingle, num_perm, cache_dir)))
        return [by_text[text] for text in texts]

    def compute(positions: list[int]) -> pd.DataFrame:
        values = []
        for i in positions:
            signature = _signature(texts[i], shingle, num_perm)[1]
            values.append(signature.hashvalues.astype(np.uint64) if signature is not None else np.array([], np.uint64))
        return pd.DataFrame({"values": values, "_key": [keys[i] for i in positions]})

    code = code_digest("reprints.py", "keyed_rows.py")
    store = Path(cache_dir or CACHE_DIR) / "reprints" / f"signatures-{shingle}-{num_perm}-{datasketch.__version__}-{code}.arrow"
    table, _ = rows_for_keys(store, keys, compute, keep_others=True)
    return [np.asarray(v, dtype=np.uint64) for v in table["values"]]


def _pair_table(articles: pd.DataFrame, rows: list[dict]) -> pd.DataFrame:
    extra = [c for c in ("paper", "date") if c in articles.columns]
    columns = REPRINT_COLUMNS + [f"{c}_{side}" for c in extra for side in ("a", "b")]
    if not rows:
        return pd.DataFrame(columns=columns)
    pairs = pd.DataFrame(rows)
    parent: dict = {}  # union-find over the articles of the pairs: a group is a connected set

    def root(x):
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for a, b in zip(pairs["a"], pairs["b"]):
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    roots = pairs["a"].map(root)
    pairs["group"] = roots.map({r: k for k, r in enumerate(sorted(set(roots)), start=1)})
    chars = articles["body"].fillna("").astype(str).str.len().to_numpy()
    for side in ("a", "b"):
        at = pairs[side].to_numpy()
        pairs[f"row_{side}"] = articles.index[at]
        for column in ("page_id", "edition", "article_no", "headline", *extra):
            values = articles[column] if column in articles.columns else pd.Series("", index=articles.index)
            pairs[f"{column}_{side}"] = values.to_numpy()[at]
        pairs[f"chars_{side}"] = chars[at]
    pairs["longer"] = np.where(pairs["chars_a"] > pairs["chars_b"], "a",
                               np.where(pairs["chars_a"] < pairs["chars_b"], "b", "same"))
    pairs = pairs.sort_values(["group", "similarity", "a", "b"], ascending=[True, False, True, True],
                              ignore_index=True)  # equal similarity in the articles' order
    return pairs[columns]


def reprint_witnesses(articles: pd.DataFrame, pairs: pd.DataFrame, group: int,
                      max_witnesses: int | None = 8) -> pd.DataFrame:
    """The articles of one reprint group as editions of one page, ready for
    :func:`compare_editions` or :func:`collate`: page_id ``reprint-<group>``, each article an
    edition named after its paper (or page) and date where known. A group can hold hundreds of
    copies of one wire story, and collating them all takes minutes: the first ``max_witnesses``
    (in the order the pairs list them; None for all) are taken, and ``attrs["group_size"]`` says
    how many the group has."""
    chosen = pairs[pairs["group"] == group]
    if chosen.empty:
        raise ValueError(f"no reprint group {group}: groups are {sorted(pairs['group'].unique())[:10]}")
    rows = list(dict.fromkeys([*chosen["row_a"], *chosen["row_b"]]))
    members = articles.loc[rows[:max_witnesses]].copy()
    names = []
    for _, article in members.iterrows():
        paper, date = article.get("paper"), article.get("date")
        source = str(paper) if pd.notna(paper) and paper != "" else str(article["page_id"])
        date = str(date) if pd.notna(date) else ""
        name = f"{source} {date}".strip()
        names.append(name if name not in names else f"{name} ({article['edition']}{article['article_no']})")
    witnesses = members.assign(page_id=f"reprint-{group}", edition=names, article_no="1")
    witnesses.attrs["group_size"] = len(rows)
    return witnesses
