import pytest

import helpers

HEADLINES = {
    "平陆县举办“我和我的村庄”主题赛讲活动", "河津市委“两新”工委开展专题警示教育", "芮城县阳城镇“党课开讲啦”",
    "“五多”社区如何焕新生？", "“三剂良方”激活治理新动能", "建强党员队伍 激活“红色细胞”", "“文艺轻骑兵”服务到基层",
}


def article(articles, edition, headline_start):
    rows = articles[(articles.edition == edition) & articles.headline.str.startswith(headline_start)]
    assert len(rows) == 1
    return rows.iloc[0]


@pytest.mark.parametrize("edition", ["A", "B"])
def test_both_editions_have_the_same_seven_articles(seed_articles, edition):
    arts = seed_articles[seed_articles.edition == edition]
    assert set(arts.headline) == HEADLINES and len(arts) == 7
    assert list(arts.article_no) == list(range(1, 8))


def test_article_order_follows_each_page(seed_articles):
    first = seed_articles.groupby("edition").headline.first()
    assert first["A"].startswith("平陆县") and first["B"] == "“五多”社区如何焕新生？"


@pytest.mark.parametrize("edition", ["A", "B"])
def test_feature_subtitle_byline_and_sections(seed_articles, edition):
    feature = article(seed_articles, edition, "“五多”")
    assert feature.subtitle == "临猗县葫芦岛社区党建引领基层治理观察"
    assert feature.reporters == ["曹欣怡"] and feature.byline == "本报记者 曹欣怡"
    assert feature.sections[:3] == ["创建新时代党建引领基层治理示范区", "热线“连心”“一线”疏解百家难",
                                    "居民“当家”“大家事”变“自家事”"]
    body = feature.body.split("\n")
    assert body[0] == "创建新时代党建引领基层治理示范区" and "热线“连心”“一线”疏解百家难" in body
    assert "社区服务品牌" in feature.body and "管委会主任刘荣回忆道" in feature.body
    assert "本报记者" not in feature.body and "曹欣怡" not in body[0]


def test_section_missing_from_one_edition_stays_inside_the_other(seed_articles):
    assert "单位“搭手”包联聚力展新颜" in article(seed_articles, "B", "“五多”").sections
    assert "单位“搭手”" not in article(seed_articles, "A", "“五多”").body


@pytest.mark.parametrize("edition", ["A", "B"])
def test_kickers_and_commentary(seed_articles, edition):
    assert article(seed_articles, edition, "建强").kicker == "万荣县"
    commentary = article(seed_articles, edition, "“三剂良方”")
    assert commentary.kicker == "记者手记" and commentary.reporters == ["曹欣怡"]
    assert not commentary.body.startswith("曹欣怡")


@pytest.mark.parametrize("edition", ["A", "B"])
def test_dateline_reporters_are_extracted_and_removed_from_the_body(seed_articles, edition):
    for start, reporter in [("平陆县", "曹欣怡"), ("河津市", "曹欣怡"), ("芮城县", "邢智轩"), ("建强", "邢智轩")]:
        row = article(seed_articles, edition, start)
        assert row.reporters == [reporter]
        assert row.byline == f"本报讯（记者 {reporter}）"
        assert not row.body.startswith("本报讯")


@pytest.mark.parametrize("edition, caption", [("A", "图为政协委员为居民表演文艺节目。"),
                                              ("B", "图为市政协委员为居民表演文艺节目。")])
def test_caption_and_photographer_leave_the_body(seed_articles, edition, caption):
    row = article(seed_articles, edition, "“文艺轻骑兵”")
    assert row.captions == [caption] and row.photographer == "董博"
    assert "图为" not in row.body and "摄" not in row.body and row.reporters == []


def test_archive_photo_caption_belongs_to_the_feature(seed_articles):
    feature = article(seed_articles, "A", "“五多”")
    assert feature.captions == ["图为葫芦岛社区工作人员与居民共同召开“小板凳”议事会。（资料图片）"]
    assert "图为" not in feature.body


