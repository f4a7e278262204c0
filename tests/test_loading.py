import warnings

import pandas as pd
import pytest

import helpers
from conftest import ROOT

PAGE = (ROOT / "seeds" / "004_43ed4930b0e6bc69.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("codec, expected", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030"), ("gbk", "gb18030"),
    ("utf-16", "utf-16"), ("utf-16-le", "utf-16-le"), ("utf-16-be", "utf-16-be"),
])
def test_every_common_encoding_loads_to_the_same_text(corpus, codec, expected):
    corpus(f"page.{codec}.txt", PAGE, codec)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", helpers.PageWarning)
        pages = helpers.load_pages(corpus.folder)
    assert pages.loc[0, "text"] == PAGE
    assert pages.loc[0, "encoding"] == expected


def test_short_gbk_page_is_not_taken_for_korean():
    text, encoding = helpers.decode_page("本版责编 曹欣怡\n校对 李楠\n".encode("gbk"), "p.txt")
    assert (text, encoding) == ("本版责编 曹欣怡\n校对 李楠\n", "gb18030")


def test_big5_page_loads():
    text = "臨猗縣葫蘆島社區黨建引領基層治理觀察。居民們交口稱讚。"
    assert helpers.decode_page(text.encode("big5"), "p.txt") == (text, "big5")


@pytest.mark.parametrize("content, problem", [
    (b"", "empty page"),
    (b"  \n\r\n\t \n", "empty page"),
    ("\n\n".encode("utf-16"), "empty page"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "binary file"),
    ("社区，居民".encode() + b"\xff\xfe\xfd" + "党员。".encode(), "undecodable bytes"),
])
def test_bad_file_is_skipped_with_a_warning_naming_it(corpus, content, problem):
    corpus("good.txt", "## 标题\n\n本报讯（记者 张三）正文。\n")
    bad = corpus("bad.txt", content)
    with pytest.warns(helpers.PageWarning, match=rf"bad\.txt: {problem}"):
        pages = helpers.load_pages(corpus.folder)
    assert list(pages.page_id) == ["good"]
    problems = helpers.load_problems(pages)
    assert len(problems) == 1 and problems.loc[0, "file"].endswith(bad.name)
    assert problem in problems.loc[0, "problem"]
    with pytest.raises(helpers.PageError, match=rf"bad\.txt: {problem}"):
        helpers.load_pages(corpus.folder, strict=True)


def test_undecodable_error_says_where():
    with pytest.raises(helpers.PageError, match=r"byte ff at offset 15"):
        helpers.decode_page("社区，居民".encode() + b"\xff" + "党员。".encode(), "p.txt")


def write_manifest(folder, rows):
    pd.DataFrame(rows).to_csv(folder / "pages.csv", index=False)


