"""Build the development set from articles.txt: the same articles laid out the ways pages arrive.

    python tests/devset/build.py      # rewrites the layout folders and expected.csv

Layouts (one folder each): site (headline stack flush left, body indented with 　　),
markdown (## headlines, ### section headings), plain (seed-004 style: plain lines,
two-line headlines joined by two-space breaks, column labels, credits, wide gaps), ocr
(hard-wrapped lines, no indentation, no blank line inside an article), files (one article
per file in month/day folders, YYYYMMDD-PP-NN.txt) and tables (a CSV and a JSONL export).
expected.csv holds the true headline of every article, page by page.
"""
from __future__ import annotations

import csv
import json
import random
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
LAYOUTS = ["site", "markdown", "plain", "ocr", "files", "tables"]
PER_PAGE = 3


def read_articles() -> list[dict]:
    articles = []
    for block in HERE.joinpath("articles.txt").read_text(encoding="utf-8").split("\n===\n"):
        art = {"K": "", "H": "", "S": "", "B": "", "D": "", "parts": [], "C": [], "F": ""}
        for line in block.splitlines():
            if line.startswith("#") and not line.startswith("# "):
                continue
            mark, _, text = line.partition(": ") if not line.startswith("# ") else ("#", "", line[2:])
            if mark in ("P", "#"):
                art["parts"].append((mark, text))
            elif mark == "C":
                art["C"].append(text)
            elif mark in art:
                art[mark] = text
        if art["H"]:
            articles.append(art)
    return articles


def body_paragraphs(art) -> list[tuple[str, str]]:
    parts = list(art["parts"])
    if art["D"] and parts:
        parts[0] = ("P", art["D"] + parts[0][1])
    return parts


def head_lines(art, two_line=False) -> list[str]:
    headline = art["H"]
    if two_line and len(headline) >= 12 and " " in headline:  # a two-line headline, joined by a two-space break
        first, _, second = headline.partition(" ")
        headline = first + "  \n" + second
    return [line for line in (art["K"], headline, art["S"]) if line]


def render(art, layout: str, n: int) -> str:
    paragraphs = body_paragraphs(art)
    captions = art["C"] + ([art["F"]] if art["F"] else [])
    if layout == "site":
        body = ["\u3000\u3000" + text for _, text in paragraphs] + ["\u3000\u3000" + c for c in captions]
        byline = ["\u3000\u3000" + art["B"]] if art["B"] else []
        return "\n".join(head_lines(art)) + "\n\n" + "\n".join(byline + body)
    if layout == "markdown":
        head = ([art["K"]] if art["K"] else []) + ["## " + art["H"]] + ([art["S"]] if art["S"] else [])
        body = [("### " + text) if mark == "#" else text for mark, text in paragraphs]
        return "\n\n".join(head + ([art["B"]] if art["B"] else []) + body + captions)
    if layout == "plain":
        head = head_lines(art, two_line=n % 2 == 0)
        return "\n\n".join(head + ([art["B"]] if art["B"] else []) + [t for _, t in paragraphs] + captions)
    if layout == "ocr":
        lines = head_lines(art) + ([art["B"]] if art["B"] else [])
        for mark, text in paragraphs:
            lines += [text] if mark == "#" else [text[i:i + 22] for i in range(0, len(text), 22)]
        return "\n".join(lines + captions)
    if layout == "files":
        body = ["\u3000\u3000" + text for _, text in paragraphs]
        return "\n".join(head_lines(art)) + "\n\n" + "\n".join(([art["B"]] if art["B"] else []) + body + captions) + "\n"
    raise ValueError(layout)


def page_text(arts, layout: str, page_no: int, rng: random.Random) -> str:
    text = ""
    for n, art in enumerate(arts):
        piece = render(art, layout, n + page_no)
        if layout == "plain" and n and rng.random() < 0.4:
            sep = "\n\n\n"  # a wide gap, as between blocks of a page
        elif layout == "ocr":
            sep = "\n\n" if n else ""
        else:
            sep = "\n\n" if n else ""
        text += sep + piece
        if n == 1 and page_no % 3 == 0:
            text += "\n\n广告"  # an advertisement placeholder: page furniture, not an article
    if layout == "plain" and page_no % 2:
        text = "NEWS 要闻\n\n" + text + "\n\n本版责编 张 敏  \n校 对 王 芳\n"
    return text + "\n"


def main() -> None:
    articles = read_articles()
    rng = random.Random(20250601)
    rows = []
    for layout in LAYOUTS:
        folder = HERE / layout
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        order = articles[:]
        rng.shuffle(order)
        pages = [order[i:i + PER_PAGE] for i in range(0, len(order), PER_PAGE)]
        if layout == "files":
            for page_no, arts in enumerate(pages, start=1):
                day = f"202506{page_no:02d}"
                for position, art in enumerate(arts, start=1):
                    name = f"{day}-{(position % 2) + 1:02d}-{position:02d}.txt"
                    path = folder / "2025年6月" / day / name
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_text(render(art, "files", position), encoding="utf-8")
                    rows.append({"layout": layout, "source": layout, "page": name + "#", "article_no": 1,
                                 "headline": art["H"]})
        elif layout == "tables":
            records = []
            for n, art in enumerate(order, start=1):
                body = "\n".join([text for _, text in body_paragraphs(art)] + art["C"] + ([art["F"]] if art["F"] else []))
                records.append({"title": art["H"], "content": body, "publish_time": f"2025-06-{(n % 28) + 1:02d} 08:00:00",
                                "page": f"第{(n % 8) + 1:02d}版", "author": art["B"].replace("本报记者 ", "")})
            half = len(records) // 2
            with open(folder / "export.csv", "w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=list(records[0]))
                writer.writeheader()
                writer.writerows(records[:half])
            with open(folder / "export.jsonl", "w", encoding="utf-8") as handle:
                for rec in records[half:]:
                    chinese = {"标题": rec["title"], "正文": rec["content"], "日期": rec["publish_time"][:10],
                               "版次": rec["page"], "作者": rec["author"]}
                    handle.write(json.dumps(chinese, ensure_ascii=False) + "\n")
            for n, rec in enumerate(records, start=1):
                name, row = ("export.csv", n) if n <= half else ("export.jsonl", n - half)
                rows.append({"layout": layout, "source": layout, "page": f"{name}#{Path(name).stem}#{row}",
                             "article_no": 1, "headline": rec["title"]})
        else:
            for page_no, arts in enumerate(pages, start=1):
                name = f"2025-06-{page_no:02d}-p{(page_no % 4) + 1}.txt"
                (folder / name).write_text(page_text(arts, layout, page_no, rng), encoding="utf-8")
                rows += [{"layout": layout, "source": layout, "page": name + "#", "article_no": n,
                          "headline": art["H"]} for n, art in enumerate(arts, start=1)]
    with open(HERE / "expected.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["layout", "source", "page", "article_no", "headline"])
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} articles in {len({(r['layout'], r['page']) for r in rows if r['layout'] not in ('files', 'tables')})} "
          f"pages, {len(LAYOUTS)} layouts")


if __name__ == "__main__":
    main()
