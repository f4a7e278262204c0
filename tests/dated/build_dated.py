"""Write the dated test corpus: pages over six months of 2025, with a month without pages
(March), an undated page, and pages dated only by their datelines. Run from the project
folder: ``python tests/dated/build_dated.py``. It rewrites ``pages/`` and ``expected.csv``
(per article: its date, where the date comes from, its page number and how often each
followed term occurs in it), which the tests compare the trend tables with.

Every sentence is written for the kit; names and figures are invented.
"""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
PAGES_DIR = HERE / "pages"  # the corpus; expected.csv stays outside it, or it would be read as an article table
TERMS = ["基层治理", "乡村振兴", "五多", "三前"]

# Sentences that carry a followed term once each, and filler that carries none.
CARRIERS = {
    "基层治理": ["会议要求把基层治理的各项任务落到实处。", "各地探索基层治理新路径，成效初显。",
             "专家认为，基层治理关键在人。"],
    "乡村振兴": ["全县以产业发展带动乡村振兴，村集体收入稳步增长。", "乡村振兴离不开人才回流。"],
    "五多": ["针对“五多”社区的特点，街道组建了专门的服务队。", "“五多”社区的居民议事会每月召开一次。"],
    "三前": ["网格员坚持“三前”工作法，把矛盾化解在萌芽状态。", "“三前”工作法已在全市推广。"],
}
FILLER = [
    "今年以来，当地持续优化营商环境，新登记市场主体数量同比增长。",
    "社区志愿者走访独居老人，帮助他们解决生活中的实际困难。",
    "据介绍，项目总投资约三亿元，预计年底前完成主体工程。",
    "春耕时节，农技人员深入田间地头，指导农户科学施肥。",
    "活动现场，群众踊跃参与，气氛热烈。",
    "下一步，有关部门将加强督促检查，确保各项措施见到实效。",
    "学校开设了书法、剪纸等特色课程，受到学生欢迎。",
    "环保部门加密监测频次，及时发布空气质量信息。",
]


def article(headline: str, dateline: str, counts: dict, seed: int) -> str:
    sentences = [FILLER[(seed + i) % len(FILLER)] for i in range(3)]
    for term, n in counts.items():
        for i in range(n):
            sentences.insert((i * 2 + seed) % (len(sentences) + 1), CARRIERS[term][(seed + i) % len(CARRIERS[term])])
    first, rest = sentences[0], sentences[1:]
    paragraphs = [f"{dateline}{first}" if dateline else first, "".join(rest[:2]), "".join(rest[2:])]
    return f"## {headline}\n\n" + "\n\n".join(p for p in paragraphs if p) + "\n"


# (relative file, page_no, [(headline, dateline, {term: count})], date, date_source)
PAGES = [
    ("2025-01-06-p1.txt", "1", [("全市部署今年重点工作", "本报讯　", {"基层治理": 2}),
                                ("冬季安全生产检查启动", "本报讯　", {})], "2025-01-06", "file name"),
    ("2025-01-20-p3.txt", "3", [("网格服务暖人心", "本报讯　", {"基层治理": 1}),
                                ("特色课程进校园", "", {})], "2025-01-20", "file name"),
    ("2025-02-10-p2.txt", "2", [("老旧小区焕新颜", "本报讯　", {"五多": 2, "基层治理": 1}),
                                ("春耕备耕正当时", "本报讯　", {"乡村振兴": 1})], "2025-02-10", "file name"),
    ("2025-02-24-p1.txt", "1", [("以产业兴旺促乡村振兴", "本报讯　", {"乡村振兴": 2}),
                                ("志愿服务在身边", "", {"五多": 1})], "2025-02-24", "file name"),
    ("2025年/专题版.txt", "", [("居民议事有了新平台", "本报运城4月16日电　", {"五多": 1, "三前": 1})],
     "2025-04-16", "dateline"),
    ("散页/通讯.txt", "", [("一名网格员的一天", "本报太原4月3日电　", {"三前": 1, "基层治理": 1})],
     "2025-04-03", "dateline, year from the text"),
    ("2025-05-12-p1.txt", "1", [("矛盾化解在萌芽", "本报讯　", {"三前": 2, "基层治理": 1}),
                                ("空气质量持续向好", "本报讯　", {})], "2025-05-12", "file name"),
    ("2025-05-26-p4.txt", "4", [("“三前”工作法见实效", "本报讯　", {"三前": 1, "五多": 1}),
                                ("乡村学校添新彩", "", {"乡村振兴": 1})], "2025-05-26", "file name"),
    ("2025-06-30-p1.txt", "1", [("上半年经济运行稳中有进", "本报讯　", {"乡村振兴": 1, "基层治理": 1})],
     "2025-06-30", "file name"),
    ("无日期/读者来信.txt", "", [("读者来信：小区停车难", "", {"基层治理": 1})], "", ""),
]


def main() -> None:
    shutil.rmtree(PAGES_DIR, ignore_errors=True)
    rows = []
    seed = 0
    for name, page_no, articles, date, source in PAGES:
        texts = []
        for number, (headline, dateline, counts) in enumerate(articles, start=1):
            seed += 1
            text = article(headline, dateline, counts, seed)
            if source == "dateline, year from the text":
                text = text.rstrip("\n") + "2025年，这样的工作法将覆盖全部社区。\n"
            texts.append(text)
            rows.append({"file": name, "article_no": number, "headline": headline, "date": date,
                         "date_source": source, "page_no": page_no,
                         **{term: counts.get(term, 0) for term in TERMS}})
        path = PAGES_DIR / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n\n".join(texts), encoding="utf-8")
    with (HERE / "expected.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
