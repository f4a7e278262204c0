"""Bad or unusual input: the right text or a warning naming the file and the problem, never a
raw traceback, lost rows or a write into the sources."""
import hashlib
import os
import re
import signal
import subprocess
import sys
import time
import warnings

import pandas as pd
import pytest

import helpers
from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import evaluate  # noqa: E402

DEVSET = ROOT / "tests" / "devset"
GOOD = "## 社区新闻\n\n本报讯（记者 张三）居民议事会昨日召开。\n"


def load_quietly(source, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pages = helpers.load_pages(source, **kwargs)
    return pages, [str(w.message) for w in caught]


def fingerprint(folder):
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


# --------------------------------------------------------------------------- encodings

def test_generated_gb18030_and_big5_samples_decode_exactly_or_say_they_are_guesses():
    table = evaluate.evaluate_decoding(evaluate.devset_texts(), n=400)
    assert table.samples.sum() >= 1200 and table["silently wrong"].sum() == 0, table
    assert table.guessed.sum() / table.samples.sum() < 0.05  # a guess is the exception, not the rule


def test_a_guess_is_named_in_a_warning():
    with pytest.warns(helpers.PageWarning, match=r"p\.txt: encoding guessed: read as GB18030 \(“广告”\), but as BIG5"):
        assert helpers.decode_page("广告".encode("gbk"), "p.txt") == ("广告", "gb18030 (guessed)")


@pytest.mark.parametrize("word", ["广告", "河津市", "图片报道", "故宫首开", "讯员", "全"])
def test_short_gbk_pages_read_as_chinese_or_are_flagged(corpus, word):
    corpus("short.txt", word, "gbk")
    pages, messages = load_quietly(corpus.folder)
    assert pages.loc[0, "text"] == word
    if pages.loc[0, "encoding"] != "gb18030":
        assert pages.loc[0, "encoding"] == "gb18030 (guessed)"
        assert any("short.txt: encoding guessed" in m for m in messages)


def test_utf16_without_bom_needs_evidence():
    page = "葫芦岛社区\n居民议事会昨日召开。\n"
    assert helpers.decode_page(page.encode("utf-16-le"), "p.txt") == (page, "utf-16-le")
    text, encoding = helpers.decode_page("故宫首开".encode("gbk"), "p.txt")  # even length, no NUL: not UTF-16
    assert (text, encoding) == ("故宫首开", "gb18030")


def test_a_stray_nul_byte_is_removed_with_a_warning(corpus):
    corpus("nul.txt", GOOD.encode("utf-8").replace("居民".encode(), "居民".encode() + b"\x00"))
    corpus("gbk-nul.txt", GOOD.encode("gbk").replace("居民".encode("gbk"), "居民".encode("gbk") + b"\x00"))
    pages, messages = load_quietly(corpus.folder)
    assert list(pages.text) == [GOOD, GOOD]
    assert any("nul.txt: 1 stray NUL byte(s) removed" in m for m in messages)
    assert any("gbk-nul.txt: 1 stray NUL byte(s) removed" in m for m in messages)


@pytest.mark.parametrize("name, content, read, expected", [
    ("pages.csv", "file,page_id,edition,paper\np.txt,p1,A,运城日报\n",
     lambda path: list(helpers.load_pages(path.parent).paper), ["运城日报"]),
    ("userdict.txt", "葫芦岛社区 20 ns\n", helpers.read_userdict, [("葫芦岛社区", 20, "ns")]),
    ("stopwords_extra.txt", "居民\n", lambda path: "居民" in helpers.stopword_list(path), True),
    ("formulations.csv", "term,expansion,note\n三前,会前、会中、会后,本地\n",
     lambda path: list(helpers.read_known_formulations(path).expansion), ["会前、会中、会后"]),
])
def test_settings_files_saved_as_gbk_are_read(corpus, name, content, read, expected):
    corpus("p.txt", GOOD)
    path = corpus(name, content, "gbk")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", helpers.PageWarning)
        assert read(path) == expected


def test_unreadable_settings_file_names_itself_and_the_fix(corpus):
    corpus("p.txt", GOOD)
    bad = corpus("userdict.txt", b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)) * 4)
    with pytest.raises(helpers.PageError, match=r"userdict\.txt: this user dictionary cannot be read .*save it as UTF-8"):
        helpers.read_userdict(bad)


# --------------------------------------------------------------------------- lost rows and pages

