"""Reading a page's lines: normalising punctuation, blocks, headline stacks, bylines, credits and
captions, and the articles of a page (the pages layer, used by :mod:`banmian.pages`)."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from .credit_lines import (
    BYLINE,
    CREDIT_ROLE,
    HAN,
    NAME_LINE,
    PHOTO_CREDIT,
    byline_names,
    parse_credits,
    split_names,
)
from .page_articles import EDITORIAL_TAG, Article, ParsedPage

__all__ = ["clean_text"]

_CJK_CONTEXT = f"{HAN}\u3000-\u303f\uff01-\uff60“”‘’—…·"
_HALF_TO_FULL = {",": "，", "(": "（", ")": "）", ":": "：", ";": "；", "?": "？", "!": "！"}
_HALF_PUNCT = re.compile(
    rf"(?<=[{_CJK_CONTEXT}])[,():;?!]|[,():;?!](?=[{_CJK_CONTEXT}])|(?<=[{HAN}])\.(?=[{HAN}“”]|$)",
    re.M)
_FULLWIDTH_ALNUM = re.compile(r"[０-９Ａ-Ｚａ-ｚ]")
_MARKDOWN_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s*(.*?)\s*#*\s*$")
_SENTENCE_END = "。！？!?…”’」』）)》.；;"
_INNER_PUNCT = re.compile(r"[。，；：,;:]")
_BOX_MARKERS = "◆◇■□●○▲△★☆▶►※"


def _normalise_punctuation(text: str, fixes: Counter | None = None) -> str:
    text, n = _HALF_PUNCT.subn(lambda m: "。" if m.group() == "." else _HALF_TO_FULL[m.group()], text)
    text, m = _FULLWIDTH_ALNUM.subn(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    if fixes is not None:
        fixes["half-width punctuation made full-width"] += n
        fixes["full-width letters and digits made ASCII"] += m
    return text


def normalise_line(line: str, fixes: Counter | None = None) -> str:
    """One line as the parser reads it: indentation and outer spaces gone, punctuation normalised."""
    return _normalise_punctuation(line.replace("\u3000", " ").replace("\t", "  ").strip(), fixes)


def _join_lines(lines: list[str], twins: list[str] | None = None):
    """Join the lines of one block (two-space breaks): no space between Chinese, one between
    Latin words. With ``twins`` (the same lines before punctuation was normalised, each as
    long as its line) the twins are joined the same way and both texts are returned."""
    out, twin_out = "", ""
    for i, line in enumerate(lines):
        if out and re.search(r"[A-Za-z0-9]$", out) and re.match(r"[A-Za-z0-9]", line):
            out, twin_out = out + " ", twin_out + " "
        out += line
        if twins is not None:
            twin_out += twins[i]
    return out if twins is None else (out, twin_out)


@dataclass
class _Block:
    raw: str                      # the lines as they stand in the file
    lines: list[str]              # markers removed, punctuation normalised
    gap: int                      # blank lines before the block
    level: int = 0                # markdown heading level, 0 for none
    kind: str = "body"
    unnormalised: list[str] | None = None  # the lines before punctuation was normalised
    text: str = ""
    raw_text: str = ""            # text with the file's own punctuation widths, same length as text
    indent: bool = False          # the first line is indented (ideographic or two or more spaces, tab)

    def __post_init__(self):
        self.unnormalised = self.unnormalised or list(self.lines)
        self.text, self.raw_text = _join_lines(self.lines, self.unnormalised)


def _wrap_width(lines: list[str]) -> int:
    """The line width of a hard-wrapped text (OCR output, e-paper copy), or 0.

    Hard-wrapped text has most of its long lines at one width: at least three lines and
    40 % of the lines of 12 or more characters within two characters of the commonest
    length."""
    lengths = [len(line.strip().replace("\u3000", "")) for line in lines]
    long = [n for n in lengths if n >= 12]
    if len(long) < 4:
        return 0
    width = Counter(long).most_common(1)[0][0]
    near = sum(width - 2 <= n <= width for n in long)
    return width if near >= 3 and near >= 0.4 * len(long) else 0


def _split_blocks(text: str, fixes: Counter, header_lines: int = 0) -> list[_Block]:
    """Cut a page into blocks: one per line, except that a line ending in the
    markdown two-space break, or a full line of hard-wrapped text that stops
    mid-sentence, continues on the next line; a markdown heading is its own block.

    ``header_lines`` > 0 reads the file as one article: its first lines, up to a
    blank or indented line (at most that many), are the headline stack."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    wrap = _wrap_width(lines)
    blocks: list[_Block] = []
    pending: list[str] = []
    plain_pending: list[str] = []
    raw_pending: list[str] = []
    gap = 0

    def flush():
        nonlocal pending, plain_pending, raw_pending, gap
        if pending:
            indent = bool(_INDENT.match(raw_pending[0]))
            blocks.append(_Block("\n".join(raw_pending), pending, gap, unnormalised=plain_pending, indent=indent))
            pending, plain_pending, raw_pending, gap = [], [], [], 0

    for raw_line in lines:
        if not raw_line.strip():
            flush()
            gap += 1
            continue
        if raw_line.lstrip(" ").startswith("\u3000"):
            fixes["ideographic-space indentation removed"] += 1
        line = raw_line.replace("\u3000", " ").replace("\t", "  ").strip()
        heading = _MARKDOWN_HEADING.match(line)
        if heading:
            flush()
            fixes["markdown heading markers removed"] += 1
            blocks.append(_Block(raw_line, [_normalise_punctuation(heading.group(2), fixes)], gap,
                                 level=len(heading.group(1)), unnormalised=[heading.group(2)]))
            gap = 0
            continue
        pending.append(_normalise_punctuation(line, fixes))
        plain_pending.append(line)
        raw_pending.append(raw_line)
        if raw_line.endswith("  "):
            fixes["two-space line breaks joined"] += 1
        elif wrap and wrap - 2 <= len(line) <= wrap + 1 and not ends_sentence(line) and (
                len(pending) > 1 or _INNER_PUNCT.search(line) or _DATELINE.match(line)):  # else it may be a headline
            fixes["hard-wrapped lines joined"] += 1
        else:
            flush()
    flush()
    for block in blocks:
        block.kind = _classify(block)
    for this, nxt in zip(blocks, blocks[1:] + [None]):
        # a long line with commas is a headline only if text follows it; else it is a cut-off paragraph
        if this.kind == "heading" and not this.level and _is_long_headline(this.text) and (
                nxt is None or nxt.gap >= 2 or (nxt.kind == "body" and starts_mid_sentence(nxt.text))):
            this.kind = "body"
    if header_lines:
        _mark_header(blocks, header_lines)
    elif _indented_page(blocks):
        for block in blocks:
            block.kind = _classify_indented(block)
    return blocks


