"""The token cache on disk: Parquet token files with their sidecars (the terms each file's texts
contain), reading runs of files back, compaction."""
from __future__ import annotations

import hashlib
import json
import os
import threading
import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .decoding import PageWarning
from .paths import display_path, modified_ns
from .store import CATEGORICAL_COLUMNS, widen_dictionaries
from .token_table import sorted_categories


def sidecar_path(path: Path) -> Path:
    return path.with_suffix(".json")


def stored_terms(path: Path, quiet: bool = False) -> dict | None:
    """What a token file was made with (protected terms, dictionary entries, its articles),
    from the small JSON file beside it, or None if the file is missing, unfinished or damaged
    (it is then built again). Kept beside the Parquet file, not in it, so that a rerun reads
    no Parquet footer twice."""
    try:
        meta = json.loads(sidecar_path(path).read_bytes())
        if path.stat().st_size != meta["bytes"]:
            raise ValueError(f"{meta['bytes']:,} bytes written, {path.stat().st_size:,} found")
        if "entries_file" in meta:
            meta["entries"] = _shared_text(path.with_name(meta["entries_file"]))
        return meta
    except FileNotFoundError:
        return None  # not built yet, or its writer has not finished
    except (OSError, KeyError, TypeError, ValueError) as err:
        if not quiet:
            warnings.warn(f"{display_path(path)} was damaged ({err}); building it again", PageWarning, stacklevel=4)
        return None


@lru_cache(maxsize=8)
def _shared_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")  # named by its content: never changes


def write_token_file(path: Path, table, meta: dict) -> None:
    """Write one token file (an Arrow table) and then its JSON sidecar, each under a temporary
    name and renamed: a reader never sees half a file (a file without its sidecar counts as not
    built), and two runs writing the same file write the same content."""
    import uuid

    import pyarrow.parquet as pq

    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    if "entries" in meta:  # the same for every file of a run: kept once, named by its content
        meta = dict(meta)
        meta["entries_file"] = _entries_file(path.parent, meta.pop("entries"))
    pq.write_table(table, temporary, compression="zstd", compression_level=1)
    size = temporary.stat().st_size
    os.replace(temporary, path)
    sidecar = sidecar_path(temporary)
    sidecar.write_text(json.dumps({"bytes": size, **meta}, ensure_ascii=False), encoding="utf-8")
    os.replace(sidecar, sidecar_path(path))


def _entries_file(folder: Path, entries: str) -> str:
    """The name of the file in ``folder`` that holds ``entries`` (named by its content; written
    when missing)."""
    name = f"entries-{hashlib.sha256(entries.encode()).hexdigest()[:32]}.json"
    if not (folder / name).exists():
        temporary = folder / f".{name}.{os.getpid()}.{threading.get_ident()}.tmp"
        temporary.write_text(entries, encoding="utf-8")
        os.replace(temporary, folder / name)
    return name


def note_entries(paths: list[Path], entries: str) -> None:
    """Record that the token files ``paths``, made with other dictionary entries, are what
    ``entries`` give too (none of the words that differ occurs in their texts), so that the next
    run need not look for those words again. Only the JSON sidecars are rewritten."""
    if not paths:
        return
    try:
        name = _entries_file(paths[0].parent, entries)
        for path in paths:
            meta = json.loads(sidecar_path(path).read_bytes())
            meta.pop("entries", None)
            meta["entries_file"] = name
            temporary = path.with_name(f".{path.stem}.{os.getpid()}.json.tmp")
            temporary.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
            os.replace(temporary, sidecar_path(path))
    except (OSError, ValueError):
        pass  # not recorded: the next run looks for the words again


