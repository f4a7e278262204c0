"""Real text for the evaluations, read from fetched public repositories by path, never copied.

The repositories are git snapshots in one folder (``REPOS``, or the environment variable
``BANMIAN_REPOS``), each at ``<owner>+<name>/repo`` (a bare git directory). Every article is
addressed by (repository, commit, path, item): ``item`` is the article's number inside the
file (the RSS ``<item>``; 0 for a file of one article). Offsets in the stand-off labels
count characters in the body this module rebuilds, so the readers below are part of the
labels' definition: change them and the labels move.

Sources (name: repository, commit, what it holds):

- ``rmrb``: ifyuls/rmrb-rss, People's Daily, one RSS file per issue (history/rmrb_YYYY-MM-DD.xml),
  every article with headline, page label and full text, 2026-04-26 to 2026-08-22.
- ``qqnews``: nuz007/qqnews, a news site's article dump (Tencent News: Xinhua, China News
  Service, provincial papers and others), one Markdown file per article in day folders,
  2022-12 to 2024-04.
- ``xwlb``: DuckBurnIncense/xin-wen-lian-bo, CCTV evening-news transcripts (news/YYYYMMDD.md),
  kept out of every development set: an independent check only.
"""
from __future__ import annotations

import html
import os
import re
import subprocess
from functools import lru_cache
from pathlib import Path

import pandas as pd

SOURCES = {
    "rmrb": {"repo": "ifyuls/rmrb-rss", "commit": "55223c56882b2723e67b90eef30cd8b465aff262"},
    "qqnews": {"repo": "nuz007/qqnews", "commit": "4299fdae51a7486005f046e03b6cb9cfe2c8f82f"},
    "xwlb": {"repo": "DuckBurnIncense/xin-wen-lian-bo", "commit": "ae8d591d33dd3701a34045e0acb24cd5b70b2ede"},
}
ARTICLE_COLUMNS = ["source", "repo", "commit", "path", "item", "date", "page_label", "headline", "body"]


class MissingRepository(RuntimeError):
    pass


def repos_folder(folder=None) -> Path:
    folder = folder or os.environ.get("BANMIAN_REPOS")
    if not folder:
        raise MissingRepository("no folder of fetched repositories: pass --repos DIR or set BANMIAN_REPOS "
                                "(each repository as <owner>+<name>/repo, a git directory)")
    return Path(folder).expanduser()


def git_dir(repo: str, folder=None) -> Path:
    path = repos_folder(folder) / repo.replace("/", "+") / "repo"
    if (path / ".git").is_dir():  # a snapshot with a work tree
        path = path / ".git"
    if not path.exists():
        raise MissingRepository(f"{repo} is not in {repos_folder(folder)} (expected {path.name} under "
                                f"{repo.replace('/', '+')}/): fetch it first")
    return path


def _git(gitdir: Path, *args, input_bytes: bytes | None = None) -> bytes:
    return subprocess.run(["git", "-c", "core.quotepath=off", "--git-dir", str(gitdir), *args], input=input_bytes,
                          capture_output=True, check=True).stdout


def file_bytes(repo: str, commit: str, path: str, folder=None) -> bytes:
    """One file of a fetched repository at a commit, as bytes."""
    return _git(git_dir(repo, folder), "show", f"{commit}:{path}")


def commit_paths(repo: str, commit: str, prefix: str, folder=None) -> list[str]:
    """Paths under ``prefix`` (a folder or a file-name prefix) of a fetched repository at a commit."""
    out = _git(git_dir(repo, folder), "ls-tree", "-r", "--name-only", "-z", commit)
    return sorted(p for p in out.decode("utf-8").split("\0") if p.startswith(prefix))


def list_paths(source: str, prefix: str, folder=None) -> list[str]:
    """Paths under ``prefix`` (a folder or a file-name prefix) at the source's commit."""
    info = SOURCES[source]
    return commit_paths(info["repo"], info["commit"], prefix, folder)


def commit_blobs(repo: str, commit: str, paths: list[str], folder=None) -> dict[str, bytes]:
    """The bytes of many files of a fetched repository at a commit, in one ``git cat-file --batch``
    call; paths missing at that commit are left out."""
    if not paths:
        return {}
    request = "".join(f"{commit}:{p}\n" for p in paths).encode("utf-8")
    out = _git(git_dir(repo, folder), "cat-file", "--batch", input_bytes=request)
    blobs, at = {}, 0
    for path in paths:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        if header[-1] == b"missing":
            at = end + 1
            continue
        size = int(header[2])
        blobs[path] = out[end + 1:end + 1 + size]
        at = end + 1 + size + 1
    return blobs


def read_blobs(source: str, paths: list[str], folder=None) -> dict[str, str]:
    """The texts of many files of a source in one ``git cat-file --batch`` call."""
    info = SOURCES[source]
    return {path: data.decode("utf-8", errors="replace")
            for path, data in commit_blobs(info["repo"], info["commit"], paths, folder).items()}


_TAG = re.compile(r"<[^>]+>")


