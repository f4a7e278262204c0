"""Tables kept on disk by content: rows grouped under a key (a digest of what they were computed
from), read back for the keys a run needs, computed for the others. Used for the split articles
of a folder and the formulation candidates of a corpus; a store never answers for a key it does
not hold, so it is never stale."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Callable

import pandas as pd

KEY = "_key"


def row_keys(frame: pd.DataFrame, columns: list[str], *context: str) -> list[str]:
    """One key per row: a digest of ``context`` and the row's ``columns`` as text (a column the
    frame lacks counts as empty), for the rows a store files under it."""
    values = [frame[c].fillna("").astype(str).tolist() if c in frame else [""] * len(frame) for c in columns]
    return [hashlib.sha256("\0".join([*context, *fields]).encode("utf-8")).hexdigest()[:32] for fields in zip(*values)]


def rows_for_keys(path: Path, keys: list[str], compute: Callable[[list[int]], pd.DataFrame],
                  list_columns=(), keep_others: bool = False) -> tuple[pd.DataFrame, int]:
    """The rows of every key of ``keys``, in that order (each key's rows in the order computed).

    Rows of keys the Parquet file at ``path`` holds are read back; ``compute(positions)`` gives the
    rows of the missing keys (by their positions in ``keys``) with their key in column ``_key``.
    The file is rewritten when anything was computed: with the keys of this run, plus (with
    ``keep_others``, for a store several corpora share) the other keys it held, until they
    outnumber this run's three to one. Returns the rows without ``_key`` and how many keys were
    computed. Keys that gave no rows are remembered too (``PATH.empty``), so they are not computed
    again. Parquet gives lists back as arrays: ``list_columns`` are turned back into lists."""
    stored = _read(path)
    empty = _read_empty(path) if stored is not None else set()
    known = set(stored[KEY]) | empty if stored is not None else set()
    missing = [i for i, key in enumerate(keys) if key not in known]
    wanted = set(keys)
    fresh = compute(missing) if missing else None
    parts = [p for p in (fresh, stored[stored[KEY].isin(wanted)] if stored is not None else None)
             if p is not None and len(p)]  # an empty part has object columns: concatenated, it would make them objects
    table = pd.concat(parts, ignore_index=True) if parts else compute([])
    order = {key: i for i, key in enumerate(keys)}
    table = table.assign(_order=table[KEY].map(order)).sort_values("_order", kind="stable").drop(columns="_order")
    if missing or stored is None or (not keep_others and len(known - wanted)):
        others = stored[~stored[KEY].isin(wanted)] if keep_others and stored is not None else None
        if others is not None and others[KEY].nunique() > 3 * len(wanted):
            others = None
        without_rows = wanted - set(table[KEY])
        if others is not None:
            without_rows |= empty - wanted
        _write(path, pd.concat([table, others], ignore_index=True) if others is not None and len(others) else table,
               without_rows)
    rows = table.drop(columns=KEY).reset_index(drop=True)
    for column in list_columns:
        rows[column] = [list(v) for v in rows[column]]
    return rows, len(missing)


def _read(path: Path) -> pd.DataFrame | None:
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError):
        return None  # none yet, or unreadable: computed again and written anew


def _empty_file(path: Path) -> Path:
    return path.with_name(path.name + ".empty")


def _read_empty(path: Path) -> set[str]:
    """The keys whose computation gave no rows (a page without articles, an article without
    candidates): kept beside the table, so that they are not computed again on every run."""
    try:
        return set(_empty_file(path).read_text(encoding="utf-8").split())
    except OSError:
        return set()


def _write(path: Path, table: pd.DataFrame, without_rows: set[str]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        empty = path.with_name(f".{path.name}.empty.{os.getpid()}")
        empty.write_text("\n".join(sorted(without_rows)), encoding="utf-8")
        os.replace(empty, _empty_file(path))
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        table.to_parquet(temporary, index=False)
        os.replace(temporary, path)
    except OSError:
        pass  # no cache to write to: the next run computes again
