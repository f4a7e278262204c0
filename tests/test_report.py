"""make report: the notebooks run on a corpus into one folder that opens on its own."""
import hashlib
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATED = Path(__file__).resolve().parent / "dated" / "pages"
sys.path.insert(0, str(ROOT / "tools"))


def digest(folder: Path) -> str:
    return hashlib.sha256(b"".join(p.read_bytes() for p in sorted(folder.glob("*.ipynb")))).hexdigest()


def test_a_report_holds_the_index_the_notebooks_and_their_tables(monkeypatch, tmp_path):
    from make_report import make_report

    corpus = tmp_path / "dated-pages"
    shutil.copytree(DATED, corpus)
    monkeypatch.setenv("BANMIAN_CORPUS", "corpus")  # restored afterwards: make_report sets both
    monkeypatch.setenv("BANMIAN_OUTPUT", str(ROOT / "output"))
    notebooks_before = digest(ROOT / "notebooks")
    kit_tables = sorted((ROOT / "output" / "tables").glob("*.csv")) if (ROOT / "output" / "tables").exists() else []
    stamps = {p: p.stat().st_mtime_ns for p in kit_tables}
    index = make_report(corpus, name="test-dated")
    out = index.parent
    try:
        text = index.read_text(encoding="utf-8")
        assert "10 pages and 16 articles" in text and "from 2025-01-06 to 2025-06-30" in text
        pages = sorted((out / "html").glob("*.html"))
        assert [p.name for p in pages] == [f"{p.stem}.html" for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))]
        assert len(pages) == 5 and all(f'href="html/{p.name}"' in text for p in pages)
        assert "First recorded run of this corpus: 10 pages" in (out / "html" / "01_corpus.html").read_text(encoding="utf-8")
        csv_links = 0
        for page in [index, *pages]:
            html = page.read_text(encoding="utf-8")
            for tag, attribute, target in re.findall(r'<(\w+)\b[^>]*?\b(src|href)=["\']?([^"\'\s>]+)', html):
                if target.startswith(("data:", "#", "blob:", "\\")):  # a backslash: the caption inside a script's JSON
                    continue
                remote = re.match(r"(https?:)?//", target)
                assert not (remote and (attribute == "src" or tag == "link")), f"{page.name} loads {target}"
                if not remote and not target.startswith("mailto:"):  # a link inside the folder must work
                    assert (page.parent / target.split("#")[0]).is_file(), f"{page.name}: {target} is not there"
                    csv_links += target.endswith(".csv")
        assert csv_links >= 5
        assert digest(ROOT / "notebooks") == notebooks_before
        assert all(p.stat().st_mtime_ns == stamps[p] for p in kit_tables)  # the kit's own output untouched
    finally:
        shutil.rmtree(out, ignore_errors=True)


def test_a_preview_is_an_interactive_table_that_reads_without_javascript(tmp_path, monkeypatch):
    import pandas as pd

    import helpers
    from banmian import paths

    monkeypatch.setattr(paths, "OUTPUT_DIR", tmp_path)
    monkeypatch.setattr(helpers.TablePreview, "_library_shown", False)
    frame = pd.DataFrame({"term": ["五多", "三前", "两新"] * 20, "articles": range(60), "pages": [["1", "2"]] * 60})
    table = helpers.preview(frame, "05_test_terms", rows=15)
    first, again = table._repr_html_(), table._repr_html_()
    assert "_itables_" in first and len(first) > 500_000 and len(again) < 50_000  # the library travels once
    static = again[again.index("_fallback"):again.index("</table></div>")]
    assert static.count("<tr><td style=") == 15 and "五多" in static and "1、2" in static  # first rows, no script needed
    assert '<a href="../tables/05_test_terms.csv">' in again and "60 rows" in again
    assert not re.search(r'<(script|link)[^>]+(src|href)="?https?://', first)  # nothing from the network
    assert repr(table) == "60 rows of 05_test_terms; the whole table: " + str(tmp_path / "tables" / "05_test_terms.csv")
    assert (tmp_path / "tables" / "05_test_terms.csv").read_text(encoding="utf-8-sig").count("\n") == 61


def test_the_index_turns_the_notebooks_opening_markdown_into_html():
    from make_report import _markdown_inline

    assert _markdown_inline("with [jieba](https://github.com/fxsjy/jieba), **all** of `corpus/` <b>") == (
        'with <a href="https://github.com/fxsjy/jieba">jieba</a>, <strong>all</strong> of <code>corpus/</code> &lt;b&gt;')
