"""Pages into articles: one row per article with its headline stack, byline, captions and body,
and the summaries of a corpus's articles."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pandas as pd

from .header_slots import header_slots, parse_slotted
from .page_files import LAYOUTS
from .page_articles import Article
from .page_parser import ends_sentence, parse_page, starts_mid_sentence
from .keyed_rows import row_keys, rows_for_keys
from .paths import CACHE_DIR, code_digest
from .remembered import remembered

__all__ = ["ARTICLE_COLUMNS", "decide_layouts", "decide_slots", "split_articles", "page_credits", "page_labels",
           "cleaning_report", "cleaning_examples", "corpus_summary", "reporter_counts"]

# the code a page's reading depends on: a result made by other code is never read back
PARSING_CODE = ("credit_lines.py", "stack_roles.py", "stack_model.json", "page_articles.py", "page_parser.py",
                "header_slots.py", "pages.py", "remembered.py")
_NN_SUFFIX = re.compile(r"[-_]\d{1,3}$")
ARTICLE_COLUMNS = ["page_id", "edition", "article_no", "headline", "subtitle", "kicker", "byline",
                   "reporters", "photographer", "sections", "captions", "body", "chars", "paragraphs",
                   "truncated", "starts_mid_sentence", "raw_body", "path", "layout", "signal"]


def article_fields(art: Article) -> dict:
    """The columns of one parsed article, from headline to signal (see :func:`split_articles`)."""
    body = "\n".join(art.paragraphs)
    last_text = next((p for p in reversed(art.paragraphs) if p not in art.sections), "")
    return {
        "headline": art.headline, "subtitle": art.subtitle.lstrip("—–- "), "kicker": art.kicker,
        "byline": art.byline, "reporters": list(dict.fromkeys(art.reporters)),
        "photographer": "、".join(dict.fromkeys(art.photographers)),
        "sections": list(art.sections), "captions": list(art.captions), "body": body,
        "chars": len(body.replace("\n", "")), "paragraphs": len(art.paragraphs),
        "truncated": bool(last_text) and not ends_sentence(last_text),
        "starts_mid_sentence": bool(art.paragraphs) and starts_mid_sentence(art.paragraphs[0]),
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
    undecided = {f for g, pos, f in zip(given, positions, folders) if not g and not pos}
    singles: Counter = Counter()
    for folder, text in zip(folders, pages["text"]):
        if folder in undecided:  # reading a page costs: only where a file's layout is still open
            singles[folder] += len(parse_page(text).articles) <= 1
    sizes = Counter(folders)
    return [g or ("article" if pos or (sizes[f] >= 3 and singles[f] >= 0.6 * sizes[f]) else "page")
            for g, pos, f in zip(given, positions, folders)]


def decide_slots(pages: pd.DataFrame, layouts: list[str], sample: int = 400) -> list[tuple[str, ...]]:
    """The fixed header slots of each one-article file (see :func:`banmian.header_slots.header_slots`),
    ``()`` for a page or a file without them, in the order of ``pages``. The shape is found per
    folder from up to ``sample`` of its files; a folder of fewer than 30 one-article files takes
    the shape of all the corpus's one-article files."""
    folders = [str(Path(p).parent) for p in pages["path"]] if "path" in pages else [""] * len(pages)
    texts: dict[str, list[str]] = {}
    for folder, text, layout in zip(folders, pages["text"], layouts):
        if layout == "article":
            texts.setdefault(folder, []).append(text)
    if not texts:
        return [()] * len(pages)

    def shape(files: list[str]) -> tuple[str, ...]:
        step = max(1, len(files) // sample)
        return header_slots(files[::step][:sample])

    everything = shape([t for files in texts.values() for t in files])
    by_folder = {f: shape(files) if len(files) >= 30 else everything for f, files in texts.items()}
    return [by_folder[f] if layout == "article" else () for f, layout in zip(folders, layouts)]


def split_articles(pages: pd.DataFrame, layout: str | None = None) -> pd.DataFrame:
    """Split each page into articles: one row per article, in page order.

    Columns: page_id (the printed page: for one-article files named like a crawl's
    ``YYYYMMDD-PP-NN``, the name without its ``-NN``, so the articles of one printed page group
    as those of a page file do), edition, article_no (1…n on the page, or the article's
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

    >>> from banmian.page_files import load_pages
    >>> arts = split_articles(load_pages())
    >>> sorted(arts.headline.unique())[:1]
    ['“三剂良方”激活治理新动能']
    """
    layouts = decide_layouts(pages, layout)
    return split_pages(pages, layouts, decide_slots(pages, layouts))


def split_pages(pages: pd.DataFrame, layouts: list[str], slots: list[tuple[str, ...]] | None = None) -> pd.DataFrame:
    """:func:`split_articles` with each page's layout given (``"page"`` or ``"article"``, in the
    order of ``pages``) and, for one-article files, their header slots (:func:`decide_slots`)."""
    rows = []
    for page, page_layout, page_slots in zip(pages.itertuples(index=False), layouts, slots or [()] * len(pages)):
        position = getattr(page, "position", "") or ""
        parsed = parse_slotted(page.text, page_slots) if page_slots else parse_page(page.text, page_layout)
        printed = position and page_layout == "article"  # a crawl's YYYYMMDD-PP-NN: article NN of page PP
        page_id = _NN_SUFFIX.sub("", page.page_id) if printed else page.page_id
        for no, art in enumerate(parsed.articles, start=1):
            rows.append({"page_id": page_id, "edition": page.edition,
                         "article_no": int(position) if printed else no,
                         **article_fields(art), "path": getattr(page, "path", ""), "layout": page_layout})
    return pd.DataFrame(rows, columns=ARTICLE_COLUMNS)


def _read_back(name: str, pages: pd.DataFrame, columns: list[str], rows_of, **settings) -> pd.DataFrame:
    """The table of ``rows_of(pages)`` (dicts), each page's rows kept by content: a rerun with the
    same pages reads the whole table back from ``.cache/results``; after new or changed pages only
    those are parsed again, the others' rows read from ``.cache/pages`` (the settings and the
    reading code are part of both keys)."""
    def per_page() -> pd.DataFrame:
        ids = list(zip(pages["page_id"].astype(str), pages["edition"].astype(str)))
        if len(set(ids)) < len(ids):  # no key to file a page's rows under
            return pd.DataFrame(rows_of(pages), columns=columns)
        keys = row_keys(pages, ["page_id", "edition", "text"], name, repr(sorted(settings.items())))

        def compute(positions: list[int]) -> pd.DataFrame:
            found = pd.DataFrame(rows_of(pages.iloc[positions]), columns=columns)
            key_of = {ids[i]: keys[i] for i in positions}
            return found.assign(_key=[key_of[i] for i in zip(found["page_id"].astype(str), found["edition"].astype(str))])

        store = CACHE_DIR / "pages" / f"{name}-{code_digest(*PARSING_CODE, 'keyed_rows.py')}.arrow"
        table, _ = rows_for_keys(store, keys, compute, keep_others=True)
        return table[columns]

    return remembered(name, pages, settings, PARSING_CODE, per_page)


def page_credits(pages: pd.DataFrame) -> pd.DataFrame:
    """Page credits (本版责编, 美编, 校对 …): one row per page, role and name."""
    return _read_back("page_credits", pages, ["page_id", "edition", "role", "name"], lambda frame: [
        {"page_id": p.page_id, "edition": p.edition, "role": role, "name": name}
        for p in frame.itertuples(index=False) for role, name in parse_page(p.text).credits])


def page_labels(pages: pd.DataFrame) -> pd.DataFrame:
    """Column labels such as "NEWS 新闻集锦": one row per label on a page."""
    return _read_back("page_labels", pages, ["page_id", "edition", "label"], lambda frame: [
        {"page_id": p.page_id, "edition": p.edition, "label": label}
        for p in frame.itertuples(index=False) for label in parse_page(p.text).labels])


def cleaning_report(pages: pd.DataFrame) -> pd.DataFrame:
    """How many times each kind of fix was applied: one row per page, edition and fix."""
    return _read_back("cleaning_report", pages, ["page_id", "edition", "fix", "count"], lambda frame: [
        {"page_id": p.page_id, "edition": p.edition, "fix": fix, "count": count}
        for p in frame.itertuples(index=False) for fix, count in sorted(parse_page(p.text).fixes.items()) if count])


def cleaning_examples(pages: pd.DataFrame, n: int = 8) -> pd.DataFrame:
    """Blocks of each page whose text cleaning changed, before and after (first ``n`` per page)."""
    def rows(frame: pd.DataFrame) -> list[dict]:
        found = []
        for p in frame.itertuples(index=False):
            changed = [b for b in parse_page(p.text).blocks if b.raw.strip() != b.text]
            found += [{"page_id": p.page_id, "edition": p.edition, "kind": b.kind, "before": b.raw, "after": b.text}
                      for b in changed[:n]]
        return found

    return _read_back("cleaning_examples", pages, ["page_id", "edition", "kind", "before", "after"], rows, n=n)


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
