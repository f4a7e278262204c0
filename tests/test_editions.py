import pandas as pd
import pytest

import helpers


@pytest.fixture(scope="session")
def variants(seed_articles):
    return helpers.compare_editions(seed_articles, "A", "B")


def one(variants, kind, a_has, b_has):
    rows = variants[(variants.type == kind) & variants.text_a.str.contains(a_has) & variants.text_b.str.contains(b_has)]
    assert len(rows) == 1, variants[variants.type == kind][["text_a", "text_b"]]
    return rows.iloc[0]


def test_reordered_articles_still_pair(seed_articles):
    pairs = helpers.align_editions(seed_articles, "A", "B")
    assert (pairs.status == "in both").sum() == 7
    assert (pairs.headline_a == pairs.headline_b).all()
    feature = pairs[pairs.headline_a.str.startswith("“五多”")].iloc[0]
    assert (feature.article_no_a, feature.article_no_b) == (4, 1) and feature.reordered
    assert feature.coverage_a > 0.95 and feature.coverage_b < 0.8   # B has passages A lacks


def test_unknown_edition_is_a_clear_error(seed_articles):
    with pytest.raises(ValueError, match="unknown edition 'C': the articles have editions A, B"):
        helpers.compare_editions(seed_articles, "A", "C")


@pytest.mark.parametrize("kind, a_has, b_has", [
    ("substitution", "贸易货钱", "贸易货栈"),
    ("substitution", "心愿", "心心"),
    ("substitution", "负责人", "书记"),
    ("substitution", "房东", "房主"),
    ("insertion in b", "幸福", "幸福感"),
    ("insertion in b", "焦急来电", "焦急地来电"),
    ("insertion in a", "非公所有制", "非公有制"),
])
def test_named_word_level_variants(variants, kind, a_has, b_has):
    row = one(variants, kind, a_has, b_has)
    assert len(row.text_a) <= 8 and len(row.text_b) <= 8   # cited as words, not passages


def test_variants_are_whole_words_not_characters(variants):
    row = one(variants, "substitution", "负责人", "书记")
    assert row.text_a.endswith("负责人") and row.text_b.endswith("书记")


def test_plausibility_hints(variants):
    assert one(variants, "substitution", "货钱", "货栈").hint == "B"
    assert one(variants, "insertion in a", "非公所有制", "非公有制").hint == "B"
    assert one(variants, "substitution", "货钱", "货栈").hint_reason.startswith("hint:")


def test_punctuation_variants_and_no_width_variants_by_default(variants):
    punctuation = variants[variants.type == "punctuation"]
    assert {("、", "，"), ("，", "、"), (" ", "、")} <= set(zip(punctuation.text_a, punctuation.text_b))
    assert "punctuation width" not in set(variants.type)


def test_width_variants_on_request(seed_articles):
    width = helpers.compare_editions(seed_articles, "A", "B", show_width=True)
    width = width[width.type == "punctuation width"]
    assert len(width) > 100
    assert {(",", "，"), ("(", "("), (";", "；")} & set(zip(width.text_a, width.text_b))
    assert all(a != b for a, b in zip(width.text_a, width.text_b))


def test_omitted_blocks(variants):
    blocks = variants[variants.type == "omitted block"]
    section = blocks[blocks.text_b.str.startswith("单位“搭手”包联聚力展新颜")]
    assert len(section) == 1 and section.iloc[0].side == "b" and section.iloc[0].text_a == ""
    wanrong_end = blocks[blocks.text_a.str.startswith("位，通过日常培养")]
    assert len(wanrong_end) == 1 and wanrong_end.iloc[0].side == "a"
    assert wanrong_end.iloc[0].text_a.endswith("等一系列工作品牌。")
    assert blocks.text_b.str.startswith("老旧小区多、老年人口多").any()   # the commentary's opening, B only


def test_constructed_pair_returns_exactly_the_injected_edits(seed_articles):
    x = seed_articles[seed_articles.edition == "B"].copy()
    y = x.copy()
    feature = y.headline.str.startswith("“五多”")
    paragraphs = y.loc[feature, "body"].iloc[0].split("\n")
    moved = paragraphs.pop(5)
    assert len(moved) > 30
    body = "\n".join(paragraphs + [moved])
    body = body.replace("刘凌凯耐心劝解", "刘凌凯耐心劝说").replace("居民们交口称赞", "居民们纷纷交口称赞") \
               .replace("维修师傅立马上门", "维修师傅上门")
    y.loc[feature, "body"] = body
    y["edition"], y["article_no"] = "Y", y["article_no"].max() + 1 - y["article_no"]   # reversed order
    both = pd.concat([x.assign(edition="X"), y], ignore_index=True)
    pairs = helpers.align_editions(both, "X", "Y")
    assert (pairs.status == "in both").all() and pairs.reordered.sum() >= 6
    found = helpers.compare_editions(both, "X", "Y")
    assert sorted(found.type) == ["insertion in a", "insertion in b", "moved text", "substitution"]
    got = found.set_index("type")
    assert "劝解" in got.loc["substitution", "text_a"] and "劝说" in got.loc["substitution", "text_b"]
    assert "纷纷" in got.loc["insertion in b", "text_b"] and "纷纷" not in got.loc["insertion in b", "text_a"]
    assert "立马" in got.loc["insertion in a", "text_a"] and "立马" not in got.loc["insertion in a", "text_b"]
    assert got.loc["moved text", "text_a"] == moved == got.loc["moved text", "text_b"]


