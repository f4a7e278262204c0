"""The formulation candidates of a corpus kept in ``.cache/formulations`` by content: each
article's candidates are found once and read back on a rerun; only new or changed articles are
read again. The key of the store covers everything the candidates depend on besides the article:
the kit's code, your ``formulations.csv`` and the reference list."""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .dictionary import jieba_version
from .keyed_rows import row_keys, rows_for_keys
from .paths import CACHE_DIR, code_digest, project_path
from .remembered import keep_result, read_kept

ARTICLE_FIELDS = ["page_id", "edition", "article_no", "headline", "body", "date"]
TERMS_KEPT = 2_000_000  # terms of other corpora a per-term store keeps: a decade of a daily, tens of MB
CODE = ("formulations.py", "formulation_candidates.py", "formulation_lists.py", "numbered_terms.py", "expansions.py", "dictionary.py",
        "formulation_model.py", "formulation_cache.py", "reference_formulations.csv")


@lru_cache(maxsize=1)
def _code_digest() -> str:
    return code_digest(*CODE)


def store_key(known, reference: bool, dated: bool, dtypes: str = "", model_key: str = "") -> str:
    """A digest of what every article's candidates depend on besides the article itself (``dtypes``:
    the article table's column types, which the candidate table's columns take on; ``model_key``:
    the model whose part of each row's score is kept with them)."""
    digest = hashlib.sha256((_code_digest() + jieba_version() + dtypes + model_key).encode())  # jieba cuts the terms
    if isinstance(known, pd.DataFrame):
        digest.update(known.to_csv(index=False).encode("utf-8"))
    elif known is not None:
        path = project_path(known)
        digest.update(path.read_bytes() if path.is_file() else b"no file")
    else:
        digest.update(b"none")
    digest.update(f"{reference}-{dated}".encode())
    return digest.hexdigest()[:24]


def column_types(articles: pd.DataFrame) -> str:
    return ",".join(f"{c}:{articles[c].dtype}" for c in ARTICLE_FIELDS if c in articles)


def article_keys(articles: pd.DataFrame) -> list[str]:
    return row_keys(articles, ARTICLE_FIELDS)


def cached_candidates(articles: pd.DataFrame, candidate_table, known="corpus/formulations.csv", reference: bool = True,
                      cache_dir=None, model_key: str = "", keys: list[str] | None = None) -> pd.DataFrame:
    """``candidate_table(articles, known, reference)`` (:func:`banmian.formulations.candidate_table`),
    each article's rows read back from the store when it holds them. ``attrs["read_articles"]``
    says how many articles were read for candidates in this call. ``model_key`` names the model
    whose part of each row's score ``candidate_table`` adds, when it adds one; ``keys``: the
    :func:`article_keys` of ``articles``, when already made."""
    keys = article_keys(articles) if keys is None else keys
    if len(set(zip(articles["page_id"], articles["edition"], articles["article_no"]))) < len(articles):
        table = candidate_table(articles, known, reference)  # article ids repeat: no key to file rows under
        table.attrs["read_articles"] = len(articles)
        return table
    ids = _article_ids(articles)

    def find(positions: list[int]) -> pd.DataFrame:
        found = candidate_table(articles.iloc[positions], known, reference)
        return found.assign(_key=np.asarray(keys, dtype=object)[ids.get_indexer(_article_ids(found))])

    key = store_key(known, reference, "date" in articles, column_types(articles), model_key)
    path = Path(cache_dir or CACHE_DIR) / "formulations" / f"{key}.arrow"
    table, read = rows_for_keys(path, keys, find, list_columns=["expansion"], keep_others=True)
    table.attrs["read_articles"] = read
    return table


def _article_ids(frame: pd.DataFrame) -> pd.MultiIndex:
    return pd.MultiIndex.from_arrays([frame[c].astype(str) for c in ("page_id", "edition", "article_no")])


def cached_findings(articles: pd.DataFrame, known, reference: bool, settings: dict, compute, cache_dir=None,
                    keep: int = 8, keys: list[str] | None = None) -> pd.DataFrame:
    """``compute()`` (the scored findings of :func:`banmian.formulations.find_formulations`), or the
    same table read back when the articles, the lists, the code and ``settings`` (model, thresholds,
    what to include) are those of an earlier run. The newest ``keep`` results are kept.
    ``attrs["from_cache"]`` says which it was. ``keys``: the :func:`article_keys` of ``articles``, when already made."""
    digest = hashlib.sha256(store_key(known, reference, "date" in articles, column_types(articles)).encode())
    digest.update(json.dumps(settings, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8"))
    for key in article_keys(articles) if keys is None else keys:
        digest.update(key.encode())
    path = Path(cache_dir or CACHE_DIR) / "formulations" / f"found-{digest.hexdigest()[:24]}.pkl"
    found = read_kept(path)
    if found is not None:
        found.attrs["from_cache"] = True
        return found
    found = compute()
    keep_result(found, path, keep)
    found.attrs["from_cache"] = False
    return found


def kept_term_facts(terms: list[str], compute, cache_dir=None) -> pd.DataFrame:
    """``compute(terms)`` (a table with one row per term, in their order: what a term's own
    letters say, such as the numbers it announces), each term's row read back from the store
    when it holds it: such facts depend on the term and the kit's code alone, so a new day
    computes only the terms it brings. The store is shared by every corpus and keeps up to
    :data:`TERMS_KEPT` terms, so that scoring a small set does not drop a corpus's terms."""
    path = Path(cache_dir or CACHE_DIR) / "formulations" / f"term-facts-{_code_digest()[:24]}.arrow"

    def missing(positions: list[int]) -> pd.DataFrame:
        chosen = [terms[i] for i in positions]
        return compute(chosen).assign(_key=chosen)

    facts, _ = rows_for_keys(path, terms, missing, keep_others=True, keep_at_least=TERMS_KEPT)
    return facts

