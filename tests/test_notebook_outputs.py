"""What the notebooks show a user on a corpus of months: what changed since the last run (run,
add a day, rerun), and outputs that stay short on thousands of articles."""
import random
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import ROOT

DATED = Path(__file__).resolve().parent / "dated" / "pages"
DEVSET_FILES = Path(__file__).resolve().parent / "devset" / "files"


def run_notebook(name: str, corpus: Path, cache: Path, monkeypatch) -> nbformat.NotebookNode:
    monkeypatch.setenv("BANMIAN_CORPUS", str(corpus))
    monkeypatch.setenv("BANMIAN_CACHE", str(cache))
    monkeypatch.setenv("BANMIAN_OUTPUT", str(cache / "output"))
    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    NotebookClient(nb, timeout=900, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    return nb


def outputs(nb):
    for number, cell in enumerate([c for c in nb.cells if c.cell_type == "code"], start=1):
        for output in cell.get("outputs", []):
            yield number, cell, output


def text_of(nb) -> str:
    parts = []
    for _, _, output in outputs(nb):
        parts.append(output.get("text", ""))
        parts.append(output.get("data", {}).get("text/html", "") or output.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


def test_since_the_last_run_after_a_new_day(tmp_path, monkeypatch):
    corpus, cache = tmp_path / "pages", tmp_path / "cache"
    shutil.copytree(DATED, corpus)
    first = text_of(run_notebook("01_corpus.ipynb", corpus, cache, monkeypatch))
    assert "First recorded run of this corpus: 10 pages and 16 articles." in first
    planted = "无人机"  # a word the earlier pages never use, six times and four times in the new day
    day = ("## 七月新闻\n\n本报讯　全市推行“四下基层”工作法。" + f"{planted}产业园开工，{planted}应用场景扩大，" * 3
           + "\n\n## 低空产业再提速\n\n本报讯　" + f"{planted}企业增至十家。" * 4 + "\n")
    (corpus / "2025-07-07-p1.txt").write_text(day, encoding="utf-8")
    again = run_notebook("01_corpus.ipynb", corpus, cache, monkeypatch)
    shown = text_of(again)
    assert "Since the run before: pages 1 added; 1 formulations and" in shown
    pages = next(o["data"]["text/plain"] for n, c, o in outputs(again) if "changes.pages" in c.source and "data" in o)
    assert re.search(r"added\s+2025-07-07-p1\s+A\s+2025-07-07\s+2", pages)  # the day's two articles
    new_terms = next(o["data"]["text/plain"] for n, c, o in outputs(again) if "changes.new_terms" in c.source
                     and "data" in o)
    assert re.search(r"四下基层\s+formulation\s+1", new_terms) and re.search(planted + r"\s+word\s+2", new_terms)
    moving = next(o["data"]["text/html"] for n, c, o in outputs(again) if "plot_moving_terms" in c.source
                  and "text/html" in o.get("data", {}))
    rising = re.findall(r"<td[^>]*>rising</td><td[^>]*>([^<]+)</td>", moving)  # the rows readable without JavaScript
    assert rising[:1] == [planted]


def write_crawl(folder: Path, articles: int = 2000) -> None:
    """A crawl of one-article files in day folders (``YYYYMMDD/YYYYMMDD-PP-NN.txt``) made from the
    paragraphs of the development set's written articles, shuffled into new articles: thousands
    of articles over three months, names that carry date and page."""
    pool = []
    for path in sorted(DEVSET_FILES.rglob("*.txt")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if len(line.strip()) > 30]
        pool += lines
    rng = random.Random(7)
    days = [f"2025{month:02d}{day:02d}" for month in (4, 5, 6) for day in range(1, 29)]
    per_day = -(-articles // len(days))
    written = 0
    for day in days:
        for number in range(per_day):
            if written == articles:
                return
            page, position = number // 6 + 1, number % 6 + 1
            body = "\n".join(rng.sample(pool, 3))
            headline = body[:14].strip("，。、 ")
            (folder / day).mkdir(parents=True, exist_ok=True)
            (folder / day / f"{day}-{page:02d}-{position:02d}.txt").write_text(f"{headline}\n{body}\n", encoding="utf-8")
            written += 1


@pytest.fixture(scope="module")
def crawl_runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("crawl") / "rmrb"
    write_crawl(folder)
    cache = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as monkeypatch:
        return {name: run_notebook(name, folder, cache, monkeypatch)
                for name in sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))}


def test_a_crawl_whose_names_carry_date_and_page_shows_no_warning(crawl_runs):
    for name, nb in crawl_runs.items():
        warned = [(n, o["text"][:200]) for n, c, o in outputs(nb) if o.get("name") == "stderr" and "Warning" in o["text"]]
        assert not warned, name


def test_no_output_is_longer_than_a_screen_on_thousands_of_articles(crawl_runs):
    assert "2,000 articles" in text_of(crawl_runs["01_corpus.ipynb"])
    for name, nb in crawl_runs.items():
        for number, cell, output in outputs(nb):
            data = output.get("data", {})
            if "text/html" in data:
                assert data["text/html"].count("<tr") <= 62, f"{name} cell {number}: a table of more than a screen"
            else:
                text = output.get("text", "") or data.get("text/plain", "")
                assert text.count("\n") <= 60, f"{name} cell {number}: {text.count(chr(10))} lines"


def test_notebook_04_without_a_second_edition_shows_no_empty_table(crawl_runs):
    for number, cell, output in outputs(crawl_runs["04_compare_editions.ipynb"]):
        html = output.get("data", {}).get("text/html", "")
        if "<table" in html and "_itables_" not in html:
            assert "<td" in html, f"cell {number}: an empty table"
