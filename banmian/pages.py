"""Pages: decode, load, clean and split Chinese newspaper pages into articles."""
from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
import warnings
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

__all__ = ["ROOT", "OUTPUT_DIR", "CACHE_DIR", "MANIFEST_NAME", "MANIFEST_COLUMNS", "ARTICLE_COLUMNS",
           "PageError", "PageWarning", "decode_page", "infer_metadata", "load_pages", "load_problems",
           "clean_text", "split_articles", "load_articles", "page_credits", "page_labels", "cleaning_report",
           "cleaning_examples", "corpus_summary", "reporter_counts"]

ROOT = Path(__file__).resolve().parent.parent
OUTPUT_DIR = ROOT / "output"
CACHE_DIR = ROOT / ".cache"

MANIFEST_NAME = "pages.csv"
MANIFEST_COLUMNS = ["file", "page_id", "edition", "paper", "date", "page_no", "source"]
PAGE_SUFFIXES = {".txt", ".md"}
# Files in corpus/ that configure the kit rather than hold a page.
RESERVED_NAMES = {MANIFEST_NAME, "README.md", "userdict.txt", "stopwords_extra.txt", "formulations.csv"}
DEFAULT_EDITION = "A"


# --------------------------------------------------------------------------- errors

class PageError(ValueError):
    """A page file that cannot be used, with the file and the problem named."""

    def __init__(self, file, problem: str):
        self.file, self.problem = str(file), problem
        super().__init__(f"{file}: {problem}")


class PageWarning(UserWarning):
    """A page or manifest row was skipped or its metadata guessed; the message says which and why."""


# --------------------------------------------------------------------------- decoding