_INDENT = re.compile(r"^(\u3000|\s{2,}|\t)")
_NUMBERED_HEADING = re.compile(r"^(第?[一二三四五六七八九十]{1,3}[、是]|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.、．](?!\d))")
_PLAIN_STARTS = ("after a label", "after a wide gap")
_PARALLEL_PHRASES = re.compile(rf"^[{HAN}]{{4}}(?:\s+[{HAN}]{{4}})+$")  # 只争朝夕 不负韶华: a headline, not two names
_PICTURE_ITEM = re.compile(r"^(图片报道|图片新闻|新闻图片|摄影报道|图说|图片故事)")
_PARENTHESISED = re.compile(r"^[（(【\[].*[）)】\]]$")
def _indented_page(blocks: list[_Block]) -> bool:
    """Does the page indent its body paragraphs and leave headlines flush left?

    Most long body paragraphs (30+ characters) start indented, and at least one
    short line that could be a headline does not."""
    body = [b for b in blocks if b.kind == "body" and not b.level and len(b.text) >= 30]
    if len(body) < 2 or sum(b.indent for b in body) < 0.6 * len(body):
        return False
    return any(not b.indent and not b.level and _could_be_headline(b.text) for b in blocks)


def _could_be_headline(text: str) -> bool:
    """Short enough and not ending like a sentence: a headline of any length a page prints (up to 80)."""
    return 0 < len(text) <= 80 and not text.endswith(("。", "，", "；", "、", "：")) and not _DATELINE.match(text) \
        and text.count("。") == 0


def _classify_indented(block: _Block) -> str:
    """On an indented page, flush-left lines are headlines whatever their length or
    commas, and short indented lines are headings inside the article."""
    if block.kind in ("credit", "label", "caption", "byline") or block.level:
        return block.kind
    if not block.indent and _could_be_headline(block.text):
        return "subtitle" if block.kind == "subtitle" else "heading"
    if block.indent and block.kind == "heading":
        return "section"
    return block.kind


