"""The Dask path gives the same tables as the pandas path (on the dated test corpus)."""
import warnings
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import helpers

DATED = Path(__file__).parent / "dated" / "pages"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", helpers.PageWarning)
        articles = helpers.load_articles(DATED)
    cache = tmp_path_factory.mktemp("cache")
    pandas_tokens = helpers.tokenize(articles, cache_dir=cache, progress=False)
    dask_tokens = helpers.tokenize(articles, cache_dir=tmp_path_factory.mktemp("dask-cache"), progress=False,
                                   engine="dask")
    return articles, pandas_tokens, dask_tokens


def test_dask_tokens_are_the_pandas_tokens(corpus):
    _, tokens, on_dask = corpus
    assert on_dask.npartitions > 1
    computed = on_dask.compute()  # the dask table is in file (date) order: compare article by article
    order = ["page_id", "edition", "article_no", "position"]
    tokens = tokens.astype({"page_id": str, "edition": str}).sort_values(order, ignore_index=True)
    computed = computed.astype({"page_id": str, "edition": str}).sort_values(order, ignore_index=True)
    for column in tokens.columns:
        assert computed[column].astype(str).tolist() == tokens[column].astype(str).tolist(), column


@pytest.mark.parametrize("by", [None, "edition", "date"])
def test_term_frequencies(corpus, by):
    _, tokens, on_dask = corpus
    a, b = helpers.term_frequencies(tokens, by=by), helpers.term_frequencies(on_dask, by=by)
    if by:
        a, b = a.astype({by: str}), b.astype({by: str})
    assert_frame_equal(a, b, check_dtype=False)


def test_keyness(corpus):
    articles, tokens, on_dask = corpus
    target, reference, _ = helpers.comparison_groups(articles)
    assert_frame_equal(helpers.keyness(tokens, target, reference), helpers.keyness(on_dask, target, reference))


@pytest.mark.parametrize("freq", ["M", "D", None])
def test_term_trends(corpus, freq):
    _, tokens, on_dask = corpus
    terms = helpers.suggest_terms(tokens)
    a, b = helpers.term_trends(tokens, terms, freq), helpers.term_trends(on_dask, terms, freq)
    assert_frame_equal(a, b, check_dtype=False)
    assert a.attrs == b.attrs


def test_find_formulations(corpus):
    articles, _, _ = corpus
    assert_frame_equal(helpers.find_formulations(articles), helpers.find_formulations(articles, engine="dask"))


def test_an_unknown_engine_is_named(corpus):
    articles, _, _ = corpus
    with pytest.raises(ValueError, match="engine must be 'pandas' or 'dask'"):
        helpers.tokenize(articles.head(2), engine="spark", progress=False)


def test_term_trends_with_an_undated_token_file(tmp_path):
    """An undated article's token file counts nothing on the timeline; its empty part must not turn
    the counts into objects (a real month of a daily failed there)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", helpers.PageWarning)
        articles = helpers.load_articles(DATED)
    undated = articles.head(1).assign(page_id="undated-page", date="", article_no=1)
    articles = pd.concat([articles, undated], ignore_index=True)
    tokens = helpers.tokenize(articles, cache_dir=tmp_path / "a", progress=False)
    on_dask = helpers.tokenize(articles, cache_dir=tmp_path / "b", progress=False, engine="dask")
    terms = helpers.suggest_terms(tokens)
    assert_frame_equal(helpers.term_trends(tokens, terms, "M"), helpers.term_trends(on_dask, terms, "M"),
                       check_dtype=False)


def test_a_table_on_dask_needs_no_cluster(corpus, monkeypatch):
    """Without a connected or configured cluster, reading the token files for a table runs on
    threads here (no LocalCluster to start), with the same result; the dtypes are the pandas path's."""
    import banmian.scale as scale
    _, tokens, on_dask = corpus
    monkeypatch.setattr(scale, "session_client", lambda: None)
    terms = helpers.suggest_terms(tokens)
    assert_frame_equal(helpers.term_trends(tokens, terms, "M"), helpers.term_trends(on_dask, terms, "M"),
                       check_dtype=False)
    part = on_dask.partitions[0].compute()

    def kinds(frame):  # a file's categories are its own: compare the kind of each column
        return {c: ("category", str(d.categories.dtype)) if isinstance(d, pd.CategoricalDtype) else str(d)
                for c, d in frame.dtypes.items()}
    assert kinds(part) == kinds(tokens)


def test_a_table_of_dask_token_files_is_kept_by_the_files(corpus, monkeypatch, tmp_path):
    """A Dask token table is keyed by its content-named files: the same files read again give the kept
    result; a file written again (new protected terms keep its name) or a derived frame is not the same."""
    import os

    import banmian.remembered as store
    from banmian.remembered import frame_digest
    articles, tokens, _ = corpus
    monkeypatch.setattr(store, "CACHE_DIR", tmp_path / "kept")
    first = helpers.tokenize(articles, cache_dir=tmp_path, progress=False, engine="dask")
    again = helpers.tokenize(articles, cache_dir=tmp_path, progress=False, engine="dask")
    assert frame_digest(first) == frame_digest(again)
    terms = helpers.suggest_terms(tokens)
    table = helpers.term_trends(first, terms, "M")
    assert_frame_equal(helpers.term_trends(again, terms, "M"), table)
    assert len(list(tmp_path.glob("kept/results/term_trends-*.pkl"))) == 1  # read back, not computed again
    assert_frame_equal(table, helpers.term_trends.__wrapped__(again, terms, "M"))
    assert store.files_digest(first[~first.is_stopword]) is None  # derived: computed as before
    rewritten = sorted(tmp_path.glob("tokens/*.parquet"))[0]
    os.utime(rewritten, ns=(rewritten.stat().st_atime_ns, rewritten.stat().st_mtime_ns + 10**9))
    later = helpers.tokenize(articles, cache_dir=tmp_path, progress=False, engine="dask")
    assert frame_digest(later) != frame_digest(first)


