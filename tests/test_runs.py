"""Since the last run: pages added, changed and removed, terms seen for the first time, terms
that moved in the newest period, and the terms to follow chosen by what moved."""
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest

import helpers

DATED = Path(__file__).resolve().parent / "dated" / "pages"


def corpus_state(folder, cache_dir):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        articles = helpers.load_articles(folder)
    tokens = helpers.tokenize(articles, cache_dir=cache_dir, progress=False)
    return articles, tokens, helpers.find_formulations(articles)


def changes(folder, cache_dir):
    return helpers.since_last_run(*corpus_state(folder, cache_dir), corpus=folder, cache_dir=cache_dir)


@pytest.fixture
def folder(tmp_path):
    target = tmp_path / "pages"
    shutil.copytree(DATED, target)
    return target


def test_the_first_run_says_so_and_the_tables_are_empty(folder, tmp_path):
    first = changes(folder, tmp_path / "cache")
    assert first.summary.startswith("First recorded run of this corpus: 10 pages")
    assert first.pages.empty and first.new_terms.empty


def test_a_new_page_is_reported_with_its_new_formulation_and_words(folder, tmp_path):
    cache = tmp_path / "cache"
    changes(folder, cache)
    (folder / "2025-07-07-p1.txt").write_text("## 七月新闻\n\n本报讯　“四下基层”蔚然成风，数字乡村建设稳步推进。\n",
                                              encoding="utf-8")
    after = changes(folder, cache)
    assert after.pages[["change", "page_id", "date", "articles"]].values.tolist() == [
        ["added", "2025-07-07-p1", "2025-07-07", 1]]
    found = after.new_terms.set_index("term")["kind"]
    assert found["四下基层"] == "formulation" and found["蔚然成风"] == "word"
    assert "社区" not in found.index  # seen on the earlier pages: not new
    assert (after.new_terms["term"] == "四下基层").sum() == 1  # a formulation is not listed again as a word
    assert after.summary == "Since the run before: pages 1 added; 1 formulations and " \
                            f"{(after.new_terms['kind'] == 'word').sum()} words seen for the first time."
    again = changes(folder, cache)  # nothing new: the last change is shown again, not an empty answer
    assert again.summary == after.summary
    pd.testing.assert_frame_equal(again.pages, after.pages)
    pd.testing.assert_frame_equal(again.new_terms, after.new_terms)


def test_changed_and_removed_pages(folder, tmp_path):
    cache = tmp_path / "cache"
    changes(folder, cache)
    pages = sorted(folder.glob("*.txt"))
    pages[0].write_text(pages[0].read_text(encoding="utf-8") + "\n本报讯　社区又开了一次议事会。\n", encoding="utf-8")
    pages[-1].unlink()
    after = changes(folder, cache)
    assert sorted(after.pages["change"]) == ["changed", "removed"]
    assert set(after.pages["page_id"]) == {pages[0].stem, pages[-1].stem}


def write_month(folder: Path, month: str, body: str, days=(3, 10, 17, 24)):
    for day in days:
        (folder / f"2025-{month}-{day:02d}-p1.txt").write_text(f"## 第{day}日\n\n本报讯　{body}\n", encoding="utf-8")


def test_moving_terms_and_the_terms_to_follow(tmp_path):
    folder = tmp_path / "months"
    folder.mkdir()
    steady = "社区干部走访群众，听取意见建议，解决实际困难。" * 3
    for month in ("01", "02", "03"):
        write_month(folder, month, steady + "防汛抗旱工作扎实开展，防汛物资储备充足。" * 4)
    write_month(folder, "04", steady + "人工智能赋能产业升级，人工智能应用场景不断拓展。" * 4)
    articles, tokens, _ = corpus_state(folder, tmp_path / "cache")
    moving = helpers.moving_terms(tokens, "M")
    rising = moving.loc[moving["direction"] == "rising", "token"].tolist()
    falling = moving.loc[moving["direction"] == "falling", "token"].tolist()
    assert "人工智能" in rising and "防汛" in falling and "社区" not in rising + falling
    assert (moving.loc[moving["direction"] == "rising", "log_ratio"] > 0).all()
    follow = helpers.suggest_terms(tokens, n=2, freq="M")
    assert "人工智能" in follow and "防汛" in follow
    ax = helpers.plot_moving_terms(moving)
    assert len(ax.patches) == len(moving)


def test_one_period_has_nothing_to_compare(seed_tokens):
    assert helpers.moving_terms(seed_tokens).empty
    assert helpers.suggest_terms(seed_tokens)  # the most frequent words instead


def test_the_segmentation_example_comes_from_the_users_texts():
    texts = ["今天天气很好。社区推行“五多”工作法，群众满意。", "第二篇文章。"]
    assert helpers.example_sentence(texts, ["五多"]) == "社区推行“五多”工作法，群众满意。"
    assert helpers.example_sentence(texts) == "社区推行“五多”工作法，群众满意。"  # a quoted numbered term
    assert helpers.example_sentence(["没有编号的句子。第二句。"], ["五多"]) == "没有编号的句子。"


def test_the_formulation_table_stays_readable_on_many_articles(seed_articles):
    found = helpers.find_formulations(seed_articles)
    per_article = helpers.formulation_table(found)
    assert per_article.columns.names == ["edition", "article"]
    articles = found.drop_duplicates(["page_id", "edition", "article_no"])
    per_edition = helpers.formulation_table(found, max_articles=len(articles) - 1)
    assert list(per_edition.columns) == sorted(found["edition"].unique())
    expected = found.drop_duplicates(["term", "page_id", "edition", "article_no"]).groupby(["term", "edition"]).size()
    assert per_edition.stack().loc[expected.index].tolist() == expected.tolist()
    assert per_edition.sum(axis=1).is_monotonic_decreasing
