"""Benchmark: the kit's segmentation against plain jieba, and reruns against the cache.

    python bench/bench.py [--chars 5000000]

Prints figures, never asserts them. The corpus is generated from the seed articles: their
paragraphs are shuffled into new articles of the same length, so it is large but
REPETITIVE (the same sentences over and over), which is fine for throughput and says
nothing about results on real pages.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

import helpers  # noqa: E402


def synthetic_articles(seed_articles: pd.DataFrame, chars: int, start_page: int = 0) -> pd.DataFrame:
    paragraphs = [p for body in seed_articles.body for p in body.split("\n") if len(p) > 20]
    rng = random.Random(start_page)
    rows, total, page = [], 0, start_page
    while total < chars:
        for article_no in range(1, 8):
            body = "\n".join(rng.sample(paragraphs, k=8))
            rows.append({"page_id": f"bench-{page:05d}", "edition": "A", "article_no": article_no,
                         "headline": f"第{page}版第{article_no}篇", "body": body})
            total += len(body)
        page += 1
    return pd.DataFrame(rows)


def timed(label, func, repeat=1):
    """Best of ``repeat`` runs: the machine's other work only ever adds time."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    print(f"  {label:<58} {best:8.2f} s" + (f"  (best of {repeat})" if repeat > 1 else ""))
    return result, best


def fresh_cache_tokenize(corpus, workers):
    with tempfile.TemporaryDirectory() as tmp:
        return helpers.tokenize(corpus, cache_file=Path(tmp) / "tokens.sqlite", workers=workers, progress=False)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chars", type=int, default=5_000_000)
    args = parser.parse_args(argv)
    import jieba

    jieba.setLogLevel(60)
    seeds = helpers.load_articles(ROOT / "corpus")
    corpus = synthetic_articles(seeds, args.chars)
    chars = int(corpus.body.str.len().sum())
    print(f"corpus: {len(corpus)} articles, {chars:,} characters (generated from the seed pages: repetitive)")

    def plain_jieba():
        plain = jieba.Tokenizer()
        plain.initialize()
        return plain, [plain.lcut(b) for b in corpus.body]

    (plain, _), t_jieba = timed("plain jieba: load dictionary, lcut every article", plain_jieba, repeat=2)
    _, t_jieba_loaded = timed("plain jieba: lcut every article, dictionary loaded",
                              lambda: [plain.lcut(b) for b in corpus.body], repeat=2)

    tokens, t_one = timed("tokenize, empty cache, 1 process", lambda: fresh_cache_tokenize(corpus, 1), repeat=2)
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "tokens.sqlite"
        _, t_two = timed("tokenize, empty cache, 2 processes",
                         lambda: helpers.tokenize(corpus, cache_file=cache, workers=2, progress=False))
        _, t_warm = timed("tokenize again, nothing changed (all from cache)",
                          lambda: helpers.tokenize(corpus, cache_file=cache, progress=False))
        bigger = pd.concat([corpus, synthetic_articles(seeds, 1, start_page=99_999)], ignore_index=True)
        added, t_add = timed("tokenize after adding one page",
                             lambda: helpers.tokenize(bigger, cache_file=cache, progress=False))
        print(f"    segmented {added.attrs['segmented_articles']} article(s) of {len(bigger)}")
    print(f"\n{len(tokens):,} token rows; throughput {chars / t_one / 1e6:.2f} M characters/s in one process")
    print(f"ratio tokenize / plain jieba (both loading their dictionary): {t_one / t_jieba:.2f} (1 process), "
          f"{t_two / t_jieba:.2f} (2 processes)")
    print(f"ratio tokenize (1 process) / plain jieba with its dictionary already loaded: {t_one / t_jieba_loaded:.2f}")
    print(f"rerun with nothing new: {t_warm / t_jieba:.2f} of plain jieba's time; after adding one page: "
          f"{t_add / t_jieba:.2f}")


if __name__ == "__main__":
    main()
