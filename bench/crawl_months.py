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
"""
from __future__ import annotations

import io
from pathlib import Path

import realtext

SOURCE = {"repo": "caspiankexin/people-daily-crawler-date", "commit": "5e7741a5760c535807e6a08e0d390aa9e07ab58d"}
DEVELOPMENT = ("2019-02", "2019-10", "2020-01")
MEASURED_BEFORE = ("2020-02",)
TEST = ("2020-05",)
ROOT = Path(__file__).resolve().parent.parent


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
