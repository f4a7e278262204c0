"""load_articles keeps the split articles of a folder by content: a rerun reads them back, a
changed or new page is split again, and the table is the same either way."""
import os
import shutil
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import helpers
from banmian.pages import split_articles

DATED = Path(__file__).resolve().parent / "dated" / "pages"
ROOT = Path(__file__).resolve().parent.parent


def load(folder):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return helpers.load_articles(folder)


def test_a_rerun_reads_the_articles_back_and_they_are_the_same(tmp_path):
    folder = tmp_path / "pages"
    shutil.copytree(DATED, folder)
    first, again = load(folder), load(folder)
    assert first.attrs["split_pages"] == 10 and again.attrs["split_pages"] == 0
    pd.testing.assert_frame_equal(first, again)
    assert isinstance(again["reporters"].iloc[0], list)


def test_the_seed_corpus_reads_back_as_split(seed_pages):
    cached = load(ROOT / "corpus")
    again = load(ROOT / "corpus")
    assert again.attrs["split_pages"] == 0
    pd.testing.assert_frame_equal(cached, again)
    fresh = split_articles(seed_pages)
    pd.testing.assert_frame_equal(again[fresh.columns], fresh)


def test_a_new_or_changed_page_alone_is_split_again(tmp_path):
    folder = tmp_path / "pages"
    shutil.copytree(DATED, folder)
    load(folder)
    changed = sorted(folder.glob("*.txt"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n本报讯　社区又开了一次议事会。\n", encoding="utf-8")
    (folder / "2025-07-07-p1.txt").write_text("## 七月新闻\n\n本报讯　“三前”工作法已在全市推广。\n", encoding="utf-8")
    again = load(folder)
    assert again.attrs["split_pages"] == 2
    pages = helpers.load_pages(folder)
    fresh = split_articles(pages)
    pd.testing.assert_frame_equal(again[fresh.columns].reset_index(drop=True), fresh)


def test_a_removed_page_leaves_the_table(tmp_path):
    folder = tmp_path / "pages"
    shutil.copytree(DATED, folder)
    before = load(folder)
    gone = sorted(folder.glob("*.txt"))[-1]
    gone.unlink()
    after = load(folder)
    assert after.attrs["split_pages"] == 0 and len(after) < len(before)
    assert str(gone) not in set(after["path"])


def test_formulation_candidates_are_read_back_and_only_new_articles_read(seed_articles, tmp_path):
    from banmian.formulation_cache import cached_candidates
    from banmian.formulations import candidate_table

    first = cached_candidates(seed_articles, candidate_table, known=None, cache_dir=tmp_path)
    again = cached_candidates(seed_articles, candidate_table, known=None, cache_dir=tmp_path)
    assert first.attrs["read_articles"] == len(seed_articles) and again.attrs["read_articles"] == 0
    pd.testing.assert_frame_equal(again, candidate_table(seed_articles, known=None))
    more = pd.concat([seed_articles, seed_articles.head(1).assign(article_no=99, body="推进“五水共治”，落实“三会一课”。")],
                     ignore_index=True)
    grown = cached_candidates(more, candidate_table, known=None, cache_dir=tmp_path)
    assert grown.attrs["read_articles"] == 1
    pd.testing.assert_frame_equal(grown, candidate_table(more, known=None))


def test_an_edit_of_formulations_csv_is_a_new_store(tmp_path):
    from banmian.formulation_cache import store_key

    listed = tmp_path / "formulations.csv"
    listed.write_text("term,expansion,note,label\n五多,,,formulation\n", encoding="utf-8")
    before = store_key(listed, True, True)
    listed.write_text("term,expansion,note,label\n五多,,,not\n", encoding="utf-8")
    assert store_key(listed, True, True) != before and store_key(None, True, True) != before


def test_the_token_table_lists_the_protected_terms_cold_and_warm(seed_articles, tmp_path):
    expected = helpers.protected_terms(seed_articles["body"])
    cold = helpers.tokenize(seed_articles, cache_dir=tmp_path, progress=False)
    warm = helpers.tokenize(seed_articles, cache_dir=tmp_path, progress=False)
    assert list(cold.attrs["protected_terms"]) == list(warm.attrs["protected_terms"]) == expected
    # every derived frame shares the kept terms instead of deep-copying them
    assert cold[cold.is_stopword].attrs["protected_terms"] is cold.attrs["protected_terms"]
    assert warm.attrs["segmented_articles"] == 0


def test_findings_are_read_back_when_nothing_changed(seed_articles):
    first = helpers.find_formulations(seed_articles, include_rejected=True)
    again = helpers.find_formulations(seed_articles, include_rejected=True)
    assert again.attrs["from_cache"]
    pd.testing.assert_frame_equal(first, again)
    surer = helpers.find_formulations(seed_articles, include_rejected=True, thresholds={"formulation": 0.9})
    assert not surer.attrs["from_cache"]


def test_findings_take_the_column_types_of_the_articles_they_are_read_for(seed_articles):
    as_objects = seed_articles.astype({"page_id": object, "edition": object})
    helpers.find_formulations(as_objects)
    found = helpers.find_formulations(seed_articles)
    pd.testing.assert_frame_equal(found, helpers.find_formulations(seed_articles, engine="dask"))


def test_an_article_without_candidates_leaves_the_column_types_alone(seed_articles, tmp_path):
    from banmian.formulation_cache import cached_candidates
    from banmian.formulations import candidate_table

    cached_candidates(seed_articles, candidate_table, known=None, cache_dir=tmp_path)
    plain = seed_articles.head(1).assign(article_no=98, headline="天气", body="今天晴，气温适中，适合出行。")
    more = pd.concat([seed_articles, plain], ignore_index=True)
    grown = cached_candidates(more, candidate_table, known=None, cache_dir=tmp_path)
    assert grown.attrs["read_articles"] == 1
    pd.testing.assert_frame_equal(grown, candidate_table(more, known=None))
    again = cached_candidates(more, candidate_table, known=None, cache_dir=tmp_path)
    pd.testing.assert_frame_equal(again, candidate_table(more, known=None))


def test_a_page_without_articles_is_not_split_again_on_every_run(tmp_path):
    folder = tmp_path / "pages"
    shutil.copytree(DATED, folder)
    (folder / "2025-07-08-p4.md").write_text("# 本版责编：吴储岐\n\n\n", encoding="utf-8")  # a crawl's credit-only file
    first, again = load(folder), load(folder)
    assert first.attrs["split_pages"] >= 10 and again.attrs["split_pages"] == 0
    pd.testing.assert_frame_equal(first, again)


def test_keys_that_give_no_rows_are_remembered(tmp_path):
    from banmian.keyed_rows import rows_for_keys

    asked = []

    def compute(positions):
        asked.append(list(positions))
        return pd.DataFrame({"value": [p * 10 for p in positions if p % 2 == 0],
                             "_key": [f"k{p}" for p in positions if p % 2 == 0]})

    store = tmp_path / "store.arrow"
    keys = [f"k{i}" for i in range(5)]
    first, computed = rows_for_keys(store, keys, compute)
    again, computed_again = rows_for_keys(store, keys, compute)
    assert (computed, computed_again) == (5, 0) and asked == [[0, 1, 2, 3, 4]]
    pd.testing.assert_frame_equal(first, again)
    assert again["value"].tolist() == [0, 20, 40]
    more, computed_more = rows_for_keys(store, keys + ["k5"], compute)  # a new key alone is computed
    assert computed_more == 1 and asked[-1] == [5] and more["value"].tolist() == [0, 20, 40]


def test_a_slow_result_is_read_back_only_for_the_same_frame_settings_and_code(tmp_path):
    from banmian.remembered import frame_digest, remembered
    frame = pd.DataFrame({"body": ["甲文", "乙文"], "n": [1, 2], "names": [["张三"], []]}, index=[5, 7])
    calls = []

    def compute():
        calls.append(1)
        return pd.DataFrame({"rows": [len(calls)]})

    first = remembered("probe", frame, {"k": 1}, ("remembered.py",), compute, cache_dir=tmp_path)
    again = remembered("probe", frame.copy(), {"k": 1}, ("remembered.py",), compute, cache_dir=tmp_path)
    assert len(calls) == 1 and again.equals(first)
    for changed, settings in ((frame.assign(body=["甲文", "丙文"]), {"k": 1}), (frame, {"k": 2}),
                              (frame.set_axis([5, 8]), {"k": 1})):
        remembered("probe", changed, settings, ("remembered.py",), compute, cache_dir=tmp_path)
    assert len(calls) == 4  # a cell, a setting or the index changed: computed again
    assert frame_digest(frame) != frame_digest(frame.assign(names=[[], ["李四"]]))  # lists count too
    assert frame_digest(frame) == frame_digest(frame.assign(names=[np.array(["张三"]), np.array([])]))
    words = pd.DataFrame({"w": np.array(["五多", "None", "三前"], dtype=object)})  # text alone, hashed as it is
    assert frame_digest(words) != frame_digest(words.assign(w=np.array(["五多", None, "三前"], dtype=object)))
    assert frame_digest(words) != frame_digest(words.assign(w=np.array(["五多", ["None"], "三前"], dtype=object)))


def test_reprints_credits_and_quoted_phrases_are_read_back_the_same(seed_articles, seed_pages, monkeypatch, tmp_path):
    import banmian.remembered as store
    monkeypatch.setattr(store, "CACHE_DIR", tmp_path)
    copy = seed_articles.assign(page_id=seed_articles.page_id + "-copy")
    both = pd.concat([seed_articles, copy], ignore_index=True)
    cold = helpers.find_reprints(both)
    assert len(list(tmp_path.glob("results/reprints-*.pkl"))) == 1 and len(cold)
    pd.testing.assert_frame_equal(helpers.find_reprints(both), cold)
    same_page = helpers.find_reprints(both, same_page=True)  # the other reading filters the same kept pairs
    assert len(list(tmp_path.glob("results/reprint-pairs-*.pkl"))) == 1 and len(same_page) >= len(cold)
    credits = helpers.page_credits(seed_pages)
    pd.testing.assert_frame_equal(helpers.page_credits(seed_pages), credits)
    phrases = helpers.quoted_phrases(seed_articles)
    pd.testing.assert_frame_equal(helpers.quoted_phrases(seed_articles), phrases)
    report, examples = helpers.cleaning_report(seed_pages), helpers.cleaning_examples(seed_pages, n=3)
    pd.testing.assert_frame_equal(helpers.cleaning_report(seed_pages), report)
    pd.testing.assert_frame_equal(helpers.cleaning_examples(seed_pages, n=3), examples)
    assert len(helpers.cleaning_examples(seed_pages, n=1)) < len(examples)  # n is part of the key
    assert {p.name.split("-")[0] for p in tmp_path.glob("results/*.pkl")} == {
        "reprints", "reprint", "page_credits", "quoted_phrases", "cleaning_report", "cleaning_examples"}


def test_a_string_column_digest_is_its_content_however_it_is_chunked():
    from banmian.remembered import frame_digest
    values = pd.Series(["五多", "三前", None, "基层治理"], dtype="str")
    rechunked = pd.concat([values.iloc[:2], values.iloc[2:]]).reset_index(drop=True)
    assert frame_digest(values) == frame_digest(rechunked)
    assert frame_digest(values) != frame_digest(pd.Series(["五多", "三前", "基层治理", None], dtype="str"))
    assert frame_digest(values) != frame_digest(pd.Series(["五多三", "前", None, "基层治理"], dtype="str"))
    assert frame_digest(values.to_frame("a")) != frame_digest(values.to_frame("b"))


def test_analyses_are_read_back_only_for_the_same_tokens_and_settings(seed_tokens, monkeypatch, tmp_path):
    import banmian.remembered as store
    monkeypatch.setattr(store, "CACHE_DIR", tmp_path)
    fresh = helpers.term_frequencies.__wrapped__(seed_tokens)
    first = helpers.term_frequencies(seed_tokens)
    pd.testing.assert_frame_equal(first, fresh)
    assert len(list(tmp_path.glob("results/term_frequencies-*.pkl"))) == 1
    pd.testing.assert_frame_equal(helpers.term_frequencies(seed_tokens.copy()), fresh)  # read back
    assert len(list(tmp_path.glob("results/term_frequencies-*.pkl"))) == 1
    top = helpers.term_frequencies(seed_tokens, top=3)
    assert top["rank"].max() == 3 and len(list(tmp_path.glob("results/term_frequencies-*.pkl"))) == 2
    changed = seed_tokens.copy()
    changed["token"] = changed["token"].where(changed["token"] != first["token"].iloc[0], "改过的词")
    assert first["token"].iloc[0] not in set(helpers.term_frequencies(changed)["token"])  # a changed token: computed
    for analysis in (helpers.collocations, helpers.keywords):  # kept or computed: the same table
        pd.testing.assert_frame_equal(analysis(seed_tokens), analysis.__wrapped__(seed_tokens))
        pd.testing.assert_frame_equal(analysis(seed_tokens), analysis.__wrapped__(seed_tokens))


def test_an_export_is_written_again_only_when_the_table_or_the_file_changed(monkeypatch, tmp_path):
    import banmian.charts as charts
    monkeypatch.setattr(charts, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr("banmian.paths.OUTPUT_DIR", tmp_path / "out")
    table = pd.DataFrame({"term": ["五多", "三前"], "items": [["会前", "会中"], []], "count": [3, 1]})
    target = tmp_path / "out" / "tables" / "probe.csv"
    helpers.export_csv(table, "probe")
    written = target.stat().st_mtime_ns
    assert target.read_text(encoding="utf-8-sig").splitlines()[1] == "五多,会前、会中,3"
    helpers.export_csv(table.copy(), "probe")
    assert target.stat().st_mtime_ns == written  # the same table: the file is left alone
    target.write_text("edited by hand", encoding="utf-8")
    helpers.export_csv(table, "probe")
    assert target.read_text(encoding="utf-8-sig").startswith("term,items,count")  # the file changed: written again
    helpers.export_csv(table.assign(count=[4, 1]), "probe")
    assert target.read_text(encoding="utf-8-sig").splitlines()[1] == "五多,会前、会中,4"


def test_a_folder_whose_pages_did_not_change_is_read_back_whole(corpus, monkeypatch, tmp_path):
    import banmian.article_cache as article_cache
    import banmian.remembered as store
    monkeypatch.setattr(article_cache, "CACHE_DIR", tmp_path)
    monkeypatch.setattr(store, "CACHE_DIR", tmp_path)
    for n in (1, 2):
        corpus(f"20250601-0{n}-01.txt", f"第{n}篇报道的标题\n\n　　本报讯 这是第{n}篇报道的正文，写了两句话。第二句。\n")
    first = helpers.load_articles(corpus.folder)
    again = helpers.load_articles(corpus.folder)
    assert first.attrs["split_pages"] == 2 and again.attrs["split_pages"] == 0
    assert len(list(tmp_path.glob("results/articles-*.pkl"))) == 1
    pd.testing.assert_frame_equal(first, again)
    corpus("20250601-02-01.txt", "改过的标题\n\n　　本报讯 正文改过了，只有一句。\n")
    changed = helpers.load_articles(corpus.folder)
    assert changed.attrs["split_pages"] == 1 and "改过的标题" in set(changed["headline"])


def test_the_split_summary_counts_each_file(seed_articles):
    report = helpers.split_report(seed_articles)
    summary = helpers.split_summary(report)
    assert summary["articles"].sum() == len(seed_articles)
    assert summary["flagged"].sum() == (report["problems"] != "").sum()
    one = summary.iloc[0]
    rows = report[(report.path == summary.index[0][0]) & (report.layout == summary.index[0][1])]
    assert one["signals"] == ", ".join(sorted(set(rows["signal"])))


def test_quoted_phrases_read_each_unchanged_article_back(seed_articles, monkeypatch, tmp_path):
    from banmian import slogans
    whole = slogans._quoted_phrases(seed_articles, 10, cache_dir=tmp_path)  # every article read
    read = []
    original = slogans._article_phrases
    monkeypatch.setattr(slogans, "_article_phrases", lambda articles, *a, **k: read.append(len(articles))
                        or original(articles, *a, **k))
    pd.testing.assert_frame_equal(slogans._quoted_phrases(seed_articles, 10, cache_dir=tmp_path), whole)
    assert read == []  # nothing new: every article's rows come from the store
    edited = seed_articles.copy()
    edited.loc[edited.index[0], "body"] = edited["body"].iloc[0] + "又提出“新的提法”。"
    again = slogans._quoted_phrases(edited, 10, cache_dir=tmp_path)
    assert read == [1] and "新的提法" in set(again["phrase"])
    direct = original(edited, 10)
    named = set(direct.loc[direct["kind"] == "formulation", "phrase"])
    expected = direct[direct["kind"] == "phrase"].drop(columns="kind").reset_index(drop=True)
    pd.testing.assert_frame_equal(again, expected.assign(is_formulation=expected["phrase"].isin(named)))


def test_term_weights_are_kept_and_only_new_terms_computed(monkeypatch, tmp_path):
    from banmian import formulation_model
    model = formulation_model.load_model()
    terms = ["五多", "三前", "两个维护", "三会一课", "七八"]
    expected = formulation_model._weights_of(terms, model["weights"])
    asked = []
    original = formulation_model._computed_term_weights
    monkeypatch.setattr(formulation_model, "_computed_term_weights",
                        lambda missing, *a, **k: asked.append(list(missing)) or original(missing, *a, **k))
    first = formulation_model._term_weights(terms, model["weights"], cache_dir=tmp_path)
    again = formulation_model._term_weights(terms[::-1] + ["一带一路"], model["weights"], cache_dir=tmp_path)
    assert asked == [terms, ["一带一路"]]
    assert first.tolist() == expected.tolist() and again[:5].tolist() == expected[::-1].tolist()
    other = dict(model["weights"], **{next(iter(model["weights"])): 99.0})  # other weights: another store
    formulation_model._term_weights(terms, other, cache_dir=tmp_path)
    assert asked[-1] == terms


def test_page_credits_parse_only_new_or_changed_pages(seed_pages, monkeypatch, tmp_path):
    import banmian.pages as pages_module
    import banmian.remembered as store
    monkeypatch.setattr(store, "CACHE_DIR", tmp_path)
    monkeypatch.setattr(pages_module, "CACHE_DIR", tmp_path)
    parsed = []
    original = pages_module.parse_page
    monkeypatch.setattr(pages_module, "parse_page", lambda text, *a, **k: parsed.append(text) or original(text, *a, **k))
    first = helpers.page_credits(seed_pages)
    assert len(parsed) == len(seed_pages)
    changed = seed_pages.copy()
    changed.loc[changed.index[0], "text"] = changed["text"].iloc[0] + "\n本版责编：李四\n"
    again = helpers.page_credits(changed)
    assert len(parsed) == len(seed_pages) + 1  # the changed page alone
    assert ("本版责编", "李四") in set(zip(again["role"], again["name"]))
    pd.testing.assert_frame_equal(again[again.page_id != changed.page_id.iloc[0]].reset_index(drop=True),
                                  first[first.page_id != changed.page_id.iloc[0]].reset_index(drop=True))


def test_reprint_signatures_are_kept_per_text(seed_articles, monkeypatch, tmp_path):
    from banmian import reprints
    texts = list(seed_articles["body"])
    first = reprints.kept_signatures(texts, 5, 128, cache_dir=tmp_path)
    hashed = []
    original = reprints._signature.__wrapped__
    monkeypatch.setattr(reprints, "_signature", lambda text, *a: hashed.append(text) or original(text, *a))
    again = reprints.kept_signatures(texts[::-1] + ["一篇新的报道，讲了一件新的事情。"], 5, 128, cache_dir=tmp_path)
    assert hashed == ["一篇新的报道，讲了一件新的事情。"]
    assert all((a == b).all() for a, b in zip(first[::-1], again))
    assert all((a == original(text, 5, 128)[1].hashvalues).all() for a, text in zip(first, texts) if len(a))


def test_term_facts_are_kept_and_only_new_terms_computed(monkeypatch, tmp_path):
    from banmian import formulation_cache
    from banmian.formulations import term_facts
    monkeypatch.setattr(formulation_cache, "CACHE_DIR", tmp_path)
    asked = []

    def counting(terms):
        asked.extend(terms)
        return term_facts(terms)
    first = formulation_cache.kept_term_facts(["五多", "三会一课", "双报到"], counting)
    assert asked == ["五多", "三会一课", "双报到"]
    assert first["number"].tolist() == ["5", "3+1", "2"] and first["family"].tolist()[1] == "multi-number formula"
    again = formulation_cache.kept_term_facts(["千万工程", "五多", "双报到"], counting)
    assert asked[3:] == ["千万工程"]  # the others read back
    pd.testing.assert_frame_equal(again, term_facts(["千万工程", "五多", "双报到"]))


def test_per_term_stores_keep_a_corpus_while_a_small_set_is_scored(monkeypatch, tmp_path):
    """Notebook 03 scores the small written evaluation set between two runs on a corpus: the corpus's
    term weights and term facts stay in their stores, so the next run computes no term again."""
    from banmian import formulation_cache, formulation_model
    from banmian.formulations import term_facts
    monkeypatch.setattr(formulation_cache, "CACHE_DIR", tmp_path)
    weights = formulation_model.load_model()["weights"]
    corpus = [f"{n}个{w}" for n in "一二三四五六七八九十" for w in ("坚持", "统筹", "落实", "服务", "保障")]
    written = ["五多", "三前"]
    asked_weights, asked_facts = [], []
    original = formulation_model._computed_term_weights
    monkeypatch.setattr(formulation_model, "_computed_term_weights",
                        lambda missing, *a, **k: asked_weights.append(list(missing)) or original(missing, *a, **k))

    def facts(terms):
        asked_facts.append(list(terms))
        return term_facts(terms)
    for terms in (corpus, written, corpus):
        formulation_model._term_weights(terms, weights, cache_dir=tmp_path)
        formulation_cache.kept_term_facts(terms, facts)
    assert asked_weights == [corpus, written] and asked_facts == [corpus, written]


def test_a_shared_store_drops_other_keys_past_its_bound(tmp_path):
    from banmian.keyed_rows import rows_for_keys
    store = tmp_path / "store.arrow"

    def run(keys, keep_at_least=0):
        rows_for_keys(store, keys, lambda positions: pd.DataFrame({"_key": [keys[i] for i in positions], "n": positions}),
                      keep_others=True, keep_at_least=keep_at_least)
        return sorted(pd.read_feather(store)["_key"])
    corpus = [f"k{i}" for i in range(8)]
    assert run(corpus) == corpus
    assert run(["small"], keep_at_least=100) == corpus + ["small"]  # within the bound: the corpus's keys stay
    assert run(["other"], keep_at_least=5) == ["other"]  # past it, and outnumbered three to one: dropped


def test_a_store_of_many_row_groups_reads_back_in_key_order(tmp_path):
    """A large store comes back in several chunks (record batches); rows still follow the keys asked
    for, only missing keys are computed, and list columns come back as lists."""
    import pyarrow as pa
    import pyarrow.feather as feather
    from banmian.keyed_rows import rows_for_keys
    stored = pd.DataFrame({"_key": [f"k{i}" for i in range(10)], "n": range(10), "items": [[i, i] for i in range(10)]})
    feather.write_feather(pa.Table.from_pandas(stored, preserve_index=False), tmp_path / "store.arrow", chunksize=3)
    computed = []

    def compute(positions):
        computed.extend(positions)
        return pd.DataFrame({"_key": ["new"] * len(positions), "n": [-1] * len(positions),
                             "items": [[0]] * len(positions)})
    rows, count = rows_for_keys(tmp_path / "store.arrow", ["k7", "new", "k2", "k9"], compute, list_columns=["items"])
    assert rows["n"].tolist() == [7, -1, 2, 9] and rows["items"].tolist() == [[7, 7], [0], [2, 2], [9, 9]]
    assert count == 1 and computed == [1]


def test_a_folder_of_pages_is_read_once_until_a_file_changes(monkeypatch, tmp_path, capsys):
    """load_pages keeps a folder's table by its files' paths, sizes and times: a second load reads no
    file and says the same lines and warnings; a file rewritten with the same size and its old
    modification time is still seen (its change time moved), and so is a new file; only the
    changed and new files are read again."""
    import warnings
    from banmian import page_files
    monkeypatch.setattr(page_files, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(page_files, "SETTLED_NS", 300_000_000)  # files older than 0.3 s are trusted, not 2 s
    corpus = tmp_path / "crawl"
    (corpus / "20240105").mkdir(parents=True)
    (corpus / "20240105" / "20240105-01-01.txt").write_text("中俄两国元首互致新年贺电\n\n新年之际，两国元首互致贺电。\n", encoding="utf-8")
    (corpus / "notes.txt").write_text("一份没有日期的稿件。\n", encoding="utf-8")
    (corpus / "20240105" / "20240105-03-01.txt").write_bytes("本报讯　第三版的稿件，\x00夹着一个空字节。\n".encode())
    past = time.time() - 3600
    for file in corpus.rglob("*.txt"):
        os.utime(file, (past, past))
    time.sleep(0.4)  # setting the time is a change too (of the change time)
    decoded = []
    original = page_files.decode_page
    monkeypatch.setattr(page_files, "decode_page", lambda data, shown: decoded.append(shown) or original(data, shown))

    def load():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            pages = page_files.load_pages(corpus)
        return pages, capsys.readouterr().out, [str(w.message) for w in caught]
    def fresh():  # the same folder read without any kept reading (not counted)
        counted = len(decoded)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            table = page_files._read_pages(corpus, page_files._walk(corpus), False, False, [])
        del decoded[counted:]
        return table

    first, said, warned = load()
    assert len(decoded) == 3 and "2 files not in pages.csv" in said and any("notes.txt" in w for w in warned)
    assert any("20240105-03-01.txt: 1 stray NUL byte(s) removed" in w for w in warned)
    again, said_again, warned_again = load()
    assert len(decoded) == 3  # nothing read
    pd.testing.assert_frame_equal(again, first)
    assert (said_again, warned_again) == (said, warned) and again.attrs == first.attrs
    page = corpus / "20240105" / "20240105-01-01.txt"
    page.write_text(page.read_text(encoding="utf-8").replace("两国元首", "两国总理"), encoding="utf-8")  # same size
    os.utime(page, (past, past))
    time.sleep(0.4)
    changed, _, warned_changed = load()
    assert decoded[3:] == [page_files.display_path(page)]  # the changed file alone is read
    assert "两国总理" in changed.set_index("page_id").loc["20240105-01-01", "text"]
    assert warned_changed == warned  # the unchanged file's decoding is reported again
    pd.testing.assert_frame_equal(changed, fresh())
    (corpus / "20240105" / "20240105-02-01.txt").write_text("第二版的稿件。\n", encoding="utf-8")
    with_new, _, _ = load()
    assert len(with_new) == 4 and len(decoded) == 5
    load()
    assert len(decoded) == 6  # a file changed in the last moment: the table is not kept yet, that file read again
    time.sleep(0.4)
    settled, _, _ = load()
    assert len(decoded) == 7
    pd.testing.assert_frame_equal(settled, fresh())
    (corpus / "lost.txt").symlink_to(corpus / "nowhere.txt")  # a link that leads nowhere: no file, a warning
    _, _, warned_now = load()
    assert any("lost.txt" in w and "broken symbolic link" in w for w in warned_now)