_BOMS = [  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "utf-32-le", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le", "utf-16"),
    (b"\xfe\xff", "utf-16-be", "utf-16"),
]
# What charset-normalizer may answer for a Chinese page; anything else is treated as a wrong guess.
_LEGACY_ENCODINGS = {"gb18030", "gbk", "gb2312", "hz", "big5", "big5hkscs", "cp950", "cp936",
                     "utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_32_le", "utf_32_be"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def decode_page(data: bytes, name="<bytes>") -> tuple[str, str]:
    """Decode the bytes of a page file; return ``(text, encoding)``.

    Byte-order marks decide first (UTF-8, UTF-16, UTF-32), then strict UTF-8,
    then charset-normalizer, limited to the encodings Chinese pages arrive in
    (GB18030 covers GBK and GB2312). Raises :class:`PageError` naming the file for
    an empty page, a binary file or bytes no such encoding reads.

    >>> decode_page("葫芦岛社区党建引领基层治理观察。".encode("gbk"), "p.txt")
    ('葫芦岛社区党建引领基层治理观察。', 'gb18030')
    """
    if not data.strip():
        raise PageError(name, "empty page (the file has no text)" if data else "empty page (0 bytes)")
    text = encoding = None
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                text, encoding = data[len(bom):].decode(codec), label
            except UnicodeDecodeError as err:
                raise PageError(name, f"undecodable bytes: starts with a {label} byte-order mark but "
                                      f"byte {err.start} is not valid {label}") from None
            break
    if text is None:
        try:
            if b"\x00" in data:  # valid UTF-8, but no page has NULs: UTF-16 without a BOM, or binary
                raise UnicodeDecodeError("utf-8", data, data.index(b"\x00"), len(data), "NUL byte")
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as utf8_error:
            text, encoding = _decode_legacy(data, name, utf8_error)
    if len(_CONTROL.findall(text)) > max(2, len(text) // 200):
        raise PageError(name, f"binary file: decoding as {encoding} gives control characters, not text")
    if not text.strip():
        raise PageError(name, "empty page (only white space)")
    return text, encoding


def _decode_legacy(data: bytes, name, utf8_error: UnicodeDecodeError) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    # Candidates come best first; on short pages a Korean or Japanese code page can
    # outscore GB18030, so take the best one a Chinese page can actually be in.
    for match in from_bytes(data):
        if match.encoding in _LEGACY_ENCODINGS:
            encoding = "gb18030" if match.encoding in {"gbk", "gb2312", "cp936"} else match.encoding
            encoding = encoding.replace("_", "-")
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                continue
    if b"\x00" in data:
        raise PageError(name, "binary file: contains NUL bytes and is not UTF-16 or UTF-32 text")
    bad = data[utf8_error.start:utf8_error.start + 1]
    raise PageError(name, f"undecodable bytes: not UTF-8 (byte {bad.hex()} at offset {utf8_error.start}), "
                          "nor GB18030/GBK, Big5 or UTF-16; save the page as UTF-8 and reload")


# --------------------------------------------------------------------------- loading

def _resolve(path) -> Path:
    """A relative path that does not exist from here is taken from the project root,
    so notebooks (which run inside notebooks/) can say ``"corpus"`` too."""
    path = Path(path)
    if path.is_absolute() or path.exists():
        return path
    return ROOT / path


def _display_path(path: Path) -> str:
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def _read_manifest(manifest: Path) -> list[dict]:
    with manifest.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ("file", "page_id", "edition") if c not in (reader.fieldnames or [])]
        if missing:
            raise PageError(manifest, f"the manifest lacks the column(s) {', '.join(missing)}; "
                                      f"expected a header like {','.join(MANIFEST_COLUMNS)}")
        rows = []
        for line_no, row in enumerate(reader, start=2):
            row = {k: (v or "").strip() for k, v in row.items() if k is not None}
            if any(row.values()):
                rows.append({**row, "_line": line_no})
        return rows


def infer_metadata(path) -> dict:
    """Metadata for a page file that has no row in the manifest, read from its name.

    ``PAGEID.EDITION.txt`` gives both (``ycrb-2025-06-20-p3.B.txt``); a name
    without a dot-suffix is one edition, ``A``. A date written as 2025-06-20 or
    20250620 anywhere in the name becomes the ``date``.

    >>> infer_metadata("ycrb-20250620-p3.B.txt")["edition"]
    'B'
    """
    stem = Path(path).stem
    page_id, dot, edition = stem.rpartition(".")
    if not dot or not page_id or not edition:
        page_id, edition = stem, DEFAULT_EDITION
    date = re.search(r"(\d{4})-?(\d{2})-?(\d{2})", stem)
    return {"page_id": page_id, "edition": edition, "paper": "", "page_no": "", "source": "",
            "date": "-".join(date.groups()) if date else ""}


def load_pages(corpus="corpus", strict: bool = False) -> pd.DataFrame:
    """Load every page of a corpus folder: one row per page file.

    Pages are listed in ``corpus/pages.csv`` (columns file, page_id, edition, paper,
    date, page_no, source; ``file`` is relative to the corpus folder and may point
    elsewhere, e.g. ``../seeds/…``). A ``.txt``/``.md`` file dropped into the folder
    without a row is loaded too, with metadata inferred from its name
    (:func:`infer_metadata`) and a :class:`PageWarning` saying so.

    Columns: page_id, edition, paper, date, page_no, source, path, encoding,
    sha256, bytes, metadata ("manifest" or "inferred from file name"), text
    (decoded, otherwise untouched). A file that cannot be used (missing, empty,
    binary, undecodable, duplicate page_id and edition) is skipped with a
    PageWarning naming it; ``strict=True`` raises :class:`PageError` instead.
    The skipped files are also listed by :func:`load_problems`.
    """
    corpus = _resolve(corpus)
    if not corpus.is_dir():
        raise PageError(corpus, "corpus folder not found")
    problems: list[dict] = []

    def problem(file, text):
        if strict:
            raise PageError(file, text)
        warnings.warn(f"{file}: {text}", PageWarning, stacklevel=3)
        problems.append({"file": str(file), "problem": text})

    entries = []  # (path, metadata dict, origin)
    named_in_bad_rows = set()  # a file whose row was refused is not loaded again as an unlisted page
    manifest = corpus / MANIFEST_NAME
    if manifest.exists():
        for row in _read_manifest(manifest):
            where = f"{_display_path(manifest)} line {row['_line']}"
            if not row.get("file") or not row.get("page_id") or not row.get("edition"):
                absent = [c for c in ("file", "page_id", "edition") if not row.get(c)]
                problem(where, f"no {' or '.join(absent)} given (unknown edition or page); row skipped")
                if row.get("file"):
                    named_in_bad_rows.add((corpus / row["file"]).resolve())
                continue
            path = (corpus / row["file"]).resolve()
            if not path.is_file():
                problem(where, f"lists {row['file']}, but that file does not exist")
                continue
            meta = {c: row.get(c, "") for c in MANIFEST_COLUMNS[1:]}
            entries.append((path, meta, "manifest"))
    listed = {path for path, _, _ in entries} | named_in_bad_rows
    for path in sorted(corpus.iterdir()):
        if (path.suffix.lower() in PAGE_SUFFIXES and path.is_file() and path.name not in RESERVED_NAMES
                and not path.name.startswith(".") and path.resolve() not in listed):
            meta = infer_metadata(path)
            entries.append((path.resolve(), meta, "inferred from file name"))
            warnings.warn(f"{_display_path(path)}: not in {MANIFEST_NAME}; metadata inferred from its name "
                          f"(page_id={meta['page_id']}, edition={meta['edition']})", PageWarning, stacklevel=2)

    rows, seen = [], {}
    for path, meta, origin in entries:
        shown = _display_path(path)
        key = (meta["page_id"], meta["edition"])
        if path in {r["_abs"] for r in rows}:
            problem(shown, "listed twice; the second listing is skipped")
            continue
        if key in seen:
            problem(shown, f"has the same page_id and edition ({key[0]}, {key[1]}) as {seen[key]}; skipped")
            continue
        data = path.read_bytes()
        try:
            text, encoding = decode_page(data, shown)
        except PageError as err:
            problem(shown, err.problem)
            continue
        seen[key] = shown
        rows.append({**meta, "path": shown, "encoding": encoding, "sha256": hashlib.sha256(data).hexdigest(),
                     "bytes": len(data), "metadata": origin, "text": text, "_abs": path})
    columns = MANIFEST_COLUMNS[1:] + ["path", "encoding", "sha256", "bytes", "metadata", "text"]
    pages = pd.DataFrame(rows, columns=columns).sort_values(["page_id", "edition"], ignore_index=True)
    pages.attrs["problems"] = problems  # records, not a frame: attrs must survive pd.concat
    return pages


def load_problems(pages: pd.DataFrame) -> pd.DataFrame:
    """The files :func:`load_pages` skipped, with the reason: columns file, problem."""
    return pd.DataFrame(pages.attrs.get("problems", []), columns=["file", "problem"])


# --------------------------------------------------------------------------- cleaning

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CONTEXT = f"{_HAN}\u3000-\u303f\uff01-\uff60“”‘’—…·"
_HALF_TO_FULL = {",": "，", "(": "（", ")": "）", ":": "：", ";": "；", "?": "？", "!": "！"}
_HALF_PUNCT = re.compile(
    rf"(?<=[{_CJK_CONTEXT}])[,():;?!]|[,():;?!](?=[{_CJK_CONTEXT}])|(?<=[{_HAN}])\.(?=[{_HAN}“”]|$)",
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

    def __post_init__(self):
        self.unnormalised = self.unnormalised or list(self.lines)
        self.text, self.raw_text = _join_lines(self.lines, self.unnormalised)


def _split_blocks(text: str, fixes: Counter) -> list[_Block]:
    """Cut a page into blocks: one per line, except that a line ending in the
    markdown two-space break continues on the next line; a markdown heading is
    its own block."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    blocks: list[_Block] = []
    pending: list[str] = []
    plain_pending: list[str] = []
    raw_pending: list[str] = []
    gap = 0

    def flush():
        nonlocal pending, plain_pending, raw_pending, gap
        if pending:
            blocks.append(_Block("\n".join(raw_pending), pending, gap, unnormalised=plain_pending))
            pending, plain_pending, raw_pending, gap = [], [], [], 0

    for raw_line in text.split("\n"):
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
        else:
            flush()
    flush()
    for block in blocks:
        block.kind = _classify(block)
    return blocks


_CREDIT_ROLE = re.compile(r"(本\s*版\s*责\s*编|责\s*任\s*编\s*辑|责\s*编|美\s*编|校\s*对|审\s*读|版\s*式|"
                          r"排\s*版|组\s*版|编\s*辑|本\s*版\s*摄\s*影)")
_COLUMN_LABEL = re.compile(rf"^[A-Z][A-Z0-9 &'’.-]{{1,30}}\s*[{_HAN}]{{0,10}}$")
_CAPTION_START = re.compile(r"^(图为|图[:：]|[上下左右中]图|图片[:：]|图\d|[（(]资料图片[）)])")
_PHOTO_CREDIT = re.compile(rf"(?:[{_HAN}]{{2,5}}发\s*)?[（(]?\s*(?:(?:本报)?(?:记者|通讯员)\s*)?"
                           rf"([{_HAN}]{{2,4}}(?:[\s、][{_HAN}]{{2,4}})*)\s?摄(?:影)?\s*[）)]?\s*$")
_BYLINE = re.compile(rf"^(本报(?:特约|见习)?记者|记者|通讯员|文[/／]?)\s*([{_HAN}\s、，,]+)$")
_NAME_LINE = re.compile(rf"^[{_HAN}]{{2,4}}(?:[\s、][{_HAN}]{{2,4}})*$")
_PAREN = r"[（(][^（）()]{1,40}[）)]"
_DATELINE = re.compile(rf"^((?:本报讯|本报[{_HAN}0-9]{{0,10}}电|[{_HAN}]{{2,6}}社[{_HAN}0-9]{{0,12}}电)\s*(?:{_PAREN})?"
                       rf"|[{_HAN}]{{2,8}}讯\s*[（(](?:记者|通讯员)[^（）()]{{1,40}}[）)])\s*")
_BYLINE_ROLE = re.compile(r"(本报(?:特约|见习)?记者|见习记者|实习生|通讯员|记者|摄影)")


def _is_heading_like(text: str) -> bool:
    core = text.rstrip("？！?!")
    return 0 < len(text) <= 40 and not _INNER_PUNCT.search(core) and not text.endswith("。")


def _classify(block: _Block) -> str:
    text = block.text
    if _CREDIT_ROLE.match(text) and len(text) <= 80 and "。" not in text:
        return "credit"
    if _COLUMN_LABEL.match(text):
        return "label"
    if _CAPTION_START.match(text) or (len(text) <= 20 and _PHOTO_CREDIT.fullmatch(text)):
        return "caption"
    if re.match(r"^[—–-]{1,3}", text) and len(text) <= 60:
        return "subtitle"
    if _BYLINE.match(text) and len(text) <= 40:
        return "byline"
    if block.level or _is_heading_like(text):
        return "heading"
    return "body"


def _ends_sentence(text: str) -> bool:
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
        while not _ends_sentence(block.text):
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


def _split_names(text: str) -> list[str]:
    """Names in a credit or byline field: "李 楠" is one name, "曹欣怡 邢智轩" two."""
    names = []
    for part in re.split(r"[、，,/／]|\s{2,}", text.strip()):
        tokens = part.split()
        if not tokens:
            continue
        # Typesetters pad two-character names to three ("李 楠"); "张三 李四" is two names.
        if len(tokens) > 1 and len("".join(tokens)) <= 4 and min(map(len, tokens)) == 1:
            names.append("".join(tokens))
        else:
            names.extend(tokens)
    return names


def _parse_credits(lines: list[str], fixes: Counter) -> list[tuple[str, str]]:
    credits = []
    for line in lines:
        parts = _CREDIT_ROLE.split(line)
        for role, names in zip(parts[1::2], parts[2::2]):
            fields = _split_names(names)
            if any(" " in n.strip() for n in re.split(r"[、，,]|\s{2,}", names)):
                fixes["spaces inside credit names removed"] += 1
            for name in fields:
                credits.append((re.sub(r"\s+", "", role), name))
    return credits


def _reporters(byline: str) -> list[str]:
    """Reporters named in a byline or dateline: "本报讯（记者 曹欣怡 通讯员 王五）" → ["曹欣怡"]."""
    names: list[str] = []
    parts = _BYLINE_ROLE.split(re.sub(r"^本报讯|[（()）]", " ", byline))
    for role, field_text in zip(parts[1::2], parts[2::2]):
        if role.endswith("记者"):
            names.extend(n for n in _split_names(re.sub(rf"[^{_HAN}\s、，,]", " ", field_text)) if n not in names)
    return names


@dataclass
class _Article:
    headline: str
    kicker: str = ""
    subtitle: str = ""
    byline: str = ""
    reporters: list = field(default_factory=list)
    photographers: list = field(default_factory=list)
    sections: list = field(default_factory=list)
    captions: list = field(default_factory=list)
    paragraphs: list = field(default_factory=list)
    raw_paragraphs: list = field(default_factory=list)  # the same, with the file's punctuation widths
    expects_byline: bool = True

    def add_paragraph(self, text: str, raw_text: str):
        self.paragraphs.append(text)
        self.raw_paragraphs.append(raw_text)

    def add_caption(self, text: str, fixes: Counter):
        credit = _PHOTO_CREDIT.search(text)
        if credit and (credit.start() == 0 or text[credit.start() - 1] in "。）) "):
            self.photographers.extend(_split_names(credit.group(1)))
            fixes["photo credits separated"] += 1
            text = text[:credit.start()].strip()
        if text:
            self.captions.append(text)
            fixes["captions separated from the body"] += 1


@dataclass
class _ParsedPage:
    articles: list
    credits: list
    labels: list
    fixes: Counter
    blocks: list


def _heading_is_headline(blocks, i, current, prev_kind, deepest_level) -> bool:
    block = blocks[i]
    nxt = blocks[i + 1] if i + 1 < len(blocks) else None
    if nxt is not None and nxt.kind == "subtitle":
        nxt = blocks[i + 2] if i + 2 < len(blocks) else None
    if current is None or prev_kind in ("kicker", "label", "credit") or block.gap >= 2:
        return True
    if block.level and block.level < deepest_level:
        return True
    return nxt is not None and (nxt.kind == "byline" or (nxt.kind == "body" and bool(_DATELINE.match(nxt.text))))


@lru_cache(maxsize=4096)
def _parse_page(text: str) -> _ParsedPage:
    fixes: Counter = Counter()
    blocks = _rejoin_column_breaks(_split_blocks(text, fixes), fixes)
    levels = [b.level for b in blocks if b.level and b.kind == "heading"]
    deepest = max(levels) if len(set(levels)) > 1 else 99
    articles: list[_Article] = []
    credits, labels = [], []
    current: _Article | None = None
    kicker, prev_kind = "", ""
    for i, block in enumerate(blocks):
        kind, text_ = block.kind, block.text
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        if kind == "heading" and nxt is not None and nxt.kind == "heading" and (
                len(text_) <= 10 or text_[0] in _BOX_MARKERS):
            kicker, prev_kind = text_.strip(_BOX_MARKERS + " "), "kicker"
            continue
        if kind in ("body", "heading") and not block.level and current is not None and current.expects_byline \
                and not current.paragraphs and not current.byline and _NAME_LINE.match(text_):
            kind = "byline"  # a bare name under a headline
        if kind == "credit":
            credits.extend(_parse_credits(block.lines, fixes))
        elif kind == "label":
            labels.append(text_)
        elif kind == "heading":
            if _heading_is_headline(blocks, i, current, prev_kind, deepest):
                current = _Article(headline=text_, kicker=kicker)
                articles.append(current)
                kicker = ""
            else:
                current.sections.append(text_)
                current.add_paragraph(text_, block.raw_text)
                current.expects_byline = False
        elif current is None:
            current = _Article(headline="", kicker=kicker, expects_byline=False)
            articles.append(current)
            kind = "body"
            current.add_paragraph(text_, block.raw_text)
        elif kind == "subtitle" and prev_kind == "heading" and not current.paragraphs:
            current.subtitle = text_
        elif kind == "byline" and current.expects_byline:
            current.byline = (current.byline + " " + text_).strip()
            current.reporters.extend(_reporters(text_) or _split_names(text_))
            fixes["bylines separated from the body"] += 1
        elif kind == "caption":
            current.add_caption(text_, fixes)
        else:
            raw_text = block.raw_text
            if not current.paragraphs and not current.byline:
                dateline = _DATELINE.match(text_)
                if dateline and dateline.end() < len(text_):
                    current.byline = dateline.group(1)
                    current.reporters.extend(_reporters(dateline.group(1)))
                    text_, raw_text = text_[dateline.end():], raw_text[dateline.end():]
                    fixes["datelines separated from the body"] += 1
            current.add_paragraph(text_, raw_text)
            current.expects_byline = False
        prev_kind = kind
    return _ParsedPage(articles, credits, labels, fixes, blocks)


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
            lines.append(" ".join(f"{role} {name}" for role, name in _parse_credits(block.lines, fixes)))
        else:
            lines.append(block.text)
    return "\n".join(lines)


# --------------------------------------------------------------------------- articles

ARTICLE_COLUMNS = ["page_id", "edition", "article_no", "headline", "subtitle", "kicker", "byline",
                   "reporters", "photographer", "sections", "captions", "body", "chars", "paragraphs",
                   "truncated", "starts_mid_sentence", "raw_body"]


def _starts_mid_sentence(paragraph: str) -> bool:
    """"度：服务居民…" begins with the tail of a sentence whose head is missing."""
    return bool(re.match(rf"^[{_HAN}][，。；：！？、”]", paragraph))


def split_articles(pages: pd.DataFrame) -> pd.DataFrame:
    """Split each page into articles: one row per article, in page order.

    Columns: page_id, edition, article_no (1…n on the page), headline (two-line
    headlines joined), subtitle, kicker (the line above a headline: "万荣县",
    "记者手记"), byline, reporters (list), photographer ("、"-joined),
    sections (headings inside the article, list), captions (list), body (clean
    text, one paragraph per line, section headings included), chars (characters
    in the body, without line breaks), paragraphs, truncated (the body stops
    mid-sentence: the page cut it off), starts_mid_sentence (its first words
    are missing), raw_body (the body with the file's own punctuation widths,
    character for character the same length as body). Page credits and column labels are not articles: see
    :func:`page_credits` and :func:`page_labels`.

    >>> arts = split_articles(load_pages())
    >>> sorted(arts.headline.unique())[:1]
    ['“三剂良方”激活治理新动能']
    """
    rows = []
    for page in pages.itertuples(index=False):
        for no, art in enumerate(_parse_page(page.text).articles, start=1):
            body = "\n".join(art.paragraphs)
            last_text = next((p for p in reversed(art.paragraphs) if p not in art.sections), "")
            rows.append({
                "page_id": page.page_id, "edition": page.edition, "article_no": no,
                "headline": art.headline, "subtitle": art.subtitle.lstrip("—–- "), "kicker": art.kicker,
                "byline": art.byline, "reporters": list(dict.fromkeys(art.reporters)),
                "photographer": "、".join(dict.fromkeys(art.photographers)),
                "sections": list(art.sections), "captions": list(art.captions), "body": body,
                "chars": len(body.replace("\n", "")), "paragraphs": len(art.paragraphs),
                "truncated": bool(last_text) and not _ends_sentence(last_text),
                "starts_mid_sentence": bool(art.paragraphs) and _starts_mid_sentence(art.paragraphs[0]),
                "raw_body": "\n".join(art.raw_paragraphs),
            })
    return pd.DataFrame(rows, columns=ARTICLE_COLUMNS)


def load_articles(corpus="corpus") -> pd.DataFrame:
    """:func:`load_pages` and :func:`split_articles` in one call, with page metadata
    (paper, date, page_no) added to every article row."""
    pages = load_pages(corpus)
    articles = split_articles(pages)
    meta = pages[["page_id", "edition", "paper", "date", "page_no"]]
    merged = articles.merge(meta, on=["page_id", "edition"], how="left")
    merged.attrs["problems"] = pages.attrs.get("problems", [])
    return merged


def page_credits(pages: pd.DataFrame) -> pd.DataFrame:
    """Page credits (本版责编, 美编, 校对 …): one row per page, role and name."""
    rows = [{"page_id": p.page_id, "edition": p.edition, "role": role, "name": name}
            for p in pages.itertuples(index=False) for role, name in _parse_page(p.text).credits]
    return pd.DataFrame(rows, columns=["page_id", "edition", "role", "name"])


def page_labels(pages: pd.DataFrame) -> pd.DataFrame:
    """Column labels such as "NEWS 新闻集锦": one row per label on a page."""
    rows = [{"page_id": p.page_id, "edition": p.edition, "label": label}
            for p in pages.itertuples(index=False) for label in _parse_page(p.text).labels]
    return pd.DataFrame(rows, columns=["page_id", "edition", "label"])


def cleaning_report(pages: pd.DataFrame) -> pd.DataFrame:
    """How many times each kind of fix was applied: one row per page, edition and fix."""
    rows = [{"page_id": p.page_id, "edition": p.edition, "fix": fix, "count": count}
            for p in pages.itertuples(index=False)
            for fix, count in sorted(_parse_page(p.text).fixes.items()) if count]
    return pd.DataFrame(rows, columns=["page_id", "edition", "fix", "count"])


def cleaning_examples(pages: pd.DataFrame, n: int = 8) -> pd.DataFrame:
    """Blocks of each page whose text cleaning changed, before and after (first ``n`` per page)."""
    rows = []
    for p in pages.itertuples(index=False):
        changed = [b for b in _parse_page(p.text).blocks if b.raw.strip() != b.text]
        rows += [{"page_id": p.page_id, "edition": p.edition, "kind": b.kind,
                  "before": b.raw, "after": b.text} for b in changed[:n]]
    return pd.DataFrame(rows, columns=["page_id", "edition", "kind", "before", "after"])


def corpus_summary(articles: pd.DataFrame) -> pd.DataFrame:
    """Per edition: pages, articles, characters, distinct reporters, truncated articles."""
    grouped = articles.groupby("edition")
    summary = pd.DataFrame({
        "pages": grouped["page_id"].nunique(),
        "articles": grouped.size(),
        "characters": grouped["chars"].sum(),
        "reporters": grouped["reporters"].agg(lambda s: len({n for names in s for n in names})),
        "truncated": grouped["truncated"].sum(),
    })
    return summary.reset_index()


def reporter_counts(articles: pd.DataFrame) -> pd.DataFrame:
    """Articles and characters per reporter and edition (photographers included, role column)."""
    bylines = articles.explode("reporters").dropna(subset=["reporters"]).assign(role="reporter")
    bylines = bylines.rename(columns={"reporters": "name"})
    photos = articles.assign(name=articles["photographer"].str.split("、")).explode("name")
    photos = photos[photos["name"].fillna("") != ""].assign(role="photographer")
    both = pd.concat([bylines, photos], ignore_index=True)
    counts = both.groupby(["name", "role", "edition"]).agg(articles=("article_no", "size"),
                                                          characters=("chars", "sum"))
    return counts.reset_index().sort_values(["role", "articles", "name"], ascending=[False, False, True],
                                            ignore_index=True)
