import math
import unicodedata
import warnings
from pathlib import Path

import pandas as pd
import pytest

import helpers
from banmian import charts, paths
from conftest import ROOT

FUNCTION_WORDS = {"的", "了", "和", "是", "在", "我们", "一个", "这个", "进行", "以及", "他们", "这些"}


def make_articles(*bodies, edition="A"):
    return pd.DataFrame({"page_id": "p", "edition": edition, "article_no": range(1, len(bodies) + 1),
                         "headline": [f"h{i}" for i in range(len(bodies))], "body": list(bodies)})


def test_token_table_shape(seed_tokens):
    assert list(seed_tokens.columns) == helpers.TOKEN_COLUMNS
    assert not seed_tokens.token.map(lambda t: all(unicodedata.category(c)[0] in "PSZ" for c in t)).any()
    first = seed_tokens[(seed_tokens.edition == "A") & (seed_tokens.article_no == 1)]
    assert first.position.is_monotonic_increasing and first.position.is_unique
    assert seed_tokens.pos.str.len().gt(0).all()
    reasons = seed_tokens.groupby("filtered_by").token.first()
    assert set(reasons.index) >= {"", "stopword list", "digits", "single character", "user stopword"}
    assert (seed_tokens.is_stopword == (seed_tokens.filtered_by != "")).all()


def test_top_terms_make_sense_on_the_seed_page(seed_tokens):
    top = helpers.term_frequencies(seed_tokens, top=50)
    assert {"社区", "居民", "党员"} <= set(top.token[:10])
    assert not set(top.token) & FUNCTION_WORDS
    assert top.token.str.len().min() >= 2
    assert not top.token.str.fullmatch(r"[\d\W]+").any()


@pytest.mark.parametrize("name", ["葫芦岛社区", "刘凌凯", "供销巷小区", "小刘热线"])
def test_names_and_places_stay_whole(seed_tokens, seed_articles, name):
    assert (seed_tokens.token == name).sum() == seed_articles.body.str.count(name).sum() > 0


def test_numbered_formulations_are_never_cut_apart(seed_tokens, seed_articles):
    terms = helpers.protected_terms(seed_articles.body)
    assert {"五多", "三前", "五勤", "两新", "三会一课", "一城两区三门户", "千万工程", "六个活动"} <= set(terms)
    for term in terms:
        assert (seed_tokens.token == term).sum() == seed_articles.body.str.count(term).sum(), term


def test_protected_terms_on_text_the_test_writes(tmp_path):
    text = "坚持“两个维护”，增强“四个意识”，践行“三严三实”，推进“四下基层”。“那真是一呼百应！”"
    assert helpers.protected_terms([text]) == ["三严三实", "两个维护", "四下基层", "四个意识"]
    tokens = helpers.tokenize(make_articles(text), cache_dir=tmp_path / "cache", progress=False)
    for term in ["两个维护", "四个意识", "三严三实", "四下基层"]:
        assert term in set(tokens.token)


def test_user_dictionary_changes_segmentation_and_the_cache_redoes_only_what_it_must(tmp_path):
    userdict, cache = tmp_path / "userdict.txt", tmp_path / "cache"
    userdict.write_text("# empty\n", encoding="utf-8")
    articles = make_articles("峪口窑社区开展活动，峪口窑社区居民积极参与。", "居民齐上阵，共建美好家园。")
    run = lambda arts: helpers.tokenize(arts, userdict=userdict, cache_dir=cache, progress=False)  # noqa: E731
    first = run(articles)
    assert first.attrs["segmented_articles"] == 2
    assert "峪口窑社区" not in set(first.token)
    assert run(articles).attrs["segmented_articles"] == 0
    userdict.write_text("峪口窑社区 ns\n", encoding="utf-8")
    second = run(articles)
    assert second.attrs["segmented_articles"] == 1   # only the article that contains the new word
    assert (second.token == "峪口窑社区").sum() == 2
    assert second[second.token == "峪口窑社区"].pos.unique().tolist() == ["ns"]
    assert second[second.article_no == 2].token.tolist() == first[first.article_no == 2].token.tolist()
    more = pd.concat([articles, make_articles("新增一篇稿件。").assign(article_no=3)], ignore_index=True)
    assert run(more).attrs["segmented_articles"] == 1