def _paragraphs(markup: str) -> list[str]:
    paragraphs = []
    for p in re.findall(r"<p[^>]*>(.*?)</p>", markup, flags=re.S):
        if "<img" in p:
            continue
        text = re.sub(r"\s+", " ", html.unescape(_TAG.sub("", p))).strip(" \u3000")
        if text:
            paragraphs.append(text)
    return paragraphs


def _rmrb_articles(path: str, text: str) -> list[dict]:
    date = re.search(r"(\d{4}-\d{2}-\d{2})", path).group(1)
    rows = []
    for item, block in enumerate(re.findall(r"<item>(.*?)</item>", text, flags=re.S), start=1):
        title = html.unescape(re.search(r"<title>(.*?)</title>", block, flags=re.S).group(1))
        label = re.match(r"\[([^\]]*)\]\s*", title)
        markup = html.unescape(re.search(r"<description>(.*?)</description>", block, flags=re.S).group(1))
        content = re.search(r"<!--enpcontent-->(.*?)<!--/enpcontent-->", markup, flags=re.S)
        rows.append({"item": item, "date": date, "page_label": label.group(1) if label else "",
                     "headline": title[label.end():].strip() if label else title.strip(),
                     "body": "\n".join(_paragraphs(content.group(1) if content else ""))})
    return rows


def _qqnews_article(path: str, text: str) -> list[dict]:
    lines = text.splitlines()
    headline = lines[0].lstrip("# ").strip() if lines else ""
    body = [line.strip() for line in lines[1:] if line.strip() and not line.strip().startswith("![")]
    return [{"item": 0, "date": path[:10], "page_label": "", "headline": headline, "body": "\n".join(body)}]


def _xwlb_articles(path: str, text: str) -> list[dict]:
    date = re.search(r"(\d{4})(\d{2})(\d{2})", path).groups()
    detail = text.split("## 详细新闻", 1)[-1]
    rows = []
    for item, block in enumerate(re.split(r"^### ", detail, flags=re.M)[1:], start=1):
        head, _, body = block.partition("\n")
        rows.append({"item": item, "date": "-".join(date), "page_label": "", "headline": head.strip(),
                     "body": "\n".join(line.strip() for line in body.splitlines() if line.strip())})
    return rows


_READERS = {"rmrb": ("history/rmrb_{month}", _rmrb_articles), "qqnews": ("{month}-", _qqnews_article),
            "xwlb": ("news/{compact}", _xwlb_articles)}


@lru_cache(maxsize=16)
def month_articles(source: str, month: str, folder=None) -> pd.DataFrame:
    """Every article of one month ("2026-06") of a source: columns source, repo, commit, path,
    item, date, page_label, headline, body, plus page_id, edition and article_no for the kit."""
    pattern, reader = _READERS[source]
    prefix = pattern.format(month=month, compact=month.replace("-", ""))
    paths = list_paths(source, prefix, folder)
    rows = []
    for path, text in read_blobs(source, paths, folder).items():
        for row in reader(path, text):
            rows.append({"source": source, "repo": SOURCES[source]["repo"], "commit": SOURCES[source]["commit"],
                         "path": path, **row})
    frame = pd.DataFrame(rows, columns=ARTICLE_COLUMNS)
    if source == "qqnews":
        frame = frame[frame["body"].str.len() >= 200]  # title-only and failed fetches
    frame = frame.reset_index(drop=True)
    return frame.assign(page_id=frame["path"] + "#" + frame["item"].astype(str), edition="-",
                        article_no=range(1, len(frame) + 1))


def article_at(source: str, path: str, item: int, folder=None) -> dict:
    """One article by its address (what a stand-off label points to)."""
    text = read_blobs(source, [path], folder)[path]
    reader = _READERS[source][1]
    return next(row for row in reader(path, text) if row["item"] == int(item))


def export_folder(source: str, months: list[str], out: Path, folder=None) -> int:
    """Write the articles of ``months`` as a crawl folder the kit reads (``YYYYMMDD/YYYYMMDD-PP-NN.md``,
    a ``#`` headline over the paragraphs), outside the repository: a real corpus for timing the
    notebooks (``bench/notebooks.py``). Returns the number of files written."""
    written = 0
    for month in months:
        articles = month_articles(source, month, folder)
        page = articles["page_label"].str.extract(r"^(\d{1,3})版", expand=False).fillna("0").astype(int)
        articles = articles.assign(page=page, day=articles["date"].str.replace("-", ""))
        for (day, page_no), group in articles.groupby(["day", "page"], sort=True):
            (out / day).mkdir(parents=True, exist_ok=True)
            for number, art in enumerate(group.itertuples(index=False), start=1):
                text = f"# {art.headline}\n\n" + "\n\n".join(art.body.splitlines()) + "\n"
                (out / day / f"{day}-{page_no:02d}-{number:02d}.md").write_text(text, encoding="utf-8")
                written += 1
    return written


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Export months of a fetched source as a folder of article files.")
    parser.add_argument("source", choices=sorted(SOURCES))
    parser.add_argument("months", help="comma-separated, e.g. 2026-04,2026-05")
    parser.add_argument("out", type=Path)
    parser.add_argument("--repos")
    args = parser.parse_args()
    print(export_folder(args.source, args.months.split(","), args.out, args.repos), "files written to", args.out)
