"""One report for a corpus: every notebook run on it, in one folder to zip and send.

    python tools/make_report.py PATH [--name NAME] [PREFIX ...]     # make report CORPUS=PATH

Runs ``notebooks/NN_*.ipynb`` (or those starting with a PREFIX) on the corpus at PATH and writes
``output/report-NAME/`` (NAME: the corpus folder's name unless given):

- ``index.html``: what the corpus is (pages, articles, dates, characters), when the report was
  made, and for each notebook its title, its opening paragraph and a link;
- ``html/NN_*.html``: the executed notebooks, images embedded, nothing loaded from the network;
- ``tables/*.csv`` and ``figures/``: everything the notebooks exported. The table captions in the
  notebooks link ``../tables/NAME.csv``, so the links work inside the folder.

The notebooks in ``notebooks/`` are left as they are, and the kit's own ``output/tables`` is not
touched (the run writes to the report folder: ``BANMIAN_OUTPUT``). From Python:
``make_report("path/to/pages")`` with this folder on ``sys.path``.
"""
from __future__ import annotations

import argparse
import datetime
import html
import os
import re
import shutil
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run_notebooks  # noqa: E402

ROOT = run_notebooks.ROOT


def _opening(path: Path) -> tuple[str, str]:
    """The notebook's title (its first heading) and the first paragraph under it."""
    nb = nbformat.read(path, as_version=4)
    text = next((c.source for c in nb.cells if c.cell_type == "markdown"), "")
    lines = text.strip().splitlines()
    title = lines[0].lstrip("# ").strip() if lines else path.stem
    paragraph = " ".join(lines[1:]).strip().split("  ")[0] if len(lines) > 1 else ""
    paragraph = re.split(r"\s*\*\*What you need", paragraph)[0].strip()
    return title, paragraph


def _markdown_inline(text: str) -> str:
    """The few inline marks the notebooks' opening paragraphs use, as HTML (escaped first)."""
    text = html.escape(text)
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    text = re.sub(r"\*(.+?)\*", r"<em>\1</em>", text)
    text = re.sub(r"\[([^\]]+)\]\(([^)\s]+)\)", r'<a href="\2">\1</a>', text)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", text)


def corpus_summary(corpus: Path) -> str:
    import warnings

    import helpers

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        articles = helpers.load_articles(corpus)
    dates = articles["date"].replace("", None).dropna() if "date" in articles else []
    span = f"from {min(dates)} to {max(dates)}" if len(dates) else "without dates"
    pages = articles[["page_id", "edition"]].drop_duplicates().shape[0]
    return (f"{pages:,} pages and {len(articles):,} articles ({int(articles['chars'].sum()):,} characters), "
            f"{span}.")


def write_index(out: Path, corpus: Path, notebooks: list[Path]) -> Path:
    items = []
    for path in notebooks:
        title, paragraph = _opening(path)
        items.append(f'<li><a href="html/{path.stem}.html">{html.escape(title)}</a>'
                     f"<p>{_markdown_inline(paragraph)}</p></li>")
    tables = sorted((out / "tables").glob("*.csv"))
    table_links = "".join(f'<li><a href="tables/{t.name}">{html.escape(t.name)}</a></li>' for t in tables)
    page = f"""<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8"><title>版面 banmian report: {html.escape(corpus.name)}</title>
<style>body{{font-family:sans-serif;max-width:52em;margin:2em auto;line-height:1.5}}li{{margin-bottom:.8em}}
p{{margin:.2em 0}}code{{background:#f3f3f3}}</style></head><body>
<h1>版面 banmian report: {html.escape(corpus.name)}</h1>
<p>The corpus: {html.escape(corpus_summary(corpus))}</p>
<p>Made on {datetime.date.today().isoformat()} with the notebooks of the kit, run on this corpus. Everything in
this folder opens without a network: the notebooks as HTML, the tables as CSV (UTF-8, opens in Excel).</p>
<h2>Notebooks</h2><ol>{"".join(items)}</ol>
<h2>Tables</h2><ul>{table_links or "<li>none</li>"}</ul>
</body></html>
"""
    target = out / "index.html"
    target.write_text(page, encoding="utf-8")
    return target


def make_report(corpus, name: str | None = None, prefixes=(), timeout: int = 1800) -> Path:
    """Run the notebooks on ``corpus`` into ``output/report-NAME/`` and return its index.html."""
    corpus = Path(corpus).expanduser().resolve()
    if not corpus.exists():
        sys.exit(f"make report: {corpus} does not exist (give CORPUS=a folder, a page file or a table)")
    name = name or corpus.stem
    if not re.fullmatch(r"[\w.\-]+", name) or name.startswith("."):
        sys.exit(f"make report: {name!r} is not a plain folder name; give --name")
    out = ROOT / "output" / f"report-{name}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    os.environ["BANMIAN_CORPUS"] = str(corpus)
    os.environ["BANMIAN_OUTPUT"] = str(out)
    notebooks = run_notebooks.notebooks(ROOT / "notebooks", list(prefixes))
    for path in notebooks:
        print(f"running {path.name} on {corpus.name} …", flush=True)
        run_notebooks.run(path, out / "html", save=False, timeout=timeout)
    index = write_index(out, corpus, notebooks)
    print(f"wrote {index.relative_to(ROOT)}: zip {out.relative_to(ROOT)} and send it", flush=True)
    return index


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", help="a folder of pages, one page file, or an article table")
    parser.add_argument("prefixes", nargs="*", help="run only notebooks whose name starts with one of these")
    parser.add_argument("--name", help="the report's name (output/report-NAME); the corpus folder's name by default")
    args = parser.parse_args(argv)
    make_report(args.corpus, args.name, args.prefixes)


if __name__ == "__main__":
    main()
