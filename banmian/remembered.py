"""Results of slow analyses kept in ``.cache/results`` by content: a rerun with the same input, the
same settings and the same code reads the result back instead of computing it again.

Only for analyses whose result depends on nothing but their input frame, their settings and
the kit's code (no file read on the way): the key covers every scalar column of the frame and
its index, the settings and the digest of the named modules, so a result is never stale.
"""
from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

import numpy as np
import pandas as pd

from .paths import CACHE_DIR, code_digest

__all__ = ["frame_digest", "keep_result", "read_kept", "remembered"]


def frame_digest(frame: pd.DataFrame) -> str:
    """A digest of a frame's index, column names and every column of scalars (lists are left out:
    they are derived from the scalar columns in the kit's tables)."""
    digest = hashlib.sha256(repr((list(frame.columns), len(frame))).encode("utf-8"))
    digest.update(pd.util.hash_pandas_object(frame.index.to_frame(index=False), index=False).to_numpy().tobytes())
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object and values.map(lambda v: isinstance(v, (list, tuple, np.ndarray, dict))).any():
            continue
        digest.update(str(column).encode("utf-8"))
        digest.update(pd.util.hash_pandas_object(values.astype(str) if values.dtype == object else values,
                                                 index=False).to_numpy().tobytes())
    return digest.hexdigest()[:32]


def remembered(name: str, frame: pd.DataFrame, settings: dict, code: tuple[str, ...], compute, cache_dir=None,
               keep: int = 4) -> pd.DataFrame:
    """``compute()``, or the same result read back when ``frame``, ``settings`` and the ``code``
    modules are those of an earlier call. The newest ``keep`` results of each name are kept."""
    key = hashlib.sha256("\0".join([name, frame_digest(frame), repr(sorted(settings.items())),
                                    code_digest(*code)]).encode("utf-8")).hexdigest()[:24]
    path = Path(cache_dir or CACHE_DIR) / "results" / f"{name}-{key}.pkl"
    result = read_kept(path)
    if result is None:
        result = compute()
        keep_result(result, path, keep)
    return result


def read_kept(path: Path) -> pd.DataFrame | None:
    """A kept result, or None when there is none (or it cannot be read: it is then made again)."""
    try:
        return pd.read_pickle(path)
    except (OSError, EOFError, ValueError, pickle.UnpicklingError, AttributeError, ImportError):
        return None


def keep_result(result: pd.DataFrame, path: Path, keep: int) -> None:
    """Write ``result`` to ``path`` (``NAME-KEY.pkl``) in one step, and keep only the newest ``keep``
    results of that name. A cache that cannot be written is left alone: the result stands."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        result.to_pickle(temporary)
        os.replace(temporary, path)
        name = path.name.rsplit("-", 1)[0]
        for old in sorted(path.parent.glob(f"{name}-*.pkl"), key=lambda p: p.stat().st_mtime)[:-keep]:
            old.unlink(missing_ok=True)
    except OSError:
        pass