def as_text(table: pd.DataFrame) -> pd.DataFrame:
    """A table with its text and category columns as plain text, its index as a column: the Dask path
    gathers files whose categories differ."""
    table = table.reset_index() if table.index.name else table
    return table.astype({c: str for c, d in table.dtypes.items() if d == object or isinstance(d, pd.CategoricalDtype)
                         or pd.api.types.is_string_dtype(d)})


@pytest.mark.parametrize("analysis", ["filter_summary", "keywords", "collocations"])
def test_counts_of_notebook_02_on_dask_are_the_pandas_tables(corpus, analysis):
    _, tokens, on_dask = corpus
    function = getattr(helpers, analysis).__wrapped__
    assert_frame_equal(as_text(function(on_dask)), as_text(function(tokens)), check_dtype=False)


def test_compare_keywords_on_dask(corpus):
    articles, tokens, on_dask = corpus
    page = articles[articles.page_id == articles.page_id.iloc[0]]
    assert_frame_equal(helpers.compare_keywords(page, on_dask, top=5), helpers.compare_keywords(page, tokens, top=5))


@pytest.mark.parametrize("analysis", ["latest_period_keyness", "first_seen", "moving_terms", "suggest_terms"])
def test_analyses_of_notebook_05_on_dask_are_the_pandas_tables(corpus, analysis):
    _, tokens, on_dask = corpus
    function = getattr(helpers, analysis)
    function = getattr(function, "__wrapped__", function)
    on_pandas, on_files = function(tokens), function(on_dask)
    if isinstance(on_pandas, list):
        assert on_files == on_pandas and on_pandas
    else:
        assert (len(on_pandas) or analysis == "moving_terms") and on_files.attrs == on_pandas.attrs  # nothing moves enough here
        assert_frame_equal(as_text(on_files), as_text(on_pandas), check_dtype=False)


@pytest.mark.parametrize("analysis", ["dispersion", "front_page_terms", "first_seen"])
def test_analyses_of_followed_terms_on_dask_are_the_pandas_tables(corpus, analysis):
    _, tokens, on_dask = corpus
    terms = helpers.suggest_terms(tokens) + ["五多", "没有这个词"]
    function = getattr(helpers, analysis).__wrapped__
    on_pandas, on_files = function(tokens, terms), function(on_dask, terms)
    assert len(on_pandas) and on_files.attrs.keys() == on_pandas.attrs.keys()
    assert_frame_equal(as_text(on_files), as_text(on_pandas), check_dtype=False)


def test_the_terms_kept_whole_are_known_on_dask(corpus):
    _, tokens, on_dask = corpus
    assert helpers.kept_terms(on_dask) == helpers.kept_terms(tokens) and len(helpers.kept_terms(tokens))


def test_tasks_on_token_files_keep_their_results_by_the_files(corpus, monkeypatch, tmp_path):
    """map_files keeps each task's result under its files' names: a rerun reads no token file, a
    new or rewritten file is read again alone, and the table equals the one computed from scratch."""
    import os

    from banmian import scale
    articles, tokens, _ = corpus
    monkeypatch.setattr(scale, "CACHE_DIR", tmp_path / "kept")
    on_dask = helpers.tokenize(articles, cache_dir=tmp_path, progress=False, engine="dask")
    read = []
    original = scale.read_token_file
    monkeypatch.setattr(scale, "session_client", lambda: None)  # tasks on threads here, where the reads are seen
    monkeypatch.setattr(scale, "read_token_file", lambda path: read.append(path) or original(path))
    terms = helpers.suggest_terms(tokens)
    first = helpers.dispersion.__wrapped__(on_dask, terms)
    assert set(read) == {str(p) for p in tmp_path.glob("tokens/*.parquet")}
    computed = len(read)
    assert_frame_equal(helpers.dispersion.__wrapped__(on_dask, terms), first)
    assert len(read) == computed  # every task's result read back
    rewritten = sorted(tmp_path.glob("tokens/*.parquet"))[0]
    os.utime(rewritten, ns=(rewritten.stat().st_atime_ns, rewritten.stat().st_mtime_ns + 10**9))
    later = helpers.tokenize(articles, cache_dir=tmp_path, progress=False, engine="dask")
    computed = len(read)
    assert_frame_equal(helpers.dispersion.__wrapped__(later, terms), first)
    # read again: the rewritten file for its own task, and the files of its group of eight for the dates
    assert read[computed:].count(str(rewritten)) == 2 and len(read) - computed == 1 + min(8, on_dask.npartitions)
    assert_frame_equal(helpers.dispersion.__wrapped__(later, terms[:1]), helpers.dispersion.__wrapped__(tokens, terms[:1]))
    scale.prune_file_results(keep=2)
    assert len(list((tmp_path / "kept" / "results" / "files").glob("*.pkl"))) == 2