def test_malformed_user_dictionary_line_is_named(tmp_path):
    userdict = tmp_path / "userdict.txt"
    userdict.write_text("好词 3 n\n坏 行 有 太多 字段\n", encoding="utf-8")
    with pytest.raises(helpers.PageError, match=r"userdict\.txt line 2: expected 'word \[frequency\] \[tag\]'"):
        helpers.read_userdict(userdict)


def test_user_stopwords(tmp_path):
    extra = tmp_path / "stop.txt"
    extra.write_text("# mine\n共建\n", encoding="utf-8")
    tokens = helpers.tokenize(make_articles("居民齐上阵，共建美好家园。"), stopwords_extra=extra,
                              cache_dir=tmp_path / "cache", progress=False)
    assert tokens.set_index("token").loc["共建", "filtered_by"] == "user stopword"
    assert tokens.set_index("token").loc["居民", "filtered_by"] == ""


def test_term_frequencies_grouped_and_per_10k():
    tokens = pd.DataFrame({"edition": list("AAAAB"), "token": ["社区", "社区", "居民", "的", "社区"],
                           "is_stopword": [False, False, False, True, False]})
    by_edition = helpers.term_frequencies(tokens, by="edition")
    assert by_edition.values.tolist() == [["A", "社区", 2, 5000.0, 1], ["A", "居民", 1, 2500.0, 2],
                                          ["B", "社区", 1, 10000.0, 1]]
    assert "的" in set(helpers.term_frequencies(tokens, include_stopwords=True).token)


def test_keywords_per_article(seed_tokens):
    kw = helpers.keywords(seed_tokens, top=5)
    assert kw.groupby(["edition", "article_no"]).size().eq(5).all()
    pinglu = kw[(kw.edition == "A") & (kw.article_no == 1)].keyword.tolist()
    assert "平陆县" in pinglu
    feature = kw[(kw.edition == "B") & (kw.article_no == 1)].keyword.tolist()
    assert "居民" in feature or "小区" in feature


def test_compare_keywords_has_all_three_methods(seed_articles, seed_tokens):
    table = helpers.compare_keywords(seed_articles, seed_tokens, top=5)
    assert len(table) == len(seed_articles) * 5
    for column in ("corpus_tfidf", "jieba_tfidf", "jieba_textrank"):
        assert table[column].ne("").mean() > 0.9
        assert not table[column].isin(FUNCTION_WORDS).any()
    page = seed_articles[seed_articles.edition == "B"]
    one_page = helpers.compare_keywords(page, seed_tokens, top=5)
    ours = helpers.keywords.__wrapped__(seed_tokens, 5, articles=page)  # idf over the corpus, rows of the page
    want = dict(zip(zip(ours.article_no.astype(int), ours["rank"]), ours.keyword))
    assert one_page.corpus_tfidf.tolist() == [want.get((a, r), "") for a, r in zip(one_page.article_no, one_page["rank"])]
    assert list(one_page.columns) == ["page_id", "edition", "article_no", "headline", "rank", "corpus_tfidf",
                                      "jieba_tfidf", "jieba_textrank"]


