"""Decoding: page and settings files in the encodings Chinese text arrives in.

UTF-8 is taken when the bytes are valid UTF-8 and read as text. Otherwise every
encoding a Chinese page can be in is tried (GB18030, which covers GBK and GB2312;
Big5; UTF-16 and UTF-32 without a byte-order mark) and the reading made of the most
common characters wins, character frequencies coming from jieba's dictionary. On a
long page only one reading makes sense; on a page of a few characters two may (GBK
``广告`` is Big5 ``嫘豢``), and the encoding is then reported as a guess.
"""
from __future__ import annotations

import math
import re
import warnings
from functools import lru_cache
from pathlib import Path

__all__ = ["PageError", "PageWarning", "decode_page", "read_text_file", "read_csv_rows"]


class PageError(ValueError):
    """A page file that cannot be used, with the file and the problem named."""

    def __init__(self, file, problem: str):
        self.file, self.problem = str(file), problem
        super().__init__(f"{file}: {problem}")


class PageWarning(UserWarning):
    """A page or manifest row was skipped or its metadata guessed; the message says which and why."""


_BOMS = [  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "utf-32-le", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le", "utf-16"),
    (b"\xfe\xff", "utf-16-be", "utf-16"),
]
LEGACY_ENCODINGS = ["gb18030", "big5", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"]
GUESSED = " (guessed)"
SHORT_PAGE_HANZI = 20     # below this many Chinese characters two readings can both look like text
COMMON_HANZI_RUN = 4      # this many hanzi, all among the commonest simplified ones, make GB18030 no guess
CLEAR_MARGIN = 1.0        # mean cost per character (log10 units) by which the best reading must win
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Characters a valid UTF-8 reading of a Chinese page is made of; anything else on a short page
# (Cyrillic ѶԱ is GBK 讯员 read as UTF-8) sends it to the full comparison.
_UTF8_TEXT = re.compile(r"[\t\n\r\x20-\x7e\u00a0-\u00ff\u2000-\u206f\u2160-\u217f\u2460-\u24ff\u25a0-\u26ff"
                        r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]*")
_PUNCTUATION = set("，。、；：？！“”‘’（）《》〈〉【】—…·「」『』〔〕　")
_SCORED_CHARS = 4000      # enough of a long page to tell readings apart


def _jieba_frequencies() -> dict[str, int]:
    """Every word of jieba's dictionary file with its frequency, read as jieba reads it (the text
    layer reads the file itself: segmentation sits above it)."""
    from importlib.util import find_spec

    frequencies = {}
    with open(Path(find_spec("jieba").origin).with_name("dict.txt"), encoding="utf-8") as handle:
        for line in handle:
            word, freq = line.strip().split(" ")[:2]
            frequencies[word] = int(freq)
    return frequencies


@lru_cache(maxsize=1)
def _character_costs() -> tuple[dict, float]:
    """-log10 of each character's share of jieba's dictionary (words weighted by frequency),
    and the cost of a character it never saw."""
    counts: dict[str, int] = {}
    for word, freq in _jieba_frequencies().items():
        for char in word:
            counts[char] = counts.get(char, 0) + freq
    total = sum(counts.values())
    return {c: -math.log10(n / total) for c, n in counts.items() if n}, -math.log10(0.5 / total)


@lru_cache(maxsize=1)
def _common_simplified() -> frozenset:
    """GB2312 level 1: the 3,755 commonest simplified hanzi."""
    return frozenset(bytes([lead, trail]).decode("gb2312") for lead in range(0xB0, 0xD8) for trail in range(0xA1, 0xFF)
                     if (lead, trail) < (0xD7, 0xFA))  # level 1 ends at D7F9


def _all_common_simplified(text: str) -> bool:
    common = _common_simplified()
    return all(c in common for c in text if "\u3400" <= c <= "\u9fff")


def _two_byte_hanzi(codec: str, leads: range, trails) -> frozenset:
    chars = set()
    for lead in leads:
        for trail in trails:
            try:
                char = bytes([lead, trail]).decode(codec)
            except UnicodeDecodeError:
                continue
            if "\u4e00" <= char <= "\u9fff":
                chars.add(char)
    return frozenset(chars)


@lru_cache(maxsize=1)
def _everyday_hanzi() -> dict:
    """Per encoding, the hanzi a page in it is made of: GB2312's 6,763 simplified ones, Big5's
    5,401 frequently used traditional ones (常用字), either for UTF-16/32."""
    gb2312 = _two_byte_hanzi("gb2312", range(0xB0, 0xF8), range(0xA1, 0xFF))
    big5 = _two_byte_hanzi("big5", range(0xA4, 0xC7), [*range(0x40, 0x7F), *range(0xA1, 0xFF)])  # A440–C67E
    return {"gb18030": gb2312, "big5": big5, "utf-8": gb2312 | big5, "other": gb2312 | big5}


def _is_plain(char: str) -> bool:
    return (char.isascii() and (char.isprintable() or char in "\t\n\r")) or char in _PUNCTUATION \
        or "\uff01" <= char <= "\uff5e"


def _cost(text: str) -> float:
    """Mean cost per character of one reading: low for common Chinese text, high for rare
    characters, Hangul, kana, symbols and control characters."""
    costs, unseen = _character_costs()
    sample = text[:_SCORED_CHARS]
    total = sum(2.0 if _is_plain(c) else costs.get(c, unseen + 5.0) for c in sample)
    return total / max(1, len(sample))


def _reads_as_text(text: str, codec: str) -> bool:
    """Is this reading made only of plain characters and the everyday hanzi of its encoding?"""
    everyday = _everyday_hanzi()
    everyday = everyday.get(codec, everyday["other"])
    return all(_is_plain(c) or c in everyday for c in text)


def _readings(data: bytes) -> list[tuple[float, str, str]]:
    found = []
    for codec in ["utf-8", *LEGACY_ENCODINGS]:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        found.append((_cost(text), codec, text))
    return sorted(found)


def _shown(text: str, limit: int = 12) -> str:
    return text[:limit].replace("\n", " ").strip() + ("…" if len(text) > limit else "")


def decode_page(data: bytes, name="<bytes>") -> tuple[str, str]:
    """Decode the bytes of a page file; return ``(text, encoding)``.

    Byte-order marks decide first (UTF-8, UTF-16, UTF-32), then valid UTF-8 that reads as
    text, then the reading of GB18030, Big5 or BOM-less UTF-16/32 made of the commonest
    characters. When a short page reads as text in two encodings, the encoding carries
    " (guessed)" and a :class:`PageWarning` names the file and the other reading. A few
    stray NUL bytes in a text are removed with a warning. Raises :class:`PageError` naming
    the file for an empty page, a binary file or bytes no such encoding reads.

    >>> decode_page("葫芦岛社区党建引领基层治理观察。".encode("gbk"), "p.txt")
    ('葫芦岛社区党建引领基层治理观察。', 'gb18030')
    """
    if not data.strip():
        raise PageError(name, "empty page (the file has no text)" if data else "empty page (0 bytes)")
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(codec)
            except UnicodeDecodeError as err:
                raise PageError(name, f"undecodable bytes: starts with a {label} byte-order mark but "
                                      f"byte {err.start} is not valid {label}") from None
            return _checked(text, label, name)
    if b"\x00" not in data:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            if len(data) > 200 or _UTF8_TEXT.fullmatch(text):
                return _checked(text, "utf-8", name)
    readings = _readings(data)
    nuls = data.count(b"\x00")
    if nuls and nuls <= max(2, len(data) // 1000) and not (readings and _reads_as_text(readings[0][2], readings[0][1])):
        stripped = _readings(data.replace(b"\x00", b""))
        if stripped and _reads_as_text(stripped[0][2], stripped[0][1]):
            warnings.warn(f"{name}: {nuls} stray NUL byte(s) removed from the text", PageWarning, stacklevel=3)
            readings = stripped
    if not readings:
        if b"\x00" in data:
            raise PageError(name, "binary file: contains NUL bytes and is not UTF-16 or UTF-32 text")
        offset = _utf8_error_offset(data)
        raise PageError(name, f"undecodable bytes: not UTF-8 (byte {data[offset:offset + 1].hex()} at offset "
                              f"{offset}), nor GB18030/GBK, Big5 or UTF-16; save the page as UTF-8 and reload")
    best_cost, encoding, text = readings[0]
    rivals = [r for r in readings[1:] if _reads_as_text(r[2], r[1])]
    hanzi = sum(1 for c in text if "\u3400" <= c <= "\u9fff")
    if rivals and (hanzi < SHORT_PAGE_HANZI or rivals[0][0] - best_cost < CLEAR_MARGIN) \
            and not (encoding == "gb18030" and hanzi >= COMMON_HANZI_RUN and _all_common_simplified(text)):
        warnings.warn(f"{name}: encoding guessed: read as {encoding.upper()} "
                      f"(“{_shown(text)}”), but as {rivals[0][1].upper()} it reads “{_shown(rivals[0][2])}”. "
                      "Check the text; a page saved as UTF-8 leaves no doubt", PageWarning, stacklevel=3)
        encoding += GUESSED
    return _checked(text, encoding, name)


def _utf8_error_offset(data: bytes) -> int:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        return err.start
    return 0


def _checked(text: str, encoding: str, name) -> tuple[str, str]:
    if len(_CONTROL.findall(text)) > max(2, len(text) // 200):
        raise PageError(name, f"binary file: decoding as {encoding} gives control characters, not text")
    if not text.strip():
        raise PageError(name, "empty page (only white space)")
    return text, encoding


def read_text_file(path, what: str = "file") -> str:
    """The text of a settings file (pages.csv, userdict.txt …) in any encoding a page may be
    in (Excel on Chinese Windows saves GBK); "" for an empty file. A file no encoding reads
    raises :class:`PageError` naming it and the fix."""
    from .paths import display_path

    data = Path(path).read_bytes()
    if not data.strip():
        return ""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PageWarning)
            return decode_page(data, display_path(path))[0]
    except PageError as err:
        raise PageError(err.file, f"this {what} cannot be read ({err.problem}); save it as UTF-8") from None


def read_csv_rows(path, required: list[str], what: str, problem=None) -> list[dict]:
    """The rows of a small settings table (pages.csv, formulations.csv) in any page encoding,
    as dicts of stripped strings with the line number in ``_line``. Each line is one row, so
    a quote left open skips that row only, with ``problem(where, text)`` (default: a
    :class:`PageWarning`) naming the line, instead of swallowing every row after it. A
    missing required column raises :class:`PageError` naming the file."""
    import csv

    from .paths import display_path

    shown = display_path(path)
    if problem is None:
        def problem(where, text):
            warnings.warn(f"{where}: {text}", PageWarning, stacklevel=4)
    lines = read_text_file(path, what).splitlines()
    header_at = next((i for i, line in enumerate(lines) if line.strip()), None)
    header = [h.strip() for h in next(csv.reader([lines[header_at]]))] if header_at is not None else []
    missing = [c for c in required if c not in header]
    if missing:
        raise PageError(shown, f"the {what} lacks the column(s) {', '.join(missing)}; found "
                               f"{', '.join(header) or 'no header'}")
    rows = []
    for index in range(header_at + 1, len(lines)):
        line = lines[index]
        if not line.strip():
            continue
        if line.count('"') % 2:
            problem(f"{shown} line {index + 1}", 'a quote (") opened on this line is never closed; row skipped '
                                                 "(close the quote and reload)")
            continue
        values = next(csv.reader([line]))
        row = {name: value.strip() for name, value in zip(header, values) if name}
        if any(row.values()):
            rows.append({**row, "_line": index + 1})
    return rows