def test_manifest_metadata_and_paths_outside_the_corpus(corpus, tmp_path):
    outside = tmp_path / "elsewhere" / "p.txt"
    outside.parent.mkdir()
    outside.write_text("标题\n\n正文。", encoding="utf-8")
    write_manifest(corpus.folder, [{"file": "../elsewhere/p.txt", "page_id": "p1", "edition": "X",
                                    "paper": "运城日报", "date": "2025-06-20", "page_no": "3", "source": "s"}])
    with pytest.warns(helpers.PageWarning, match=r"line 2: lists \.\./elsewhere/p\.txt, which is outside the corpus"):
        refused = helpers.load_pages(corpus.folder)
    assert refused.empty and "outside" in helpers.load_problems(refused).problem[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pages = helpers.load_pages(corpus.folder, allow_outside=True)
    row = pages.iloc[0]
    assert (row.page_id, row.edition, row.paper, row.date, row.page_no, row.metadata) == \
        ("p1", "X", "运城日报", "2025-06-20", "3", "manifest")


def test_manifest_row_pointing_at_a_private_file_is_refused(corpus):
    corpus("p.txt", "标题\n\n正文。")
    write_manifest(corpus.folder, [{"file": "../../../../../../../../etc/passwd", "page_id": "x", "edition": "A"},
                                   {"file": "p.txt", "page_id": "p", "edition": "A"}])
    with pytest.warns(helpers.PageWarning, match="outside the corpus and project folders; refused"):
        articles = helpers.load_articles(corpus.folder)
    assert list(articles.page_id) == ["p"] and "root:" not in " ".join(articles.body)


def test_manifest_row_pointing_at_a_missing_file_warns_and_the_rest_loads(corpus):
    corpus("there.txt", "标题\n\n正文。")
    write_manifest(corpus.folder, [{"file": "gone.txt", "page_id": "g", "edition": "A"},
                                   {"file": "there.txt", "page_id": "t", "edition": "A"}])
    with pytest.warns(helpers.PageWarning, match=r"pages\.csv line 2: lists gone\.txt, but that file does not exist"):
        pages = helpers.load_pages(corpus.folder)
    assert list(pages.page_id) == ["t"]


def test_manifest_row_without_edition_is_an_unknown_edition(corpus):
    corpus("p.txt", "标题\n\n正文。")
    write_manifest(corpus.folder, [{"file": "p.txt", "page_id": "p", "edition": ""}])
    with pytest.warns(helpers.PageWarning, match=r"line 2: no edition given \(unknown edition"):
        helpers.load_pages(corpus.folder)


def test_manifest_without_required_columns_is_a_clear_error(corpus):
    (corpus.folder / "pages.csv").write_text("path,id\np.txt,1\n", encoding="utf-8")
    with pytest.raises(helpers.PageError, match=r"pages\.csv: the manifest lacks the column\(s\) file, page_id, edition"):
        helpers.load_pages(corpus.folder)


def test_unlisted_page_gets_metadata_from_its_name_and_a_note(corpus, capsys):
    corpus("ycrb-20250620-p3.B.txt", "标题\n\n正文。")
    corpus("plain-name.txt", "标题\n\n正文。")
    with pytest.warns(helpers.PageWarning, match="not in pages.csv; metadata inferred") as record:
        pages = helpers.load_pages(corpus.folder)
    assert len(record) == 1 and "plain-name.txt" in str(record[0].message)  # no date or page: the user should check
    assert "1 file not in pages.csv: date and page number read from its name" in capsys.readouterr().out
    got = pages.set_index("page_id")
    assert got.loc["ycrb-20250620-p3", "edition"] == "B"
    assert got.loc["ycrb-20250620-p3", "date"] == "2025-06-20"
    assert got.loc["plain-name", "edition"] == "A"
    assert (pages.metadata == "inferred from file name").all()


def test_a_crawl_named_by_date_and_page_gets_a_plain_line_not_a_warning(corpus, capsys):
    for name in ("20200119/20200119-01-01.txt", "20200119/20200119-02-03.txt", "人民日报 2020.01.17 第1版.txt",
                 "20200120/20200120-01-01.txt", "20200120/20200120-04-02.txt"):
        (corpus.folder / name).parent.mkdir(exist_ok=True)
        corpus(name, "标题\n\n正文。")
    with warnings.catch_warnings():
        warnings.simplefilter("error", helpers.PageWarning)
        pages = helpers.load_pages(corpus.folder)
    assert len(pages) == 5 and (pages.date != "").all() and (pages.page_no != "").all()
    assert "5 files not in pages.csv: date and page number read from their names" in capsys.readouterr().out


def test_config_files_in_the_corpus_are_not_pages(corpus):
    corpus("userdict.txt", "葫芦岛社区 10 ns\n")
    corpus("stopwords_extra.txt", "的\n")
    corpus("page.txt", "标题\n\n正文。")
    with pytest.warns(helpers.PageWarning):
        pages = helpers.load_pages(corpus.folder)
    assert list(pages.page_id) == ["page"]


def test_same_page_and_edition_twice_is_refused_not_merged(corpus):
    corpus("p.A.txt", "标题\n\n正文一。")
    write_manifest(corpus.folder, [{"file": "p.A.txt", "page_id": "p", "edition": "A"}])
    corpus("other.txt", "标题\n\n正文二。")
    with open(corpus.folder / "pages.csv", "a", encoding="utf-8") as handle:
        handle.write("other.txt,p,A,,,,\n")
    with pytest.warns(helpers.PageWarning, match=r"other\.txt: has the same page_id and edition \(p, A\)"):
        pages = helpers.load_pages(corpus.folder)
    assert len(pages) == 1


def test_loading_and_splitting_never_write_to_the_corpus(corpus):
    corpus("p.txt", "## 标题\n\n本报讯(记者 张三)正文,社区服\n\n务品牌。", "gb18030")
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in corpus.folder.iterdir()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", helpers.PageWarning)
        articles = helpers.load_articles(corpus.folder)
    helpers.clean_text(articles.body[0])
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in corpus.folder.iterdir()}
    assert before == after


def test_seed_files_are_untouched_by_a_full_load(seed_pages):
    import hashlib
    for row in seed_pages.itertuples():
        assert hashlib.sha256((ROOT / row.path).read_bytes()).hexdigest() == row.sha256


def test_loaded_frames_concatenate(seed_pages):
    both = pd.concat([seed_pages, seed_pages], ignore_index=True)
    assert len(both) == 2 * len(seed_pages)
