"""Witnesses: align any number of editions of a page (print, e-paper, OCR, a proof-read copy)
into one alignment table, like CollateX's, and export it as TEI parallel segmentation.

Each part of each article (headline, kicker, subtitle, byline, captions, body) is aligned
character by character against the first witness that has it (RapidFuzz's Indel opcodes:
the longest common subsequence), the other witnesses' readings are placed on its characters
and in the gaps between them, and runs of agreeing and disagreeing positions become segments.
A segment where the witnesses differ is a variant; ``agreement`` groups the witnesses that
read it alike.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pandas as pd

from .editions import PARTS, PART_NAMES, editions_present, align_editions, part_text
from .remembered import remembered_analysis

__all__ = ["collate", "tei_apparatus", "tei_readings", "export_tei", "TEI_NS"]

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"


@remembered_analysis
def collate(articles: pd.DataFrame, editions: list[str] | None = None) -> pd.DataFrame:
    """Align the ``editions`` (default: all, in sorted order) of every page into one table.

    Articles are matched across witnesses by content (:func:`align_editions` against the
    articles matched so far), so reordered articles still line up. One row per aligned
    segment; columns: page_id, article (number of the matched article on the page, in the
    first witness's order), headline (the first witness's), part ("headline", "kicker",
    "subtitle", "byline", "caption", "body"), segment (number within the part), one column per
    witness with its reading ("" where it has nothing there; missing where it lacks the whole
    article), variant (the witnesses differ), agreement (witnesses grouped by reading, e.g.
    "A B | C"; witnesses lacking the article are left out). Joining a witness's column over
    the segments of a part gives back its text. A page only one witness holds has nothing to
    align and is left out (``attrs["single_witness_pages"]`` counts them). A rerun with the same
    articles reads the table back from ``.cache/results`` (:mod:`banmian.remembered`).
    """
    editions = [str(e) for e in (editions if editions is not None else sorted(articles["edition"].astype(str).unique()))]
    if len(editions) < 2:
        raise ValueError(f"collate needs at least two editions, got {editions}")
    if len(set(editions)) != len(editions):
        raise ValueError(f"editions are named twice: {editions}")
    articles = articles.assign(edition=articles["edition"].astype(str), article_no=articles["article_no"].astype(str),
                               chars=articles["body"].astype(str).str.len())
    editions_present(articles, *editions)
    rows = []
    held = articles[articles["edition"].isin(editions)]
    witnesses_per_page = held.groupby("page_id")["edition"].nunique()
    shared = witnesses_per_page.index[witnesses_per_page >= 2]
    for page_id, page in held[held["page_id"].isin(shared)].groupby("page_id", sort=True):
        for number, group in enumerate(_matched_articles(page, editions), start=1):
            first = group[next(e for e in editions if e in group)]
            for part in PARTS:
                texts = {e: part_text(group[e], part) for e in editions if e in group}
                if not any(texts.values()):
                    continue
                for k, segment in enumerate(_align(texts, editions), start=1):
                    rows.append({"page_id": page_id, "article": number, "headline": first["headline"],
                                 "part": PART_NAMES.get(part, part), "segment": k, **segment})
    columns = ["page_id", "article", "headline", "part", "segment", *editions, "variant", "agreement"]
    table = pd.DataFrame(rows, columns=columns)
    for edition in editions:
        table[edition] = table[edition].astype(object).where(table[edition].notna(), None)
    table.attrs["witnesses"] = editions
    table.attrs["single_witness_pages"] = int((witnesses_per_page < 2).sum())
    return table


def _matched_articles(page: pd.DataFrame, editions: list[str]) -> list[dict]:
    """The articles of one page matched across witnesses: a list of {edition: article row}."""
    groups: list[dict] = []
    for edition in editions:
        own = page[page["edition"] == edition]
        if own.empty:
            continue
        if not groups:
            groups = [{edition: row} for _, row in own.iterrows()]
            continue
        hub = pd.DataFrame([next(iter(g.values())) for g in groups]).assign(
            edition="\x00matched", article_no=[str(k) for k in range(len(groups))])
        by_number = {row["article_no"]: row for _, row in own.iterrows()}
        for pair in align_editions(pd.concat([hub, own], ignore_index=True), "\x00matched", edition).itertuples():
            if pair.status == "in both":
                groups[int(pair.article_no_a)][edition] = by_number[pair.article_no_b]
            elif pair.status.endswith("in b"):
                groups.append({edition: by_number[pair.article_no_b]})
    return groups


def _align(texts: dict[str, str], editions: list[str]) -> list[dict]:
    """Segments of one part: each a dict of witness → reading, variant, agreement."""
    from rapidfuzz.distance import Indel

    present = [e for e in editions if e in texts]
    base = texts[present[0]]
    # per witness: the reading on each base character and in each gap before it (gap n: after the end)
    on = {present[0]: list(base)}
    gap = {present[0]: [""] * (len(base) + 1)}
    for edition in present[1:]:
        other = texts[edition]
        on[edition], gap[edition] = [""] * len(base), [""] * (len(base) + 1)
        for op in Indel.opcodes(base, other):
            if op.tag == "equal":
                for k in range(op.src_end - op.src_start):
                    on[edition][op.src_start + k] = other[op.dest_start + k]
            elif op.tag == "insert":
                gap[edition][op.src_start] += other[op.dest_start:op.dest_end]
    columns = []  # (readings per witness, base start, base end) in text order: gap 0, char 0, gap 1, …, gap n
    for i in range(len(base) + 1):
        columns.append(({e: gap[e][i] for e in present}, i, i))
        if i < len(base):
            columns.append(({e: on[e][i] for e in present}, i, i + 1))
    segments: list[dict] = []
    for cells, start, end in columns:
        readings = set(cells.values())
        if readings == {""}:
            continue  # nobody reads anything here: joins whatever run it is in
        variant = len(readings) > 1
        if segments and segments[-1]["variant"] == variant:
            for e in present:
                segments[-1][e] += cells[e]
            segments[-1]["end"] = end
        else:
            segments.append({**cells, "variant": variant, "start": start, "end": end})
    segments = _whole_words(segments, base, present)
    for segment in segments:
        groups: dict[str, list[str]] = {}
        for e in present:
            groups.setdefault(segment[e], []).append(e)
        segment["agreement"] = " | ".join(" ".join(g) for g in groups.values())
        del segment["start"], segment["end"]
        for e in editions:
            segment.setdefault(e, None)
    return segments


def _whole_words(segments: list[dict], base: str, present: list[str]) -> list[dict]:
    """Widen each variant to whole words of the first witness (jieba with the project
    dictionary), never across punctuation, taking the characters from the shared text around it:
    负责人 / 书记 rather than 负责人 / 书记 cut at 县委|负. Variants that come to touch are merged."""
    from .editions import word_boundaries, is_mark

    for k, segment in enumerate(segments):
        if not segment["variant"]:
            continue
        cuts = word_boundaries(base, segment["start"], segment["end"])
        before = segments[k - 1] if k and not segments[k - 1]["variant"] else None
        after = segments[k + 1] if k + 1 < len(segments) and not segments[k + 1]["variant"] else None
        start, end = segment["start"], segment["end"]
        while before and start > before["start"] and start not in cuts and not is_mark(base[start - 1]):
            start -= 1
        while after and end < after["end"] and end not in cuts and not is_mark(base[end]):
            end += 1
        for e in present:
            segment[e] = base[start:segment["start"]] + segment[e] + base[segment["end"]:end]
        if before:
            before["end"] = start
            for e in present:
                before[e] = base[before["start"]:start]
        if after:
            after["start"] = end
            for e in present:
                after[e] = base[end:after["end"]]
        segment["start"], segment["end"] = start, end
    merged: list[dict] = []
    for segment in segments:
        if not segment["variant"] and segment["start"] == segment["end"]:
            continue
        if merged and merged[-1]["variant"] and segment["variant"]:
            for e in present:
                merged[-1][e] += segment[e]
            merged[-1]["end"] = segment["end"]
        else:
            merged.append(segment)
    return merged


# --------------------------------------------------------------------------- TEI

def _witness_id(edition: str) -> str:
    """An XML name for a witness label (letters, digits, . - _; not starting with a digit)."""
    name = re.sub(r"[^\w.\-]", "_", edition)
    return name if re.match(r"[^\W\d]", name) else "w" + name


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _XML_INVALID.sub("\ufffd", text)


def tei_apparatus(collation: pd.DataFrame, title: str = "Collation") -> str:
    """The alignment table of :func:`collate` as a TEI document in parallel segmentation:
    readings all witnesses share are plain text, each variant an ``<app>`` with one ``<rdg
    wit="#A #B">`` per distinct reading (an empty ``<rdg/>`` where witnesses have nothing).
    One ``<div type="article">`` per matched article, one ``<ab type="…">`` per part; the
    witnesses are listed in the header. Text is escaped, so the output is well-formed XML
    whatever the pages hold (characters XML forbids become U+FFFD)."""
    witnesses = collation.attrs.get("witnesses") or [
        c for c in collation.columns if c not in ("page_id", "article", "headline", "part", "segment", "variant",
                                                  "agreement")]
    ids = {w: _witness_id(w) for w in witnesses}
    if len(set(ids.values())) != len(ids):
        raise ValueError(f"witness labels {witnesses} do not give distinct XML ids")
    ET.register_namespace("", TEI_NS)
    tag = lambda name: f"{{{TEI_NS}}}{name}"  # noqa: E731
    tei = ET.Element(tag("TEI"))
    header = ET.SubElement(tei, tag("teiHeader"))
    file_desc = ET.SubElement(header, tag("fileDesc"))
    ET.SubElement(ET.SubElement(file_desc, tag("titleStmt")), tag("title")).text = _xml_text(title)
    ET.SubElement(ET.SubElement(file_desc, tag("publicationStmt")), tag("p")).text = "Made with banmian's collate."
    wit_list = ET.SubElement(ET.SubElement(file_desc, tag("sourceDesc")), tag("listWit"))
    for w in witnesses:
        ET.SubElement(wit_list, tag("witness"), {XML_ID: ids[w]}).text = _xml_text(w)
    ET.SubElement(ET.SubElement(header, tag("encodingDesc")), tag("variantEncoding"),
                  {"method": "parallel-segmentation", "location": "internal"})
    body = ET.SubElement(ET.SubElement(tei, tag("text")), tag("body"))
    for page_id, page in collation.groupby("page_id", sort=False):
        page_div = ET.SubElement(body, tag("div"), {"type": "page", "n": _xml_text(str(page_id))})
        for number, article in page.groupby("article", sort=False):
            article_div = ET.SubElement(page_div, tag("div"), {"type": "article", "n": str(number)})
            for part, segments in article.groupby("part", sort=False):
                present = [w for w in witnesses if segments[w].notna().all()]
                attributes = {"type": str(part)}
                if len(present) < len(witnesses):
                    attributes["corresp"] = " ".join("#" + ids[w] for w in present)  # who has this article
                block = ET.SubElement(article_div, tag("ab"), attributes)
                last = None
                for segment in segments.itertuples(index=False):
                    values = dict(zip(segments.columns, segment))
                    if not values["variant"]:
                        _append_text(block, last, _xml_text(values[present[0]]))
                        continue
                    app = last = ET.SubElement(block, tag("app"))
                    by_reading: dict[str, list[str]] = {}
                    for w in present:
                        by_reading.setdefault(values[w], []).append(w)
                    for reading, group in by_reading.items():
                        rdg = ET.SubElement(app, tag("rdg"), {"wit": " ".join("#" + ids[w] for w in group)})
                        rdg.text = _xml_text(reading) or None
    # not indented: white space between elements would become part of the readings
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(tei, encoding="unicode")


def export_tei(collation: pd.DataFrame, name: str, title: str = "Collation") -> str:
    """Write :func:`tei_apparatus` to ``output/tei/NAME.xml``; returns that path, relative to the project."""
    from .paths import display_path, output_file

    target = output_file("tei", name, ".xml")
    target.write_text(tei_apparatus(collation, title), encoding="utf-8")
    return display_path(target)


def _append_text(block, last, text: str) -> None:
    if last is None:
        block.text = (block.text or "") + text
    else:
        last.tail = (last.tail or "") + text


def tei_readings(tei: str) -> pd.DataFrame:
    """Each witness's text of every part, read back from a TEI apparatus (for checking an
    export, or reading one made elsewhere in parallel segmentation): columns page_id,
    article, part, witness, text."""
    root = ET.fromstring(tei.encode("utf-8"))
    ns = {"tei": TEI_NS}
    witnesses = {w.get(XML_ID): w.text or "" for w in root.iterfind(".//tei:listWit/tei:witness", ns)}
    rows = []
    for page in root.iterfind(".//tei:body/tei:div[@type='page']", ns):
        for article in page.iterfind("tei:div[@type='article']", ns):
            for block in article.iterfind("tei:ab", ns):
                corresp = block.get("corresp")
                present = [w.lstrip("#") for w in corresp.split()] if corresp else list(witnesses)
                for wid in present:
                    text = block.text or ""
                    for app in block.iterfind("tei:app", ns):
                        for rdg in app.iterfind("tei:rdg", ns):
                            if "#" + wid in rdg.get("wit", "").split():
                                text += rdg.text or ""
                        text += app.tail or ""
                    rows.append({"page_id": page.get("n"), "article": int(article.get("n")), "part": block.get("type"),
                                 "witness": witnesses[wid], "text": text})
    return pd.DataFrame(rows, columns=["page_id", "article", "part", "witness", "text"])