def unreadable_files(paths: list[Path]) -> list[Path]:
    """The token files Parquet cannot read (damaged after they were written)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    bad = []
    for path in paths:
        try:
            pq.read_table(path)
        except (pa.ArrowException, OSError):
            bad.append(path)
    return bad


_COMPACT_AT = 32  # files read one by one in a run before the run copies them all into one


def compacted_rows(folder: Path, wanted: set | None) -> dict:
    """{file name: (table, first row, rows, the file as it was copied: :func:`file_identity`)}
    from the largest readable compacted file whose files are all ``wanted`` (any files when
    None), or {}."""
    import pyarrow as pa

    candidates = [(path, members) for path, members in _compacted_files(folder)
                  if wanted is None or members.keys() <= wanted]
    for compacted, members in sorted(candidates, key=lambda c: (-len(c[1]), -modified_ns(c[0]))):
        try:
            table = read_token_files([compacted])
        except (pa.ArrowException, OSError):
            continue
        return {name: (table, *member) for name, member in members.items()}
    return {}


def file_identity(path: Path) -> list[int] | None:
    """A file's size, time of writing and inode: a token file rewritten under its name (for new
    protected terms) has another, so a compacted copy of its old rows is not read for it."""
    try:
        info = path.stat()
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns, info.st_ino]


def read_run(paths: list[Path], compacted=None):
    """The token files of a run as one Arrow table, in their order. Opening hundreds of small
    files costs more than reading their rows, so a run that had to read many one by one copies
    them into one compacted file (``compacted-<hash>.parquet``, the files it holds listed in its
    sidecar, with each file's size, time of writing and inode); later runs read the largest
    compacted file whose files they all need, and the few files added or rewritten since (a
    file rewritten under its name for new protected terms is read from itself, not the copy). Files per date stay the unit of change: a compacted file is only a faster
    way to read them, and it is never needed (a missing or damaged one is read around).
    ``compacted``: a future of :func:`compacted_rows`, when the caller started reading early
    (used if it holds only files of this run)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not paths:
        return None
    folder, wanted = paths[0].parent, {p.name for p in paths}
    where = compacted.result() if compacted is not None else compacted_rows(folder, wanted)
    if not where.keys() <= wanted:
        where = compacted_rows(folder, wanted)
    identity = {p.name: file_identity(p) for p in paths}  # taken before reading: a later change shows
    where = {name: kept for name, kept in where.items() if kept[3] is not None and kept[3] == identity[name]}
    rest = [p for p in paths if p.name not in where]
    if rest:
        table, start = read_token_files(rest), 0
        for path in rest:
            rows = pq.read_metadata(path).num_rows
            where[path.name], start = (table, start, rows, identity[path.name]), start + rows
    runs: list[list] = []  # neighbouring files of one table read as one slice: fewer chunks to convert
    for path in paths:
        table, start, rows, _ = where[path.name]
        if runs and runs[-1][0] is table and runs[-1][1] + runs[-1][2] == start:
            runs[-1][2] += rows
        else:
            runs.append([table, start, rows])
    table = widen_dictionaries(pa.concat_tables([t.slice(start, rows) for t, start, rows in runs])).unify_dictionaries()
    if len(rest) >= _COMPACT_AT:  # written while the caller goes on (the table is immutable)
        writer = threading.Thread(target=_write_compacted, name="banmian-compact",
                                  args=(folder, paths, [where[p.name][2] for p in paths], table,
                                        [where[p.name][3] for p in paths]))
        writer.start()
        COMPACTING.append(writer)
    return table


def _compacted_written() -> None:
    """Wait until the compacted files being written are on disk."""
    while COMPACTING:
        COMPACTING.pop().join()


def _compacted_files(folder: Path) -> list[tuple[Path, dict]]:
    """(compacted file, {file it holds: (first row, rows, its identity when copied)}) of the
    complete compacted files (an identity of None, from an older kit, matches no file)."""
    found = []
    for sidecar in folder.glob("compacted-*.json"):
        path = sidecar.with_suffix(".parquet")
        meta = stored_terms(path, quiet=True)
        if meta is not None:
            found.append((path, {name: (start, rows, identity) for name, start, rows, identity, *_ in
                                 (member + [None] for member in meta["members"])}))
    return found


def _write_compacted(folder: Path, paths: list[Path], rows: list[int], table, identities: list) -> None:
    """One file holding the rows of ``paths`` (as they were when read: ``identities``); older
    compacted files go (keeping the last two)."""
    names = [p.name for p in paths]
    path = folder / f"compacted-{hashlib.sha256(json.dumps([names, identities]).encode()).hexdigest()[:32]}.parquet"
    starts = np.concatenate([[0], np.cumsum(rows)[:-1]]).tolist()
    try:
        write_token_file(path, table, {"members": [list(m) for m in zip(names, starts, rows, identities)]})
        for old in sorted((p for p, _ in _compacted_files(folder) if p != path), key=modified_ns)[:-1]:
            sidecar_path(old).unlink(missing_ok=True)
            old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only or full cache folder: read file by file next time too


def read_token_files(paths: list[Path]):
    """One Arrow table of token files, categorical columns as dictionaries."""
    import pyarrow.dataset as ds

    if not paths:
        return None
    fmt = ds.ParquetFileFormat(read_options=ds.ParquetReadOptions(dictionary_columns=CATEGORICAL_COLUMNS))
    return ds.dataset([str(p) for p in paths], format=fmt).to_table()


def file_tables(frame: pd.DataFrame, bounds) -> list:
    """The token frame's rows ``bounds[k]:bounds[k + 1]`` as one Arrow table per token file.
    A categorical column stays dictionary-encoded, holding only the values its file uses, in
    sorted order (no file lists another date's pages), so no string is made again."""
    import pyarrow as pa

    frame = sorted_categories(frame)
    table = pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)
    coded = {name: (frame[name].cat.codes.to_numpy(), pa.array(frame[name].cat.categories.to_numpy(dtype=object)))
             for name in frame.columns if isinstance(frame[name].dtype, pd.CategoricalDtype)}
    tables = []
    for start, end in zip(bounds[:-1], bounds[1:]):
        part = table.slice(start, end - start)
        for name, (codes, categories) in coded.items():
            part = part.set_column(part.schema.get_field_index(name), name,
                                   _used_dictionary(codes[start:end], categories))
        tables.append(part)
    return tables


