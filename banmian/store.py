"""The kit's on-disk cache: rows keyed by a content hash, kept as Parquet part files.

Each run that computes something new writes one new part file (written under a temporary name
and renamed, so a reader never sees half a file, and two notebooks writing at once each add
their own part). Nothing is ever rewritten in place: adding a day's pages adds files and
touches nothing else. A part that cannot be read (truncated, overwritten) is moved aside with
a warning and what it held is computed again.
"""
from __future__ import annotations

import os
import time
import uuid
import warnings
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .decoding import PageWarning
from .pages import _display_path

_INDEXES: dict = {}  # part file → (size, mtime, its keys), so a rerun reads each part's keys once


def cache_folder(folder: Path) -> Path:
    """``folder``, or a temporary folder (with a warning) when a file is in the way."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        warnings.warn(f"{_display_path(folder)} is a file, not the kit's cache folder; nothing is kept "
                      "between runs this time (rename or remove that file to keep results)", PageWarning, stacklevel=3)
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="banmian-cache-"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def widen_dictionaries(table: pa.Table) -> pa.Table:
    """Dictionary (categorical) columns with 32-bit indices, so that files with few categories
    each can be concatenated into one table with many."""
    fields = [pa.field(f.name, pa.dictionary(pa.int32(), f.type.value_type)) if pa.types.is_dictionary(f.type) else f
              for f in table.schema]
    return table.cast(pa.schema(fields, metadata=table.schema.metadata))


class PartStore:
    """List-of-string values by key in ``folder/part-*.parquet``: one row per key with the
    columns ``key`` and one list column per name in ``columns``."""

    def __init__(self, folder: Path, columns: list[str]):
        self.columns = list(columns)
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.schema = pa.schema([("key", pa.string())] + [(c, pa.list_(pa.string())) for c in self.columns])

    def _parts(self) -> list[Path]:
        return sorted(self.folder.glob("part-*.parquet"))

    def _set_aside(self, part: Path, err: Exception) -> None:
        aside = part.with_name(f"broken-{int(time.time())}-{part.name}")
        try:
            part.rename(aside)
        except FileNotFoundError:
            return
        warnings.warn(f"{_display_path(part)} was damaged ({err}); moved to {aside.name}, computing its rows afresh",
                      PageWarning, stacklevel=4)

    def index(self) -> dict[str, tuple[Path, int]]:
        """Every stored key → (part file, row). Later parts never override earlier ones."""
        found: dict[str, tuple[Path, int]] = {}
        for part in self._parts():
            try:
                stat = part.stat()
                cached = _INDEXES.get(part)
                if cached and cached[:2] == (stat.st_size, stat.st_mtime_ns):
                    keys = cached[2]
                else:
                    keys = pq.read_table(part, columns=["key"])["key"].to_pylist()
                    _INDEXES[part] = (stat.st_size, stat.st_mtime_ns, keys)
            except FileNotFoundError:
                continue
            except (pa.ArrowException, OSError) as err:
                self._set_aside(part, err)
                continue
            for row, key in enumerate(keys):
                found.setdefault(key, (part, row))
        return found

    def read(self, keys, columns: list[str] | None = None, index: dict | None = None) -> pa.Table:
        """The stored rows of ``keys`` (those present; in no particular order) with only the
        ``columns`` asked for (all by default) and ``key``."""
        index = self.index() if index is None else index
        columns = self.columns if columns is None else columns
        by_part: dict[Path, list[int]] = {}
        for key in set(keys):
            if key in index:
                part, row = index[key]
                by_part.setdefault(part, []).append(row)
        tables = []
        for part, rows in by_part.items():
            try:
                table = pq.read_table(part, columns=["key", *columns])
            except (pa.ArrowException, OSError) as err:
                self._set_aside(part, err)
                continue
            tables.append(table if len(rows) == table.num_rows else table.take(sorted(rows)))
        if not tables:
            return pa.table({"key": pa.array([], pa.string()),
                             **{c: pa.array([], pa.list_(pa.string())) for c in columns}})
        return pa.concat_tables(tables)

    def write(self, rows: dict[str, tuple[list[str], ...]]) -> None:
        """Add rows (key → one list per column) as a new part file."""
        if not rows:
            return
        import numpy as np
        from itertools import chain

        keys = list(rows)
        data = {"key": pa.array(keys, pa.string())}
        for i, column in enumerate(self.columns):
            lists = [rows[k][i] for k in keys]
            offsets = np.zeros(len(lists) + 1, dtype=np.int32)
            np.cumsum(np.fromiter(map(len, lists), dtype=np.int32, count=len(lists)), out=offsets[1:])
            data[column] = pa.ListArray.from_arrays(pa.array(offsets), pa.array(list(chain.from_iterable(lists)),
                                                                                  pa.string()))
        table = pa.table(data, schema=self.schema)
        name = f"part-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:12]}.parquet"
        temporary = self.folder / f".{name}.tmp"
        pq.write_table(table, temporary, compression="zstd")
        os.replace(temporary, self.folder / name)
