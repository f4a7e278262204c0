"""Page files into a table of pages: walking a corpus folder, the manifest (``pages.csv``),
metadata from file names, decoding (the sources layer, below splitting)."""
from __future__ import annotations

import datetime
import hashlib
import os
import re
import time
import warnings
from collections import Counter
from pathlib import Path

import pandas as pd

from .decoding import PageError, PageWarning, decode_page, read_csv_rows
from .paths import CACHE_DIR, ROOT, code_digest, display_path, modified_ns, project_path
from .remembered import keep_result, read_kept

__all__ = ["MANIFEST_NAME", "MANIFEST_COLUMNS", "LAYOUTS", "checked_date", "infer_metadata", "load_pages",
           "load_problems"]

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
_DATE_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_.年/]?(\d{1,2})[-_.月/]?(\d{1,2})日?(?!\d)")
_ARTICLE_POSITION = re.compile(r"(?<!\d)(?:19|20)\d{6}[-_](\d{1,3})[-_](\d{1,3})$")
_PAGE_IN_NAME = re.compile(r"第\s*(\d{1,3})\s*版|(?:^|[-_ ])[pP](?:age)?[-_]?(\d{1,3})(?![\d])|(\d{1,3})版")
SETTLED_NS = 2_000_000_000  # a file changed more recently than this is read, not kept (coarse file times)
_EDITION_SUFFIX = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,11}$")


def date_in_text(text: str) -> str:
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
    date, date_source = date_in_text(stem), "file name"
    if not date:
        folders = path.parent.relative_to(root).parts if root is not None and path.is_relative_to(root) \
            else path.parent.parts
        date = next((d for d in map(date_in_text, reversed(folders)) if d), "")
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


def _walk(folder: Path) -> tuple[list[tuple[str, str, tuple]], list[tuple[str, str]]]:
    """Every file under ``folder``, sorted, skipping hidden folders, as (path, real path, stat)
    triples, and the problems met on the way as (file, problem) pairs. The folder is resolved once,
    so only a file that is a symbolic link needs resolving (its real path is its target); symbolic
    links to folders are not followed (no loops); broken links are reported. ``stat`` is the file's
    size, inode, modification and change times (those of a link's target)."""
    folder = str(folder.resolve())
    found, problems = [], []

    def visit(directory: str) -> None:
        try:
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError:
            return
        folders = [e for e in entries if _is_folder(e) and not e.name.startswith((".", "__"))]
        for entry in folders:
            if entry.is_symlink():
                problems.append((display_path(entry.path), "a symbolic link to a folder; not followed (link its "
                                                             "files, or load that folder itself)"))
        for entry in entries:
            if entry.name.startswith(".") or _is_folder(entry):
                continue
            real = entry.path
            try:
                if entry.is_symlink():
                    real = str(Path(entry.path).resolve(strict=True))
                info = entry.stat()
            except (OSError, RuntimeError) as err:
                loop = isinstance(err, RuntimeError) or getattr(err, "errno", None) == 40
                problems.append((display_path(entry.path), "symbolic link loop; skipped" if loop else
                                 "broken symbolic link (its target does not exist); skipped"))
                continue
            found.append((entry.path, real, (info.st_size, info.st_ino, info.st_mtime_ns, info.st_ctime_ns)))
        for entry in folders:
            if not entry.is_symlink():
                visit(entry.path)

    visit(folder)
    return found, problems


def _is_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a link in a loop
        return False


