"""Views of two editions and of a whole corpus's editions: an inline diff, one edition with the
other's variants marked (:func:`reconcile`), and the alignment and variants of every page that has
two or more editions."""
from __future__ import annotations

import html

import pandas as pd

from .editions import (ALIGNMENT_COLUMNS, VARIANT_COLUMNS, align_editions, editions_present, lcs_length,
                       lone_article, variant_table)

__all__ = ["diff_html", "reconcile", "edition_overview", "align_corpus", "compare_corpus", "diff_alignment_check"]


def diff_html(text_a: str, text_b: str, label_a: str = "A", label_b: str = "B") -> str:
    """An inline view of two texts: text only in ``a`` struck through in red, text only in
    ``b`` underlined in green, paragraph breaks kept. All page text is HTML-escaped."""
    from rapidfuzz.distance import Indel

    def esc(text):
        return html.escape(text).replace("\n", "¶<br>")

    parts = [f'<div class="banmian-diff" style="line-height:1.8;font-size:15px">'
             f'<p style="font-size:12px;color:#555"><del style="background:#fdd;color:#900">{html.escape(label_a)} only</del>'
             f' · <ins style="background:#dfd;color:#060">{html.escape(label_b)} only</ins></p>']
    for op in Indel.opcodes(text_a, text_b):
        if op.tag == "equal":
            parts.append(esc(text_a[op.src_start:op.src_end]))
        if op.tag in ("delete", "replace"):
            parts.append(f'<del style="background:#fdd;color:#900">{esc(text_a[op.src_start:op.src_end])}</del>')
        if op.tag in ("insert", "replace"):
            parts.append(f'<ins style="background:#dfd;color:#060">{esc(text_b[op.dest_start:op.dest_end])}</ins>')
    parts.append("</div>")
    return "".join(parts)


def reconcile(articles: pd.DataFrame, a: str, b: str, base: str | None = None) -> pd.DataFrame:
    """One edition (``base``, default ``a``) with the other's missing passages filled in
    and every word-level variant marked: 〔A 贸易货钱小区｜B 贸易货栈小区〕, 〔补 B：…〕.
    One row per article of the base edition (plus articles only the other has): page_id,
    headline, text."""
    editions_present(articles, a, b)
    base = base or a
    if base not in (a, b):
        raise ValueError(f"reconcile: base {base!r} must be one of the two editions compared, {a!r} or {b!r}")
    other = b if base == a else a
    pairs = align_editions(articles, a, b)
    variants = variant_table(articles, a, b, show_width=False, hints=False, corpus_text="", pairs=pairs)
    keyed = articles.set_index(["page_id", "edition", "article_no"])
    rows = []
    for pair in pairs.itertuples(index=False):
        if pair.status != "in both":
            _, edition, body = lone_article(pair, keyed, a, b)
            text = body if edition == base else f"〔补 {other}：{body}〕"
            rows.append({"page_id": pair.page_id, "headline": pair.headline_a or pair.headline_b, "text": text})
            continue
        number = pair.article_no_a if base == a else pair.article_no_b
        body = keyed.loc[(pair.page_id, base, number), "body"]
        mine = variants[(variants.page_id == pair.page_id) & (variants.headline == pair.headline_a)
                        & (variants.part == "body")]
        base_col, other_col = ("text_a", "text_b") if base == a else ("text_b", "text_a")
        pos_col = "pos_a" if base == a else "pos_b"
        base_side = "a" if base == a else "b"
        edits = []
        for v in mine.itertuples(index=False):
            if v.type in ("substitution", "insertion in a", "insertion in b"):
                start = getattr(v, pos_col)
                mark = f"〔{a} {v.text_a}｜{b} {v.text_b}〕"
                edits.append((start, start + len(getattr(v, base_col)), mark))
            elif v.type == "omitted block" and v.side != base_side:
                edits.append((getattr(v, pos_col), getattr(v, pos_col), f"〔补 {other}：{getattr(v, other_col)}〕"))
        text = body
        for start, end, mark in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
            text = text[:start] + mark + text[end:]
        rows.append({"page_id": pair.page_id, "headline": pair.headline_a, "text": text})
    return pd.DataFrame(rows, columns=["page_id", "headline", "text"])


def edition_overview(articles: pd.DataFrame) -> pd.DataFrame:
    """One row per page: its editions, and whether (and as which pair) the kit compares them."""
    rows = []
    for page_id, page in articles.groupby("page_id", sort=True):
        editions = sorted(page["edition"].unique())
        if len(editions) == 1:
            note = "single edition: nothing to compare"
        elif len(editions) == 2:
            note = f"compared as a = {editions[0]}, b = {editions[1]}"
        else:
            note = (f"{len(editions)} editions: {editions[0]} and {editions[1]} compared; "
                    "call compare_editions for the others")
        rows.append({"page_id": page_id, "editions": editions, "articles": len(page), "note": note})
    return pd.DataFrame(rows, columns=["page_id", "editions", "articles", "note"])


def _each_comparable_page(articles: pd.DataFrame, compare, columns: list[str]) -> pd.DataFrame:
    frames = [pd.DataFrame(columns=columns + ["edition_a", "edition_b"])]
    for row in edition_overview(articles).itertuples(index=False):
        if len(row.editions) >= 2:
            a, b = row.editions[:2]
            frame = compare(articles[articles["page_id"] == row.page_id], a, b)
            frames.append(frame.assign(edition_a=a, edition_b=b))
    if len(frames) == 1:  # no page has two editions: an empty table with every column
        return frames[0]
    return pd.concat(frames[1:], ignore_index=True)


def align_corpus(articles: pd.DataFrame) -> pd.DataFrame:
    """:func:`align_editions` for every page with two or more editions (its first two
    labels as a and b, named in columns edition_a and edition_b)."""
    return _each_comparable_page(articles, align_editions, ALIGNMENT_COLUMNS)


def compare_corpus(articles: pd.DataFrame, show_width: bool = False) -> pd.DataFrame:
    """:func:`compare_editions` for every page with two or more editions; hints draw on
    the whole corpus."""
    corpus_text = "\n".join(articles["body"])
    return _each_comparable_page(articles, lambda page, a, b: variant_table(page, a, b, show_width, True, corpus_text),
                                 VARIANT_COLUMNS)


def diff_alignment_check(text_a: str, text_b: str) -> pd.DataFrame:
    """How many characters each diff method aligns between two texts: RapidFuzz's LCS (what
    the kit uses), difflib with autojunk on (its default) and off. Fewer aligned characters
    means more spurious edits; difflib's autojunk drops frequent characters (的, 社, 区 …)
    from matching in texts over 200 characters."""
    from difflib import SequenceMatcher

    rows = [{"method": "rapidfuzz LCS (the kit)", "aligned": lcs_length(text_a, text_b)}]
    for autojunk in (True, False):
        matcher = SequenceMatcher(None, text_a, text_b, autojunk=autojunk)
        rows.append({"method": f"difflib, autojunk={autojunk}",
                     "aligned": sum(block.size for block in matcher.get_matching_blocks())})
    table = pd.DataFrame(rows)
    table["share_of_shorter"] = (table["aligned"] / max(1, min(len(text_a), len(text_b)))).round(3)
    return table
