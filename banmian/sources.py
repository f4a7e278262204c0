"""Sources: one entry point for a corpus folder, a page file or an article table,
and a report on how each page was split."""
from __future__ import annotations

import datetime
import io
import html
import json
import re
import warnings
from pathlib import Path

import pandas as pd

from .article_cache import split_with_cache
from .decoding import PageError, PageWarning, decode_page
from .page_files import TABLE_SUFFIXES, checked_date, date_in_text, load_pages
from .page_parser import clean_text, parse_page
from .pages import ARTICLE_COLUMNS, article_fields
from .paths import display_path, project_path
from .remembered import remembered_analysis

__all__ = ["TABLE_COLUMN_NAMES", "ARTICLE_TABLE_COLUMNS", "load_articles", "read_article_table", "split_report", "split_summary",
           "dates_from_datelines"]

# Page metadata added to every article row. date_source says where the date came from: "pages.csv",
# "file name", "folder name", "table column", "dateline" (year from the path) or "dateline, year from the
# text"; "" when the article has no date (see helpers.date_report).
ARTICLE_TABLE_COLUMNS = ARTICLE_COLUMNS + ["paper", "date", "date_source", "page_no"]
_DATELINE_DAY = re.compile(r"(?<!\d)(\d{1,2})月(\d{1,2})日(?:电|讯|消息)")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_YEAR_IN_TEXT = re.compile(r"(?<!\d)((?:19|20)\d{2})年")

# What scrapers and archives call each field, compared without case, spaces, "_" or "-".
TABLE_COLUMN_NAMES = {
    "headline": ["title", "headline", "heading", "newstitle", "articletitle", "标题", "题目", "篇名", "主标题", "主题"],
    "body": ["content", "contenttext", "text", "body", "maintext", "fulltext", "article", "articletext",
             "正文", "内容", "全文", "文本", "新闻内容"],
    "date": ["publishtime", "publishdate", "pubdate", "pubtime", "date", "datetime", "time", "issuedate",
             "日期", "发布时间", "发表时间", "出版日期", "刊发日期", "时间", "刊期"],
    "page_no": ["page", "pageno", "pagenum", "pagenumber", "版次", "版面", "版号", "版"],
    "author": ["author", "authors", "reporter", "reporters", "byline", "writer", "作者", "记者"],
    "paper": ["source", "paper", "newspaper", "publication", "media", "来源", "报纸", "报刊", "媒体", "刊名"],
    "subtitle": ["subtitle", "subheadline", "副标题", "副题"],
    "kicker": ["kicker", "pretitle", "引题", "肩题"],
    "channel": ["channel", "section", "column", "category", "栏目", "频道", "版名", "分类"],
    "edition": ["edition", "版本"],
}


def _key(name) -> str:
    return re.sub(r"[\s_\-]+", "", str(name)).lower()