def test_keyness_log_likelihood_and_log_ratio_by_hand():
    tokens = pd.DataFrame({"group": ["t"] * 100 + ["r"] * 100,
                           "token": ["甲"] * 10 + ["乙"] * 90 + ["甲"] * 1 + ["乙"] * 99, "is_stopword": False})
    table = helpers.keyness(tokens, {"group": "t"}).set_index("token")
    expected = 2 * (10 * math.log(10 / 5.5) + 1 * math.log(1 / 5.5))
    assert table.loc["甲", "log_likelihood"] == pytest.approx(expected, abs=1e-3)
    assert table.loc["甲", "log_ratio"] == pytest.approx(math.log2(10), abs=1e-3)
    assert table.loc["甲", "use"] == "over" and table.loc["乙", "use"] == "under"
    assert table.loc["甲", "p_value"] == pytest.approx(0.00346, abs=1e-4)
    assert table.index[0] == "甲"
    with pytest.raises(ValueError):
        helpers.keyness(tokens, {"group": "none"})


def test_keyness_edition_b_over_a_finds_the_missing_section(seed_tokens):
    table = helpers.keyness(seed_tokens, {"edition": "B"}, {"edition": "A"})
    assert table.iloc[0].token == "单位" and table.iloc[0].use == "over"


def test_collocations_respect_punctuation_and_articles():
    tokens = pd.DataFrame({
        "page_id": "p", "edition": "A",
        "article_no": [1] * 7 + [2] * 2,
        "position": [0, 1, 3, 4, 6, 7, 8, 0, 1],
        "token": ["乡村", "振兴", "乡村", "振兴", "乡村", "振兴", "乡村", "振兴", "发展"],
        "is_stopword": False})
    table = helpers.collocations(tokens, min_count=1).set_index("bigram")
    # adjacent pairs: 乡村振兴 at 0-1, 3-4, 6-7; 振兴乡村 at 7-8; 振兴发展 in article 2. Not 1-3
    # (punctuation between), not 乡村 (end of article 1) + 振兴 (start of article 2).
    assert table["count"].to_dict() == {"乡村振兴": 3, "振兴乡村": 1, "振兴发展": 1}
    n = 5
    assert table.loc["乡村振兴", "pmi"] == pytest.approx(math.log2(3 * n / (3 * 3)), abs=1e-3)


def test_kwic_is_character_based(seed_articles):
    hits = helpers.kwic(seed_articles, "贸易货", width=4)
    assert set(hits.edition) == {"A", "B"} and set(hits.right.str[:1]) == {"钱", "栈"}
    for hit in hits.itertuples():
        body = seed_articles[(seed_articles.edition == hit.edition) &
                             (seed_articles.article_no == hit.article_no)].body.iloc[0].replace("\n", " ")
        assert body[hit.position:hit.position + 3] == "贸易货"
    assert len(helpers.kwic(seed_articles, r"以\w促\w", regex=True)) >= 6


