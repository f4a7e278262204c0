"""Dates and trends on the dated test corpus (tests/dated: six months of 2025, no pages in
March, one undated page, two pages dated by their datelines). Expected numbers come from
tests/dated/expected.csv, which lists what build_dated.py wrote into every article."""
import shutil
import warnings

import pandas as pd
import pyarrow.parquet as pq
import pytest

import helpers
from conftest import ROOT

DATED = ROOT / "tests" / "dated"
TERMS = ["基层治理", "乡村振兴", "五多", "三前"]


def quiet(call, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", helpers.PageWarning)
        return call(*args, **kwargs)


@pytest.fixture(scope="module")
def expected():
    return pd.read_csv(DATED / "expected.csv", dtype={"page_no": str, "date": str}, keep_default_na=False)


@pytest.fixture(scope="module")
def articles():
    return quiet(helpers.load_articles, DATED / "pages")


@pytest.fixture(scope="module")
def tokens(articles, tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache")
    return helpers.tokenize(articles, cache_dir=cache, progress=False)


def test_every_article_has_its_date_source_and_page_number(articles, expected):
    got = articles.assign(file=articles.path.str.split("pages/").str[1])[
        ["file", "article_no", "date", "date_source", "page_no"]].fillna("")
    want = expected[["file", "article_no", "date", "date_source", "page_no"]]
    merged = want.merge(got, on=["file", "article_no"], suffixes=("", "_got"))
    assert len(merged) == len(expected) == len(articles)
    for column in ["date", "date_source", "page_no"]:
        assert (merged[column] == merged[f"{column}_got"]).all(), merged[[column, f"{column}_got"]]


def test_undated_articles_are_reported_with_the_reason(articles):
    report = helpers.date_report(articles)
    assert list(report.headline) == ["读者来信：小区停车难"]
    assert "no date in pages.csv, the file name" in report.problem.iloc[0]


def test_a_dateline_without_a_year_anywhere_is_reported_not_guessed(tmp_path):
    (tmp_path / "note.txt").write_text("## 会议召开\n\n本报太原4月3日电　会议在太原召开。\n", encoding="utf-8")
    articles = quiet(helpers.load_articles, tmp_path)
    assert articles.date.iloc[0] == ""
    assert "its dateline gives 4月3日 but no year" in helpers.date_report(articles).problem.iloc[0]


@pytest.mark.parametrize("value, problem", [("2025-02-30", "not in the calendar"), ("下周一", "not a date"),
                                            ("2099-01-01", "in the future")])
def test_impossible_dates_in_pages_csv_are_warned_and_left_empty(tmp_path, value, problem):
    (tmp_path / "p.txt").write_text("## 标题\n\n正文。\n", encoding="utf-8")
    (tmp_path / "pages.csv").write_text(f"file,page_id,edition,date\np.txt,p,A,{value}\n", encoding="utf-8")
    with pytest.warns(helpers.PageWarning, match=rf"pages\.csv line 2: date .* {problem}"):
        articles = helpers.load_articles(tmp_path)
    assert articles.date.iloc[0] == "" and articles.date_source.iloc[0] == ""


def hand_counts(expected, term):
    dated = expected[expected.date != ""].assign(month=lambda f: f.date.str[:7])
    return dated.groupby("month").agg(count=(term, "sum"), with_term=(term, lambda s: int((s > 0).sum())),
                                      articles=(term, "size"))


@pytest.mark.parametrize("term", TERMS)
def test_term_trends_match_the_hand_counts_with_march_as_a_gap(tokens, expected, term):
    trends = helpers.term_trends(tokens, TERMS, freq="M")
    assert list(trends.period.unique()) == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
    assert trends.attrs["undated_articles"] == 1
    rows = trends[trends.term == term].set_index("period")
    march = rows.loc["2025-03"]
    assert march.articles == 0 and pd.isna(march["count"]) and pd.isna(march.per_10k) and pd.isna(march.share_of_articles)
    hand = hand_counts(expected, term)
    month_tokens = tokens[tokens.date != ""].assign(month=lambda f: f.date.str[:7]).groupby("month").size()
    for month, want in hand.iterrows():
        got = rows.loc[month]
        assert (got["count"], got.articles_with_term, got.articles) == (want["count"], want.with_term, want.articles)
        assert got.tokens == month_tokens[month]
        assert got.per_10k == pytest.approx(want["count"] / month_tokens[month] * 10_000, abs=1e-3)
        assert got.share_of_articles == pytest.approx(want.with_term / want.articles, abs=1e-4)


def test_a_term_jieba_cuts_in_two_is_still_counted(tokens):
    assert "乡村振兴" not in set(tokens.token)  # jieba: 乡村 / 振兴
    assert helpers.term_trends(tokens, "乡村振兴")["count"].sum() == 5


def test_weekly_and_yearly_periods_add_up(tokens):
    weekly = helpers.term_trends(tokens, "三前", freq="W")
    yearly = helpers.term_trends(tokens, "三前", freq="Y")
    assert weekly["count"].sum() == yearly["count"].sum() == 5
    assert weekly.articles.sum() == yearly.articles.sum() == 15
    with pytest.raises(ValueError, match="freq 'X'"):
        helpers.term_trends(tokens, "三前", freq="X")


def test_period_keyness_puts_the_new_formulation_first(tokens):
    table = helpers.period_keyness(tokens, "2025-05", ("2025-01", "2025-02"))
    top = table.iloc[0]
    assert top.token == "三前" and (top.count_target, top.count_reference) == (3, 0)
    assert table.attrs["description"] == "2025-05 against 2025-01 to 2025-02"
    with pytest.raises(ValueError, match="no dated tokens in 2025-03"):
        helpers.period_keyness(tokens, "2025-03")


def test_first_seen_gives_date_page_article_and_spread(tokens):
    table = helpers.first_seen(tokens, ["五多", "三前"]).set_index("term")
    wuduo, sanqian = table.loc["五多"], table.loc["三前"]
    assert (wuduo.first_date, wuduo.first_page_id, wuduo.first_page_no, wuduo.first_article_no) == \
        ("2025-02-10", "2025-02-10-p2", "2", 1)
    assert (wuduo.articles, wuduo.periods) == (4, 3)
    assert wuduo.articles_period_1 == 2 and pd.isna(wuduo.articles_period_2) and wuduo.articles_period_3 == 1
    assert (sanqian.first_date, sanqian.articles, sanqian.articles_period_1, sanqian.articles_period_2) == \
        ("2025-04-03", 4, 2, 2)
    assert sanqian.articles_period_3 == 0


def test_first_seen_by_default_lists_formulations_jieba_does_not_know(tokens):
    table = helpers.first_seen(tokens).set_index("term")
    assert table.loc["五多", "kind"] == "formulation" and table.loc["三前", "kind"] == "formulation"


def test_dispersion_has_one_row_per_dated_occurrence(tokens, expected):
    table = helpers.dispersion(tokens, ["五多", "三前"])
    dated = expected[expected.date != ""]
    assert (table.term == "五多").sum() == dated["五多"].sum() == 5
    assert (table.term == "三前").sum() == dated["三前"].sum() == 5
    assert table[table.term == "三前"].date.min() == pd.Timestamp("2025-04-03")
    assert table.attrs["first_date"] == pd.Timestamp("2025-01-06")


def test_front_page_against_inner_pages(tokens, expected):
    table = helpers.front_page_terms(tokens, TERMS).set_index("term")
    numbered = expected[expected.page_no != ""]
    for term in TERMS:
        assert table.loc[term, "front_count"] == numbered.loc[numbered.page_no == "1", term].sum()
        assert table.loc[term, "inner_count"] == numbered.loc[numbered.page_no != "1", term].sum()
    assert table.attrs["without_page_no"] == int((tokens.page_no == "").sum()) > 0


def test_empty_and_undated_inputs_keep_their_columns(tokens):
    undated = tokens.assign(date="")
    trends = helpers.term_trends(undated, "五多")
    assert trends.empty and list(trends.columns)[:3] == ["term", "period", "start"]
    assert helpers.first_seen(undated).empty and helpers.dispersion(undated, "五多").empty
    assert list(helpers.front_page_terms(tokens.assign(page_no=""), "五多").columns)[:2] == ["term", "front_count"]
    with pytest.raises(ValueError, match="non-empty terms"):
        helpers.term_trends(tokens, [""])


def test_adding_a_day_segments_only_the_new_page_and_extends_the_chart(tmp_path):
    corpus = tmp_path / "pages"
    shutil.copytree(DATED / "pages", corpus)
    cache = tmp_path / "cache"
    before = helpers.tokenize(quiet(helpers.load_articles, corpus), cache_dir=cache, progress=False)
    (corpus / "2025-07-07-p1.txt").write_text("## 七月新闻\n\n本报讯　“三前”工作法已在全市推广。\n", encoding="utf-8")
    after = helpers.tokenize(quiet(helpers.load_articles, corpus), cache_dir=cache, progress=False)
    assert after.attrs["segmented_articles"] == 1
    trends = helpers.term_trends(after, "三前")
    assert len(trends) == len(helpers.term_trends(before, "三前")) + 1
    assert trends.iloc[-1][["period", "count"]].tolist() == ["2025-07", 1]


def test_formulations_over_the_corpus(articles, expected):
    table = helpers.formulations_over_corpus(helpers.find_formulations(articles), articles).set_index("term")
    for term in ["五多", "三前"]:
        rows = expected[expected[term] > 0]
        dated = rows[rows.date != ""]
        assert table.loc[term, "articles"] == len(rows)
        assert (table.loc[term, "first_date"], table.loc[term, "last_date"]) == (dated.date.min(), dated.date.max())
        assert table.loc[term, "articles_named_only"] == len(rows) and table.loc[term, "expansions"] == ""


def test_many_day_files_are_read_through_a_compacted_copy_that_is_never_needed(tmp_path, monkeypatch):
    from banmian import token_files

    monkeypatch.setattr(token_files, "_COMPACT_AT", 2)
    corpus, cache = tmp_path / "pages", tmp_path / "cache"
    shutil.copytree(DATED / "pages", corpus)
    first = helpers.tokenize(quiet(helpers.load_articles, corpus), cache_dir=cache, progress=False)
    token_files._compacted_written()
    compacted = list((cache / "tokens").glob("compacted-*.parquet"))
    assert len(compacted) == 1

    read = []
    real_read = token_files.read_token_files
    monkeypatch.setattr(token_files, "read_token_files", lambda paths: read.append(paths) or real_read(paths))
    again = helpers.tokenize(quiet(helpers.load_articles, corpus), cache_dir=cache, progress=False)
    assert read == [] and again.equals(first)  # the table made from the same files, kept beside them
    from banmian import coded_tokens
    fresh_codes, fresh_vocabulary = pd.factorize(again["token"], sort=True)
    with monkeypatch.context() as patched:  # the codes were kept with the table: not made again, and the same
        patched.setattr(coded_tokens.pd, "factorize", lambda *a, **k: pytest.fail("the token column was coded again"))
        codes, vocabulary = coded_tokens.token_codes(again)
    assert (codes == fresh_codes).all() and list(vocabulary) == list(fresh_vocabulary)
    for kept in (cache / "tokens").glob("table-*.pkl"):
        kept.unlink()
    again = helpers.tokenize(quiet(helpers.load_articles, corpus), cache_dir=cache, progress=False)
    assert read == [compacted] and again.equals(first)

    (corpus / "2025-07-07-p1.txt").write_text("## 七月新闻\n\n本报讯　“三前”工作法已在全市推广。\n", encoding="utf-8")
    articles = quiet(helpers.load_articles, corpus)
    read.clear()
    more = helpers.tokenize(articles, cache_dir=cache, progress=False)
    assert read[0] == compacted and len(read[1]) == 1  # the compacted copy and the new day
    fresh = helpers.tokenize(articles, cache_dir=tmp_path / "fresh", progress=False)
    pd.testing.assert_frame_equal(more, fresh)

    # a day's file rewritten under its own name (as for new protected terms) is read from itself
    day_file = sorted((cache / "tokens").glob("2025-*.parquet"))[0]
    original, meta = pq.read_table(day_file), {k: v for k, v in token_files.stored_terms(day_file).items() if k != "bytes"}
    token_files.write_token_file(day_file, original.slice(1), meta)
    read.clear()
    after = helpers.tokenize(articles, cache_dir=cache, progress=False)
    assert len(after) == len(more) - 1 and day_file in read[-1]
    token_files.write_token_file(day_file, original, meta)
    compacted[0].write_bytes(compacted[0].read_bytes()[:50])  # a damaged copy is read around
    pd.testing.assert_frame_equal(helpers.tokenize(articles, cache_dir=cache, progress=False), fresh)
    (cache / "tokens" / "compacted-x.json").write_text("{not json")
    pd.testing.assert_frame_equal(helpers.tokenize(articles, cache_dir=cache, progress=False), fresh)


def test_the_latest_period_with_freq_none_is_the_kept_result_of_its_chosen_freq(tokens, monkeypatch, tmp_path):
    import banmian.remembered as store
    from banmian.trends import choose_freq
    monkeypatch.setattr(store, "CACHE_DIR", tmp_path)
    chosen = choose_freq(tokens["date"].dropna().unique())
    by_default = helpers.latest_period_keyness(tokens)
    assert len(list(tmp_path.glob("results/_latest_period_keyness-*.pkl"))) == 1
    pd.testing.assert_frame_equal(helpers.latest_period_keyness(tokens, chosen), by_default)
    assert len(list(tmp_path.glob("results/_latest_period_keyness-*.pkl"))) == 1  # one result for both