def _mark_header(blocks: list[_Block], header_lines: int) -> None:
    """One article per file: the lines at the top, up to the first blank or indented
    line, are its headline stack (kicker, headline, subtitle), whatever their length."""
    for n, block in enumerate(blocks[:header_lines]):
        if (n and (block.gap or block.indent)) or block.kind in ("byline", "caption", "credit") \
                or not (len(block.text) <= 150 and not block.text.endswith("。") and not _DATELINE.match(block.text)):
            break
        if block.kind != "subtitle":
            block.kind = "heading"


_COLUMN_LABEL = re.compile(rf"^[A-Z][A-Z0-9 &'’.-]{{1,30}}\s*[{HAN}]{{0,10}}$")
_CAPTION_START = re.compile(r"^(图为|图[:：]|[上下左右中]图|图片[:：]|图\d|[（(]资料图片[）)])")
_PAREN = r"[（(][^（）()]{1,40}[）)]"
_DATELINE = re.compile(rf"^((?:本报讯|本报[{HAN}0-9]{{0,10}}电|[{HAN}]{{2,6}}社[{HAN}0-9]{{0,12}}电)\s*(?:{_PAREN})?"
                       rf"|[{HAN}]{{2,8}}讯\s*[（(](?:记者|通讯员)[^（）()]{{1,40}}[）)])\s*")
_PLACEHOLDER = re.compile(r"^[（(【\[]?\s*(?:图片|公益|分类)?广告\s*[）)】\]]?$")


def _is_heading_like(text: str) -> bool:
    """A short line without sentence punctuation, or a long headline (up to 64
    characters, a comma or two, ending in a word or an editorial tag such as （社论））."""
    return _is_short_headline(text) or _is_long_headline(text)


def _is_short_headline(text: str) -> bool:
    core = re.sub(rf"^[{HAN}“”]{{2,8}}：", "", text.rstrip("？！?!"))  # 稷山县：… is still a headline
    return 0 < len(text) <= 40 and not _INNER_PUNCT.search(core) and not text.endswith("。")


def _is_long_headline(text: str) -> bool:
    """A headline too long or too punctuated for the short rule: up to 64 characters,
    at most two commas, no sentence punctuation, ending in a word or an editorial tag."""
    return not _is_short_headline(text) and 0 < len(text) <= 64 and not re.search(r"[。；;！？!?：:]", text) and not _DATELINE.match(text) \
        and text.count("，") <= 2 and (bool(re.search(rf"[{HAN}A-Za-z0-9]$", text)) or bool(EDITORIAL_TAG.search(text)))


def _classify(block: _Block) -> str:
    text = block.text
    if CREDIT_ROLE.match(text) and len(text) <= 80 and "。" not in text:
        return "credit"
    if _COLUMN_LABEL.match(text) or _PLACEHOLDER.match(text):
        return "label"
    if _CAPTION_START.match(text) or (len(text) <= 20 and PHOTO_CREDIT.fullmatch(text)):
        return "caption"
    if re.match(r"^[—–-]{1,3}", text) and len(text) <= 60:
        return "subtitle"
    if BYLINE.match(text) and len(text) <= 40:
        return "byline"
    if (_PARENTHESISED.match(text) or _DATELINE.match(text)) and not block.level:
        return "body"
    if block.level or _is_heading_like(text):
        return "section" if _NUMBERED_HEADING.match(text) and not block.level else "heading"
    return "body"


def ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(tuple(_SENTENCE_END))


def _rejoin_column_breaks(blocks: list[_Block], fixes: Counter) -> list[_Block]:
    """Glue a paragraph that stops mid-sentence to the body paragraph that carries
    on after the column break ("社区服" + "务品牌"); captions in between stay where
    they are. A paragraph followed by a heading, a byline or a wide gap is left
    alone: that is a cut-off text, flagged later, not a column break."""
    out: list[_Block] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        i += 1
        if block.kind != "body":
            out.append(block)
            continue
        while not ends_sentence(block.text):
            j = i
            while j < len(blocks) and blocks[j].kind == "caption":
                j += 1
            if j >= len(blocks) or blocks[j].kind != "body" or (j == i and blocks[j].gap > 1):
                break
            out.extend(blocks[i:j])  # captions met on the way
            nxt = blocks[j]
            text, raw_text = _join_lines(block.lines + nxt.lines, block.unnormalised + nxt.unnormalised)
            block = _Block(block.raw + "\n" + nxt.raw, [text], block.gap, unnormalised=[raw_text])
            fixes["column-break paragraphs rejoined"] += 1
            i = j + 1
        out.append(block)
    return out


