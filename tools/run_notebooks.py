"""Execute notebooks/NN_*.ipynb in order and write self-contained HTML for each.

    python tools/run_notebooks.py                 # all notebooks, saved back executed
    python tools/run_notebooks.py --no-save 02    # only those whose name starts with 02, left untouched

Stops at the first failing cell with the notebook, the cell number and the error. Notebooks are
saved without execution timestamps or memory addresses, so a rerun that changes nothing leaves
them unchanged.
HTML goes to output/html/ (images are embedded in the page, and nothing is loaded from the
network: no require.js, no MathJax, so it opens offline).
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = Path(__file__).resolve().parent / "templates"  # "offline": HTML that loads nothing from the network


def notebooks(folder: Path, prefixes: list[str]) -> list[Path]:
    found = sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))
    return [p for p in found if not prefixes or p.name.startswith(tuple(prefixes))]


def failing_cell(nb) -> tuple[int, str]:
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    for number, cell in enumerate(code_cells, start=1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return number, f"{output.get('ename')}: {output.get('evalue')}"
    return 0, "unknown error"


_ADDRESS = re.compile(r" at 0x[0-9a-f]+>")


def without_volatile_parts(nb) -> None:
    """Drop what changes from run to run although nothing changed: execution timestamps in the
    cells' metadata, the memory addresses in object reprs (``<… Styler at 0x7f…>``) and the way
    printed lines were split into stream outputs (merged), so that running the notebooks twice
    leaves ``git status`` clean."""
    for cell in nb.cells:
        cell.get("metadata", {}).pop("execution", None)
        merged = []
        for output in cell.get("outputs", []):  # how the kernel batches printed lines varies from run to run
            if merged and output.get("output_type") == "stream" and merged[-1].get("output_type") == "stream" \
                    and merged[-1].get("name") == output.get("name"):
                merged[-1]["text"] += output["text"]
            else:
                merged.append(output)
        if "outputs" in cell:
            cell["outputs"] = merged
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/plain")
            if isinstance(text, str):
                output["data"]["text/plain"] = _ADDRESS.sub(">", text)


def run(path: Path, html_dir: Path, save: bool, timeout: int) -> None:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except CellExecutionError:
        number, error = failing_cell(nb)
        rel = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        sys.exit(f"FAILED: {rel}, code cell {number}: {error}\n"
                 f"Open the notebook in JupyterLab and run that cell to see the whole traceback.")
    without_volatile_parts(nb)
    if save:
        nbformat.write(nb, path)
    html, _ = HTMLExporter(template_name="offline", extra_template_basedirs=[str(TEMPLATES)],
                           embed_images=True).from_notebook_node(nb)
    html_dir.mkdir(parents=True, exist_ok=True)
    (html_dir / f"{path.stem}.html").write_text(html, encoding="utf-8")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("prefixes", nargs="*", help="run only notebooks whose name starts with one of these")
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks")
    parser.add_argument("--html", type=Path, default=ROOT / "output" / "html")
    parser.add_argument("--no-save", action="store_true", help="do not write the executed notebooks back")
    parser.add_argument("--timeout", type=int, default=900, help="seconds one cell may take")
    args = parser.parse_args(argv)
    paths = notebooks(args.notebooks, args.prefixes)
    if not paths:
        sys.exit(f"no notebooks named NN_*.ipynb in {args.notebooks}")
    for path in paths:
        print(f"running {path.name} …", flush=True)
        run(path, args.html, save=not args.no_save, timeout=args.timeout)
        print(f"  wrote {args.html / (path.stem + '.html')}", flush=True)


if __name__ == "__main__":
    main()