def _listing_key(folder: Path, walked, strict: bool, allow_outside: bool) -> str | None:
    """A key for the pages of a folder without a manifest, from its :func:`_walk`: its files'
    paths, sizes, inodes and modification and change times (how git and rsync tell an unchanged
    file), the links it could not follow, the settings, the day and the code. None (read every
    file) when a file changed in the last two seconds: a filesystem with coarse times could change
    it again within the same tick, unseen."""
    files, problems = walked
    recent = time.time_ns() - SETTLED_NS
    if any(info[2] > recent or info[3] > recent for _, _, info in files):
        return None
    digest = hashlib.sha256(repr((str(folder.resolve()), strict, allow_outside, datetime.date.today().isoformat(),
                                  code_digest("page_files.py", "decoding.py", "paths.py"), problems)).encode("utf-8"))
    for path, real, info in files:
        digest.update(f"{path}\0{real}\0{info}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()[:24]


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

    A folder without a manifest is read once: the table is kept in ``.cache/pages`` under its
    files' paths, sizes and times (:func:`_listing_key`) and read back, with the same lines and
    warnings, while no file was added, removed or changed. When some were, only those are read:
    the others' text is taken from the last reading.
    """
    source = project_path(corpus)
    if not source.exists():
        raise PageError(source, "corpus folder or file not found")
    single = source.is_file()
    if single and source.suffix.lower() in TABLE_SUFFIXES:  # an article table holds no pages
        pages = pd.DataFrame(columns=PAGE_COLUMNS)
        pages.attrs.update(problems=[], tables=[str(source)])
        return pages
    walked = ([(str(source), str(source.resolve()), ())], []) if single else _walk(source)
    kept_name = "pages-" + hashlib.sha256(repr((str(source.resolve()), strict, allow_outside)).encode()).hexdigest()[:16]
    cacheable = not single and not (source / MANIFEST_NAME).exists()  # a manifest may name files elsewhere
    key = _listing_key(source, walked, strict, allow_outside) if cacheable else None
    kept_file = CACHE_DIR / "pages" / f"{kept_name}-{key}.pkl"
    kept = read_kept(kept_file) if key else None
    if isinstance(kept, tuple) and len(kept) == 3:
        pages, messages, _ = kept
        _say(messages)
        return pages
    messages, files = [], {}
    try:
        pages = _read_pages(source, walked, strict, allow_outside, messages,
                            _last_reading(kept_name) if cacheable else None, files)
    finally:
        _say(messages)  # also when a later problem stops a strict load
    if key:
        keep_result((pages, messages, files), kept_file, keep=2)
    return pages


def _last_reading(kept_name: str) -> tuple[pd.DataFrame, dict] | None:
    """The pages table of the folder's last kept reading and what each file was then
    (:func:`_read_pages`' ``files``): a file unchanged since is not read again."""
    for path in sorted((CACHE_DIR / "pages").glob(f"{kept_name}-*.pkl"), key=modified_ns, reverse=True):
        kept = read_kept(path)
        if isinstance(kept, tuple) and len(kept) == 3:
            return kept[0], kept[2]
    return None


def _say(messages: list[tuple[str, str]]) -> None:
    """Show what reading the pages found: lines printed, the rest as warnings."""
    for kind, text in messages:
        if kind == "line":
            print(text)
        else:
            warnings.warn(text, PageWarning, stacklevel=3)


def _read_pages(source: Path, walked, strict: bool, allow_outside: bool, messages: list, last=None,
                files: dict | None = None) -> pd.DataFrame:
    """:func:`load_pages` of a folder or page file whose files are ``walked`` (:func:`_walk`), the
    lines and warnings to show appended to ``messages`` as (kind, text) pairs. ``files`` gets,
    for each page read, its size, inode and times and the warnings its decoding gave; ``last``
    is (pages, files) of an earlier reading, whose text, encoding and digest are taken for a file
    with the same size, inode and times instead of reading it again."""
    single = source.is_file()
    folder = source.parent if single else source
    allowed = [folder.resolve(), ROOT]
    problems: list[dict] = []

    def problem(file, text):
        if strict:
            raise PageError(file, text)
        messages.append(("problem", f"{file}: {text}"))
        problems.append({"file": str(file), "problem": text})

    entries = []  # (path, metadata dict, origin)
    named_in_bad_rows = set()  # a file whose row was refused is not loaded again as an unlisted page
    manifest = folder / MANIFEST_NAME
    tables = []
    if manifest.exists() and not single:
        for row in read_csv_rows(manifest, ["file", "page_id", "edition"], "manifest", problem):
            where = f"{display_path(manifest)} line {row['_line']}"
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
    for file, text in walked[1]:
        problem(file, text)
    candidates = []
    for path, real, _ in walked[0]:
        path = Path(path)
        candidates.append((path, path if real == str(path) else Path(real)))
    unlisted: list[str] = []
    named: list[Path] = []
    stems = Counter(p.stem for p, _ in candidates)
    real_folder = folder.resolve()
    for path, real in candidates:
        suffix = path.suffix.lower()
        if path.name in RESERVED_NAMES and path.parent == real_folder:
            continue
        if suffix in TABLE_SUFFIXES and not single:
            tables.append(path)
            continue
        if suffix not in PAGE_SUFFIXES or real in listed:
            continue
        if not allow_outside and real is not path and not _inside(real, allowed):
            problem(display_path(path), "a symbolic link to a file outside the corpus and project folders; refused "
                                         "(pass allow_outside=True to load it)")
            continue
        meta = infer_metadata(path, real_folder) | {"layout": ""}
        if stems[path.stem] > 1:  # the same name in two folders: keep them apart
            meta["page_id"] = path.relative_to(real_folder).with_suffix("").as_posix() \
                if path.is_relative_to(real_folder) else meta["page_id"]
        entries.append((real, meta, "inferred from file name"))
        if single:
            continue
        if meta["date"] and meta["page_no"]:  # a crawl's own names: date and page read with certainty
            named.append(path)
        else:
            unlisted.append(f"{display_path(path)}: not in {MANIFEST_NAME}; metadata inferred from its name "
                            f"(page_id={meta['page_id']}, edition={meta['edition']})")
    if named:
        messages.append(("line", f"{len(named):,} file{'s' if len(named) > 1 else ''} not in {MANIFEST_NAME}: date and page number "
              f"read from {'their names' if len(named) > 1 else 'its name'} (e.g. {display_path(named[0])})"))
    if len(unlisted) > 3:  # a crawl of thousands of files: one line, not thousands
        unlisted = [f"{len(unlisted):,} files are not in {MANIFEST_NAME}; metadata inferred from their names, "
                    f"e.g. {unlisted[0]} (see the pages table's page_id, date and page_no)"]
    messages.extend(("warning", message) for message in unlisted)

    stats = {real: info for _, real, info in walked[0]}
    last_pages, last_files = last if last is not None else (None, {})
    last_rows = dict(zip(last_pages["path"], range(len(last_pages)))) if last_pages is not None else {}
    last_read = {c: last_pages[c].tolist() for c in ("text", "encoding", "sha256", "bytes")} if last_rows else {}
    rows, seen, loaded = [], {}, set()
    for path, meta, origin in entries:
        shown = display_path(path)
        key = (meta["page_id"], meta["edition"])
        if path in loaded:
            problem(shown, "listed twice; the second listing is skipped")
            continue
        if key in seen:
            problem(shown, f"has the same page_id and edition ({key[0]}, {key[1]}) as {seen[key]}; skipped")
            continue
        info = stats.get(str(path))
        if info and shown in last_rows and last_files.get(shown, (None,))[0] == info:  # unchanged since
            at = last_rows[shown]
            text, encoding, digest, size = (last_read[c][at] for c in ("text", "encoding", "sha256", "bytes"))
            notes = last_files[shown][1]
        else:
            try:
                data = path.read_bytes()
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always", PageWarning)
                    text, encoding = decode_page(data, shown)
            except PageError as err:
                problem(shown, err.problem)
                continue
            except OSError as err:
                problem(shown, f"cannot be read ({err.strerror or err})")
                continue
            for other in caught:
                if not issubclass(other.category, PageWarning):
                    warnings.warn(other.message, other.category, stacklevel=2)
            notes = [str(w.message) for w in caught if issubclass(w.category, PageWarning)]
            digest, size = hashlib.sha256(data).hexdigest(), len(data)
        messages.extend(("warning", note) for note in notes)  # said again whenever the pages are loaded
        if files is not None and info:
            files[shown] = (info, notes)
        seen[key] = shown
        loaded.add(path)
        rows.append({**meta, "path": shown, "encoding": encoding, "sha256": digest, "bytes": size, "metadata": origin,
                     "text": text})
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