def _heading_is_headline(blocks, i, current, prev_kind, deepest_level, wide_gap=2) -> tuple[bool, str]:
    """Does the heading at ``blocks[i]`` start a new article? Returns the answer and the signal."""
    block = blocks[i]
    nxt = blocks[i + 1] if i + 1 < len(blocks) else None
    if nxt is not None and nxt.kind in ("subtitle", "heading") and nxt.gap <= 1 and not nxt.level:
        nxt = blocks[i + 2] if i + 2 < len(blocks) else None  # a stacked line before the text
    if current is None:
        return True, "first heading on the page"
    if prev_kind in ("kicker", "label", "credit"):
        return True, f"after a {prev_kind}"
    if block.level and block.level < deepest_level:
        return True, "markdown heading"
    if block.gap >= wide_gap:
        return True, "after a wide gap"
    if EDITORIAL_TAG.search(block.text):
        return True, "editorial tag"
    if _PICTURE_ITEM.match(block.text) or (nxt is not None and nxt.kind == "caption"):
        return True, "picture item"
    if nxt is not None and nxt.kind == "byline":
        return True, "followed by a byline"
    if nxt is not None and nxt.kind == "body" and _DATELINE.match(nxt.text):
        return True, "followed by a dateline"
    return False, ""


@lru_cache(maxsize=40_000)  # above a year of article files: the report functions sweep every page in turn
def parse_page(text: str, mode: str = "page") -> ParsedPage:
    """Parse a page (``mode="page"``), a one-article file (``"article"``: headline stack on
    top) or an article body whose headline is known from elsewhere (``"body"``)."""
    one_article = mode != "page"
    fixes: Counter = Counter()
    blocks = _rejoin_column_breaks(_split_blocks(text, fixes, header_lines=4 if mode == "article" else 0), fixes)
    levels = [b.level for b in blocks if b.level and b.kind == "heading"]
    deepest = max(levels) if len(set(levels)) > 1 else 99
    indented = not one_article and _indented_page(blocks)
    marked = not one_article and any(b.level and b.kind == "heading" for b in blocks)
    # a gap wider than the one between paragraphs separates articles: 2 blank lines, or 1 where paragraphs touch
    body_gaps = Counter(b.gap for b in blocks[1:] if b.kind == "body")
    wide_gap = 1 if body_gaps and body_gaps.most_common(1)[0][0] == 0 else 2
    articles: list[Article] = []
    credits, labels = [], []
    current: Article | None = Article(headline="", signal="table row") if mode == "body" else None
    if current is not None:
        articles.append(current)
    kicker, prev_kind, briefs = "", "", False
    for i, block in enumerate(blocks):
        kind, text_ = block.kind, block.text
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        if kind == "heading" and nxt is not None and nxt.kind == "heading" and nxt.gap <= 1 \
                and (len(text_) <= 6 or text_[0] in _BOX_MARKERS or (nxt.level and not block.level)) \
                and not (one_article and current is not None):  # short, boxed, or above a marked headline
            kicker = f"{kicker} {text_.strip(_BOX_MARKERS + ' ')}".strip()  # a second short line joins, never replaces
            prev_kind = "kicker"
            continue
        if kind in ("body", "heading") and not block.level and current is not None and current.expects_byline \
                and not current.paragraphs and not current.byline and NAME_LINE.match(text_) \
                and not _PARALLEL_PHRASES.match(text_):
            kind = "byline"  # a bare name under a headline
        stacked = (kind == "heading" and current is not None and prev_kind == "heading" and not current.paragraphs
                   and not current.byline and not current.captions and block.gap <= 1
                   and block.level == current.level and not kicker and not block.indent)
        starts, signal = False, ""
        if kind == "heading" and not stacked and not (one_article and current is not None):
            starts, signal = _heading_is_headline(blocks, i, current, prev_kind, deepest, wide_gap)
            if indented and current is not None and not block.level:
                starts, signal = not block.indent, "flush-left line on an indented page"
            if marked and current is not None and not block.level and signal not in _PLAIN_STARTS \
                    and not (briefs and signal == "followed by a dateline"):
                starts = False  # on a markdown page a plain line starts an article only after a label or gap,
                #                 or with its dateline in a run of briefs under a column label (NEWS 新闻集锦)
            signal = "one article per file" if one_article else signal
        briefs = (briefs or kind == "label") and not block.level
        if kind == "credit":
            credits.extend(parse_credits(block.lines, fixes))
        elif kind == "label":
            labels.append(text_)
        elif stacked:
            current.take_stack_line(text_)
        elif kind == "heading" and current is not None and current.level and not block.level and block.gap <= 1 \
                and prev_kind == "heading" and not current.paragraphs and not current.byline and not current.subtitle:
            current.subtitle, kind = text_, "subtitle"  # a plain line under a marked headline
        elif starts:
            current = Article(headline=text_, kicker=kicker, signal=signal, level=block.level)
            articles.append(current)
            kicker = ""
        elif kind in ("heading", "section"):
            if current is None:
                current = Article(headline="", kicker=kicker, expects_byline=False, signal="text before any heading")
                articles.append(current)
            current.sections.append(text_)
            current.add_paragraph(text_, block.raw_text)
            current.expects_byline = False
            kind = "section"
        elif current is None:
            current = Article(headline="", kicker=kicker, expects_byline=False, signal="text before any heading")
            articles.append(current)
            kind = "body"
            current.add_paragraph(text_, block.raw_text)
        elif kind == "subtitle" and prev_kind == "heading" and not current.paragraphs:
            if current.learned_pair:  # a marked subtitle under two unmarked lines: they were kicker + headline
                current.kicker, current.headline, current.subtitle = current.headline, current.subtitle, ""
                current.learned_pair = False
            current.subtitle = (current.subtitle + " " + text_.lstrip("—–- ")).strip()
        elif kind == "byline" and current.expects_byline:
            current.byline = (current.byline + " " + text_).strip()
            current.reporters.extend(byline_names(text_) or split_names(text_))
            fixes["bylines separated from the body"] += 1
        elif kind == "caption":
            current.add_caption(text_, fixes)
        else:
            raw_text = block.raw_text
            if not current.paragraphs and not current.byline:
                dateline = _DATELINE.match(text_)
                if dateline and dateline.end() < len(text_):
                    current.byline = dateline.group(1)
                    current.reporters.extend(byline_names(dateline.group(1)))
                    text_, raw_text = text_[dateline.end():], raw_text[dateline.end():]
                    fixes["datelines separated from the body"] += 1
            current.add_paragraph(text_, raw_text)
            current.expects_byline = False
        prev_kind = "heading" if kind == "subtitle" and prev_kind == "heading" else kind
    return ParsedPage(articles, credits, labels, fixes, blocks)


