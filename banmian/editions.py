"""Editions: pair the articles of two transcriptions of a page, find every variant reading,
classify it, hint which reading is likelier, and show or reconcile the two texts.

Diffs come from RapidFuzz (``rapidfuzz.distance.Indel``: the longest common subsequence,
computed bit-parallel in C++), which has no junk heuristic: difflib's ``autojunk`` would treat
frequent characters such as 的 as junk in texts over 200 characters and misalign them.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pandas as pd

__all__ = ["PARTS", "part_text", "align_editions", "compare_editions", "VARIANT_TYPES"]

VARIANT_TYPES = ["punctuation width", "punctuation", "paragraph break", "substitution", "insertion in a",
                 "insertion in b", "omitted block", "moved text"]
ALIGNMENT_COLUMNS = ["page_id", "status", "headline_a", "headline_b", "article_no_a", "article_no_b", "chars_a",
                     "chars_b", "similarity", "coverage_a", "coverage_b", "reordered"]
VARIANT_COLUMNS = ["page_id", "headline", "part", "type", "text_a", "text_b", "context", "pos_a", "pos_b", "side", "hint",
                   "hint_reason"]
BLOCK_CHARS = 15      # an edit this long, with nothing opposite, is an omitted block
MERGE_GAP = 1         # edits separated by at most this many equal characters are one variant
MOVED_SIMILARITY = 0.8
PARTS = ["headline", "kicker", "subtitle", "byline", "captions", "body"]  # every part of an article that is compared


def editions_present(articles: pd.DataFrame, *editions):
    known = sorted(articles["edition"].unique())
    for edition in editions:
        if edition not in known:
            raise ValueError(f"unknown edition {edition!r}: the articles have editions {', '.join(map(str, known))}")


def lcs_length(a: str, b: str) -> int:
    from rapidfuzz.distance import LCSseq
    return int(LCSseq.similarity(a, b))


def align_editions(articles: pd.DataFrame, a: str, b: str, min_coverage: float = 0.5) -> pd.DataFrame:
    """Pair the articles of editions ``a`` and ``b`` of every page they share, by content.

    Each article's headline and body are compared with every article of the other
    edition; pairs are taken best first (longest common subsequence), so reordered
    articles still pair, and an article whose best match covers less than
    ``min_coverage`` of either text stays unpaired. Columns: page_id, status ("in both",
    "only in a", "only in b", "page only in a", "page only in b"), headline_a, headline_b,
    article_no_a, article_no_b, chars_a, chars_b, similarity (2·LCS / (len a + len b)),
    coverage_a (share of a's text found in b), coverage_b, reordered.
    """
    editions_present(articles, a, b)
    rows = []
    for page_id, page in articles.groupby("page_id", sort=True):
        side_a, side_b = page[page["edition"] == a], page[page["edition"] == b]
        if side_a.empty or side_b.empty:
            only = a if side_b.empty else b
            for art in (side_a if side_b.empty else side_b).itertuples(index=False):
                rows.append(_row(page_id, f"page only in {'a' if only == a else 'b'}",
                                 art if only == a else None, art if only == b else None))
            continue
        texts_a = {r.article_no: f"{r.headline}\n{r.body}" for r in side_a.itertuples(index=False)}
        texts_b = {r.article_no: f"{r.headline}\n{r.body}" for r in side_b.itertuples(index=False)}
        scored = []
        for na, ta in texts_a.items():
            for nb, tb in texts_b.items():
                common = lcs_length(ta, tb)
                scored.append((common / max(1, min(len(ta), len(tb))), common, na, nb))
        used_a, used_b, pairs = set(), set(), []
        for share, common, na, nb in sorted(scored, reverse=True):
            if na in used_a or nb in used_b or share < min_coverage:
                continue
            used_a.add(na), used_b.add(nb)
            pairs.append((na, nb, common))
        order_a = {n: i for i, (n, _, _) in enumerate(sorted(pairs))}
        order_b = {n: i for i, n in enumerate(sorted(nb for _, nb, _ in pairs))}
        arts_a, arts_b = side_a.set_index("article_no"), side_b.set_index("article_no")
        for na, nb, common in pairs:
            ra, rb = arts_a.loc[na], arts_b.loc[nb]
            la, lb = len(texts_a[na]), len(texts_b[nb])
            row = _row(page_id, "in both", ra, rb, na, nb)
            row.update(similarity=round(2 * common / (la + lb), 3), coverage_a=round(common / la, 3),
                       coverage_b=round(common / lb, 3), reordered=order_a[na] != order_b[nb])
            rows.append(row)
        for na in sorted(set(texts_a) - used_a):
            rows.append(_row(page_id, "only in a", arts_a.loc[na], None, na, None))
        for nb in sorted(set(texts_b) - used_b):
            rows.append(_row(page_id, "only in b", None, arts_b.loc[nb], None, nb))
    table = pd.DataFrame(rows, columns=ALIGNMENT_COLUMNS)
    table.attrs.update(a=a, b=b)
    return table


def _row(page_id, status, ra, rb, na=None, nb=None) -> dict:
    def get(r, name):
        return None if r is None else (getattr(r, name) if hasattr(r, name) else r[name])
    return {"page_id": page_id, "status": status, "headline_a": get(ra, "headline"), "headline_b": get(rb, "headline"),
            "article_no_a": na if na is not None else get(ra, "article_no"),
            "article_no_b": nb if nb is not None else get(rb, "article_no"),
            "chars_a": get(ra, "chars"), "chars_b": get(rb, "chars"), "similarity": None, "coverage_a": None,
            "coverage_b": None, "reordered": None}


# --------------------------------------------------------------------------- variants

def is_mark(text: str) -> bool:
    return all(ch.isspace() or unicodedata.category(ch)[0] in "PSZ" for ch in text)


def _groups(a: str, b: str) -> list[list[int]]:
    """Runs of edits as [i1, i2, j1, j2, has_insert, has_delete]; edits split by at most
    MERGE_GAP equal characters are one run."""
    from rapidfuzz.distance import Indel

    groups: list[list[int]] = []
    for op in Indel.opcodes(a, b):
        if op.tag == "equal":
            continue
        gap = a[groups[-1][1]:op.src_start] if groups else ""
        if groups and op.src_start - groups[-1][1] <= MERGE_GAP and op.dest_start - groups[-1][3] <= MERGE_GAP \
                and not (gap and is_mark(gap)):
            group = groups[-1]
            group[1], group[3] = max(group[1], op.src_end), max(group[3], op.dest_end)
        else:
            group = [op.src_start, op.src_end, op.dest_start, op.dest_end, 0, 0]
            groups.append(group)
        group[4] |= op.tag == "insert"
        group[5] |= op.tag == "delete"
    return groups


@lru_cache(maxsize=1)
def _word_segmenter():
    from .dictionary import read_userdict
    from .segmenter import cached_segmenter
    return cached_segmenter(tuple(read_userdict("corpus/userdict.txt")))


def word_boundaries(text: str, start: int, end: int) -> set[int]:
    """Word boundaries (as offsets in ``text``) around text[start:end], from jieba with the
    project dictionary, on a window so that long texts are not segmented whole."""
    lo, hi = max(0, start - 12), min(len(text), end + 12)
    cuts, pos = {lo, hi}, lo
    for word in _word_segmenter().tokenizer.lcut(text[lo:hi], HMM=False):
        pos += len(word)
        cuts.add(pos)
    return cuts


def _expand(a: str, b: str, i1: int, i2: int, j1: int, j2: int) -> tuple[int, int, int, int]:
    """Widen an edit to whole words on both sides, through the equal text around it, never
    across punctuation: 负/书 + 责人/记 becomes 县委负责人 / 县委书记."""
    def widen(i1, i2, j1, j2):
        cuts_a, cuts_b = word_boundaries(a, i1, i2), word_boundaries(b, j1, j2)
        left = 0
        while i1 - left > 0 and j1 - left > 0 and a[i1 - left - 1] == b[j1 - left - 1] \
                and not is_mark(a[i1 - left - 1]) and not ((i1 - left) in cuts_a and (j1 - left) in cuts_b):
            left += 1
        right = 0
        while i2 + right < len(a) and j2 + right < len(b) and a[i2 + right] == b[j2 + right] \
                and not is_mark(a[i2 + right]) and not ((i2 + right) in cuts_a and (j2 + right) in cuts_b):
            right += 1
        return i1 - left, i2 + right, j1 - left, j2 + right

    i1, i2, j1, j2 = widen(i1, i2, j1, j2)
    if min(i2 - i1, j2 - j1) == 0 or max(i2 - i1, j2 - j1) == 1:
        # 焦急来电 / 焦急地来电: a lone inserted word is cited with its neighbours
        for _ in range(2):
            if i1 > 0 and j1 > 0 and a[i1 - 1] == b[j1 - 1] and not is_mark(a[i1 - 1]):
                i1, j1 = i1 - 1, j1 - 1
            if i2 < len(a) and j2 < len(b) and a[i2] == b[j2] and not is_mark(a[i2]):
                i2, j2 = i2 + 1, j2 + 1
            i1, i2, j1, j2 = widen(i1, i2, j1, j2)
    return i1, i2, j1, j2


def _context(a: str, i1: int, i2: int, text_a: str, text_b: str, width: int = 12) -> str:
    left = a[max(0, i1 - width):i1].replace("\n", "¶")
    right = a[i2:i2 + width].replace("\n", "¶")
    return f"{left}[{text_a}|{text_b}]{right}"


def _split_at_sections(text: str, start: int, sections: set[str]) -> list[tuple[str, int]]:
    """Cut an omitted run of paragraphs before each section heading in it."""
    chunks, offset, current, current_start = [], start, [], start
    for line in text.split("\n"):
        if line.strip() in sections and current and "".join(current).strip():
            chunks.append(("\n".join(current), current_start))
            current, current_start = [], offset
        current.append(line)
        offset += len(line) + 1
    if "".join(current).strip():
        chunks.append(("\n".join(current), current_start))
    return [(chunk.strip("\n"), s + len(chunk) - len(chunk.lstrip("\n"))) for chunk, s in chunks]


class _Region:
    """Some paragraphs of a body joined by newlines, remembering where each came from."""

    def __init__(self, paragraphs: list[tuple[str, int]]):
        self.text = "\n".join(p for p, _ in paragraphs)
        self.starts, self.origins, pos = [], [], 0
        for paragraph, origin in paragraphs:
            self.starts.append(pos)
            self.origins.append(origin)
            pos += len(paragraph) + 1

    def origin(self, pos: int) -> int:
        if not self.origins:
            return 0
        k = max(0, next((i for i, s in enumerate(self.starts) if s > pos), len(self.starts)) - 1)
        return self.origins[k] + pos - self.starts[k]


def _paragraphs(text: str) -> list[tuple[str, int]]:
    out, pos = [], 0
    for paragraph in text.split("\n"):
        out.append((paragraph, pos))
        pos += len(paragraph) + 1
    return out


def _variants(a: str, b: str, sections: set[str]) -> list[dict]:
    """Diff paragraph by paragraph first (a paragraph that left one place and stands on the
    other side elsewhere is moved text), then character by character inside each changed run."""
    from rapidfuzz.distance import Indel

    pa, pb = _paragraphs(a), _paragraphs(b)
    spans: list[list[int]] = []  # runs of changed paragraphs, neighbouring deletions and insertions together
    for op in Indel.opcodes([p for p, _ in pa], [p for p, _ in pb]):
        if op.tag == "equal":
            continue
        if spans and spans[-1][1] == op.src_start and spans[-1][3] == op.dest_start:
            spans[-1][1], spans[-1][3] = op.src_end, op.dest_end
        else:
            spans.append([op.src_start, op.src_end, op.dest_start, op.dest_end])
    regions = [(pa[i1:i2], pb[j1:j2]) for i1, i2, j1, j2 in spans]
    rows = []
    # a paragraph changed in place sits in one region on both sides; a moved one in two regions
    gone = [(k, p) for k, (ra, _) in enumerate(regions) for p in ra if len(p[0]) >= BLOCK_CHARS]
    new = [(k, p) for k, (_, rb) in enumerate(regions) for p in rb if len(p[0]) >= BLOCK_CHARS]
    moved_a, moved_b = set(), set()
    for region_a, (text_a, start_a) in gone:
        for region_b, (text_b, start_b) in new:
            if region_a != region_b and start_b not in moved_b \
                    and lcs_length(text_a, text_b) >= MOVED_SIMILARITY * max(len(text_a), len(text_b)):
                moved_a.add(start_a)
                moved_b.add(start_b)
                rows.append({"type": "moved text", "text_a": text_a, "text_b": text_b, "pos_a": start_a,
                             "pos_b": start_b, "context": _context(a, start_a, start_a, text_a[:12] + "…", "…")})
                break
    for ra, rb in regions:
        ra = [p for p in ra if p[1] not in moved_a]
        rb = [p for p in rb if p[1] not in moved_b]
        if ra or rb:
            rows += _region_variants(_Region(ra), _Region(rb), sections)
    return rows


def _region_variants(region_a: _Region, region_b: _Region, sections: set[str]) -> list[dict]:
    a, b = region_a.text, region_b.text
    rows = []
    for i1, i2, j1, j2, inserted, deleted in _groups(a, b):
        seg_a, seg_b = a[i1:i2], b[j1:j2]
        if is_mark(seg_a) and is_mark(seg_b):
            kind = "paragraph break" if {seg_a.strip(" "), seg_b.strip(" ")} <= {"", "\n"} else "punctuation"
            rows.append({"type": kind, "text_a": seg_a, "text_b": seg_b, "pos_a": region_a.origin(i1),
                         "pos_b": region_b.origin(j1),
                         "context": _context(a, i1, i2, seg_a.replace("\n", "¶"), seg_b.replace("\n", "¶"))})
            continue
        if max(len(seg_a), len(seg_b)) >= BLOCK_CHARS and (
                min(len(seg_a.strip()), len(seg_b.strip())) <= 2 or lcs_length(seg_a, seg_b) < 0.3 * min(len(seg_a), len(seg_b))):
            for side, seg, start in (("a", seg_a, i1), ("b", seg_b, j1)):
                if len(seg.strip()) > 2:
                    for chunk, chunk_start in _split_at_sections(seg, start, sections):
                        rows.append({"type": "omitted block", "side": side, "text_a": chunk if side == "a" else "",
                                     "text_b": chunk if side == "b" else "",
                                     "pos_a": region_a.origin(chunk_start if side == "a" else i1),
                                     "pos_b": region_b.origin(chunk_start if side == "b" else j1),
                                     "context": _context(a, i1, i1, "…" if side == "b" else chunk[:12] + "…",
                                                         chunk[:12] + "…" if side == "b" else "…")})
            continue
        e1, e2, f1, f2 = _expand(a, b, i1, i2, j1, j2)
        text_a, text_b = a[e1:e2], b[f1:f2]
        kind = "insertion in b" if inserted and not deleted else "insertion in a" if deleted and not inserted \
            else "substitution"
        rows.append({"type": kind, "text_a": text_a, "text_b": text_b, "pos_a": region_a.origin(e1),
                     "pos_b": region_b.origin(f1), "context": _context(a, e1, e2, text_a, text_b)})
    return rows


def _width_variants(raw_a: str, raw_b: str, a: str, b: str) -> list[dict]:
    from rapidfuzz.distance import Indel

    rows = []
    for op in Indel.opcodes(a, b):
        if op.tag != "equal":
            continue
        for k in range(op.src_end - op.src_start):
            i, j = op.src_start + k, op.dest_start + k
            if raw_a[i] != raw_b[j]:
                rows.append({"type": "punctuation width", "text_a": raw_a[i], "text_b": raw_b[j], "pos_a": i,
                             "pos_b": j, "context": _context(a, i, i + 1, raw_a[i], raw_b[j])})
    return rows


# --------------------------------------------------------------------------- plausibility

def _pieces(reading: str) -> int:
    """How many pieces jieba (project dictionary, no guessing of new words) cuts a reading
    into: 市委/非公/所有制/经济 → 4, 市委/非公有制/经济 → 3. Fewer means more of it is known words."""
    return sum(1 for w in _word_segmenter().tokenizer.lcut(reading, HMM=False) if not is_mark(w))


def _with_neighbours(text: str, start: int, end: int, width: int = 2) -> str:
    left = re.split(r"[\W_]", text[max(0, start - width):start])[-1]
    right = re.split(r"[\W_]", text[end:end + width])[0]
    return left + text[start:end] + right


def _hint(core_a: str, core_b: str, reading_a: str, reading_b: str, corpus_text: str,
          a: str, b: str) -> tuple[str, str]:
    """Which reading is likelier, from evidence the kit has, tried in this order: exactly
    one of the two is a dictionary word (非公有制, not 非公所有制); same length, and jieba reads
    one, with its neighbouring characters, as fewer words (贸易/货栈/小区 against
    贸易/货/钱/小区); an insertion that fuses into words (居民/幸福感/节节); the corpus's own
    frequencies. Only ever a hint."""
    freq = _word_segmenter().tokenizer.FREQ
    known_a, known_b = bool(freq.get(core_a)), bool(freq.get(core_b))
    if known_a != known_b:
        better, worse = (core_a, core_b) if known_a else (core_b, core_a)
        return (a if known_a else b, f"hint: “{better}” is a dictionary word, “{worse}” is not")
    pieces_a, pieces_b = _pieces(reading_a), _pieces(reading_b)
    if len(core_a) == len(core_b) and pieces_a != pieces_b:
        better, worse = (reading_a, reading_b) if pieces_a < pieces_b else (reading_b, reading_a)
        return (a if pieces_a < pieces_b else b,
                f"hint: jieba's dictionary reads “{better}” as {min(pieces_a, pieces_b)} words, "
                f"“{worse}” as {max(pieces_a, pieces_b)} pieces")
    if len(core_a) != len(core_b):
        longer, shorter = (reading_a, reading_b) if len(core_a) > len(core_b) else (reading_b, reading_a)
        extra = abs(len(core_a) - len(core_b))
        if _pieces(longer) - _pieces(shorter) < min(extra, _pieces(longer)) and _pieces(longer) <= _pieces(shorter):
            return (a if longer == reading_a else b,
                    f"hint: the extra characters fuse into words in “{longer}”")
    count_a, count_b = corpus_text.count(reading_a) - 1, corpus_text.count(reading_b) - 1
    if max(count_a, count_b) > 0 and count_a != count_b:
        return (a if count_a > count_b else b,
                f"hint: elsewhere in the corpus “{reading_a}” appears {max(count_a, 0)}×, "
                f"“{reading_b}” {max(count_b, 0)}×")
    return "", "no evidence either way"


def compare_editions(articles: pd.DataFrame, a: str, b: str, show_width: bool = False,
                     hints: bool = True, corpus: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every variant reading between editions ``a`` and ``b``: one row per variant.

    Articles are paired by :func:`align_editions` and their clean bodies compared, so
    half- and full-width punctuation make no variant unless ``show_width=True``.
    Every part of the article is compared (``PARTS``: headline, kicker, subtitle, byline,
    captions, body); ``part`` says where each variant is ("caption" for photo captions,
    "article" for an article one edition lacks). Offsets count from the start of that part
    (captions joined one per line). Columns: page_id, headline, part, type (``VARIANT_TYPES``: punctuation width, punctuation,
    paragraph break, substitution, insertion in a / in b (the text that edition has and
    the other lacks), omitted block (a passage or section one edition lacks; ``side`` says
    which edition has it), moved text), text_a, text_b, context (a's text around it with
    [a|b] marked), pos_a, pos_b (offsets in each body), side, hint (the edition whose reading
    is likelier, or ""), hint_reason. Word-level variants are widened to whole words:
    县委负责人 / 县委书记, not 负 / 书. Hints come from jieba's dictionary and the corpus's own
    frequencies (``corpus``, default ``articles``), and are only hints.
    """
    return variant_table(articles, a, b, show_width, hints, "\n".join((articles if corpus is None else corpus)["body"]))


PART_NAMES = {"captions": "caption"}


def part_text(article, part: str) -> str:
    """The text of one part of an article (a row of :func:`load_articles`): captions one per line."""
    value = article.get(part, "")
    if pd.api.types.is_list_like(value):  # captions: a list (or an array, from a Parquet table)
        return "\n".join(map(str, value))
    return "" if pd.isna(value) else str(value)


def lone_article(pair, keyed: pd.DataFrame, a: str, b: str) -> tuple[str, str, str]:
    """(side, edition, body) of an article that only one edition has."""
    side = "a" if pair.status.endswith("in a") else "b"
    edition = a if side == "a" else b
    number = pair.article_no_a if side == "a" else pair.article_no_b
    return side, edition, keyed.loc[(pair.page_id, edition, number), "body"]


def variant_table(articles: pd.DataFrame, a: str, b: str, show_width: bool, hints: bool, corpus_text: str,
             pairs: pd.DataFrame | None = None) -> pd.DataFrame:
    pairs = align_editions(articles, a, b) if pairs is None else pairs
    keyed = articles.set_index(["page_id", "edition", "article_no"])
    present_parts = [part for part in PARTS if part in articles.columns]
    rows = []
    for pair in pairs.itertuples(index=False):
        if pair.status != "in both":
            side, _, body = lone_article(pair, keyed, a, b)
            rows.append({"page_id": pair.page_id, "headline": pair.headline_a or pair.headline_b,
                         "part": "article", "type": "omitted block", "side": side, "text_a": body if side == "a" else "",
                         "text_b": body if side == "b" else "", "pos_a": 0, "pos_b": 0,
                         "context": "the whole article"})
            continue
        art_a = keyed.loc[(pair.page_id, a, pair.article_no_a)]
        art_b = keyed.loc[(pair.page_id, b, pair.article_no_b)]
        sections = set(art_a["sections"]) | set(art_b["sections"])
        for part in present_parts:
            text_a, text_b = part_text(art_a, part), part_text(art_b, part)
            if text_a == text_b and not (show_width and part == "body"):
                continue
            found = _variants(text_a, text_b, sections if part == "body" else set())
            if show_width and part == "body":
                found += _width_variants(art_a["raw_body"], art_b["raw_body"], text_a, text_b)
            for row in found:
                hint, reason = ("", "")
                if hints and row["type"] in ("substitution", "insertion in a", "insertion in b"):
                    reading_a = _with_neighbours(text_a, row["pos_a"], row["pos_a"] + len(row["text_a"]))
                    reading_b = _with_neighbours(text_b, row["pos_b"], row["pos_b"] + len(row["text_b"]))
                    hint, reason = _hint(row["text_a"], row["text_b"], reading_a, reading_b, corpus_text, a, b)
                rows.append({"page_id": pair.page_id, "headline": pair.headline_a, "part": PART_NAMES.get(part, part),
                             **row, "hint": hint, "hint_reason": reason})
    table = pd.DataFrame([{"side": "", **row} for row in rows], columns=VARIANT_COLUMNS)
    table.attrs.update(a=a, b=b)
    order = {name: k for k, name in enumerate(["article"] + [PART_NAMES.get(p, p) for p in PARTS])}
    return table.sort_values(["page_id", "headline", "part", "pos_a", "pos_b"], ignore_index=True,
                             key=lambda c: c.map(order) if c.name == "part" else c)
