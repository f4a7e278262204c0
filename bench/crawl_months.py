"""Months of a real slot crawl of People's Daily, read from a fetched repository by path.

``caspiankexin/people-daily-crawler-date`` kept one 7z archive per month in its history
(``2019年数据/2019年10月.7z`` …, deleted from later commits): inside, one file per article,
``YYYY年M月/YYYYMMDD/YYYYMMDD-PP-NN.txt``, line 1 the kicker, line 2 the headline, line 3 the
subtitle (an empty line where a part is missing), then the body. :func:`crawl_month` unpacks a
month into ``.cache/crawl`` (derived data, never committed) and returns its folder.

Months (the snapshot holds these five archives):

- development (rules and the stack model are fitted on them): 2019-02, 2019-10, 2020-01;
- measured before: 2020-02 (nothing is fitted on it, but an earlier session measured the former
  rules on it and may have read its misses);
- test (nothing is fitted on it, never measured before; read only after the method is fixed): 2020-05.

A second copy of the same crawler's output, ``MonianHello/paper.people-Python``, committed one
day at a time (``YYYYMMDD/YYYYMMDD-PP-NN.txt`` at the root, each day in its own commit), adds
seven days no month archive holds: 2020-06-01 to 06-08 (no 06-07). Its June was drawn as a
second test part before the sentence rule of the stack reading was added (:data:`SECOND_TEST`).
"""
from __future__ import annotations

import io
import shutil
from pathlib import Path

import realtext

SOURCE = {"repo": "caspiankexin/people-daily-crawler-date", "commit": "5e7741a5760c535807e6a08e0d390aa9e07ab58d"}
DEVELOPMENT = ("2019-02", "2019-10", "2020-01")
MEASURED_BEFORE = ("2020-02",)
TEST = ("2020-05",)
ROOT = Path(__file__).resolve().parent.parent
SECOND_CRAWL = {"repo": "MonianHello/paper.people-Python", "days": {
    "20200601": "3e1a09232c37f6be09efa1e96ec402de1a9d84f2", "20200602": "2b229781693ea265b48db99f66798183b9174112",
    "20200603": "a49af0f1258e2625fb186edcb06d4f50fc8d5702", "20200604": "1fe2fcde9ab88f9f7256506d01db4b08fcbc150c",
    "20200605": "ee96d90a251e7585cc5a0ad8992f8d95597bffe7", "20200606": "6e2ec63cc0050c35f40e12b3d33a3bbaf4ec8920",
    "20200608": "2ea5cd4d276205d3adad1ae369f7112fd4a7fc07"}}
SECOND_TEST = "2020-06 (1-8)"


def archive_path(month: str) -> str:
    year, number = month.split("-")
    return f"{year}年数据/{year}年{int(number)}月.7z"


def crawl_month(month: str, folder=None, cache=None) -> Path:
    """The unpacked folder of one month (``…/YYYY年M月``), unpacking it on first use."""
    import py7zr

    year, number = month.split("-")
    target = Path(cache or ROOT / ".cache" / "crawl") / month
    inner = target / f"{year}年{int(number)}月"
    if inner.is_dir() and any(inner.iterdir()):
        return inner
    data = realtext.file_bytes(SOURCE["repo"], SOURCE["commit"], archive_path(month), folder)
    target.mkdir(parents=True, exist_ok=True)
    with py7zr.SevenZipFile(io.BytesIO(data)) as archive:
        archive.extractall(path=target)
    return inner


def crawl_days(folder=None, cache=None) -> Path:
    """The second crawl's June days as one folder of day folders (``…/2020-06-second/YYYYMMDD/``),
    written from the fetched repository on first use; each day's combined ``YYYYMMDDall.txt`` is
    left out."""
    target = Path(cache or ROOT / ".cache" / "crawl") / "2020-06-second"
    if target.is_dir() and any(target.iterdir()):
        return target
    partial = target.with_name(target.name + ".part")
    shutil.rmtree(partial, ignore_errors=True)
    repo = SECOND_CRAWL["repo"]
    for day, commit in SECOND_CRAWL["days"].items():
        paths = [p for p in realtext.commit_paths(repo, commit, f"{day}/", folder)
                 if p.endswith(".txt") and Path(p).stem.startswith(f"{day}-")]
        for path, data in realtext.commit_blobs(repo, commit, paths, folder).items():
            out = partial / path
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)
    partial.rename(target)  # whole or not at all: an interrupted copy is never read as the test part
    return target


def crawl_stacks(folder: Path) -> list[dict]:
    """Every article file of a month folder with its three header slots (kicker, headline,
    subtitle) as the crawl wrote them; advertisement placeholders (headline 广告) left out."""
    rows = []
    for path in sorted(folder.rglob("*.txt")):
        lines = path.read_text(encoding="utf-8", errors="replace").replace("\r", "").split("\n")
        if len(lines) < 4 or not lines[1].strip() or lines[1].strip() == "广告":
            continue
        rows.append({"path": path.relative_to(folder).as_posix(), "kicker": lines[0].strip(),
                     "headline": lines[1].strip(), "subtitle": lines[2].strip()})
    return rows
