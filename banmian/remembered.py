"""Results of slow analyses kept in ``.cache/results`` by content: a rerun with the same input, the
same settings and the same code reads the result back instead of computing it again.

Only for analyses whose result depends on nothing but their input frames, their settings and
the kit's code (no file read on the way, or the file's content in the settings): the key covers
every column of each frame and its index, the settings and the digest of the named modules,
so a result is never stale. :func:`remembered_analysis` does this for a whole function.
"""
from __future__ import annotations

import functools
import hashlib
import inspect
import os
import pickle
from pathlib import Path

import numpy as np
import pandas as pd

from .paths import CACHE_DIR, code_digest

__all__ = ["files_digest", "files_of", "frame_digest", "keep_result", "plain_value", "read_kept", "remember_files_of", "remembered",
           "remembered_analysis"]

_FILES_OF: dict[str, tuple[str, list[str], list[str]]] = {}  # a Dask frame's name → (digest, paths, names) of its files


def remember_files_of(frame, paths: list[str], names: list[str]) -> None:
    """Say that the Dask frame ``frame`` reads exactly the files at ``paths``, one partition each,
    named ``names`` by their content (the token cache's files): a result computed from it is then
    kept by those names. A frame derived from it (filtered, repartitioned) has another name and is
    computed as usual."""
    digest = hashlib.sha256("\0".join(["files", *names]).encode("utf-8")).hexdigest()[:32]
    _FILES_OF[frame._name] = (digest, list(paths), list(names))


def files_of(frame) -> tuple[list[str], list[str]] | None:
    """The paths and names of the files a Dask frame of :func:`remember_files_of` reads, one per
    partition; None for any other frame."""
    known = _FILES_OF.get(getattr(frame, "_name", None)) if type(frame).__module__.startswith("dask") else None
    return known[1:] if known else None


def files_digest(frame) -> str | None:
    """The digest of the files a Dask frame of :func:`remember_files_of` reads; None for any other frame."""
    known = _FILES_OF.get(getattr(frame, "_name", None)) if type(frame).__module__.startswith("dask") else None
    return known[0] if known else None


def frame_digest(frame: pd.DataFrame | pd.Series) -> str:
    """A digest of a frame's index, column names and types and every value (lists included). It
    reads the columns' memory directly (category codes, numbers, Arrow string buffers): a fraction
    of a second for a table of millions of tokens. A Dask frame of :func:`remember_files_of` is
    keyed by the names of its files."""
    known = files_digest(frame)
    if known:
        return known
    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    digest = hashlib.sha256(repr((list(frame.columns), len(frame))).encode("utf-8"))
    index = frame.index
    if isinstance(index, pd.RangeIndex):
        digest.update(repr(("range", index.start, index.stop, index.step)).encode("utf-8"))
    else:
        digest.update(pd.util.hash_pandas_object(index.to_frame(index=False), index=False).to_numpy().tobytes())
    for column in frame.columns:
        values = frame[column]
        digest.update(repr((str(column), str(values.dtype))).encode("utf-8"))
        _digest_column(digest, values)
    return digest.hexdigest()[:32]


def _digest_column(digest, values: pd.Series) -> None:
    import pyarrow as pa

    arrow = values.array.__arrow_array__() if isinstance(values.dtype, pd.StringDtype) \
        and hasattr(values.array, "__arrow_array__") else None
    if isinstance(values.dtype, pd.CategoricalDtype):
        digest.update(b"ordered" if values.cat.ordered else b"unordered")
        _digest_column(digest, pd.Series(values.cat.categories))
        digest.update(np.ascontiguousarray(values.cat.codes.to_numpy()).tobytes())
    elif isinstance(values.dtype, np.dtype) and values.dtype.kind in "biufcmM":
        digest.update(np.ascontiguousarray(values.to_numpy()).tobytes())
    elif arrow is not None and (pa.types.is_string(arrow.type) or pa.types.is_large_string(arrow.type)):
        lengths, characters, nulls = hashlib.sha256(), hashlib.sha256(), hashlib.sha256()
        done = 0
        for chunk in arrow.chunks:  # three streams: the same digest however the column is chunked
            buffers = chunk.buffers()
            width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
            offsets = np.frombuffer(buffers[1], dtype=width)[chunk.offset:chunk.offset + len(chunk) + 1]
            lengths.update(np.diff(offsets).astype(np.int64).tobytes())
            if buffers[2] is not None and len(chunk):
                characters.update(memoryview(buffers[2])[offsets[0]:offsets[-1]])
            if chunk.null_count:
                nulls.update((np.flatnonzero(np.asarray(chunk.is_null())) + done).astype(np.int64).tobytes())
            done += len(chunk)
        for stream in (lengths, characters, nulls):
            digest.update(stream.digest())
    else:
        if values.dtype == object and pd.api.types.infer_dtype(values, skipna=False) != "string":
            values = values.map(_scalar_text)  # a column of text alone is hashed as it is: the same digest
        digest.update(pd.util.hash_pandas_object(values, index=False).to_numpy().tobytes())


