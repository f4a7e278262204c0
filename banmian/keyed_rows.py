"""Tables kept on disk by content: rows grouped under a key (a digest of what they were computed
from), read back for the keys a run needs, computed for the others. Used for the split articles
of a folder and the formulation candidates of a corpus; a store never answers for a key it does
not hold, so it is never stale."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

KEY = "_key"


def row_keys(frame: pd.DataFrame, columns: list[str], *context: str) -> list[str]:
    """One key per row: a digest of ``context`` and the row's ``columns`` as text (a column the
    frame lacks counts as empty), for the rows a store files under it."""
    values = [frame[c].fillna("").astype(str).tolist() if c in frame else [""] * len(frame) for c in columns]
    return [hashlib.sha256("\0".join([*context, *fields]).encode("utf-8")).hexdigest()[:32] for fields in zip(*values)]


def rows_for_keys(path: Path, keys: list[str], compute: Callable[[list[int]], pd.DataFrame],
                  list_columns=(), keep_others: bool = False, keep_at_least: int = 0) -> tuple[pd.DataFrame, int]:
    """The rows of every key of ``keys``, in that order (each key's rows in the order computed).

    Rows of keys the file at ``path`` holds are read back; ``compute(positions)`` gives the rows
    of the missing keys (by their positions in ``keys``) with their key in column ``_key``. The
    file is rewritten when anything was computed: with the keys of this run, plus (with
    ``keep_others``, for a store several corpora share) the other keys it held, until they
    outnumber this run's three to one and the store would hold more than ``keep_at_least`` keys
    (a store of small rows, such as one per term, keeps a large corpus's keys while a small
    written set is scored between two runs on it). Returns the rows without ``_key`` and how
    many keys were computed. Keys that gave no rows are remembered too (``PATH.empty``), so they
    are not computed again. ``list_columns`` are read as Python lists. Keys are matched with
    Arrow's hash lookups, not Python sets: stores hold hundreds of thousands. A store is an Arrow
    IPC file (``.arrow``, lz4): read and written two to three times faster than Parquet, which
    spends its time encoding and decoding text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    stored = _read(path, list_columns)
    empty = _read_empty(path) if stored is not None else set()
    wanted = pa.array(keys, pa.large_string())
    if stored is not None:
        stored_keys = _arrow_keys(stored[KEY])
        known = pc.is_in(wanted, value_set=pa.concat_arrays([stored_keys, pa.array(sorted(empty), pa.large_string())]))
        missing = np.flatnonzero(~known.to_numpy(zero_copy_only=False)).tolist()
        at = pc.index_in(stored_keys, value_set=wanted).fill_null(-1).to_numpy(zero_copy_only=False)
    else:
        missing, at = list(range(len(keys))), np.array([], dtype=np.int64)
    fresh = compute(missing) if missing else None
    kept = None if stored is None else stored if (at >= 0).all() else stored[at >= 0]
    parts, places = [], []
    for part, place in ((kept, at[at >= 0]), (fresh, None)):
        if part is not None and len(part):  # an empty part has object columns: concatenated, it would make them objects
            parts.append(part)
            places.append(place if place is not None else
                          pc.index_in(_arrow_keys(part[KEY]), value_set=wanted).fill_null(-1).to_numpy(zero_copy_only=False))
    table = (pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]) if parts else compute([])
    places = np.concatenate(places) if parts else np.array([], dtype=np.int64)
    if (places[1:] < places[:-1]).any():  # reordered only when out of order: a new day's rows come last
        table = table.iloc[np.argsort(places, kind="stable")].reset_index(drop=True)
    if missing or stored is None or (not keep_others and (at < 0).any()):
        others = stored[at < 0] if keep_others and stored is not None else None
        if others is not None:
            other_keys, own_keys = others[KEY].nunique(), len(set(keys))
            if other_keys > 3 * own_keys and other_keys + own_keys > keep_at_least:
                others = None
        with_rows = np.zeros(len(keys), dtype=bool)
        with_rows[places] = True
        without_rows = {k for k, has in zip(keys, with_rows) if not has}
        if others is not None:
            without_rows |= empty - set(keys)
        _write(path, pd.concat([table, others], ignore_index=True) if others is not None and len(others) else table,
               without_rows)
    rows = table.drop(columns=KEY).reset_index(drop=True)
    for column in list_columns:
        if len(rows) and not isinstance(rows[column].iloc[0], list):
            rows[column] = [list(v) for v in rows[column]]
    return rows, len(missing)


def _arrow_keys(column: pd.Series):
    """A column of keys as one Arrow array (without copying when it already is one)."""
    import pyarrow as pa

    if isinstance(column.dtype, pd.StringDtype) and hasattr(column.array, "__arrow_array__"):
        keys = pa.array(column.array)
        return (keys.combine_chunks() if isinstance(keys, pa.ChunkedArray) else keys).cast(pa.large_string())
    return pa.array(column.astype(str).to_numpy(dtype=object), pa.large_string())


def _read(path: Path, list_columns=()) -> pd.DataFrame | None:
    """The stored rows, ``list_columns`` as Python lists (Arrow makes them at once; pandas would
    give arrays to turn into lists one by one)."""
    import pyarrow as pa
    import pyarrow.feather as feather

    try:
        table = feather.read_table(path)
        lists = [c for c in list_columns if c in table.column_names]
        frame = table.drop_columns(lists).to_pandas()  # the column types pandas wrote, from the file's metadata
        for column in lists:
            frame[column] = table.column(column).to_pylist()
        return frame[table.column_names]
    except (OSError, ValueError, pa.ArrowException):
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
    import pyarrow as pa
    import pyarrow.feather as feather

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        empty = path.with_name(f".{path.name}.empty.{os.getpid()}")
        empty.write_text("\n".join(sorted(without_rows)), encoding="utf-8")
        os.replace(empty, _empty_file(path))
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        feather.write_feather(pa.Table.from_pandas(table, preserve_index=False), temporary, compression="lz4")
        os.replace(temporary, path)
    except OSError:
        pass  # no cache to write to: the next run computes again
