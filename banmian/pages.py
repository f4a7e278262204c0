"""Pages: decode, load, clean and split Chinese newspaper pages into articles."""
from __future__ import annotations

import datetime
import hashlib
import os
import re
import unicodedata
import warnings
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .decoding import PageError, PageWarning, decode_page, read_csv_rows

__all__ = ["ROOT", "OUTPUT_DIR", "CACHE_DIR", "MANIFEST_NAME", "MANIFEST_COLUMNS", "ARTICLE_COLUMNS", "LAYOUTS",
           "checked_date", "infer_metadata", "load_pages", "load_problems",
           "clean_text", "decide_layouts", "split_articles", "page_credits", "page_labels", "cleaning_report",
           "cleaning_examples", "corpus_summary", "reporter_counts"]

ROOT = Path(__file__).resolve().parent.parent
OUTPUT_DIR = ROOT / "output"
CACHE_DIR = ROOT / ".cache"

MANIFEST_NAME = "pages.csv"
MANIFEST_COLUMNS = ["file", "page_id", "edition", "paper", "date", "page_no", "source"]
PAGE_SUFFIXES = {".txt", ".md"}
TABLE_SUFFIXES = {".csv", ".tsv", ".json", ".jsonl", ".ndjson", ".xlsx", ".xls", ".parquet"}
# How a file is split: "page" (several articles), "article" (one article per file); empty = decided by the kit.
LAYOUTS = ("page", "article")
PAGE_COLUMNS = ["page_id", "edition", "paper", "date", "date_source", "page_no", "source", "layout", "position", "path",
                "encoding", "sha256", "bytes", "metadata", "text"]
# Files in corpus/ that configure the kit rather than hold a page.
RESERVED_NAMES = {MANIFEST_NAME, "README.md", "userdict.txt", "stopwords_extra.txt", "formulations.csv"}
DEFAULT_EDITION = "A"


# --------------------------------------------------------------------------- loading

def _resolve(path) -> Path:
    """A relative path that does not exist from here is taken from the project root,
    so notebooks (which run inside notebooks/) can say ``"corpus"`` too."""
    path = Path(path).expanduser()
    if path.is_absolute() or path.exists():
        return path
    return ROOT / path


def _display_path(path: Path) -> str:
    path = Path(os.path.abspath(path))  # not resolve(): a symbolic link loop must still have a name
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


_DATE_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_.年/]?(\d{1,2})[-_.月/]?(\d{1,2})日?(?!\d)")
_ARTICLE_POSITION = re.compile(r"(?<!\d)(?:19|20)\d{6}[-_](\d{1,3})[-_](\d{1,3})$")
_PAGE_IN_NAME = re.compile(r"第\s*(\d{1,3})\s*版|(?:^|[-_ ])[pP](?:age)?[-_]?(\d{1,3})(?![\d])|(\d{1,3})版")
_EDITION_SUFFIX = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,11}$")


def _date_in(text: str) -> str:
    """The first real calendar date in a name: 20200119, 2020-01-19, 2020.01.17, 2020年1月17日."""
    for match in _DATE_IN_NAME.finditer(text):
        year, month, day = map(int, match.groups())
        try:
            return datetime.date(year, month, day).isoformat()
        except ValueError:
            continue
    return ""


def checked_date(value: str) -> tuple[str, str]:
    """``(date, problem)``: an ISO date (YYYY-MM-DD, or YYYY-MM for a month) if ``value`` is one
    that can be true, else "" and why not (not a date, not in the calendar, in the future)."""
    value = str(value).strip()
    month = re.fullmatch(r"((?:19|20)\d{2})-(\d{1,2})", value)
    if month and 1 <= int(month.group(2)) <= 12:
        return f"{month.group(1)}-{int(month.group(2)):02d}", ""
    numbers = re.fullmatch(r"((?:19|20)\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})日?|((?:19|20)\d{2})(\d{2})(\d{2})", value)
    if not numbers:
        return "", f"date {value!r} is not a date (write YYYY-MM-DD)"
    year, month_no, day = (int(g) for g in numbers.groups() if g)
    try:
        date = datetime.date(year, month_no, day)
    except ValueError:
        return "", f"date {value!r} is not in the calendar"
    if date > datetime.date.today():
        return "", f"date {value!r} is in the future"
    return date.isoformat(), ""