def test_identical_editions_have_no_variants(seed_articles):
    x = seed_articles[seed_articles.edition == "A"]
    both = pd.concat([x, x.assign(edition="copy")], ignore_index=True)
    assert helpers.compare_editions(both, "A", "copy", show_width=True).empty


def test_single_edition_page_is_said_plainly(seed_articles):
    extra = seed_articles[seed_articles.edition == "A"].assign(page_id="another-page")
    pairs = helpers.align_editions(pd.concat([seed_articles, extra]), "A", "B")
    lonely = pairs[pairs.page_id == "another-page"]
    assert set(lonely.status) == {"page only in a"} and len(lonely) == 7


def test_diff_html_escapes_page_text():
    view = helpers.diff_html("<script>alert(1)</script>社区", "<script>alert(2)</script>小区")
    assert "<script>" not in view and "&lt;script&gt;" in view
    assert "<del" in view and "<ins" in view


def test_captions_and_every_other_part_are_compared(variants):
    captions = variants[variants.part == "caption"]
    assert len(captions) == 2
    lone = captions[captions.type == "omitted block"].iloc[0]
    assert lone.side == "a" and lone.text_a.startswith("图为葫芦岛社区工作人员") and lone.text_b == ""
    word = captions[captions.type != "omitted block"].iloc[0]
    assert (word.text_a, word.text_b, word.headline) == ("政协委员", "市政协委员", "“文艺轻骑兵”服务到基层")
    assert set(variants.part) == {"body", "caption"}  # headlines, kickers, subtitles, bylines agree on the seeds


def test_other_parts_of_an_article_get_their_part(seed_articles):
    changed = seed_articles.copy()
    b = changed.edition == "B"
    changed.loc[b, "headline"] = changed.loc[b, "headline"].str.replace("焕新生", "换新生")
    changed.loc[b, "byline"] = changed.loc[b, "byline"].str.replace("曹欣怡", "曹欣宜")
    found = helpers.compare_editions(changed, "A", "B")
    parts = found[found.part.isin(["headline", "byline"])]
    assert ("headline", "社区如何焕新生", "社区如何换新生") in set(zip(parts.part, parts.text_a, parts.text_b))
    assert (parts.part == "byline").sum() == (seed_articles[~b].byline.str.contains("曹欣怡")).sum()
    # only body variants go into the reconciled text
    assert "换新生" not in "\n".join(helpers.reconcile(changed, "A", "B").text)


def test_reconciled_text_fills_gaps_and_marks_variants(seed_articles):
    text = "\n".join(helpers.reconcile(seed_articles, "A", "B").text)
    assert "〔补 B：单位“搭手”包联聚力展新颜" in text
    assert "〔A 贸易货钱小区｜B 贸易货栈小区〕" in text
    assert "将政治标准放在首位，通过日常培养" in text   # A's own text kept
    text_b = "\n".join(helpers.reconcile(seed_articles, "A", "B", base="B").text)
    assert "〔补 A：位，通过日常培养" in text_b


def test_corpus_wide_comparison_covers_every_page_with_two_editions(seed_articles):
    extra = seed_articles[seed_articles.edition == "A"].assign(page_id="lonely-page")
    corpus = pd.concat([seed_articles, extra], ignore_index=True)
    overview = helpers.edition_overview(corpus).set_index("page_id")
    assert overview.loc["lonely-page", "note"] == "single edition: nothing to compare"
    variants = helpers.compare_corpus(corpus)
    assert set(variants.page_id) == {"yuncheng-2025-06-party"}
    assert set(variants.edition_a) == {"A"} and set(variants.edition_b) == {"B"}
    assert len(helpers.align_corpus(corpus)) == 7


def test_diff_alignment_check_counts_aligned_characters():
    table = helpers.diff_alignment_check("社区的居民的党员", "社区居民的党员").set_index("method")
    assert table.loc["rapidfuzz LCS (the kit)", "aligned"] == 7
    assert set(table.index) == {"rapidfuzz LCS (the kit)", "difflib, autojunk=True", "difflib, autojunk=False"}
