"""Fixed header slots of one-article files: crawls that write every article's headline stack on
the same lines, an empty line where a part is missing.

A common People's Daily crawl writes the kicker on line 1, the headline on line 2 and the
subtitle on line 3, then the body; an article without a kicker starts with an empty line.
Read as free text, that empty first line vanishes and the headline is taken for the kicker.
:func:`header_slots` finds such a shape from the files of a folder (the same number of
header lines above the body, with empty lines at header positions in many files) and
:func:`parse_slotted` reads a file by it, so every line keeps its role.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from functools import lru_cache

from .page_articles import Article, ParsedPage
from .page_parser import normalise_line, parse_page

__all__ = ["header_slots", "parse_slotted"]

_MIN_FILES = 20
_INDENTED = re.compile(r"^(\u3000|\s{2,}|\t)\S")


def _lines(text: str) -> list[str]:
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _is_body_line(line: str) -> bool:
    """A paragraph of running text: indented, or long and ending like a sentence."""
    stripped = line.strip()
    return bool(stripped) and (bool(_INDENTED.match(line)) or len(stripped) > 90
                               or (len(stripped) > 40 and stripped.endswith("。")))


def _first_body_line(lines: list[str], look: int = 6) -> int | None:
    return next((i for i, line in enumerate(lines[:look]) if _is_body_line(line)), None)


def header_slots(texts: list[str]) -> tuple[str, ...]:
    """The roles of the fixed header lines shared by these one-article files, e.g.
    ``("kicker", "headline", "subtitle")``, or ``()`` when they share none.

    A shape is fixed when at least 20 files show where their body starts, 80 % of them start it
    after the same number of lines (2 to 4), and at least 5 % of those leave a header line
    empty (an empty slot kept, which free headline stacks never do) while no header line is
    empty in more than 98 % of them (that is a blank line under the headline, not a slot). The headline is the
    line that is empty in the fewest files (at most 2 %); lines above it are kickers, lines
    below subtitles.

    >>> files = ["%s\\n主标题%d\\n%s\\n　　正文第一段，写得足够长，像报纸的正文一样。" % ("引题" * (i % 3 == 0), i,
    ...          "副题" * (i % 4 == 0)) for i in range(30)]
    >>> header_slots(files)
    ('kicker', 'headline', 'subtitle')
    >>> header_slots(["主标题\\n　　正文。"] * 30)
    ()
    """
    starts, blanks = Counter(), Counter()
    shaped = []
    for text in texts:
        lines = _lines(text)
        first = _first_body_line(lines)
        if first is not None:
            starts[first] += 1
            shaped.append(lines[:first])
    if sum(starts.values()) < _MIN_FILES:
        return ()
    size, count = starts.most_common(1)[0]
    if not 2 <= size <= 4:
        return ()
    # a blank line between the header and the body moves the body one line down: same shape
    headers = [h[:size] for h in shaped if len(h) == size or (len(h) == size + 1 and not h[size].strip())]
    if len(headers) < 0.8 * sum(starts.values()):
        return ()
    for header in headers:
        for position, line in enumerate(header):
            blanks[position] += not line.strip()
    if max(blanks.values()) < 0.05 * len(headers) or max(blanks.values()) > 0.98 * len(headers):
        return ()  # no empty slot, or a line that is (almost) always empty: a spacer, not a slot
    headline = min(range(size), key=lambda p: (blanks[p], p))
    if blanks[headline] > 0.02 * len(headers):
        return ()
    return tuple("kicker" if p < headline else "headline" if p == headline else "subtitle" for p in range(size))


@lru_cache(maxsize=40_000)
def parse_slotted(text: str, slots: tuple[str, ...]) -> ParsedPage:
    """One article file read by its header slots: each of the first ``len(slots)`` lines takes
    its slot's role (an empty line, an empty part); the rest is the body. A file whose header
    lines hold running text or no headline does not follow the shape and is read as a
    one-article file (:func:`banmian.page_parser.parse_page`)."""
    lines = _lines(text)
    header = lines[:len(slots)]
    if len(header) < len(slots) or any(_is_body_line(line) for line in header) \
            or not header[slots.index("headline")].strip():
        return parse_page(text, "article")
    page = parse_page("\n".join(lines[len(slots):]), "body")  # cached and shared: copied, never changed
    fixes = Counter(page.fixes)
    parts: dict[str, list[str]] = {"kicker": [], "headline": [], "subtitle": []}
    for role, line in zip(slots, header):
        cleaned = normalise_line(line, fixes)
        if cleaned:
            parts[role].append(cleaned)
    article = replace(page.articles[0] if page.articles else Article(headline=""),
                      kicker=" ".join(parts["kicker"]).rstrip("—：: "), headline=" ".join(parts["headline"]),
                      subtitle=" ".join(parts["subtitle"]).lstrip("—–- "), signal="header slots")
    return ParsedPage([article], page.credits, page.labels, fixes, page.blocks)