def test_an_unclosed_quote_in_pages_csv_skips_one_row_not_the_rest(corpus):
    corpus("a.txt", GOOD)
    corpus("b.txt", GOOD.replace("张三", "李四"))
    corpus("c.txt", GOOD.replace("张三", "王五"))
    (corpus.folder / "pages.csv").write_text(
        'file,page_id,edition,paper\na.txt,p1,A,"运城日报\nb.txt,p1,B,运城日报\nc.txt,p2,A,运城日报\n', encoding="utf-8")
    pages, messages = load_quietly(corpus.folder)
    assert any(re.search(r"pages\.csv line 2: a quote .* never closed; row skipped", m) for m in messages)
    listed = pages[pages.metadata == "manifest"]
    assert sorted(zip(listed.page_id, listed.edition)) == [("p1", "B"), ("p2", "A")]
    assert "a.txt" in " ".join(pages.path)  # the file of the broken row still loads, from its name


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_links_and_folders_named_like_pages_are_reported_or_read(corpus, tmp_path):
    corpus("good.txt", GOOD)
    (corpus.folder / "loop.txt").symlink_to("loop.txt")
    (corpus.folder / "broken.txt").symlink_to("missing.txt")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "x.txt").write_text(GOOD, encoding="utf-8")
    (corpus.folder / "linked").symlink_to(elsewhere, target_is_directory=True)
    (corpus.folder / "folder.txt").mkdir()
    (corpus.folder / "folder.txt" / "inner.txt").write_text(GOOD, encoding="utf-8")
    pages, messages = load_quietly(corpus.folder)
    assert sorted(pages.page_id) == ["good", "inner"]
    problems = " | ".join(helpers.load_problems(pages).problem + " @ " + helpers.load_problems(pages).file)
    assert "symbolic link loop; skipped @" in problems and "loop.txt" in problems
    assert "broken symbolic link" in problems and "broken.txt" in problems
    assert any("linked: a symbolic link to a folder; not followed" in m for m in messages)


@pytest.mark.parametrize("page", [
    "本省召开经济工作会议\n乡村振兴新画卷\n春耕时节备耕忙\n这里的黎明静悄悄\n",
    "## 一版\n## 二版要闻\n## 三版经济观察\n## 四版文化周刊\n## 五版体育新闻\n",
    "## 本报记者走基层\n\n## 乡村振兴新画卷\n\n## 春耕时节备耕忙\n\n## 这里的黎明静悄悄\n",
    "本省召开经济工作会议\n\n\n\n乡村振兴新画卷\n\n\n\n春耕时节备耕忙\n\n\n\n这里的黎明静悄悄\n",
    "图片报道\n\n乡村振兴新画卷\n\n广告\n\n这里的黎明静悄悄\n",
])
def test_a_page_of_only_headlines_keeps_every_line(corpus, page):
    corpus("headlines.txt", page)
    pages, _ = load_quietly(corpus.folder)
    articles = helpers.split_articles(pages)
    kept = " ".join([*articles[["kicker", "headline", "subtitle", "byline", "body"]].to_numpy().ravel(),
                     *helpers.page_labels(pages).label])
    for line in page.splitlines():
        assert line.strip("# ") in kept


def test_no_line_of_the_development_set_or_the_seeds_is_lost():
    """Every line's Chinese text ends up in some column (photo credits as photographer)."""
    han = re.compile(r"[\u4e00-\u9fff]+")
    for folder in ["site", "markdown", "plain", "ocr"]:
        pages, _ = load_quietly(DEVSET / folder)
        for source in [pages, helpers.load_pages(ROOT / "corpus")] if folder == "site" else [pages]:
            articles = helpers.split_articles(source)
            fields = articles[["kicker", "headline", "subtitle", "byline", "raw_body", "body"]].to_numpy().ravel().tolist()
            fields += [" ".join(c) for c in articles.captions] + [" ".join(p) for p in articles.photographer]
            fields += [" ".join(map(str, r)) for r in helpers.page_credits(source).to_numpy()]
            kept = "".join(han.findall(helpers.clean_text(" ".join(fields) + " ".join(helpers.page_labels(source).label))))
            for text in source.text:
                for line in text.splitlines():
                    line = re.sub(r"(本报)?(记者|通讯员)?\s*([\u4e00-\u9fff]{2,4})\s*摄$", r"\3", line.strip())
                    assert "".join(han.findall(helpers.clean_text(line))) in kept, line


def test_an_empty_corpus_says_no_pages_were_found(tmp_path):
    with pytest.raises(helpers.PageError, match=r"no pages found"):
        helpers.load_pages(tmp_path)


def test_file_names_with_dates_and_page_numbers_are_two_pages_not_two_editions(corpus):
    corpus("人民日报 2020.01.17 第1版.txt", GOOD)
    corpus("人民日报 2020.01.17 第2版.txt", GOOD.replace("张三", "李四"))
    pages, _ = load_quietly(corpus.folder)
    assert set(pages.edition) == {"A"} and pages.page_id.nunique() == 2
    assert list(pages.date) == ["2020-01-17"] * 2 and sorted(pages.page_no) == ["1", "2"]


# --------------------------------------------------------------------------- API edges

@pytest.mark.parametrize("query, regex, message", [
    ("", False, "needs a word"), ("a*", True, "matches the empty string"), ("(", True, "not a valid regular"),
])
def test_kwic_refuses_queries_that_match_nothing_or_everything(seed_articles, query, regex, message):
    with pytest.raises(ValueError, match=message):
        helpers.kwic(seed_articles, query, regex=regex)


