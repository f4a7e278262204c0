"""The split articles of a corpus folder, kept in ``.cache/articles`` and keyed on content: a page
is split again only when its text, layout, name or place changes (or the splitting code does).

Each notebook loads its corpus; with this cache a rerun reads the articles of unchanged pages
back instead of reading every page's lines again, and a new day splits only its own pages.
"""
from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .keyed_rows import rows_for_keys
from .pages import ARTICLE_COLUMNS, PARSING_CODE, decide_layouts, decide_slots, split_pages
from .paths import CACHE_DIR, code_digest
from .remembered import remembered

LIST_COLUMNS = ["reporters", "sections", "captions"]
KEY_FIELDS = ["page_id", "edition", "position", "path", "text"]


@lru_cache(maxsize=1)
def splitting_code() -> str:
    """The code that splits pages, so that articles split by other code are never read back."""
    return code_digest(*PARSING_CODE, "article_cache.py")


def page_keys(pages: pd.DataFrame, layouts: list[str], slots: list[tuple[str, ...]] | None = None) -> list[str]:
    """One key per page: a digest of everything its articles depend on."""
    columns = [pages[c].fillna("").astype(str).tolist() if c in pages else [""] * len(pages) for c in KEY_FIELDS]
    shapes = [",".join(s) for s in slots] if slots else [""] * len(pages)
    return [hashlib.sha256("\0".join([layout, shape, *fields]).encode("utf-8")).hexdigest()[:32]
            for layout, shape, *fields in zip(layouts, shapes, *columns)]


def store_file(source: Path, cache_dir=None) -> Path:
    """Where the articles of one source folder are kept (one file per folder and splitting code)."""
    name = hashlib.sha256(str(Path(os.path.abspath(source))).encode("utf-8")).hexdigest()[:16]
    return Path(cache_dir or CACHE_DIR) / "articles" / f"{name}-{splitting_code()}.arrow"


def split_with_cache(pages: pd.DataFrame, source: Path, layout: str | None = None, cache_dir=None) -> pd.DataFrame:
    """:func:`split_articles` of ``pages``, reading back the articles of every page whose key is in
    the folder's store and splitting the rest; the store then holds exactly these pages.
    ``attrs["split_pages"]`` says how many pages were split in this call. When every page is
    the same as in an earlier call (the pages' whole table, text included), the articles of that
    call are read back at once, without deciding layouts and keys again."""
    split_now = []

    def split_all() -> pd.DataFrame:
        articles = _split_with_store(pages, source, layout, cache_dir)
        split_now.append(articles.attrs["split_pages"])
        return articles

    articles = remembered("articles", pages, {"layout": layout, "source": os.path.abspath(source)},
                          (*PARSING_CODE, "article_cache.py"), split_all, cache_dir=cache_dir, keep=2)
    articles.attrs["split_pages"] = split_now[0] if split_now else 0
    return articles


def _split_with_store(pages: pd.DataFrame, source: Path, layout: str | None, cache_dir) -> pd.DataFrame:
    layouts = decide_layouts(pages, layout)
    slots = decide_slots(pages, layouts)
    keys = page_keys(pages, layouts, slots)
    target = store_file(source, cache_dir)

    def split(positions: list[int]) -> pd.DataFrame:
        fresh = split_pages(pages.iloc[positions], [layouts[i] for i in positions], [slots[i] for i in positions])
        return fresh.assign(_key=fresh["path"].map({pages["path"].iloc[i]: keys[i] for i in positions}))

    articles, split_count = rows_for_keys(target, keys, split, list_columns=LIST_COLUMNS)
    if split_count:
        for stale in target.parent.glob(f"{target.name.split('-')[0]}-*.arrow"):
            if stale != target:  # written by other splitting code: never read again
                stale.unlink(missing_ok=True)
                stale.with_name(stale.name + ".empty").unlink(missing_ok=True)
    articles = articles[ARTICLE_COLUMNS]
    articles.attrs["split_pages"] = split_count
    return articles