def _manifest_date(value: str, where: str, problem) -> tuple[str, str]:
    if not value:
        return "", ""
    date, why = checked_date(value)
    if why:
        problem(where, f"{why}; the page is loaded without it")
    return date, "pages.csv" if date else ""


def infer_metadata(path, root=None) -> dict:
    """Metadata for a page file that has no row in the manifest, read from its path.

    ``PAGEID.EDITION.txt`` gives both (``ycrb-2025-06-20-p3.B.txt``; the edition is a
    short label starting with a letter); any other name is edition ``A``. A date
    (2025-06-20, 20250620, 2020.01.17, 2020年1月17日) in the name, or else in the
    folders above it, becomes ``date``; 第2版, ``p2`` or a crawl's ``YYYYMMDD-PP-NN``
    give ``page_no`` (and NN the ``position`` of the article on its page).

    >>> meta = infer_metadata("2020年1月/20200119/20200119-02-03.txt")
    >>> meta["date"], meta["page_no"], meta["position"]
    ('2020-01-19', '2', '3')
    >>> infer_metadata("人民日报 2020.01.17 第1版.txt")["edition"], infer_metadata("ycrb-20250620-p3.B.txt")["edition"]
    ('A', 'B')
    """
    path = Path(path)
    stem = path.stem
    page_id, dot, edition = stem.rpartition(".")
    if not dot or not page_id or not _EDITION_SUFFIX.match(edition):
        page_id, edition = stem, DEFAULT_EDITION
    folders = path.parent.relative_to(root).parts if root is not None and path.is_relative_to(root) else path.parent.parts
    date, date_source = _date_in(stem), "file name"
    if not date:
        date = next((d for d in map(_date_in, reversed(folders)) if d), "")
        date_source = "folder name" if date else ""
    page_no = position = ""
    crawl = _ARTICLE_POSITION.search(page_id)
    if crawl:
        page_no, position = str(int(crawl.group(1))), str(int(crawl.group(2)))
    else:
        named = _PAGE_IN_NAME.search(page_id)
        if named:
            page_no = str(int(next(g for g in named.groups() if g)))
    return {"page_id": page_id, "edition": edition, "paper": "", "page_no": page_no, "source": "",
            "date": date, "date_source": date_source, "position": position}


def _inside(path: Path, folders) -> bool:
    return any(path.is_relative_to(folder) for folder in folders)