@pytest.mark.parametrize("name", ["../../x", "/tmp/x", "..", ".hidden", "a/b", ""])
def test_exports_stay_inside_output(name):
    before = fingerprint(ROOT / "corpus")
    with pytest.raises(ValueError, match="plain file name"):
        helpers.export_csv(pd.DataFrame({"a": [1]}), name)
    with pytest.raises(ValueError, match="plain file name"):
        helpers.export_text("x", name)
    assert fingerprint(ROOT / "corpus") == before


def test_reconcile_with_an_unknown_base_is_a_clear_error(seed_articles):
    with pytest.raises(ValueError, match=r"base 'C' must be one of the two editions compared, 'A' or 'B'"):
        helpers.reconcile(seed_articles, "A", "B", base="C")


def test_a_cache_folder_that_is_a_file_only_costs_the_cache(seed_articles, tmp_path):
    blocker = tmp_path / "cache"
    blocker.write_text("not a folder")
    with pytest.warns(helpers.PageWarning, match=r"cache is a file, not the kit's cache folder"):
        tokens = helpers.tokenize(seed_articles.head(2), cache_dir=blocker, progress=False)
    assert len(tokens) > 0 and blocker.read_text() == "not a folder"


def test_a_damaged_cache_is_set_aside_and_rebuilt(seed_articles, tmp_path):
    cache = tmp_path / "cache"
    first = helpers.tokenize(seed_articles.head(2), cache_dir=cache, progress=False)
    for damaged in (cache / "tokens").glob("*.parquet"):
        damaged.write_bytes(damaged.read_bytes()[:100])
    with pytest.warns(helpers.PageWarning, match=r"\.parquet was damaged"):
        tokens = helpers.tokenize(seed_articles.head(2), cache_dir=cache, progress=False)
    assert tokens.attrs["segmented_articles"] == 2 and tokens.equals(first)
    assert helpers.tokenize(seed_articles.head(2), cache_dir=cache, progress=False).attrs["segmented_articles"] == 0


def test_a_cache_file_damaged_inside_or_left_unfinished_is_rebuilt(seed_articles, tmp_path):
    cache = tmp_path / "cache"
    two_pages = seed_articles.head(2).assign(page_id=["page-1", "page-2"])  # two files
    first = helpers.tokenize(two_pages, cache_dir=cache, progress=False)
    damaged, unfinished = sorted((cache / "tokens").glob("*.parquet"))
    data = bytearray(damaged.read_bytes())
    data[4:len(data) - 100] = b"\x07" * (len(data) - 104)  # same size, pages garbled
    damaged.write_bytes(bytes(data))
    unfinished.with_suffix(".json").unlink()  # as if its writer had been killed before the sidecar
    with pytest.warns(helpers.PageWarning, match=r"\.parquet was damaged"):
        tokens = helpers.tokenize(two_pages, cache_dir=cache, progress=False)
    assert tokens.attrs["segmented_articles"] == 2 and tokens.equals(first)


def test_a_deleted_cache_is_rebuilt(seed_articles, tmp_path):
    cache = tmp_path / "cache"
    first = helpers.tokenize(seed_articles.head(2), cache_dir=cache, progress=False)
    import shutil
    shutil.rmtree(cache)
    again = helpers.tokenize(seed_articles.head(2), cache_dir=cache, progress=False)
    assert again.attrs["segmented_articles"] == 2 and again.equals(first)


KILLED_RUN = """
import sys, tempfile, threading, multiprocessing
sys.path.insert(0, {root!r})
import pandas as pd
from banmian.tokens import tokenize
bodies = ["第{{}}次居民议事会在社区召开，大家围绕基层治理提出建议。".format(i) * 40 for i in range(4000)]
articles = pd.DataFrame({{"page_id": ["p{{}}".format(i) for i in range(4000)], "edition": "A", "article_no": 1,
                         "headline": "", "body": bodies}})
threading.Thread(target=tokenize, kwargs=dict(articles=articles, cache_dir=tempfile.mkdtemp(), workers=2,
                                              progress=False), daemon=True).start()
while len(multiprocessing.active_children()) < 2:
    pass
print(" ".join(str(p.pid) for p in multiprocessing.active_children()), flush=True)
threading.Event().wait()
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as handle:
            return "\nState:\tZ" not in handle.read()
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_stop_when_their_run_is_killed():
    run = subprocess.Popen([sys.executable, "-c", KILLED_RUN.format(root=str(ROOT))], stdout=subprocess.PIPE, text=True)
    workers = [int(pid) for pid in run.stdout.readline().split()]
    assert len(workers) >= 2
    run.send_signal(signal.SIGKILL)
    run.wait()
    deadline = time.time() + 15
    while time.time() < deadline and any(map(_alive, workers)):
        time.sleep(0.2)
    assert not any(map(_alive, workers))
