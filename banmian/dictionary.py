"""The dictionaries segmentation reads: jieba's own (loaded once, cached whole in ``.cache``), its
part-of-speech tags, the project dictionary ``corpus/userdict.txt`` and the stopword lists."""
from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

from .decoding import PageError, read_text_file
from .paths import CACHE_DIR, display_path, project_path

__all__ = ["read_userdict", "stopword_list", "dictionary_cut", "word_tags"]

def read_userdict(path="corpus/userdict.txt") -> list[tuple[str, int | None, str | None]]:
    """The project dictionary in jieba's format, one ``word [freq] [tag]`` per line
    (``#`` starts a comment). Returns ``(word, freq, tag)`` triples; a malformed line
    raises :class:`PageError` naming the file and line."""
    path = project_path(path)
    if not path.exists():
        return []
    entries = []
    for line_no, line in enumerate(read_text_file(path, "user dictionary").splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        word, freq, tag = parts[0], None, None
        rest = parts[1:]
        if rest and rest[0].isdigit():
            freq = int(rest.pop(0))
        if rest:
            tag = rest.pop(0)
        if rest or not re.fullmatch(r"[A-Za-z]+", tag or "x"):
            raise PageError(f"{display_path(path)} line {line_no}",
                            f"expected 'word [frequency] [tag]' (e.g. '葫芦岛社区 20 ns'), got {line!r}")
        entries.append((word, freq, tag))
    return entries


def read_word_list(path) -> set[str]:
    """One word per line; ``#`` starts a comment."""
    path = project_path(path)
    if not path.exists():
        return set()
    lines = read_text_file(path, "word list").splitlines()
    return {w for w in (line.split("#", 1)[0].strip() for line in lines) if w}


@lru_cache(maxsize=1)
def published_stopwords() -> frozenset:
    import stopwordsiso

    return frozenset(stopwordsiso.stopwords("zh"))


def stopword_list(extra="corpus/stopwords_extra.txt") -> frozenset:
    """The Chinese list of stopwords-iso (package ``stopwordsiso``) plus the user's
    additions, one word per line, in ``corpus/stopwords_extra.txt``."""
    return published_stopwords() | read_word_list(extra)


# Where jieba-rs cuts Latin letters and digits differently: jieba splits them at . _ - + # &
# except inside a plain decimal (its finalseg keeps 9.4 and 0.39% whole), jieba-rs keeps
# 163.com, 2019.10.18 and 8.448M whole. Found by comparing both on three months of news text.
_PLAIN_DECIMAL = re.compile(r"\d+\.\d+(?![.\dA-Za-z])")
_JOINED_ASCII = re.compile(r"[A-Za-z0-9][._\-+#&]|[._\-+#&][A-Za-z0-9]")


def ascii_marks(text: str) -> list[int]:
    """Where a run of Latin letters or digits joined by . _ - + # & starts (jieba and
    jieba-rs cut such runs differently)."""
    if not _JOINED_ASCII.search(text):
        return []
    masked = _PLAIN_DECIMAL.sub(lambda m: "0" * len(m.group()), text)
    return [m.start() for m in _JOINED_ASCII.finditer(masked)]


@lru_cache(maxsize=1)
def fast_tokenizer():
    """rjieba with jieba's own dictionary (nothing added), or None when it is not installed or
    BANMIAN_SEGMENTER=jieba turns it off."""
    if os.environ.get("BANMIAN_SEGMENTER", "").lower() == "jieba":
        return None
    try:
        import rjieba
    except ImportError:
        return None
    return rjieba.Jieba()


def cached_marshal(name: str, build):
    """``build()``, kept in ``.cache`` as marshal data under ``name`` and read back whole next time."""
    import marshal

    cached = CACHE_DIR / name
    try:
        return marshal.loads(cached.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        pass
    value = build()
    try:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        temporary = cached.with_name(f".{cached.name}.{os.getpid()}")
        temporary.write_bytes(marshal.dumps(value))
        os.replace(temporary, cached)
    except OSError:
        pass  # no cache folder to write to: build again next time
    return value


def jieba_dict_file() -> Path:
    from importlib.util import find_spec

    return Path(find_spec("jieba").origin).with_name("dict.txt")


@lru_cache(maxsize=1)
def jieba_version() -> str:
    from importlib.metadata import version

    return version("jieba")


def configured_jieba():
    """jieba, with its own dictionary loaded. jieba reads its cached dictionary with
    ``marshal.load`` on an open file, which costs a second; the same data read whole from the
    kit's cache takes a quarter of that (reruns that add a day of pages feel it)."""
    import jieba

    jieba.setLogLevel(60)
    dt = jieba.dt
    with dt.lock:
        if not dt.initialized and dt.dictionary == jieba.DEFAULT_DICT:
            def build():
                dt.initialize()
                return dt.FREQ, dt.total

            stamp = f"{jieba_version()}-{jieba_dict_file().stat().st_size}"
            dt.FREQ, dt.total = cached_marshal(f"jieba-dictionary-{stamp}.marshal", build)
            dt.initialized = True
    dt.initialize()  # a no-op once loaded; jieba's own path for a dictionary the user set
    return jieba


@lru_cache(maxsize=65536)
def dictionary_cut(text: str) -> tuple[str, ...]:
    """jieba's reading of ``text`` from its own dictionary alone (no HMM guesses, which glue
    unknown runs into pseudo-words such as 这三剂 or 纠治四风); jieba-rs wherever it gives
    jieba's words: everywhere but Latin or digit runs joined by . _ - (checked on 77,000 runs
    with digits of two real months: identical)."""
    fast = fast_tokenizer()
    if fast is not None and not ascii_marks(text):
        return tuple(fast.cut(text, False))
    return tuple(configured_jieba().dt.cut(text, HMM=False))


@lru_cache(maxsize=1)
def word_tags() -> dict[str, str]:
    """jieba's part-of-speech tag of every word of its dictionary (the third column of its
    dict.txt), kept in ``.cache`` as marshal data: importing jieba.posseg to get it parses
    the dictionary text again, a second each time."""
    source = jieba_dict_file()

    def build():
        tags = {}
        with open(source, encoding="utf-8") as handle:
            for line in handle:
                parts = line.split()
                if len(parts) == 3:
                    tags[parts[0]] = parts[2]
        return tags

    return cached_marshal(f"jieba-tags-{jieba_version()}-{source.stat().st_size}.marshal", build)


@lru_cache(maxsize=1)
def jieba_words() -> dict:
    return configured_jieba().dt.FREQ  # jieba's own dictionary; the kit's user words live in other tokenizers


@lru_cache(maxsize=1)
def jieba_word_list() -> list[str]:
    """The words of jieba's own dictionary (its prefixes of frequency 0 left out), kept in
    ``.cache`` as marshal data: a list reads back in a tenth of the time jieba takes to load."""
    import jieba

    if jieba.dt.dictionary != jieba.DEFAULT_DICT:  # a dictionary the user set: read as jieba reads it
        return [w for w, count in jieba_words().items() if count]
    stamp = f"{jieba_version()}-{jieba_dict_file().stat().st_size}"
    return cached_marshal(f"jieba-words-{stamp}.marshal", lambda: [w for w, count in jieba_words().items() if count])
