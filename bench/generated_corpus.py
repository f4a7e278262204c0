"""Write a generated daily as a crawl folder, for timing the notebooks at a size no real corpus
here has: one day folder per date, one article file per article, named as a crawl names them
(``YYYYMMDD/YYYYMMDD-PP-NN.md``: a ``#`` headline, then paragraphs).

    python bench/generated_corpus.py FOLDER [--years 1] [--chars-per-year 35000000]

The text is :func:`bench.generated_articles`'s (words of jieba's dictionary in sentence
templates, with numbers, dates and quoted formulations; no sentence repeated: the words are
real, the sense is not), about 1,100 characters an article (≈ 30,000 articles and 35 M characters
a year), six articles a page. The headline is the start of the article's first clause. The
same arguments always write the same files. The folder must not exist yet (nothing is
overwritten).
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from bench import generated_articles


def headline_of(body: str) -> str:
    clause = re.split(r"[，。]", body, maxsplit=1)[0]
    return re.sub(r"[“”%.]", "", clause)[:18]


def write_corpus(folder: Path, years: int, chars_per_year: int, seed: int = 1, start: str = "2015-01-01") -> int:
    """Write the folder; the number of article files written."""
    if folder.exists():
        raise SystemExit(f"{folder} exists: give a new folder (nothing is overwritten)")
    articles = generated_articles(chars_per_year * years, seed=seed, days=365 * years, start=start,
                                  sentences=(4, 10), paragraphs=(6, 12))
    written = 0
    for date, day in articles.groupby("date", sort=True):
        stamp = date.replace("-", "")
        (folder / stamp).mkdir(parents=True)
        for number, body in enumerate(day["body"]):  # six articles a page, numbered within the day
            text = f"# {headline_of(body)}\n\n" + "\n\n".join(body.split("\n")) + "\n"
            name = f"{stamp}-{number // 6 + 1:02d}-{number % 6 + 1:02d}.md"
            (folder / stamp / name).write_text(text, encoding="utf-8")
            written += 1
    return written


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--chars-per-year", type=int, default=35_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    written = write_corpus(args.folder, args.years, args.chars_per_year, args.seed)
    print(f"{written:,} article files in {args.folder}")


if __name__ == "__main__":
    sys.exit(main())
