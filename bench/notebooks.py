"""Time the notebooks as a user runs them: every notebook on one corpus, first run (empty cache),
rerun with nothing new, and rerun after one new day of pages, with the kernel's peak memory and
the slowest cell of each notebook.

    python bench/notebooks.py --corpus FOLDER [--only 02,05] [--no-new-day] [--engine dask] [--in-place]

``FOLDER`` is a crawl folder of day folders (``YYYYMMDD/…``; ``bench/realtext.py`` writes one from
a fetched repository). The runs use a copy of it without its last day, a fresh cache
(``BANMIAN_CACHE``) and ``BANMIAN_CORPUS``; the last day is then added for the third run. Nothing
is saved into the notebooks. Prints figures, never asserts them.
"""
from __future__ import annotations

import argparse
import datetime
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


class PeakMemory:
    """The largest memory of this process's children (the kernel and its workers): resident (RSS,
    which counts pages a forked worker shares with the kernel once per process) and proportional
    (PSS, which shares them out: what the machine actually holds; read near the peaks of RSS)."""

    def __init__(self):
        self.peak = self.peak_pss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self):
        # RSS is cheap to read; PSS walks every page of the process (70 ms for 6 GB), so it is read
        # only when RSS comes near its highest so far, at most once a second: read every time, the
        # watcher took a third of a core from what it watched
        me = psutil.Process()
        last_pss = 0.0
        while not self._stop.is_set():
            children = me.children(recursive=True)
            rss = _total(children, lambda child: child.memory_info().rss)
            self.peak = max(self.peak, rss)
            if rss >= 0.95 * self.peak and time.monotonic() - last_pss >= 1.0:
                last_pss = time.monotonic()
                self.peak_pss = max(self.peak_pss, _total(children, lambda child: child.memory_full_info().pss))
            time.sleep(0.1)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def _total(processes, read) -> int:
    """The sum of ``read(process)`` over the processes still running."""
    total = 0
    for process in processes:
        try:
            total += read(process)
        except psutil.Error:
            pass
    return total


def cell_seconds(cell) -> float:
    timing = cell.get("metadata", {}).get("execution", {})
    start, end = timing.get("iopub.status.busy"), timing.get("iopub.status.idle")
    if not start or not end:
        return 0.0
    parse = datetime.datetime.fromisoformat
    return (parse(end.replace("Z", "+00:00")) - parse(start.replace("Z", "+00:00"))).total_seconds()


def run_notebook(path: Path, env: dict) -> dict:
    """Execute one notebook (not saved) in a kernel with ``env``; its time, peak memory and slowest cell."""
    notebook = nbformat.read(path, as_version=4)
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        client = NotebookClient(notebook, timeout=3600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
        started = time.perf_counter()
        with PeakMemory() as memory:
            client.execute()
        seconds = time.perf_counter() - started
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    code = [c for c in notebook.cells if c.cell_type == "code"]
    ranked = sorted(enumerate(code, start=1), key=lambda nc: -cell_seconds(nc[1]))[:3]

    def named(number, cell):
        first_line = next((line for line in cell.source.splitlines() if line.strip() and not line.startswith("#")), "")
        return f"cell {number} ({cell_seconds(cell):.0f} s): {first_line.strip()[:50]}"

    return {"notebook": path.stem, "seconds": seconds, "peak_gb": memory.peak / 1e9, "pss_gb": memory.peak_pss / 1e9,
            "slowest_cell": "; ".join(named(n, c) for n, c in ranked)}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True, help="a crawl folder of day folders")
    parser.add_argument("--only", default="", help="comma-separated notebook prefixes (e.g. 02,05)")
    parser.add_argument("--no-new-day", action="store_true", help="skip the run after one new day")
    parser.add_argument("--engine", default="pandas", choices=["pandas", "dask"],
                        help="the notebooks' ENGINE setting (BANMIAN_ENGINE)")
    parser.add_argument("--in-place", action="store_true",
                        help="read the corpus where it is (nothing is written into it) instead of a copy: for "
                             "corpora too large to copy; no run after a new day")
    args = parser.parse_args(argv)
    prefixes = tuple(p for p in args.only.split(",") if p)
    paths = [p for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")) if not prefixes or p.name.startswith(prefixes)]
    days = sorted(d for d in args.corpus.iterdir() if d.is_dir())
    if not days:
        raise SystemExit(f"{args.corpus}: no day folders")
    with tempfile.TemporaryDirectory(prefix="banmian-notebooks-") as work:
        corpus, cache = Path(work) / "corpus", Path(work) / "cache"
        if args.in_place:
            corpus = args.corpus.resolve()
            files = sum(1 for _ in corpus.rglob("*") if _.is_file())
            print(f"corpus: {args.corpus.name}, {len(days)} days, {files:,} files, read in place; engine "
                  f"{args.engine}\n", flush=True)
        else:
            for day in days[:-1]:
                shutil.copytree(day, corpus / day.name)
            files = sum(1 for _ in corpus.rglob("*") if _.is_file())
            print(f"corpus: {args.corpus.name}, {len(days) - 1} days, {files:,} files (the last day, {days[-1].name}, "
                  f"is added for the third run); engine {args.engine}\n", flush=True)
        env = {"BANMIAN_CORPUS": str(corpus), "BANMIAN_CACHE": str(cache), "BANMIAN_ENGINE": args.engine}
        runs = [("first run", None), ("rerun, nothing new", None)]
        if not args.no_new_day and not args.in_place:
            runs.append(("rerun after one new day", days[-1]))
        totals = {}
        for label, new_day in runs:
            if new_day is not None:
                shutil.copytree(new_day, corpus / new_day.name)
            print(f"## {label}")
            total, peak, pss = 0.0, 0.0, 0.0
            for path in paths:
                result = run_notebook(path, env)
                total += result["seconds"]
                peak, pss = max(peak, result["peak_gb"]), max(pss, result["pss_gb"])
                print(f"  {result['notebook']:<24} {result['seconds']:7.1f} s   peak RSS {result['peak_gb']:.2f} GB, "
                      f"PSS {result['pss_gb']:.2f} GB   slowest: {result['slowest_cell']}", flush=True)
            totals[label] = (total, peak, pss)
            print(f"  {'all':<24} {total:7.1f} s   peak RSS {peak:.2f} GB, PSS {pss:.2f} GB\n", flush=True)
        print("summary: " + "; ".join(f"{k} {t:.0f} s (peak RSS {p:.2f} GB, PSS {q:.2f} GB)"
                                      for k, (t, p, q) in totals.items()))


if __name__ == "__main__":
    sys.exit(main())
