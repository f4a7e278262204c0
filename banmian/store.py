"""Helpers for the kit's on-disk cache of Parquet files (see :func:`banmian.tokens.tokenize`)."""
from __future__ import annotations

import warnings
from pathlib import Path

import pyarrow as pa

from .decoding import PageWarning
from .paths import display_path


def cache_folder(folder: Path) -> Path:
    """``folder``, or a temporary folder (with a warning) when a file is in the way."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        warnings.warn(f"{display_path(folder)} is a file, not the kit's cache folder; nothing is kept "
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


CATEGORICAL_COLUMNS = ["page_id", "edition", "pos", "filtered_by", "date", "page_no"]  # few distinct values: codes in memory