def _walk(folder: Path, problem):
    """Every file under ``folder``, sorted, skipping hidden folders; symbolic links to folders
    are not followed (no loops); broken links are reported."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "__")))
        for name in dirnames:
            if (Path(dirpath) / name).is_symlink():
                problem(_display_path(Path(dirpath) / name), "a symbolic link to a folder; not followed (link its "
                                                              "files, or load that folder itself)")
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if name.startswith("."):
                continue
            if path.is_symlink():
                try:
                    path.resolve(strict=True)
                except (OSError, RuntimeError) as err:
                    loop = isinstance(err, RuntimeError) or getattr(err, "errno", None) == 40
                    problem(_display_path(path), "symbolic link loop; skipped" if loop else
                            "broken symbolic link (its target does not exist); skipped")
                    continue
            found.append(path)
    return found


def load_pages(corpus="corpus", strict: bool = False, allow_outside: bool = False) -> pd.DataFrame:
    """Load every page of a corpus folder (searched recursively) or one page file: one row per file.

    Pages are listed in ``corpus/pages.csv`` (columns file, page_id, edition, paper,
    date, page_no, source, and optionally layout; ``file`` is relative to the corpus
    folder and may point elsewhere inside the project, e.g. ``../seeds/…``). Every
    ``.txt``/``.md`` file in the folder or its subfolders without a row is loaded too,
    with metadata inferred from its path (:func:`infer_metadata`): where the name gives a date
    and a page number (a crawl's ``YYYYMMDD-PP-NN``, ``人民日报 2020.01.17 第1版``) one plain
    line says how many; otherwise a :class:`PageWarning` names the file, since its date or page
    is the user's to check. A manifest row or a symbolic link that leads outside the corpus and project
    folders is refused with a warning unless ``allow_outside=True``: a corpus received
    from someone else must not pull private files into a shared notebook.

    Columns: page_id, edition, paper, date, page_no, source, layout (from the manifest,
    else empty: decided when splitting), position, path, encoding, sha256, bytes,
    metadata ("manifest" or "inferred from file name"), text (decoded, otherwise
    untouched). A file that cannot be used (missing, empty, binary, undecodable,
    duplicate page_id and edition) is skipped with a PageWarning naming it;
    ``strict=True`` raises :class:`PageError` instead. The skipped files are listed by
    :func:`load_problems`; article tables found in the folder (CSV, JSON …) are listed
    in ``pages.attrs["tables"]`` for :func:`helpers.load_articles`.
    """
    source = _resolve(corpus)
    if not source.exists():
        raise PageError(source, "corpus folder or file not found")
    single = source.is_file()
    folder = source.parent if single else source
    if single and source.suffix.lower() in TABLE_SUFFIXES:  # an article table holds no pages
        pages = pd.DataFrame(columns=PAGE_COLUMNS)
        pages.attrs.update(problems=[], tables=[str(source)])
        return pages
    allowed = [folder.resolve(), ROOT]
    problems: list[dict] = []

    def problem(file, text):
        if strict:
            raise PageError(file, text)
        warnings.warn(f"{file}: {text}", PageWarning, stacklevel=3)
        problems.append({"file": str(file), "problem": text})

    entries = []  # (path, metadata dict, origin)
    named_in_bad_rows = set()  # a file whose row was refused is not loaded again as an unlisted page
    manifest = folder / MANIFEST_NAME
    tables = []
    if manifest.exists() and not single:
        for row in read_csv_rows(manifest, ["file", "page_id", "edition"], "manifest", problem):
            where = f"{_display_path(manifest)} line {row['_line']}"
            if not row.get("file") or not row.get("page_id") or not row.get("edition"):
                absent = [c for c in ("file", "page_id", "edition") if not row.get(c)]
                problem(where, f"no {' or '.join(absent)} given (unknown edition or page); row skipped")
                if row.get("file"):
                    named_in_bad_rows.add((folder / row["file"]).resolve())
                continue
            path = (folder / row["file"]).resolve()
            if not allow_outside and not _inside(path, allowed):
                problem(where, f"lists {row['file']}, which is outside the corpus and project folders; refused "
                               "(pass allow_outside=True to load it)")
                named_in_bad_rows.add(path)
                continue
            if not path.is_file():
                problem(where, f"lists {row['file']}, but that file does not exist")
                continue
            layout = row.get("layout", "").lower()
            if layout and layout not in LAYOUTS:
                problem(where, f"layout {layout!r} is not one of {', '.join(LAYOUTS)}; the kit decides instead")
                layout = ""
            meta = {c: row.get(c, "") for c in MANIFEST_COLUMNS[1:]} | {"layout": layout, "position": ""}
            meta["date"], meta["date_source"] = _manifest_date(meta["date"], where, problem)
            if not meta["date"]:
                inferred = infer_metadata(path, folder)
                meta["date"], meta["date_source"] = inferred["date"], inferred["date_source"]
            entries.append((path, meta, "manifest"))
    listed = {path for path, _, _ in entries} | named_in_bad_rows
    candidates = [source] if single else _walk(folder, problem)
    unlisted: list[str] = []
    named: list[Path] = []
    stems = Counter(p.stem for p in candidates)
    for path in candidates:
        suffix = path.suffix.lower()
        if path.name in RESERVED_NAMES and path.parent == folder:
            continue
        if suffix in TABLE_SUFFIXES and not single:
            tables.append(path)
            continue
        if suffix not in PAGE_SUFFIXES or path.resolve() in listed:
            continue
        if not allow_outside and not _inside(path.resolve(), allowed):
            problem(_display_path(path), "a symbolic link to a file outside the corpus and project folders; refused "
                                         "(pass allow_outside=True to load it)")
            continue
        meta = infer_metadata(path, folder) | {"layout": ""}
        if stems[path.stem] > 1:  # the same name in two folders: keep them apart
            meta["page_id"] = path.relative_to(folder).with_suffix("").as_posix() if path.is_relative_to(folder) \
                else meta["page_id"]
        entries.append((path.resolve(), meta, "inferred from file name"))
        if single:
            continue
        if meta["date"] and meta["page_no"]:  # a crawl's own names: date and page read with certainty
            named.append(path)
        else:
            unlisted.append(f"{_display_path(path)}: not in {MANIFEST_NAME}; metadata inferred from its name "
                            f"(page_id={meta['page_id']}, edition={meta['edition']})")
    if named:
        print(f"{len(named):,} file{'s' if len(named) > 1 else ''} not in {MANIFEST_NAME}: date and page number "
              f"read from {'their names' if len(named) > 1 else 'its name'} (e.g. {_display_path(named[0])})")
    if len(unlisted) > 3:  # a crawl of thousands of files: one line, not thousands
        unlisted = [f"{len(unlisted):,} files are not in {MANIFEST_NAME}; metadata inferred from their names, "
                    f"e.g. {unlisted[0]} (see the pages table's page_id, date and page_no)"]
    for message in unlisted:
        warnings.warn(message, PageWarning, stacklevel=2)

    rows, seen, loaded = [], {}, set()
    for path, meta, origin in entries:
        shown = _display_path(path)
        key = (meta["page_id"], meta["edition"])
        if path in loaded:
            problem(shown, "listed twice; the second listing is skipped")
            continue
        if key in seen:
            problem(shown, f"has the same page_id and edition ({key[0]}, {key[1]}) as {seen[key]}; skipped")
            continue
        try:
            data = path.read_bytes()
            text, encoding = decode_page(data, shown)
        except PageError as err:
            problem(shown, err.problem)
            continue
        except OSError as err:
            problem(shown, f"cannot be read ({err.strerror or err})")
            continue
        seen[key] = shown
        loaded.add(path)
        rows.append({**meta, "path": shown, "encoding": encoding, "sha256": hashlib.sha256(data).hexdigest(),
                     "bytes": len(data), "metadata": origin, "text": text})
    pages = pd.DataFrame(rows, columns=PAGE_COLUMNS).sort_values(["page_id", "edition"], ignore_index=True)
    if not rows and not tables and not problems:
        raise PageError(source, f"no pages found: no {', '.join(sorted(PAGE_SUFFIXES))} file and no article table "
                                f"({', '.join(sorted(TABLE_SUFFIXES))}) in this folder or its subfolders")
    pages.attrs["problems"] = problems  # records, not a frame: attrs must survive pd.concat
    pages.attrs["tables"] = [str(t) for t in tables]
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
        elif wrap and wrap - 2 <= len(line) <= wrap + 1 and not _ends_sentence(line) and (
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
                nxt is None or nxt.gap >= 2 or (nxt.kind == "body" and _starts_mid_sentence(nxt.text))):
            this.kind = "body"
    if header_lines:
        _mark_header(blocks, header_lines)
    elif _indented_page(blocks):
        for block in blocks:
            block.kind = _classify_indented(block)
    return blocks


_INDENT = re.compile(r"^(\u3000|\s{2,}|\t)")
_NUMBERED_HEADING = re.compile(r"^(第?[一二三四五六七八九十]{1,3}[、是]|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.、．](?!\d))")
# A headline closed by an editorial tag: 奋斗的史诗 复兴的伟力（社论）, …（人民论坛）, …（国际视点）
_EDITORIAL_TAG = re.compile(rf"[{_HAN}”\w](?<!摄)[（(][^（）()。，]{{2,24}}[）)]$")
_PICTURE_ITEM = re.compile(r"^(图片报道|图片新闻|新闻图片|摄影报道|图说|图片故事)")
_PARENTHESISED = re.compile(r"^[（(【\[].*[）)】\]]$")
# The double deck of news headlines: a kicker that announces (…强调, …指出, 就…：) and a
# subtitle that says who attended an event the headline reports (…举行 / 李克强出席).
_KICKER_END = ("——", "—", "：", ":", "强调", "指出", "表示", "要求", "提出", "希望", "寄语", "勉励")
_EVENT_END = re.compile(r"(举行|开幕|闭幕|召开|举办|发布|揭晓|落幕|成立|启动|开通|签署|会谈|会晤|通话|开幕式)$")
_FIGURE = re.compile(r"\d|[一二三四五六七八九十两百千万亿]+[成个名家项亿万余多]")
_ATTENDANCE = re.compile(r"(出席|主持|致辞|讲话|会见|宣读|批示|参加|见证|视察|考察)")


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


_CREDIT_ROLE = re.compile(r"(本\s*版\s*责\s*编|责\s*任\s*编\s*辑|责\s*编|美\s*编|校\s*对|审\s*读|版\s*式|"
                          r"排\s*版|组\s*版|编\s*辑|本\s*版\s*摄\s*影)")
_COLUMN_LABEL = re.compile(rf"^[A-Z][A-Z0-9 &'’.-]{{1,30}}\s*[{_HAN}]{{0,10}}$")
_CAPTION_START = re.compile(r"^(图为|图[:：]|[上下左右中]图|图片[:：]|图\d|[（(]资料图片[）)])")
_PHOTO_CREDIT = re.compile(rf"(?:[{_HAN}]{{2,5}}发\s*)?[（(]?\s*(?:(?:本报)?(?:记者|通讯员)\s*)?"
                           rf"([{_HAN}]{{2,4}}(?:[\s、][{_HAN}]{{2,4}})*)\s?摄(?:影)?\s*[）)]?\s*$")
_BYLINE = re.compile(rf"^(本报(?:特约|见习)?记者\s*|(?:新华社|中新社)?(?:记者|通讯员)\s+|文\s*[/／]\s*)([{_HAN}\s、，,]+)$")
_NAME_LINE = re.compile(rf"^[{_HAN}]{{2,4}}(?:[\s、][{_HAN}]{{2,4}})*$")
_PAREN = r"[（(][^（）()]{1,40}[）)]"
_DATELINE = re.compile(rf"^((?:本报讯|本报[{_HAN}0-9]{{0,10}}电|[{_HAN}]{{2,6}}社[{_HAN}0-9]{{0,12}}电)\s*(?:{_PAREN})?"
                       rf"|[{_HAN}]{{2,8}}讯\s*[（(](?:记者|通讯员)[^（）()]{{1,40}}[）)])\s*")
_PLACEHOLDER = re.compile(r"^[（(【\[]?\s*(?:图片|公益|分类)?广告\s*[）)】\]]?$")
_BYLINE_ROLE = re.compile(r"(本报(?:特约|见习)?记者|见习记者|实习生|通讯员|记者|摄影)")


def _is_heading_like(text: str) -> bool:
    """A short line without sentence punctuation, or a long headline (up to 64
    characters, a comma or two, ending in a word or an editorial tag such as （社论））."""
    return _is_short_headline(text) or _is_long_headline(text)


def _is_short_headline(text: str) -> bool:
    core = re.sub(rf"^[{_HAN}“”]{{2,8}}：", "", text.rstrip("？！?!"))  # 稷山县：… is still a headline
    return 0 < len(text) <= 40 and not _INNER_PUNCT.search(core) and not text.endswith("。")


def _is_long_headline(text: str) -> bool:
    """A headline too long or too punctuated for the short rule: up to 64 characters,
    at most two commas, no sentence punctuation, ending in a word or an editorial tag."""
    return not _is_short_headline(text) and 0 < len(text) <= 64 and not re.search(r"[。；;！？!?：:]", text) and not _DATELINE.match(text) \
        and text.count("，") <= 2 and (bool(re.search(rf"[{_HAN}A-Za-z0-9]$", text)) or bool(_EDITORIAL_TAG.search(text)))


def _classify(block: _Block) -> str:
    text = block.text
    if _CREDIT_ROLE.match(text) and len(text) <= 80 and "。" not in text:
        return "credit"
    if _COLUMN_LABEL.match(text) or _PLACEHOLDER.match(text):
        return "label"
    if _CAPTION_START.match(text) or (len(text) <= 20 and _PHOTO_CREDIT.fullmatch(text)):
        return "caption"
    if re.match(r"^[—–-]{1,3}", text) and len(text) <= 60:
        return "subtitle"
    if _BYLINE.match(text) and len(text) <= 40:
        return "byline"
    if (_PARENTHESISED.match(text) or _DATELINE.match(text)) and not block.level:
        return "body"
    if block.level or _is_heading_like(text):
        return "section" if _NUMBERED_HEADING.match(text) and not block.level else "heading"
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
    signal: str = ""              # what told the parser that an article starts here
    level: int = 0                # markdown level of the headline

    def take_stack_line(self, text: str) -> None:
        """A second or third headline line printed right under the headline, before any text.

        Chinese pages stack an optional kicker (引题) above the headline and an optional
        subtitle (副题) below it. A line ending in —— or ： announces what follows, so it
        is the kicker; a line ending in an editorial tag (（社论）, （国际视点）) is the
        headline; once there is a kicker or the headline carries its tag, a further line is
        the subtitle; so is a long line (over 40 characters) and a line saying who attended
        the event the headline reports (…在京举行 / 李克强出席), and a line that gives figures
        under one that gives none (…覆盖率达到九成以上). Otherwise the upper line of an
        unmarked pair is read as the kicker, the commoner double deck on Chinese dailies."""
        upper = self.headline
        if self.subtitle or self.kicker or _EDITORIAL_TAG.search(upper):
            self.subtitle = (self.subtitle + " " + text).strip()
        elif upper.endswith(_KICKER_END) or _EDITORIAL_TAG.search(text):
            self.kicker, self.headline = upper.rstrip("—：: "), text
        elif len(text) > 40 or (_EVENT_END.search(upper) and _ATTENDANCE.search(text)) or (
                _FIGURE.search(text) and not _FIGURE.search(upper)):
            self.subtitle = text  # a long explanation, who attended (…在京举行 / 习近平出席), or the figures
        else:
            self.kicker, self.headline = upper, text

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
    if _EDITORIAL_TAG.search(block.text):
        return True, "editorial tag"
    if _PICTURE_ITEM.match(block.text) or (nxt is not None and nxt.kind == "caption"):
        return True, "picture item"
    if nxt is not None and nxt.kind == "byline":
        return True, "followed by a byline"
    if nxt is not None and nxt.kind == "body" and _DATELINE.match(nxt.text):
        return True, "followed by a dateline"
    return False, ""


@lru_cache(maxsize=8192)
def _parse_page(text: str, mode: str = "page") -> _ParsedPage:
    """Parse a page (``mode="page"``), a one-article file (``"article"``: headline stack on
    top) or an article body whose headline is known from elsewhere (``"body"``)."""
    one_article = mode != "page"
    fixes: Counter = Counter()
    blocks = _rejoin_column_breaks(_split_blocks(text, fixes, header_lines=4 if mode == "article" else 0), fixes)
    levels = [b.level for b in blocks if b.level and b.kind == "heading"]
    deepest = max(levels) if len(set(levels)) > 1 else 99
    indented = not one_article and _indented_page(blocks)
    # a gap wider than the one between paragraphs separates articles: 2 blank lines, or 1 where paragraphs touch
    body_gaps = Counter(b.gap for b in blocks[1:] if b.kind == "body")
    wide_gap = 1 if body_gaps and body_gaps.most_common(1)[0][0] == 0 else 2
    articles: list[_Article] = []
    credits, labels = [], []
    current: _Article | None = _Article(headline="", signal="table row") if mode == "body" else None
    if current is not None:
        articles.append(current)
    kicker, prev_kind = "", ""
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
                and not current.paragraphs and not current.byline and _NAME_LINE.match(text_):
            kind = "byline"  # a bare name under a headline
        stacked = (kind == "heading" and current is not None and prev_kind == "heading" and not current.paragraphs
                   and not current.byline and not current.captions and block.gap <= 1
                   and block.level == current.level and not kicker and not block.indent)
        starts, signal = False, ""
        if kind == "heading" and not stacked and not (one_article and current is not None):
            starts, signal = _heading_is_headline(blocks, i, current, prev_kind, deepest, wide_gap)
            if indented and current is not None and not block.level:
                starts, signal = not block.indent, "flush-left line on an indented page"
            signal = "one article per file" if one_article else signal
        if kind == "credit":
            credits.extend(_parse_credits(block.lines, fixes))
        elif kind == "label":
            labels.append(text_)
        elif stacked:
            current.take_stack_line(text_)
        elif kind == "heading" and current is not None and current.level and not block.level and block.gap <= 1 \
                and prev_kind == "heading" and not current.paragraphs and not current.byline and not current.subtitle:
            current.subtitle, kind = text_, "subtitle"  # a plain line under a marked headline
        elif starts:
            current = _Article(headline=text_, kicker=kicker, signal=signal, level=block.level)
            articles.append(current)
            kicker = ""
        elif kind in ("heading", "section"):
            if current is None:
                current = _Article(headline="", kicker=kicker, expects_byline=False, signal="text before any heading")
                articles.append(current)
            current.sections.append(text_)
            current.add_paragraph(text_, block.raw_text)
            current.expects_byline = False
            kind = "section"
        elif current is None:
            current = _Article(headline="", kicker=kicker, expects_byline=False, signal="text before any heading")
            articles.append(current)
            kind = "body"
            current.add_paragraph(text_, block.raw_text)
        elif kind == "subtitle" and prev_kind == "heading" and not current.paragraphs:
            current.subtitle = (current.subtitle + " " + text_.lstrip("—–- ")).strip()
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
        prev_kind = "heading" if kind == "subtitle" and prev_kind == "heading" else kind
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
                   "truncated", "starts_mid_sentence", "raw_body", "path", "layout", "signal"]


def _starts_mid_sentence(paragraph: str) -> bool:
    """"度：服务居民…" begins with the tail of a sentence whose head is missing."""
    return bool(re.match(rf"^[{_HAN}][，。；：！？、”]", paragraph))


def article_fields(art: _Article) -> dict:
    """The columns of one parsed article, from headline to signal (see :func:`split_articles`)."""
    body = "\n".join(art.paragraphs)
    last_text = next((p for p in reversed(art.paragraphs) if p not in art.sections), "")
    return {
        "headline": art.headline, "subtitle": art.subtitle.lstrip("—–- "), "kicker": art.kicker,
        "byline": art.byline, "reporters": list(dict.fromkeys(art.reporters)),
        "photographer": "、".join(dict.fromkeys(art.photographers)),
        "sections": list(art.sections), "captions": list(art.captions), "body": body,
        "chars": len(body.replace("\n", "")), "paragraphs": len(art.paragraphs),
        "truncated": bool(last_text) and not _ends_sentence(last_text),
        "starts_mid_sentence": bool(art.paragraphs) and _starts_mid_sentence(art.paragraphs[0]),
        "raw_body": "\n".join(art.raw_paragraphs), "signal": art.signal,
    }


def decide_layouts(pages: pd.DataFrame, layout: str | None = None) -> list[str]:
    """How each page file is split: ``"page"`` (several articles) or ``"article"`` (the whole
    file is one article), in the order of ``pages``.

    ``layout`` decides for every file; otherwise a ``layout`` given in ``pages.csv``;
    otherwise the kit looks: a crawl's name ``YYYYMMDD-PP-NN`` (NN, the article's place on
    its page) means one article, and so does a folder of three or more files of which at
    least 60 % hold a single article when read as pages (a collection of one-article
    files; read as pages, the others would be cut at their own subheadings).
    """
    if layout:
        if layout not in LAYOUTS:
            raise ValueError(f"layout={layout!r}: use one of {', '.join(LAYOUTS)} (or None to let the kit decide)")
        return [layout] * len(pages)
    given = pages["layout"].fillna("").tolist() if "layout" in pages else [""] * len(pages)
    positions = pages["position"].fillna("").tolist() if "position" in pages else [""] * len(pages)
    folders = [str(Path(p).parent) for p in pages["path"]] if "path" in pages else [""] * len(pages)
    singles: Counter = Counter()
    for folder, text in zip(folders, pages["text"]):
        singles[folder] += len(_parse_page(text).articles) <= 1
    sizes = Counter(folders)
    return [g or ("article" if pos or (sizes[f] >= 3 and singles[f] >= 0.6 * sizes[f]) else "page")
            for g, pos, f in zip(given, positions, folders)]


def split_articles(pages: pd.DataFrame, layout: str | None = None) -> pd.DataFrame:
    """Split each page into articles: one row per article, in page order.

    Columns: page_id, edition, article_no (1…n on the page, or the article's
    place on its page when the file name gives it), headline (two-line headlines
    joined), subtitle, kicker ("万荣县", "记者手记"), byline, reporters (list),
    photographer ("、"-joined), sections (headings inside the article, list),
    captions (list), body (clean text, one paragraph per line, section headings
    included), chars (characters in the body, without line breaks), paragraphs,
    truncated (the body stops mid-sentence: the page cut it off),
    starts_mid_sentence (its first words are missing), raw_body (the body with the
    file's own punctuation widths, character for character the same length as
    body), path (the file), layout ("page" or "article", see :func:`decide_layouts`;
    ``layout=`` overrides it for every file) and signal (what told the kit an article
    starts there: "markdown heading", "followed by a dateline", "flush-left line on
    an indented page" …). Page credits and column labels are not articles: see
    :func:`page_credits` and :func:`page_labels`.

    >>> arts = split_articles(load_pages())
    >>> sorted(arts.headline.unique())[:1]
    ['“三剂良方”激活治理新动能']
    """
    rows = []
    for page, page_layout in zip(pages.itertuples(index=False), decide_layouts(pages, layout)):
        position = getattr(page, "position", "") or ""
        for no, art in enumerate(_parse_page(page.text, page_layout).articles, start=1):
            rows.append({"page_id": page.page_id, "edition": page.edition,
                         "article_no": int(position) if position and page_layout == "article" else no,
                         **article_fields(art), "path": getattr(page, "path", ""), "layout": page_layout})
    return pd.DataFrame(rows, columns=ARTICLE_COLUMNS)


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
