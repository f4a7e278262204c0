import json
import sys
import warnings

import pandas as pd
import pytest

import helpers
from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import evaluate  # noqa: E402

STACK = "{kicker}\n{headline}\n\n\u3000\u3000本报北京1月{day}日电（记者 张三）{headline}。会议指出，要抓好落实。\n\u3000\u3000一、总体要求\n\u3000\u3000会议强调，要确保取得实效。\n"


def quiet(call, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", helpers.PageWarning)
        return call(*args, **kwargs)


def test_development_set_is_read_right_in_every_layout():
    table = evaluate.evaluate_devset()
    assert len(table) >= 6 and table.articles.sum() >= 150 and table.pages.sum() >= 40
    assert (table.recall == 1).all() and (table.extra_rate == 0).all(), table


def test_nested_crawl_folder_is_one_article_per_file_with_path_metadata(tmp_path):
    for day in range(10, 16):
        folder = tmp_path / "2020年1月" / f"202001{day}"
        folder.mkdir(parents=True)
        for page in (1, 2):
            for position in (1, 2, 3):
                text = STACK.format(kicker="" if position % 2 else "学习贯彻全会精神——",
                                    headline=f"第{page}版第{position}篇报道标题", day=day)
                (folder / f"202001{day}-{page:02d}-{position:02d}.txt").write_text(text, encoding="utf-8")
    articles = quiet(helpers.load_articles, tmp_path)
    assert len(articles) == 36 and set(articles.layout) == {"article"}
    row = articles[articles.path.str.endswith("20200112-02-03.txt")].iloc[0]
    assert (row.date, row.page_no, row.article_no, row.headline) == ("2020-01-12", "2", 3, "第2版第3篇报道标题")
    assert row.sections == ["一、总体要求"] and row.reporters == ["张三"]
    kicked = articles[articles.path.str.endswith("20200112-01-02.txt")].iloc[0]
    assert kicked.kicker == "学习贯彻全会精神" and kicked.headline == "第1版第2篇报道标题"


def test_layout_override_reads_every_file_as_one_article(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("第一篇标题\n\n本报讯 正文一。\n\n第二篇标题\n\n本报讯 正文二。\n", encoding="utf-8")
    assert len(quiet(helpers.load_articles, page)) == 2
    forced = quiet(helpers.load_articles, page, layout="article")
    assert len(forced) == 1 and forced.headline[0] == "第一篇标题"
    with pytest.raises(ValueError, match="layout='pages'"):
        quiet(helpers.load_articles, page, layout="pages")


def test_csv_and_jsonl_exports_load_with_one_call(tmp_path):
    rows = [{"title": "标题一", "content": "本报讯（记者 李四）正文一。\n第二段。", "publish_time": "2020-01-19 08:00:00",
             "page": "第02版"},
            {"title": "标题二", "content": "正文二。", "publish_time": "1579392000", "page": "3"}]
    pd.DataFrame(rows).to_csv(tmp_path / "export.csv", index=False, encoding="gb18030")
    with open(tmp_path / "export.jsonl", "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps({"标题": row["title"], "正文": row["content"], "日期": row["publish_time"],
                                     "版次": row["page"]}, ensure_ascii=False) + "\n")
    for name in ("export.csv", "export.jsonl"):
        articles = helpers.load_articles(tmp_path / name)
        assert list(articles.headline) == ["标题一", "标题二"] and set(articles.layout) == {"table"}
        assert list(articles.date) == ["2020-01-19", "2020-01-19"] and list(articles.page_no) == ["2", "3"]
        assert articles.reporters[0] == ["李四"] and articles.body[0] == "正文一。\n第二段。"
    both = quiet(helpers.load_articles, tmp_path)
    assert len(both) == 4


def test_table_without_a_text_column_is_a_clear_error_and_the_rest_still_loads(tmp_path):
    pd.DataFrame({"title": ["a"], "url": ["x"]}).to_csv(tmp_path / "links.csv", index=False)
    with pytest.raises(helpers.PageError, match=r"links\.csv: no text column: the table has title, url"):
        helpers.load_articles(tmp_path / "links.csv")
    (tmp_path / "page.txt").write_text("标题\n\n本报讯 正文。\n", encoding="utf-8")
    with pytest.warns(helpers.PageWarning, match="no text column"):
        articles = helpers.load_articles(tmp_path)
    assert list(articles.headline) == ["标题"]


def test_folder_without_pages_or_tables_is_a_clear_error(tmp_path):
    (tmp_path / "notes.docx").write_bytes(b"PK")
    with pytest.raises(helpers.PageError, match="no pages found"):
        helpers.load_articles(tmp_path)


def test_split_report_flags_what_looks_wrong(seed_articles):
    report = helpers.split_report(seed_articles)
    assert len(report) == len(seed_articles) and report.signal.ne("").all()
    cut = report[report.headline.str.startswith("建强") & (report.edition == "B")].iloc[0]
    assert "truncated" in cut.problems


@pytest.mark.parametrize("name, expected", [
    ("人民日报 2020.01.17 第1版.txt", ("人民日报 2020.01.17 第1版", "A", "2020-01-17", "1")),
    ("20200119-02-03.txt", ("20200119-02-03", "A", "2020-01-19", "2")),
    ("ycrb-2025-06-20-p3.B.txt", ("ycrb-2025-06-20-p3", "B", "2025-06-20", "3")),
    ("2025-13-40.txt", ("2025-13-40", "A", "", "")),
])
def test_dates_and_page_numbers_come_from_file_names(name, expected):
    meta = helpers.infer_metadata(name)
    assert (meta["page_id"], meta["edition"], meta["date"], meta["page_no"]) == expected


def test_a_nested_news_api_export_loads_with_one_call(tmp_path):
    """Records under a list at any depth, fields under objects matched by the last part of their name,
    HTML in the text field read as paragraphs (issue 21)."""
    record = lambda n: {"id": n, "video_detail": {  # noqa: E731
        "title": f"第{n}条新闻的标题", "pub_time": "2024-02-0%d 08:00:00" % n,
        "content": f"<p>本报北京2月{n}日电&nbsp;第一段&ldquo;正文&rdquo;。</p><p>第二段正文。<br/>第三段正文。</p>"}}
    export = {"code": 0, "data": {"total": 2, "videoList": [record(1), record(2)]}}
    (tmp_path / "day.json").write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    articles = quiet(helpers.load_articles, tmp_path / "day.json")
    assert list(articles.headline) == ["第1条新闻的标题", "第2条新闻的标题"]
    assert list(articles.date) == ["2024-02-01", "2024-02-02"]
    assert articles.body[0].split("\n") == ["第一段“正文”。", "第二段正文。", "第三段正文。"]
    assert articles.byline[0].startswith("本报北京2月1日电") and "<" not in "".join(articles.body)
