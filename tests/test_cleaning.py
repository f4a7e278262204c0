import re

import pytest

import helpers
from conftest import ROOT

SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


@pytest.mark.parametrize("raw, clean", [
    ("6月18日,由平陆县委组织部主办", "6月18日，由平陆县委组织部主办"),
    ("本报讯(记者 曹欣怡)为充分展现", "本报讯（记者 曹欣怡）为充分展现"),
    ("到村(社区)工作", "到村（社区）工作"),
    ("度;服务居民", "度；服务居民"),
    ("具体实践证明:社区", "具体实践证明：社区"),
    ("如何焕新生?", "如何焕新生？"),
    ("人人共建!”", "人人共建！”"),
    ("“以赛促学,以学促干”,6月18日", "“以赛促学，以学促干”，6月18日"),
    ("上午10:30召开，投入1,000万元", "上午10:30召开，投入1,000万元"),
    ("Hello, world (2025): ok?", "Hello, world (2025): ok?"),
    ("访问 www.gov.cn 了解", "访问 www.gov.cn 了解"),
    ("第ＡＢ１２号", "第AB12号"),
])
def test_half_width_punctuation_inside_chinese_only(raw, clean):
    assert helpers.clean_text(raw) == clean


def test_markdown_markers_and_two_space_breaks():
    assert helpers.clean_text("## 标题一\n\n### 小标题") == "标题一\n小标题"
    assert helpers.clean_text("热线“连心”  \n“一线”疏解百家难") == "热线“连心”“一线”疏解百家难"
    assert helpers.clean_text("NEWS  \nDigest today") == "NEWS Digest today"


@pytest.mark.parametrize("head, tail", [("社区服", "务品牌，吸引了一批"), ("它传递的是一种态", "度：服务居民。"),
                                        ("管委会主任", "刘荣回忆道。")])
def test_paragraph_split_across_columns_is_rejoined(head, tail):
    assert helpers.clean_text(f"前文。{head}\n\n{tail}") == f"前文。{head}{tail}"


def test_cut_off_paragraph_is_not_glued_to_the_next_headline():
    page = "将政治标准放在首\n\n\n\n“文艺轻骑兵”  \n服务到基层\n\n为进一步丰富活动内容。"
    assert helpers.clean_text(page).split("\n") == ["将政治标准放在首", "“文艺轻骑兵”服务到基层", "为进一步丰富活动内容。"]


def test_spaces_inside_credit_names():
    assert helpers.clean_text("本版责编\t曹欣怡\t美 编\t冯潇楠\n校 对\t李 楠\t\t") == \
        "本版责编 曹欣怡 美编 冯潇楠\n校对 李楠"


def test_spaces_between_chinese_phrases_in_body_are_kept():
    assert helpers.clean_text("开展“以案为鉴 以案促改”专题警示教育活动。") == "开展“以案为鉴 以案促改”专题警示教育活动。"


def test_ideographic_indentation_and_crlf():
    assert helpers.clean_text("\u3000\u3000第一段。\r\n\u3000\u3000第二段。\r\n") == "第一段。\n第二段。"


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_clean_seed_has_no_half_width_marks_next_to_chinese_and_is_stable(seed):
    cleaned = helpers.clean_text(seed.read_text(encoding="utf-8"))
    assert not re.search(r"[\u4e00-\u9fff][,;:?!()]|[,;:?!()][\u4e00-\u9fff]", cleaned)
    assert "#" not in cleaned and "  \n" not in cleaned
    assert "社区服务品牌" in cleaned and "管委会主任刘荣回忆道" in cleaned
    assert helpers.clean_text(cleaned) == cleaned


def test_cleaning_report_counts_fixes_per_edition(seed_pages):
    report = helpers.cleaning_report(seed_pages).pivot_table(index="fix", columns="edition", values="count")
    assert report.loc["half-width punctuation made full-width", "A"] > 200  # edition A is half-width throughout
    assert report.loc["half-width punctuation made full-width", "B"] < 30
    assert report.loc["markdown heading markers removed", "A"] > report.loc["markdown heading markers removed", "B"]
    assert report.loc["two-space line breaks joined", "B"] == 8
    assert "two-space line breaks joined" not in report.index or report.loc["two-space line breaks joined"].isna()["A"]
    assert report.loc["column-break paragraphs rejoined", "A"] == 3   # 社区服|务, 主任|刘荣, 放在首|位
    assert report.loc["column-break paragraphs rejoined", "B"] == 4   # 社区服|务, 主任|刘荣, 得到维|修, 一种态|度
    assert report.loc["spaces inside credit names removed", "A"] == 1


def test_cleaning_examples_show_raw_and_clean(seed_pages):
    examples = helpers.cleaning_examples(seed_pages, n=50)
    row = examples[examples.before.str.startswith("创建新时代党建引领  ")].iloc[0]
    assert row.after == "创建新时代党建引领基层治理示范区" and row.edition == "B"