def test_cut_off_bodies_are_kept_and_flagged_not_glued(seed_articles):
    wanrong_b = article(seed_articles, "B", "建强")
    assert wanrong_b.truncated and wanrong_b.body.endswith("将政治标准放在首")
    assert "放在首" not in article(seed_articles, "B", "“文艺轻骑兵”").body
    wanrong_a = article(seed_articles, "A", "建强")
    assert not wanrong_a.truncated and "将政治标准放在首位，通过日常培养" in wanrong_a.body
    feature_a = article(seed_articles, "A", "“五多”")
    assert feature_a.truncated and feature_a.body.endswith("下水道也同步得到维")
    assert "得到维修。”公安二院" in article(seed_articles, "B", "“五多”").body
    assert article(seed_articles, "A", "“三剂良方”").starts_mid_sentence
    assert "它传递的是一种态度：服务居民" in article(seed_articles, "B", "“三剂良方”").body
    flagged = seed_articles[seed_articles.truncated | seed_articles.starts_mid_sentence]
    assert len(flagged) == 3


def test_credits_and_column_labels_are_page_metadata_not_articles(seed_pages, seed_articles):
    credits = helpers.page_credits(seed_pages)
    for edition in "AB":
        got = credits[credits.edition == edition].set_index("role").name.to_dict()
        assert got == {"本版责编": "曹欣怡", "美编": "冯潇楠", "校对": "李楠"}
    assert list(helpers.page_labels(seed_pages).label) == ["NEWS 新闻集锦"]
    text = " ".join(seed_articles.body) + " ".join(seed_articles.headline)
    for furniture in ("责编", "美 编", "校 对", "NEWS", "新闻集锦"):
        assert furniture not in text


def test_chars_counts_body_characters(seed_articles):
    row = seed_articles.iloc[0]
    assert row.chars == len(row.body.replace("\n", ""))


def test_load_articles_adds_page_metadata():
    articles = helpers.load_articles()
    assert {"paper", "date", "page_no"} <= set(articles.columns)
    assert set(articles.paper) == {"运城日报"}


OTHER_LAYOUT = """\
　　要闻
　　
　　我省召开基层治理工作推进会
新华社太原6月20日电（记者 张三 李四 通讯员 王五）6月20日，我省召开基层治理工作推进会。
　　会议指出，要坚持“四下基层”，推动“两个维护”落到实处。
　　一、聚焦重点
　　会议要求，各地要抓好落实，
　　确保取得实效。
　　新华社发（赵六 摄）
"""


def test_another_layout_in_gb18030_with_one_paragraph_per_line(corpus):
    corpus("other-20250620.txt", OTHER_LAYOUT, "gb18030")
    with pytest.warns(helpers.PageWarning):
        articles = helpers.load_articles(corpus.folder)
    assert len(articles) == 1
    row = articles.iloc[0]
    assert row.headline == "我省召开基层治理工作推进会" and row.kicker == "要闻"
    assert row.reporters == ["张三", "李四"] and row.photographer == "赵六"
    assert row.byline.startswith("新华社太原6月20日电")
    assert row.sections == ["一、聚焦重点"]
    assert "各地要抓好落实，确保取得实效。" in row.body
    assert row.date == "2025-06-20"


def test_markdown_page_with_one_heading_level_per_role(corpus):
    page = ("# 第一篇报道\n\n本报讯（记者 甲乙）第一段。\n\n## 一段小标题\n\n第二段。\n\n"
            "# 第二篇报道\n\n本报记者 丙丁\n\n正文。\n")
    corpus("md.txt", page)
    with pytest.warns(helpers.PageWarning):
        articles = helpers.load_articles(corpus.folder)
    assert list(articles.headline) == ["第一篇报道", "第二篇报道"]
    assert list(articles.sections) == [["一段小标题"], []]
    assert list(articles.reporters) == [["甲乙"], ["丙丁"]]


def test_page_without_headings_is_one_untitled_article(corpus):
    corpus("bare.txt", "第一段正文，没有标题。\n\n第二段正文。")
    with pytest.warns(helpers.PageWarning):
        articles = helpers.load_articles(corpus.folder)
    assert list(articles.headline) == [""] and articles.paragraphs[0] == 2


def test_page_text_is_escaped_in_html_tables(corpus):
    corpus("x.txt", "<script>alert(1)</script>标题\n\n正文<b>粗</b>。")
    with pytest.warns(helpers.PageWarning):
        html = helpers.load_articles(corpus.folder).to_html()
    assert "<script>" not in html and "&lt;script&gt;" in html