def clean_text(text: str) -> str:
    """The normalisation every analysis uses; returns one paragraph per line.

    - half-width ``, ( ) : ; ? !`` next to Chinese become full-width (digits,
      Latin words and dates keep theirs: ``10:30``, ``1,000``); full-width
      letters and digits become ASCII; ideographic-space indentation goes;
    - markdown heading markers (``#``…``######``) go and two-space line breaks
      are joined (without a space between Chinese characters);
    - a paragraph split across columns is rejoined ("社区服" + "务品牌"), but a
      paragraph that stops before a heading is left as it is;
    - spaces inside names in page credits go ("校 对 李 楠" → "校对 李楠").

    >>> clean_text("## 标题\\n\\n本报讯(记者 曹欣怡)近日,社区服\\n\\n务品牌。")
    '标题\\n本报讯（记者 曹欣怡）近日，社区服务品牌。'
    """
    fixes: Counter = Counter()
    lines = []
    for block in _rejoin_column_breaks(_split_blocks(text, fixes), fixes):
        if block.kind == "credit":
            lines.append(" ".join(f"{role} {name}" for role, name in parse_credits(block.lines, fixes)))
        else:
            lines.append(block.text)
    return "\n".join(lines)


def starts_mid_sentence(paragraph: str) -> bool:
    """"度：服务居民…" begins with the tail of a sentence whose head is missing."""
    return bool(re.match(rf"^[{HAN}][，。；：！？、”]", paragraph))
