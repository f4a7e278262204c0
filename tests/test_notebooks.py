import json
import re
import subprocess
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
RUNNER = ROOT / "tools" / "run_notebooks.py"


def test_there_are_numbered_notebooks():
    assert [p.name for p in NOTEBOOKS][:1] == ["01_corpus.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebook_is_executed_in_order_without_errors(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    counts = [c["execution_count"] for c in code]
    assert None not in counts and counts == list(range(1, len(code) + 1))
    assert not [o for c in code for o in c["outputs"] if o["output_type"] == "error"]
    assert not re.search(r"/(work|home|root|tmp)/", path.read_text(encoding="utf-8")), "machine path in notebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebook_holds_nothing_that_changes_from_run_to_run(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert not [c for c in nb["cells"] if "execution" in c.get("metadata", {})], "execution timestamps saved"
    plain = ["".join(o.get("data", {}).get("text/plain", "")) for c in nb["cells"] for o in c.get("outputs", [])]
    assert not [t for t in plain if re.search(r" at 0x[0-9a-f]+>", t)], "memory addresses saved"
    streams = ["".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", [])]
    assert not [t for t in streams + plain if "from the cache" in t], "what the cache held (a fresh clone differs)"
    for cell in nb["cells"]:
        kinds = [(o["output_type"], o.get("name")) for o in cell.get("outputs", [])]
        assert not [a for a, b in zip(kinds, kinds[1:]) if a == b and a[0] == "stream"], "stream outputs left split"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_opens_with_what_it_does_and_ends_with_what_next(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].cell_type == "markdown" and "What you need" in nb.cells[0].source
    assert "What to try next" in nb.cells[-1].source


def test_run_all_executes_every_notebook_and_writes_html_with_embedded_images(tmp_path):
    result = subprocess.run([sys.executable, str(RUNNER), "--no-save", "--html", str(tmp_path)],
                            capture_output=True, text=True, cwd=ROOT, timeout=1800)
    assert result.returncode == 0, result.stderr
    for path in NOTEBOOKS:
        html = (tmp_path / f"{path.stem}.html").read_text(encoding="utf-8")
        assert "data:image/png;base64," in html
    corpus_html = (tmp_path / "01_corpus.html").read_text(encoding="utf-8")
    assert "“五多”社区如何焕新生？" in corpus_html
    for path in NOTEBOOKS:  # opens offline: nothing is loaded from the network
        html = (tmp_path / f"{path.stem}.html").read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]+src=|<link[^>]+href=\"https?:|import\(\"https?:|@import", html), path.name


def test_run_all_names_the_notebook_and_cell_that_failed(tmp_path):
    nb = new_notebook(cells=[new_markdown_cell("# broken"), new_code_cell("x = 1"),
                             new_code_cell("raise ValueError('page 7 is empty')")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "01_broken.ipynb")
    result = subprocess.run([sys.executable, str(RUNNER), "--notebooks", str(tmp_path), "--html",
                             str(tmp_path / "html")], capture_output=True, text=True, timeout=600)
    assert result.returncode != 0
    assert "FAILED: " in result.stderr and "01_broken.ipynb, code cell 2: ValueError: page 7 is empty" in result.stderr
    assert not (tmp_path / "html" / "01_broken.html").exists()


@pytest.mark.parametrize("corpus", ["seeds/004_43ed4930b0e6bc69.txt", "tests/devset/site", "tests/devset/files",
                                    "tests/devset/tables/export.csv", "tests/dated/pages"])
def test_every_notebook_runs_on_other_corpora(tmp_path, corpus):
    """One page without a date, a dozen dated pages of another layout, a crawl of one-article
    files, a table export, six months of pages with a gap and undated pages: no cell may fail."""
    import os

    result = subprocess.run([sys.executable, str(RUNNER), "--no-save", "--html", str(tmp_path)],
                            capture_output=True, text=True, cwd=ROOT, timeout=1800,
                            env={**os.environ, "BANMIAN_CORPUS": corpus})
    assert result.returncode == 0, result.stderr[-2000:]
    editions = (tmp_path / "04_compare_editions.html").read_text(encoding="utf-8")
    assert "No page in this corpus has two transcriptions" in editions
    assert editions.count("Skipped: no page of this corpus has two editions.") >= 10  # one line, not empty tables
    if corpus == "tests/dated/pages":  # no page of it has a further witness either
        assert editions.count("Skipped: no page has two or more witnesses") >= 3
    assert "Since the last run" in (tmp_path / "01_corpus.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("corpus", ["corpus", "tests/dated/pages"])
def test_notebooks_02_and_05_run_with_the_dask_engine(tmp_path, corpus):
    """ENGINE = "dask" (here through BANMIAN_ENGINE): every cell of 02 and 05 takes the token table
    on Dask (the seed corpus, and six months of pages); tests/test_scale.py checks that each table is the
    pandas engine's."""
    import os

    result = subprocess.run([sys.executable, str(RUNNER), "--no-save", "--html", str(tmp_path), "02", "05"],
                            capture_output=True, text=True, cwd=ROOT, timeout=1800,
                            env={**os.environ, "BANMIAN_CORPUS": corpus, "BANMIAN_ENGINE": "dask"})
    assert result.returncode == 0, result.stderr[-2000:]
    trends = (tmp_path / "05_trends.html").read_text(encoding="utf-8")
    assert "Every table above was counted on Dask, file by file" in trends
    frequencies = (tmp_path / "02_term_frequencies.html").read_text(encoding="utf-8")
    assert "collocations" in frequencies and "Traceback" not in frequencies
