"""Benchmark: comparing editions (by length, and 1,000 page pairs), and the kit's
segmentation against plain jieba, with reruns against the cache.

    python bench/bench.py [--chars 5000000] [--only comparison|segmentation|trends] [--corpus SOURCE]

``--only trends`` times the time-axis helpers (term_trends for 10 terms, period_keyness,
first_seen, dispersion) on the token table of ``--corpus`` (any source load_articles reads;
`make bench CORPUS=…`), after one tokenize that fills the cache. ``--articles N`` repeats the
corpus with its dates moved a year per copy until it holds N articles: the timings depend on
the size of the token table, not on what the text says.

Prints figures, never asserts them. Segmentation runs on ``--corpus`` when given (real,
non-repetitive text; it also prints how often the kit's segmentation, rjieba where it agrees
with jieba, gives exactly jieba's words). Without it the corpus is generated from the seed
articles: their paragraphs shuffled into new articles of the same length, large but
REPETITIVE, fine for throughput and saying nothing about results on real pages.
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
    print(f"  {label:<58} {best:8.3f} s" + (f"  (best of {repeat})" if repeat > 1 else ""))
    return result, best


def fresh_cache_tokenize(corpus, workers):
    with tempfile.TemporaryDirectory() as tmp:
        return helpers.tokenize(corpus, cache_dir=Path(tmp), workers=workers, progress=False)


def edited_copy(text: str, rng: random.Random, edits: int) -> str:
    """A second 'edition': ``edits`` one-character substitutions and a dropped paragraph."""
    chars = list(text)
    for position in rng.sample(range(len(chars)), k=min(edits, len(chars))):
        if not chars[position].isspace():
            chars[position] = "某"
    paragraphs = "".join(chars).split("\n")
    if len(paragraphs) > 2:
        paragraphs.pop(rng.randrange(len(paragraphs)))
    return "\n".join(paragraphs)


def edition_pair(seeds: pd.DataFrame, chars: int, rng: random.Random, page: str) -> pd.DataFrame:
    paragraphs = [p for body in seeds.body for p in body.split("\n") if len(p) > 20]
    rows = []
    for article_no in range(1, 4):
        body = ""
        while len(body) < chars // 3:
            body += rng.choice(paragraphs) + "\n"
        body = body.strip()
        for edition, text in (("A", body), ("B", edited_copy(body, rng, max(1, len(body) // 500)))):
            rows.append({"page_id": page, "edition": edition, "article_no": article_no, "headline": f"{page}-{article_no}",
                         "body": text, "raw_body": text, "sections": [], "chars": len(text)})
    return pd.DataFrame(rows)


def bench_comparison(seeds: pd.DataFrame) -> None:
    rng = random.Random(7)
    print("\ncomparing editions (each page: 3 articles, about 1 substitution per 500 characters, one paragraph dropped)")
    helpers.compare_editions(edition_pair(seeds, 3000, rng, "warm-up"), "A", "B")  # loads jieba once
    for chars in (1_000, 2_500, 5_000, 10_000, 20_000):
        pair = edition_pair(seeds, chars, rng, f"p{chars}")
        (found, seconds) = timed(f"one page pair of {chars:,} characters per edition",
                                 lambda: helpers.compare_editions(pair, "A", "B"), repeat=3)
    pages = pd.concat([edition_pair(seeds, 3_000, rng, f"page{i:04d}") for i in range(1000)], ignore_index=True)
    variants, seconds = timed("1,000 page pairs of 3,000 characters (compare_corpus)",
                              lambda: helpers.compare_corpus(pages))
    print(f"    {len(variants):,} variants, {seconds / 1000 * 1000:.1f} ms per page pair")


def _moved(articles: pd.DataFrame, years: int) -> pd.DataFrame:
    dates = pd.to_datetime(articles["date"].where(articles["date"] != ""), errors="coerce") + pd.DateOffset(years=years)
    return articles.assign(date=dates.dt.strftime("%Y-%m-%d").fillna(""), page_id=articles["page_id"] + f"+{years}y")


def bench_trends(source, at_least: int) -> None:
    """term_trends and friends on a cached token table of at least ``at_least`` articles."""
    import resource
    import warnings

    warnings.simplefilter("ignore", helpers.PageWarning)
    articles = helpers.load_articles(source or ROOT / "tests" / "dated" / "pages")
    real = len(articles)
    _, t_tokenize = timed(f"tokenize {real:,} articles (fills the cache on a first run)",
                          lambda: helpers.tokenize(articles))
    copies = max(1, -(-at_least // max(1, real)))
    corpus = pd.concat([_moved(articles, k) for k in range(copies)], ignore_index=True)
    tokens, t_cached = timed(f"tokenize {len(corpus):,} articles ({copies} cop{'y' if copies == 1 else 'ies'} of "
                             f"{real:,}), from the cache", lambda: helpers.tokenize(corpus, progress=False))
    print(f"\ntrends corpus: {len(corpus):,} articles, {len(tokens):,} token rows, "
          f"{tokens.memory_usage(deep=True).sum() / 2**20:,.0f} MiB in memory; "
          f"{tokens.date.replace('', None).dropna().nunique()} dates")
    terms = list(tokens.loc[~tokens.is_stopword, "token"].value_counts().index[:7]) + ["基层治理", "乡村振兴", "一带一路"]
    _, t_trends = timed("term_trends, 10 terms, by month", lambda: helpers.term_trends(tokens, terms, freq="M"), repeat=3)
    timed("term_trends, 10 terms, by day", lambda: helpers.term_trends(tokens, terms, freq="D"), repeat=3)
    timed("latest_period_keyness, by month", lambda: helpers.latest_period_keyness(tokens, "M"), repeat=1)
    timed("first_seen, every new word and formulation", lambda: helpers.first_seen(tokens), repeat=1)
    timed("dispersion, 10 terms", lambda: helpers.dispersion(tokens, terms), repeat=1)
    print(f"term_trends for 10 terms on {len(corpus):,} articles: {t_trends:.2f} s (target: under 2 s); "
          f"peak memory of this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.1f} GiB")


def agreement(corpus: pd.DataFrame) -> None:
    """How often the kit's segmentation (rjieba where it agrees, jieba elsewhere) gives exactly
    jieba's words, per article, and how much faster it is than jieba alone."""
    from banmian.terms import _Segmenter, _dictionary_entries

    texts = list(corpus.body)
    segmenter = _Segmenter(tuple(_dictionary_entries(texts, ROOT / "corpus" / "userdict.txt")))
    if segmenter.fast is None:
        print("  rjieba is not installed: segmentation is jieba's alone")
        return
    kit, t_kit = timed("segmentation step, rjieba where it agrees (kit)", lambda: [segmenter.words(t) for t in texts])
    fast, segmenter.fast = segmenter.fast, None
    reference, t_jieba = timed("segmentation step, jieba alone (reference)", lambda: [segmenter.words(t) for t in texts])
    segmenter.fast = fast
    same = sum(a == b for a, b in zip(kit, reference))
    print(f"  identical to jieba in {same:,} of {len(texts):,} articles ({same / max(1, len(texts)):.2%}); "
          f"{t_jieba / t_kit:.1f}× faster")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chars", type=int, default=5_000_000)
    parser.add_argument("--only", choices=["segmentation", "comparison", "trends"], help="run one part only")
    parser.add_argument("--corpus", help="real pages for the trends part (a folder, page file or table)")
    parser.add_argument("--articles", type=int, default=20_000, help="trends part: at least this many articles")
    args = parser.parse_args(argv)
    if args.only == "trends" or (args.corpus and args.only is None):
        bench_trends(args.corpus, args.articles)
        if args.only == "trends":
            return
    seeds = helpers.load_articles(ROOT / "corpus")
    if args.only != "segmentation":
        bench_comparison(seeds)
    if args.only == "comparison":
        return
    import jieba

    jieba.setLogLevel(60)
    if args.corpus:
        import warnings

        warnings.simplefilter("ignore", helpers.PageWarning)
        corpus = helpers.load_articles(args.corpus)
        described = f"real text from {Path(args.corpus).name}"
    else:
        corpus = synthetic_articles(seeds, args.chars)
        described = "generated from the seed pages: repetitive"
    chars = int(corpus.body.str.len().sum())
    print(f"\nsegmentation corpus: {len(corpus)} articles, {chars:,} characters ({described})")
    agreement(corpus)

    def plain_jieba():
        plain = jieba.Tokenizer()
        plain.initialize()
        return plain, [plain.lcut(b) for b in corpus.body]

    (plain, _), t_jieba = timed("plain jieba: load dictionary, lcut every article", plain_jieba, repeat=2)
    _, t_jieba_loaded = timed("plain jieba: lcut every article, dictionary loaded",
                              lambda: [plain.lcut(b) for b in corpus.body], repeat=2)

    tokens, t_one = timed("tokenize, empty cache, 1 process", lambda: fresh_cache_tokenize(corpus, 1), repeat=2)
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        _, t_two = timed("tokenize, empty cache, 2 processes",
                         lambda: helpers.tokenize(corpus, cache_dir=cache, workers=2, progress=False))
        _, t_warm = timed("tokenize again, nothing changed (all from cache)",
                          lambda: helpers.tokenize(corpus, cache_dir=cache, progress=False))
        bigger = pd.concat([corpus, synthetic_articles(seeds, 1, start_page=99_999)], ignore_index=True)
        added, t_add = timed("tokenize after adding one page",
                             lambda: helpers.tokenize(bigger, cache_dir=cache, progress=False))
        print(f"    segmented {added.attrs['segmented_articles']} article(s) of {len(bigger)}")
    print(f"\n{len(tokens):,} token rows; throughput {chars / t_one / 1e6:.2f} M characters/s in one process")
    print(f"ratio tokenize / plain jieba (both loading their dictionary): {t_one / t_jieba:.2f} (1 process), "
          f"{t_two / t_jieba:.2f} (2 processes)")
    print(f"ratio tokenize (1 process) / plain jieba with its dictionary already loaded: {t_one / t_jieba_loaded:.2f}")
    print(f"rerun with nothing new: {t_warm / t_jieba:.2f} of plain jieba's time; after adding one page: "
          f"{t_add / t_jieba:.2f}")


if __name__ == "__main__":
    main()