def _scalar_text(value) -> str:
    if isinstance(value, (list, tuple, np.ndarray)):
        return repr([_scalar_text(v) for v in value])  # a list and the array Parquet gives back alike
    return str(value) if isinstance(value, str) else f"\0{type(value).__name__}\0{value!r}"  # None is not "None"


def remembered(name: str, frames, settings: dict, code: tuple[str, ...], compute, cache_dir=None,
               keep: int = 4):
    """``compute()``, or the same result read back when ``frames`` (a frame, or a sequence of
    frames and Nones), ``settings`` and the ``code`` modules are those of an earlier call. The
    newest ``keep`` results of each name are kept."""
    frames = [frames] if isinstance(frames, (pd.DataFrame, pd.Series)) or files_digest(frames) else list(frames)
    digests = ["-" if f is None else frame_digest(f) for f in frames]
    key = hashlib.sha256("\0".join([name, *digests, repr(sorted(settings.items())),
                                    code_digest(*code)]).encode("utf-8")).hexdigest()[:24]
    path = Path(cache_dir or CACHE_DIR) / "results" / f"{name}-{key}.pkl"
    kept = read_kept(path)
    if isinstance(kept, tuple) and len(kept) == 1:
        return kept[0]
    result = compute()
    keep_result((result,), path, keep)  # in a tuple, so that a result of None is kept too
    return result


def plain_value(value) -> bool:
    """Whether ``value`` is a number, text, None or a list, tuple, set or dict of them: a setting
    whose ``repr`` says all it is."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (list, tuple, set, frozenset)):
        return all(plain_value(v) for v in value)
    if isinstance(value, dict):
        return all(plain_value(k) and plain_value(v) for k, v in value.items())
    return False


def remembered_analysis(function):
    """``function`` with its result kept by content (:func:`remembered`): the key is every frame
    argument's content, every other argument (when all are plain values: numbers, strings, lists
    …) and the code of the whole package. A call with anything else (a Dask frame, a function)
    is computed as usual, and a result that cannot be pickled is not kept."""
    signature = inspect.signature(function)
    name = function.__name__

    @functools.wraps(function)
    def kept(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        frames, settings = [], {}
        for argument, value in bound.arguments.items():
            if isinstance(value, (pd.DataFrame, pd.Series)) or files_digest(value):
                frames.append(value)
                settings[argument] = "frame"
            elif plain_value(value):
                settings[argument] = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
            else:
                return function(*args, **kwargs)
        return remembered(name, frames, settings, ("*",), lambda: function(*args, **kwargs))

    return kept  # kept.__wrapped__ is the function itself, uncached (as in worker processes)


def read_kept(path: Path):
    """A kept result, or None when there is none (or it cannot be read: it is then made again)."""
    try:
        return pd.read_pickle(path)
    except (OSError, EOFError, ValueError, pickle.UnpicklingError, AttributeError, ImportError):
        return None


def keep_result(result, path: Path, keep: int | None) -> None:
    """Write ``result`` to ``path`` (``NAME-KEY.pkl``) in one step, and keep only the newest ``keep``
    results of that name (None: all, the caller prunes). A cache that cannot be written is left
    alone: the result stands."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        pd.to_pickle(result, temporary)
        os.replace(temporary, path)
        if keep is None:
            return
        name = path.name.rsplit("-", 1)[0]
        for old in sorted(path.parent.glob(f"{name}-*.pkl"), key=lambda p: p.stat().st_mtime)[:-keep]:
            old.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass
