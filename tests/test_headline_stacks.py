"""Headline stacks read right (issue 21): fixed header slots, printed pages of one-article files,
markdown pages split at heading marks only, unmarked pairs by the stack model. Text written for
the tests."""
import json
import warnings

import pandas as pd
import pytest

import helpers
from banmian.header_slots import header_slots, parse_slotted
from banmian.page_articles import Article
from banmian.page_parser import parse_page
from banmian.stack_roles import STACK_MODEL, pair_features, reads_as_sentence, upper_is_kicker

BODY = "　　本报北京1月1日电　新年伊始，各地各部门认真贯彻落实中央经济工作会议精神，扎实推进各项工作。\n" \
       "　　记者在采访中了解到，一批重大项目已陆续开工建设，为全年经济发展开好局、起好步奠定了基础。\n"
STACKS = [  # (kicker, headline, subtitle) as a slot crawl writes them, empty where a part is missing
    ("", "中俄两国元首互致新年贺电", "中俄两国总理互致新年贺电"),
    ("新年新气象", "只争朝夕 不负韶华", ""),
    ("", "全国铁路迎来元旦假期客流高峰", ""),
    ("推动高质量发展", "这家企业的创新之路", "一年申请专利一百余项"),
    ("", "春运首日发送旅客九百万人次", ""),
]


def write_crawl(folder, days=6, per_page=5):
    """A crawl in the common slot shape: YYYYMMDD/YYYYMMDD-PP-NN.txt, lines 1–3 kicker, headline,
    subtitle (empty where missing), CRLF line ends as the crawler writes them."""
    for day in range(1, days + 1):
        stamp = f"202001{day:02d}"
        (folder / stamp).mkdir(parents=True)
        for page in (1, 2):
            for no, (kicker, headline, subtitle) in enumerate(STACKS[:per_page], start=1):
                text = f"{kicker}\n{headline}{day}-{page}\n{subtitle}\n{BODY}"
                (folder / stamp / f"{stamp}-{page:02d}-{no:02d}.txt").write_bytes(text.replace("\n", "\r\n").encode())


