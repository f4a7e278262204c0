"""Where the kit reads and writes: the project root, ``output/`` and ``.cache/``, and how a path is
shown to the user (the text layer: every other module may use these)."""
from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

__all__ = ["ROOT", "OUTPUT_DIR", "CACHE_DIR", "project_path", "display_path", "output_file", "code_digest", "package_digest"]

ROOT = Path(__file__).resolve().parent.parent
OUTPUT_DIR = Path(os.environ.get("BANMIAN_OUTPUT") or ROOT / "output")  # a report writes its own folder
CACHE_DIR = Path(os.environ.get("BANMIAN_CACHE") or ROOT / ".cache")  # the environment variable: a cache elsewhere


def project_path(path) -> Path:
    """A relative path that does not exist from here is taken from the project root,
    so notebooks (which run inside notebooks/) can say ``"corpus"`` too."""
    path = Path(path).expanduser()
    if path.is_absolute() or path.exists():
        return path
    return ROOT / path


def display_path(path: Path) -> str:
    path = os.path.abspath(path)  # not resolve(): a symbolic link loop must still have a name
    inside = str(ROOT) + os.sep
    return Path(path[len(inside):]).as_posix() if path.startswith(inside) else path


def output_file(folder: str, name: str, suffix: str) -> Path:
    """``output/FOLDER/NAME.SUFFIX``, refusing names that would lead out of that folder."""
    name = str(name)
    if not name or name.startswith(".") or any(sep in name for sep in ("/", "\\", "\0")):
        raise ValueError(f"output name {name!r}: give a plain file name such as '02_terms' (no folders, no "
                         f"leading dot); the kit writes only inside output/{folder}/")
    target = OUTPUT_DIR / folder / f"{name}{suffix}"
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def modified_ns(path: Path) -> int:
    """When a file was last written, in nanoseconds; 0 when it is gone (for sorting the newest first)."""
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def code_digest(*names: str) -> str:
    """A digest of the named files of the package (the code a cache entry was made by): an entry
    made by other code never matches. ``"*"`` names the whole package (:func:`package_digest`)."""
    here = Path(__file__).parent
    return hashlib.sha256(b"".join(package_digest().encode() if name == "*" else (here / name).read_bytes()
                                   for name in names)).hexdigest()[:16]


@lru_cache(maxsize=1)
def package_digest() -> str:
    """A digest of every module and data file of the package, and of jieba's version: what an
    analysis kept by content may depend on, read once per process."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        jieba = version("jieba")
    except PackageNotFoundError:
        jieba = ""
    digest = hashlib.sha256(jieba.encode())
    for path in sorted(Path(__file__).parent.iterdir()):
        if path.suffix in (".py", ".json", ".csv"):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]