def test_charts_draw_chinese_and_export_is_excel_friendly(seed_tokens, tmp_path, monkeypatch):
    import matplotlib
    matplotlib.use("Agg")
    freqs = helpers.term_frequencies(seed_tokens, by="edition")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = helpers.plot_top_terms(freqs, n=15)
        ax.figure.canvas.draw()
        cloud = helpers.word_cloud(freqs)
        cloud.figure.canvas.draw()
    assert "居民" in {t.get_text() for t in ax.get_yticklabels()}
    monkeypatch.setattr(paths, "OUTPUT_DIR", tmp_path)  # where output_file writes
    charts.export_csv(pd.DataFrame({"token": ["社区"], "names": [["甲", "乙"]]}), "t")
    raw = (tmp_path / "tables" / "t.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "甲、乙".encode() in raw


def test_a_new_page_quoting_a_formulation_resegments_the_articles_that_contain_it(tmp_path):
    cache = tmp_path / "cache"
    first = make_articles("推进五勤工作。", "居民齐上阵，共建美好家园。")
    run = lambda arts: helpers.tokenize(arts, cache_dir=cache, progress=False)  # noqa: E731
    assert run(first).attrs["segmented_articles"] == 2
    more = pd.concat([first, make_articles("“五勤”是目标。").assign(article_no=3)], ignore_index=True)
    tokens = run(more)
    assert tokens.attrs["segmented_articles"] == 2   # the new article and the one that contains 五勤
    assert (tokens.token == "五勤").sum() == 2
    assert run(more).attrs["segmented_articles"] == 0


RISKY_TEXT = ("记者登录www.xueersi.com查询，热线400-800-2211，邮箱hr@peopledaily.com.cn；CET-4通过率达0.15%。"
              "“三会一课”和“五多”社区工作法在全县推广，同学们速度快，V-tax改革J.K.罗琳。")


def test_the_fast_segmenter_gives_jieba_s_words_on_every_text_the_tests_hold():
    """rjieba cuts where it agrees with jieba; blocks with added words or Latin/digit runs go to jieba."""
    import glob

    from banmian.segmenter import Segmenter, dictionary_entries

    texts = [RISKY_TEXT] + [Path(p).read_text(encoding="utf-8") for p in
                            sorted(glob.glob(str(ROOT / "tests" / "devset" / "*" / "*.txt")))
                            + sorted(glob.glob(str(ROOT / "seeds" / "*.txt")))]
    segmenter = Segmenter(tuple(dictionary_entries(texts, ROOT / "corpus" / "userdict.txt")))
    assert segmenter.fast is not None, "rjieba is in requirements.txt"
    fast = [segmenter.words(t) for t in texts]
    segmenter.fast = None
    assert fast == [segmenter.words(t) for t in texts]
    assert "163.com" not in fast[0] and "400" in fast[0]  # jieba's reading of the Latin runs


def test_an_added_word_jieba_s_dictionary_lacks_sends_its_block_to_jieba():
    """rjieba finds 零碳 with its HMM; added to the dictionary, jieba reads the characters after it
    otherwise (之 / 路, not 之路), so rjieba's words do not stand for that block."""
    from banmian.segmenter import Segmenter

    segmenter = Segmenter((("零碳", None, "nz"),))
    texts = ["城市走上零碳之路。", "探索零碳之路的企业"]
    fast = [segmenter.words(t) for t in texts]
    segmenter.fast = None
    assert fast == [segmenter.words(t) for t in texts] and fast[0][2:5] == ["零碳", "之", "路"]


def test_the_segmenter_can_be_switched_to_jieba_alone(monkeypatch):
    from banmian.dictionary import fast_tokenizer

    monkeypatch.setenv("BANMIAN_SEGMENTER", "jieba")
    fast_tokenizer.cache_clear()
    try:
        assert fast_tokenizer() is None
    finally:
        monkeypatch.delenv("BANMIAN_SEGMENTER")
        fast_tokenizer.cache_clear()


def test_word_finder_finds_overlapping_and_nested_words():
    from banmian.segmenter import WordFinder

    finder = WordFinder(["三会", "三会一课", "一课", "五多", "五多社区", "多社", "ABC", "CD"])
    assert finder.found("落实三会一课制度，五多社区ABCD") == {"三会", "三会一课", "一课", "五多", "五多社区", "多社",
                                                          "ABC", "CD"}
    assert finder.found("没有任何一个") == set() and WordFinder([]).found("三会") == set()


def test_work_is_dealt_into_few_tasks_per_worker_none_too_big():
    from banmian.workers import TASK_CHARS, task_count

    assert task_count(1, "pandas", 365, 10_000_000) == 1             # one pass in one process
    assert task_count(2, "pandas", 365, 10_000_000) == 8             # a few tasks per worker
    many = task_count(2, "pandas", 3650, 100_000_000)
    assert 100_000_000 / many <= TASK_CHARS and many < 3650           # none over 1.5 M characters
    assert task_count(4, "pandas", 3, 10_000_000) == 3                # never more tasks than files
    assert task_count(2, "dask", 365, 10_000_000) == 91              # about four dates a task on Dask


def test_token_files_an_edit_cannot_change_are_recorded_as_made_with_it(tmp_path, monkeypatch):
    """After a dictionary edit, a token file whose texts hold none of the changed words is kept, and
    its sidecar then names the new entries: the next run does not look through its texts again."""
    import json

    from banmian import tokens as tokens_module
    userdict, cache = tmp_path / "userdict.txt", tmp_path / "cache"
    userdict.write_text("# empty\n", encoding="utf-8")
    articles = pd.concat([make_articles("峪口窑社区开展活动。").assign(date="2025-01-02"),
                          make_articles("居民齐上阵，共建美好家园。").assign(page_id="q", date="2025-01-03")], ignore_index=True)
    run = lambda: helpers.tokenize(articles, userdict=userdict, cache_dir=cache, progress=False)  # noqa: E731
    before = run()
    userdict.write_text("峪口窑社区 ns\n", encoding="utf-8")
    after = run()
    assert after.attrs["segmented_articles"] == 1
    sidecars = {p.name[:10]: json.loads(p.read_text(encoding="utf-8")) for p in (cache / "tokens").glob("2025-*.json")}
    assert sidecars["2025-01-02"]["entries_file"] == sidecars["2025-01-03"]["entries_file"]
    looked = []
    monkeypatch.setattr(tokens_module, "note_entries", lambda paths, entries: looked.extend(paths))
    again = run()
    assert again.attrs["segmented_articles"] == 0 and looked == []
    pd.testing.assert_frame_equal(again, after)
    assert after[after.page_id == "q"].token.tolist() == before[before.page_id == "q"].token.tolist()


def test_a_token_file_lists_only_its_own_values_and_white_space_takes_no_position(tmp_path):
    import pyarrow.parquet as pq

    articles = pd.concat([make_articles("社区 开展\n活动。", "居民　齐上阵").assign(date="2025-01-02"),
                          make_articles("共建美好家园").assign(page_id="q", date="2025-01-03"),
                          make_articles("没有日期的稿件").assign(page_id="r", date=None)], ignore_index=True)
    tokens = helpers.tokenize(articles, cache_dir=tmp_path, progress=False)
    for path in (tmp_path / "tokens").glob("*.parquet"):
        table = pq.read_table(path)
        pages = table.column("page_id").combine_chunks()
        assert pages.dictionary.to_pylist() == sorted(set(pages.to_pylist())), path.name
        assert table.column("date").combine_chunks().dictionary.to_pylist() in ([path.name[:10]], [])
    first = tokens[(tokens.page_id == "p") & (tokens.article_no == 1)]
    assert first.token.tolist() == ["社区", "开展", "活动"] and first.position.tolist() == [0, 1, 2]
    assert tokens[tokens.page_id == "r"].date.isna().all() and len(tokens[tokens.page_id == "r"])
    assert list(tokens.page_id.cat.categories) == ["p", "q", "r"]


def test_an_edit_of_the_user_stopwords_or_of_the_code_is_never_served_stale_rows(tmp_path, monkeypatch):
    """Rows of an earlier token file are reused only from one made with the same code, jieba and
    user stopwords: an added stopword is filtered at once, and other code segments again."""
    from banmian import tokens as tokens_module
    extra = tmp_path / "stop.txt"
    extra.write_text("# none yet\n", encoding="utf-8")
    articles = make_articles("社区居民开展活动，居民很满意。").assign(date="2025-01-02")
    run = lambda: helpers.tokenize(articles, stopwords_extra=extra, cache_dir=tmp_path / "cache", progress=False)  # noqa: E731
    assert set(run().query("token == '居民'").filtered_by) == {""}
    extra.write_text("居民\n", encoding="utf-8")
    after = run()
    assert set(after.query("token == '居民'").filtered_by) == {"user stopword"}
    assert after.attrs["segmented_articles"] == 1
    monkeypatch.setattr(tokens_module, "code_version", lambda: "other segmentation code")
    assert run().attrs["segmented_articles"] == 1