def _used_dictionary(codes: np.ndarray, categories):
    """A dictionary array of these category codes (-1: missing) over the categories they use."""
    import pyarrow as pa

    used = np.zeros(len(categories) + 1, dtype=bool)
    used[codes] = True  # code -1 marks the extra last slot
    new_code = (np.cumsum(used[:-1]) - 1).astype(np.int32)
    missing = codes < 0
    indices = pa.array(np.where(missing, 0, new_code[codes]), pa.int32(), mask=missing if missing.any() else None)
    return pa.DictionaryArray.from_arrays(indices, categories.take(pa.array(np.flatnonzero(used[:-1]))))


def previous_token_file(path: Path, made_with: str):
    """(metadata, file) of the newest readable token file for the same date or bucket made with
    the same code, jieba and stopwords (``made_with``), if any: another's rows may differ."""
    label = path.name.rsplit("-", 1)[0]
    for candidate in sorted(_token_files_by_label(path.parent).get(label, []), key=modified_ns, reverse=True):
        meta = stored_terms(candidate, quiet=True)
        if meta is not None and "articles" in meta and meta.get("made_with") == made_with:
            return meta, candidate
    return None


def _token_files_by_label(folder: Path) -> dict[str, list[Path]]:
    """The token files of ``folder`` by date or bucket, listed once per change of the folder."""
    stamp = modified_ns(folder)
    cached = LISTINGS.get(folder)
    if cached is None or cached[0] != stamp:
        by_label: dict[str, list[Path]] = {}
        for entry in os.scandir(folder):
            if entry.name.endswith(".parquet") and not entry.name.startswith("."):
                by_label.setdefault(entry.name.rsplit("-", 1)[0], []).append(Path(entry.path))
        cached = LISTINGS[folder] = (stamp, by_label)
    return cached[1]


def _offsets(texts) -> np.ndarray:
    """Where each text of an Arrow large_string array starts and ends in its UTF-8 buffer."""
    return np.frombuffer(texts.buffers()[1], dtype=np.int64)[texts.offset:texts.offset + len(texts) + 1]


def hash_texts(digest, texts) -> None:
    """Feed an Arrow string array to ``digest`` as its UTF-8 bytes and the offsets between texts
    (no Python string is made: hashing a rerun's corpus costs what reading it costs)."""
    offsets = _offsets(texts)
    digest.update((offsets - offsets[0]).tobytes())
    digest.update(memoryview(texts.buffers()[2])[offsets[0]:offsets[-1]])


def texts_by_rows(texts: pd.Series):
    """A function giving the texts at some positions as one Arrow large_string array. Arrow-backed
    texts are taken from their own buffers, chunk by chunk (Arrow's take on a chunked array
    would first copy the whole corpus into one chunk); Python strings are converted a few at a
    time."""
    import pyarrow as pa

    if texts.dtype == object:
        return lambda rows: pa.array(texts.iloc[rows].tolist(), type=pa.large_string())
    array = pa.array(texts)
    chunks = [c.cast(pa.large_string()) for c in array.chunks] if isinstance(array, pa.ChunkedArray) \
        else [array.cast(pa.large_string())]
    starts = np.cumsum([0] + [len(c) for c in chunks])

    def texts_of(rows):
        rows = np.asarray(rows, dtype=np.int64)
        if len(chunks) == 1:
            return chunks[0].take(rows)
        which = np.searchsorted(starts, rows, side="right") - 1
        order = np.argsort(which, kind="stable")
        pieces = [chunks[k].take(rows[order][which[order] == k] - starts[k]) for k in np.unique(which)]
        inverse = np.empty_like(order)
        inverse[order] = np.arange(len(order))
        return pa.concat_arrays(pieces).take(inverse) if pieces else chunks[0].slice(0, 0)

    return texts_of


COMPACTING: list = []  # threads writing compacted files
LISTINGS: dict = {}