def load(source, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return helpers.load_articles(source, **kwargs)


def test_a_folder_with_fixed_slots_is_read_by_slot(tmp_path):
    write_crawl(tmp_path)
    articles = load(tmp_path)
    assert len(articles) == 6 * 2 * 5 and set(articles["signal"]) == {"header slots"}
    first = articles[articles["headline"] == "中俄两国元首互致新年贺电1-1"].iloc[0]
    assert first.kicker == "" and first.subtitle == "中俄两国总理互致新年贺电"  # the empty first slot kept
    parallel = articles[articles["headline"] == "只争朝夕 不负韶华1-1"].iloc[0]
    assert parallel.kicker == "新年新气象" and parallel.reporters == []  # two four-character groups, not names
    full = articles[articles["headline"].str.startswith("这家企业")].iloc[0]
    assert (full.kicker, full.subtitle) == ("推动高质量发展", "一年申请专利一百余项")
    assert articles["body"].str.startswith("新年伊始").all()


def test_a_crawl_groups_its_articles_by_printed_page(tmp_path):
    write_crawl(tmp_path)
    articles = load(tmp_path)
    page = articles[articles["page_id"] == "20200103-02"]
    assert list(page.sort_values("article_no")["article_no"]) == [1, 2, 3, 4, 5]
    assert articles.groupby(["page_id", "edition"]).size().eq(5).all()
    coverage = helpers.date_coverage(articles, freq="D")
    assert list(coverage["pages"]) == [2] * 6 and list(coverage["articles"]) == [10] * 6


def test_two_four_character_groups_are_a_headline_not_names():
    article = parse_page(f"以奋斗姿态迎接新年新气象\n只争朝夕 不负韶华\n\n{BODY}").articles[0]
    assert article.reporters == [] and "只争朝夕 不负韶华" in (article.kicker, article.headline)


def test_free_stacks_have_no_slots():
    files = [f"标题{i}\n{BODY}" for i in range(40)] + [f"引题{i}\n标题{i}\n{BODY}" for i in range(40)]
    assert header_slots(files) == ()
    assert header_slots([f"\n标题{i}\n\n{BODY}" for i in range(10)]) == ()  # too few files to tell
    assert header_slots([f"标题{i}\n\n{BODY}" for i in range(40)]) == ()  # a blank line under the headline: no slot


def test_a_file_that_breaks_the_shape_is_read_as_an_article():
    slots = ("kicker", "headline", "subtitle")
    broken = "　　正文直接开始，没有标题行，这一段足够长，长到像报纸上的一段正文那样，句号结尾。\n标题\n\n" + BODY
    assert parse_slotted(broken, slots).articles[0].signal != "header slots"
    read = parse_slotted("\n标题\n\n" + BODY, slots).articles[0]
    assert (read.kicker, read.headline, read.subtitle, read.signal) == ("", "标题", "", "header slots")


def test_plain_short_lines_inside_a_markdown_article_do_not_split_it():
    page = ("## 第一篇文章的标题\n\n本报讯　第一段正文写得足够长，像报纸的一段正文。\n\n"
            "记者手记\n\n正文接着写下去，这一段也足够长，像报纸的一段正文。\n\n"
            "陈凯歌（电影总导演）\n\n他说，这部电影讲的是普通人的故事，写得足够长。\n\n"
            "新闻集锦\n\n## 第二篇文章的标题\n\n第二篇的正文写得足够长，像报纸的一段正文。\n")
    articles = parse_page(page).articles
    assert [a.headline for a in articles] == ["第一篇文章的标题", "第二篇文章的标题"]


def test_unmarked_pairs_are_read_by_the_stack_model():
    model = json.loads(STACK_MODEL.read_text(encoding="utf-8"))
    figures = model["development"]
    assert figures["pairs"] >= 900 and figures["leave_one_month_out_accuracy"] > figures["former_rules_accuracy"]
    assert 0 < figures["sentence_pairs"] < figures["pairs"] / 10
    assert set(figures["months"]) == {"2019-02", "2019-10", "2020-01"}
    assert "upper_len=2" in pair_features("全国两会特别报道", "代表委员热议政府工作报告")
    assert any(name.startswith("lower_") for name in model["weights"])


@pytest.mark.parametrize("upper, lower", [
    ("坚持绿色发展 建设美丽乡村", "县里推出“河长制”升级版，全县河道水质优良比例提升到百分之九十五"),
    ("守护一江清水 共建美好家园", "沿江各市启动“清河行动”，三年内完成一百二十条支流的综合治理"),
    ("稳就业 惠民生", "省人社厅推出“就业直通车”，高校毕业生可在网上办理全部手续"),
])
def test_a_sentence_under_a_line_is_its_subtitle(upper, lower):
    """Two phrases over a quoted line read as kicker + headline to the model; a lower line that reads
    as a sentence is the subtitle whatever else the pair shows."""
    assert reads_as_sentence(lower) and upper_is_kicker(upper, lower) is False
    page = parse_page(f"{upper}\n{lower}\n\n　　本报讯　正文写得足够长，像报纸的一段正文，句号结尾。\n").articles[0]
    assert (page.kicker, page.headline, page.subtitle) == ("", upper, lower)


def test_what_reads_as_a_sentence():
    assert reads_as_sentence("沿江各市启动“清河行动”，三年内完成一百二十条支流的综合治理")
    assert not reads_as_sentence("山村通了网，果子卖得好")  # a comma, but short: a headline as often as not
    assert not reads_as_sentence("三年内完成一百二十条支流的综合治理以及沿岸的生态修复工程")  # long, no comma
    assert not reads_as_sentence("沿河修起步道 村民散步有了去处（一线调研，记者在现场）")  # the comma is the column tag's
    assert reads_as_sentence("沿江各市启动“清河行动”，三年内完成一百二十条支流的综合治理（生态文明·一线）")


@pytest.mark.parametrize("upper, lower, third", [
    ("全国两会特别报道", "代表委员热议政府工作报告", None),
    ("中俄两国元首互致新年贺电", "中俄两国总理互致新年贺电", "第三行"),
])
def test_three_lines_end_as_kicker_headline_subtitle(upper, lower, third):
    """Whatever the model says of the upper pair, a third line makes it kicker, headline, subtitle; so
    does a marked subtitle (——) under two unmarked lines."""
    article = Article(headline=upper)
    article.take_stack_line(lower)
    if third:
        article.take_stack_line(third)
        assert (article.kicker, article.headline, article.subtitle) == (upper, lower, third)
    page = parse_page(f"{upper}\n{lower}\n——副题在这里\n\n本报讯　正文写得足够长，像报纸的一段正文。\n")
    first = page.articles[0]
    assert (first.kicker, first.headline, first.subtitle) == (upper, lower, "副题在这里")


def test_date_coverage_counts_pages_not_files():
    articles = pd.DataFrame({"page_id": ["p1", "p1", "p2"], "edition": ["A"] * 3, "date": ["2020-01-01"] * 3,
                             "path": ["a", "b", "c"], "date_source": ["file name"] * 3})
    assert helpers.date_coverage(articles, freq="D")["pages"].tolist() == [2]