def _read_table(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    shown = display_path(path)
    try:
        if suffix in (".csv", ".tsv"):
            text, _ = decode_page(path.read_bytes(), shown)
            return pd.read_csv(io.StringIO(text), sep="\t" if suffix == ".tsv" else ",", dtype=str,
                               keep_default_na=False)
        if suffix in (".jsonl", ".ndjson"):
            return pd.read_json(path, lines=True, dtype=False)
        if suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8-sig"))
            return pd.json_normalize(_records(data))
        if suffix in (".xlsx", ".xls"):
            return pd.read_excel(path, dtype=str).fillna("")
        if suffix == ".parquet":
            return pd.read_parquet(path)
    except PageError:
        raise
    except (ValueError, OSError, UnicodeDecodeError, ImportError) as err:
        raise PageError(shown, f"cannot be read as a {suffix[1:].upper()} table ({type(err).__name__}: "
                               f"{str(err).splitlines()[0][:160]})") from None
    raise PageError(shown, f"{suffix} is not a table format the kit reads ({', '.join(sorted(TABLE_SUFFIXES))})")


def _records(data, depth: int = 0) -> list:
    """The article records of a JSON document: the document itself when it is a list, else the
    longest list of objects found under its keys at any depth ({"data": {"videoList": [...]}}),
    else the object as one record."""
    if isinstance(data, list):
        return data
    if not isinstance(data, dict) or depth > 5:
        return [data]
    lists = []
    for value in data.values():
        if isinstance(value, list) and any(isinstance(x, dict) for x in value):
            lists.append(value)
        elif isinstance(value, dict):
            nested = _records(value, depth + 1)
            if nested != [value]:  # a list of records somewhere below, not the object itself
                lists.append(nested)
    return max(lists, key=len) if lists else [data]


def _find_columns(columns) -> dict:
    """The column of each field by its usual names; a nested field (``video_detail.content``, as
    pandas flattens JSON objects) is matched by the last part of its name when no column has the
    whole name."""
    by_key, by_last = {}, {}
    for column in columns:
        by_key.setdefault(_key(column), column)
        by_last.setdefault(_key(str(column).rsplit(".", 1)[-1]), column)
    return {field: next((by_key[n] for n in names if n in by_key), None)
            or next((by_last[n] for n in names if n in by_last), None) for field, names in TABLE_COLUMN_NAMES.items()}


_HTML_TAG = re.compile(r"<(?:p|br|div|span|strong|b|i|em|img|a|section|h[1-6])\b[^>]*>|</(?:p|div|span|strong|b|i|em|a|section|h[1-6])\s*>",
                       re.IGNORECASE)
_HTML_BREAK = re.compile(r"<br\s*/?>|</(?:p|div|section|h[1-6])\s*>", re.IGNORECASE)


def html_to_text(text: str) -> str:
    """Article text from an HTML fragment (``<p>…</p><p>…</p>``): one paragraph per line, tags
    and scripts gone, entities (``&nbsp;`` ``&ldquo;``) decoded. Text without tags is returned as
    it is.

    >>> html_to_text("<p>第一段&ldquo;话&rdquo;。</p><p>第二段。<br/>第三段。</p>").split()
    ['第一段“话”。', '第二段。', '第三段。']
    """
    if not _HTML_TAG.search(text):
        return text
    text = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", "", text)
    text = _HTML_BREAK.sub("\n", text)
    text = html.unescape(re.sub(r"<[^>]+>", "", text)).replace("\xa0", " ")
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


def _normalise_dates(values: pd.Series) -> pd.Series:
    """ISO dates (YYYY-MM-DD) from what exports hold: 2020-01-19 08:00:00, 2020/1/19,
    20200119, 2020年1月19日, Unix seconds or milliseconds; "" where none can be read."""
    def one(value) -> str:
        if value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == "":
            return ""
        if isinstance(value, (int, float)) and not isinstance(value, bool) or re.fullmatch(r"\d{10}(\d{3})?", str(value)):
            number = int(float(value))
            stamp = pd.Timestamp(number, unit="ms" if number > 10**11 else "s", tz="UTC").tz_convert("Asia/Shanghai")
            return stamp.date().isoformat()
        if hasattr(value, "date"):
            return value.date().isoformat()
        return date_in_text(str(value))

    return values.map(one)


def read_article_table(path, strict: bool = True) -> pd.DataFrame:
    """Articles from a table exported by a scraper or an archive: one row per article.

    Reads CSV/TSV (any encoding the pages may have), JSON (a list of records, or an
    object holding one at any depth, e.g. a news API's ``{"data": {"videoList": [...]}}``), JSONL,
    Excel and Parquet; nested fields (``video_detail.content``) are matched by the last part of
    their name, and HTML in the text (``<p>…</p>``) becomes paragraphs. Columns are found by their usual
    names in English and Chinese (:data:`TABLE_COLUMN_NAMES`): the text (content,
    content_text, text, 正文 …) is required; title/标题, publish_time/date/日期,
    page/版次/版面, author/作者/reporter, source/来源, subtitle, kicker, channel/栏目
    are used when present. The body is cleaned and parsed like a page's (datelines,
    bylines, captions, section headings). A table without a text column raises
    :class:`PageError` naming the file, the columns it has and the names it accepts.
    """
    path = project_path(path)
    shown = display_path(path)
    if not path.is_file():
        raise PageError(shown, "table file not found")
    table = _read_table(path)
    found = _find_columns(table.columns)
    if found["body"] is None:
        raise PageError(shown, f"no text column: the table has {', '.join(map(str, table.columns[:20])) or 'no columns'}; "
                               f"name the article text one of {', '.join(TABLE_COLUMN_NAMES['body'][:6])} or 正文/内容")
    if found["headline"] is None:
        warnings.warn(f"{shown}: no title column ({', '.join(TABLE_COLUMN_NAMES['headline'][:3])}, 标题); "
                      "headlines are left empty", PageWarning, stacklevel=2)

    def column(field) -> pd.Series:
        name = found[field]
        if name is None:
            return pd.Series([""] * len(table), index=table.index, dtype=object)
        return table[name].map(lambda v: "" if v is None or (isinstance(v, float) and pd.isna(v)) else v)

    dates = _normalise_dates(column("date"))
    rows, empty = [], 0
    clean = lambda v: re.sub(r"\s+", " ", str(v)).strip()  # noqa: E731
    for n, (title, content, kicker, subtitle, author, date, page_no, paper, edition) in enumerate(zip(
            column("headline"), column("body"), column("kicker"), column("subtitle"), column("author"),
            dates, column("page_no"), column("paper"), column("edition")), start=1):
        content = str(content)
        if not content.strip():
            empty += 1
            continue
        art = parse_page(html_to_text(content), "body").articles[0]
        fields = article_fields(art)
        fields.update({"headline": clean(clean_text(str(title))), "kicker": clean(kicker) or fields["kicker"], "subtitle": clean(subtitle) or fields["subtitle"]})
        if str(author).strip() and not fields["reporters"]:
            fields["reporters"] = [a for a in re.split(r"[、，,;；/\s]+", str(author)) if a]
            fields["byline"] = fields["byline"] or clean(author)
        page_text = str(page_no).strip()
        number = re.search(r"\d+", page_text)
        rows.append({"page_id": f"{path.stem}#{n}", "edition": clean(edition) or "A", "article_no": 1, **fields,
                     "path": shown, "layout": "table", "signal": "table row", "paper": clean(paper), "date": date,
                     "date_source": "table column" if date else "",
                     "page_no": str(int(number.group())) if number else page_text})
    if empty:
        warnings.warn(f"{shown}: {empty} row(s) with an empty text column skipped", PageWarning, stacklevel=2)
    undated = sum(1 for r in rows if not r["date"]) if found["date"] is not None else 0
    if undated:
        warnings.warn(f"{shown}: {undated} row(s) have a date the kit cannot read; their date is left empty",
                      PageWarning, stacklevel=2)
    articles = pd.DataFrame(rows, columns=ARTICLE_TABLE_COLUMNS)
    if articles.empty and strict:
        raise PageError(shown, "the table has no row with text")
    return articles


def load_articles(source="corpus", layout: str | None = None, strict: bool = False,
                  allow_outside: bool = False) -> pd.DataFrame:
    """Every article of a source, one row each: the one call the notebooks use.

    ``source`` is a corpus folder (searched recursively, ``pages.csv`` honoured), one page
    file (``.txt``/``.md``) or an article table (CSV/TSV, JSON, JSONL, Excel, Parquet;
    see :func:`read_article_table`). Tables inside a folder are read too. Page files are
    split as pages or as one article each (:func:`helpers.decide_layouts`; ``layout="page"``
    or ``"article"`` overrides the guess for every file, a ``layout`` column in
    ``pages.csv`` for one file). Columns: those of :func:`helpers.split_articles` plus
    paper, date and page_no. Problems (skipped files, unreadable tables) are warned about
    and listed in ``articles.attrs["problems"]``; nothing is written into the source.
    """
    path = project_path(source)
    if path.is_file() and path.suffix.lower() in TABLE_SUFFIXES:
        articles = read_article_table(path)
        articles.attrs["problems"] = []
        return articles
    pages = load_pages(path, strict=strict, allow_outside=allow_outside)
    articles = split_with_cache(pages, path, layout=layout)
    meta = pages[["path", "paper", "date", "date_source", "page_no"]]
    frames = [articles.merge(meta, on="path", how="left")]
    problems = list(pages.attrs.get("problems", []))
    for table in pages.attrs.get("tables", []):
        try:
            frames.append(read_article_table(table))
        except PageError as err:
            if strict:
                raise
            warnings.warn(str(err), PageWarning, stacklevel=2)
            problems.append({"file": err.file, "problem": err.problem})
    merged = pd.concat([f for f in frames if not f.empty] or frames[:1], ignore_index=True)[ARTICLE_TABLE_COLUMNS]
    merged = dates_from_datelines(merged)
    if merged.empty:
        warnings.warn(f"{display_path(path)}: no article could be read; see the problems listed", PageWarning,
                      stacklevel=2)
    merged.attrs["problems"] = problems
    merged.attrs["split_pages"] = articles.attrs.get("split_pages", len(pages))
    return merged


# --------------------------------------------------------------------------- dates

def dateline_day(byline: str, body: str):
    """The month and day of an article's dateline (本报北京1月16日电), as a match, or None."""
    return _DATELINE_DAY.search(f"{byline} {body[:40]}")


def _dateline_date(byline: str, body: str, path: str, headline: str) -> tuple[str, str]:
    day = dateline_day(byline, body)
    if not day:
        return "", ""
    month, day_no = int(day.group(1)), int(day.group(2))
    years = [int(y) for y in _YEAR.findall("/".join(Path(path).parts[-3:]))]  # the file and two folders above it
    source = "dateline"
    if not years:
        this_year = datetime.date.today().year
        years = sorted(y for y in map(int, _YEAR_IN_TEXT.findall(f"{headline} {body}")) if y <= this_year)
        source = "dateline, year from the text"
    if not years:
        return "", ""
    try:
        date = datetime.date(years[-1], month, day_no)
    except ValueError:
        return "", ""
    return (date.isoformat(), source) if date <= datetime.date.today() else ("", "")


def dates_from_datelines(articles: pd.DataFrame) -> pd.DataFrame:
    """Dates for undated articles from their dateline (本报北京1月16日电, 新华社…1月16日电): the
    year from the file's path (a folder such as 2020年1月, a name with 2020), else the latest
    year the article mentions (2020年); ``date_source`` says which. Dates that cannot be true
    (not in the calendar, in the future) are emptied; :func:`helpers.date_report` lists every
    article left without a date and why."""
    articles = articles.copy()
    checked = {d: checked_date(d) for d in articles["date"].fillna("").unique() if d}
    bad = articles["date"].map(lambda d: bool(d) and bool(checked[d][1]))
    articles.loc[bad, ["date", "date_source"]] = ""
    articles["date_source"] = articles["date_source"].fillna("")
    articles["date"] = articles["date"].fillna("")
    for i in articles.index[articles["date"] == ""]:
        row = articles.loc[i]
        date, source = _dateline_date(row["byline"], row["body"], str(row["path"]), row["headline"])
        if date:
            articles.loc[i, ["date", "date_source"]] = [date, source]
    return articles


# --------------------------------------------------------------------------- split report

@remembered_analysis
def split_report(articles: pd.DataFrame) -> pd.DataFrame:
    """One row per article with what decided its boundary and what looks wrong.

    Columns: path, page_id, edition, layout, article_no, headline, signal (what started
    the article), chars, and the flags empty_headline, one_paragraph (a one-line
    article), headline_longer_than_body, starts_mid_sentence, truncated, plus
    ``problems`` (the raised flags, joined). Sort or filter on ``problems`` to find a bad
    split in seconds; fix it with a ``layout`` override (``load_articles(layout="article")``
    or a ``layout`` column in ``pages.csv``).
    """
    report = articles[["path", "page_id", "edition", "layout", "article_no", "headline", "signal", "chars",
                       "starts_mid_sentence", "truncated"]].copy()
    report["empty_headline"] = articles["headline"].fillna("").str.strip() == ""
    report["one_paragraph"] = (articles["paragraphs"] <= 1) & (articles["layout"] != "table")
    report["headline_longer_than_body"] = articles["headline"].str.len() > articles["chars"]
    flags = ["empty_headline", "one_paragraph", "headline_longer_than_body", "starts_mid_sentence", "truncated"]
    problems = pd.Series("", index=report.index, dtype=object)
    for flag in flags:  # the raised flags joined, one column at a time
        raised = report[flag].fillna(False).astype(bool)
        problems = problems.where(~raised, problems.where(problems == "", problems + ", ") + flag.replace("_", " "))
    report["problems"] = problems
    return report[["path", "page_id", "edition", "layout", "article_no", "headline", "signal", "chars"] + flags
                  + ["problems"]]


def split_summary(report: pd.DataFrame) -> pd.DataFrame:
    """:func:`split_report` per file: articles, flagged (articles with a problem) and signals
    (what started its articles, each once), one row per path and layout."""
    keys = ["path", "layout"]
    table = report.assign(flagged=report["problems"] != "").groupby(keys, sort=True).agg(
        articles=("article_no", "size"), flagged=("flagged", "sum"))
    signals = report[keys + ["signal"]].drop_duplicates().sort_values("signal", kind="stable") \
        .groupby(keys, sort=True)["signal"].agg(", ".join)
    return table.assign(signals=signals)
