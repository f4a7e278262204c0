"""Benchmark: comparing editions (by length, and 1,000 page pairs); the kit's segmentation
against plain jieba and rjieba, cold, rerun and after one more day, with peak memory; the
time-axis helpers; and a scaling run on Dask.

    python bench/bench.py [--chars 10000000] [--only comparison|segmentation|trends] [--corpus SOURCE]
                          [--scale 10,50,100]

Segmentation runs on ``--corpus`` when given (any source load_articles reads: real,
non-repetitive text; `make bench CORPUS=…`), else on generated text: sentence templates of
parts of speech filled with words of jieba's dictionary drawn by frequency, with numbers,
dates, decimals, Latin words and quoted formulations, no sentence repeated (the words are
real, the sense is not). Each step runs in a fresh Python process and reports its time and
the peak memory (RSS) of its process tree; ratios are against plain ``jieba.lcut`` in one
process, which loads its dictionary as tokenize does. It also prints how often the kit's
segmentation (rjieba where it agrees, jieba elsewhere) gives exactly jieba's words.

``--only trends`` times the time-axis helpers (term_trends for 10 terms, period_keyness,
first_seen, dispersion) on the token table of ``--corpus``. ``--articles N`` repeats that
corpus with its dates moved a year per copy until it holds N articles.

``--scale 10,50,100`` generates corpora of those millions of characters and tokenizes and
counts each on Dask (a LocalCluster on all cores) through the Parquet token files.

Prints figures, never asserts them.
"""
from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

import helpers  # noqa: E402


def timed(label, func, repeat=1):
    """Best of ``repeat`` runs: the machine's other work only ever adds time."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    print(f"  {label:<58} {best:8.3f} s" + (f"  (best of {repeat})" if repeat > 1 else ""))
    return result, best


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


# --------------------------------------------------------------------------- segmentation at scale

def generated_articles(chars: int, seed: int = 1, days: int = 365, start: str = "2024-01-01",
                       sentences: tuple[int, int] = (3, 7), paragraphs: tuple[int, int] = (4, 9)) -> pd.DataFrame:
    """Non-repetitive news-like text: sentences built from templates of parts of speech, each
    slot filled with a word drawn from jieba's dictionary by its frequency (so common words
    recur as in real text and rare ones rarely), with numbers, dates, decimals, a few Latin
    words and quoted formulations of the kit's reference list. No two sentences are alike;
    the words are real, the sense is not. Articles are spread over ``days`` dates; each has
    ``paragraphs`` (a range) of ``sentences`` (a range) each."""
    import jieba
    import jieba.posseg
    import numpy as np

    jieba.setLogLevel(60)
    jieba.dt.initialize()
    rng = np.random.default_rng(seed)
    by_tag: dict = {}
    for word, tag in jieba.posseg.dt.word_tag_tab.items():
        freq = jieba.dt.FREQ.get(word, 0)
        if freq > 2 and 1 < len(word) <= 4 and tag in ("n", "v", "vn", "ns", "nr", "nt", "a", "d", "ad", "nz", "t"):
            by_tag.setdefault(tag, []).append((word, freq))
    pools = {tag: (np.array([w for w, _ in words], dtype=object),
                   (lambda f: f / f.sum())(np.array([f for _, f in words], dtype=float) ** 0.8))
             for tag, words in by_tag.items()}
    formulations = list(helpers.reference_formulations()["term"])
    templates = ["ns nt v vn ， d v n 。", "nr d v ， n v a n 。", "t ， ns v vn n ， v n vn 。", "n v n ， ad v nz 。",
                 "v n n ， v a n ， d v vn 。", "nt v n vn ， n v n 。", "ns n d a ， n v n 。"]
    drawn = {tag: iter(()) for tag in pools}

    def word(tag):
        for w in drawn[tag]:
            return w
        words, weights = pools[tag]
        drawn[tag] = iter(words[rng.choice(len(words), size=200_000, p=weights)])
        return next(drawn[tag])

    def sentence():
        parts = []
        for slot in templates[rng.integers(len(templates))].split():
            parts.append(slot if slot in "，。" else word(slot))
        roll = rng.random()
        if roll < 0.15:
            parts.insert(1, f"{rng.integers(2, 99)}.{rng.integers(0, 9)}%")
        elif roll < 0.25:
            parts.insert(1, f"{rng.integers(1, 12)}月{rng.integers(1, 28)}日")
        elif roll < 0.30:
            parts.insert(2, f"“{formulations[rng.integers(len(formulations))]}”")
        elif roll < 0.32:
            parts.insert(1, ["5G", "AI", "GDP", "CPI", "APP"][rng.integers(5)])
        return "".join(parts)

    first = pd.Timestamp(start)
    rows, total, k = [], 0, 0
    while total < chars:
        body = "\n".join("".join(sentence() for _ in range(rng.integers(*sentences)))
                          for _ in range(rng.integers(*paragraphs)))
        day = first + pd.Timedelta(days=int(k * days * 1400 // max(chars, 1)) % days if chars else 0)
        rows.append({"page_id": f"gen-{k // 6:06d}", "edition": "A", "article_no": k % 6 + 1, "headline": "",
                     "body": body, "date": day.strftime("%Y-%m-%d")})
        total += len(body)
        k += 1
    return pd.DataFrame(rows)


STEP = """
import json, os, sys, time, threading
sys.path.insert(0, {root!r})
import psutil
import pandas as pd
peak = [0]
def watch():
    me = psutil.Process()
    while True:
        try:
            rss = me.memory_info().rss + sum(c.memory_info().rss for c in me.children(recursive=True))
        except psutil.Error:
            continue
        peak[0] = max(peak[0], rss)
        time.sleep(0.02)
threading.Thread(target=watch, daemon=True).start()
articles = pd.read_parquet({corpus!r})
step, cache = {step!r}, {cache!r}
if step not in ("jieba", "rjieba"):
    import helpers  # importing the kit (pandas, matplotlib …) is not segmentation: loading dictionaries is
out = {{}}
start = time.perf_counter()
if step == "jieba":
    import jieba
    jieba.setLogLevel(60)
    words = [jieba.lcut(b) for b in articles.body]
    out["tokens"] = sum(map(len, words))
elif step == "rjieba":
    import rjieba
    cutter = rjieba.Jieba()
    words = [cutter.cut(b, True) for b in articles.body]
    out["tokens"] = sum(map(len, words))
else:
    engine = "dask" if step.startswith("dask") else "pandas"
    workers = 2 if step.endswith("-2") else 1
    if step == "add-day":
        more = pd.read_parquet({extra!r})
        articles = pd.concat([articles, more], ignore_index=True)
    tokens = helpers.tokenize(articles, cache_dir=cache, workers=workers, progress=False, engine=engine)
    if engine == "dask":  # the tables of notebooks 02 and 05, counted file by file on the workers
        out["tokenize_seconds"] = time.perf_counter() - start
        counts = helpers.term_frequencies(tokens)
        out["frequencies_seconds"] = time.perf_counter() - start - out["tokenize_seconds"]
        trends = helpers.term_trends(tokens, list(counts["token"].head(5)), freq="M")
        out["trends_seconds"] = time.perf_counter() - start - out["tokenize_seconds"] - out["frequencies_seconds"]
        out["tokens"] = int(tokens.shape[0].compute())
    else:
        out["tokens"] = len(tokens)
        out["bytes_per_token"] = float(tokens.memory_usage(deep=True).sum() / max(len(tokens), 1))
        out["segmented"] = tokens.attrs["segmented_articles"]
out["seconds"] = time.perf_counter() - start
# not getrusage's ru_maxrss: Linux keeps it across exec, so it would start at the parent's peak
out["peak_rss"] = max(peak[0], psutil.Process().memory_info().rss)
print(json.dumps(out))
"""


def run_step(step: str, corpus: Path, cache: Path, extra: Path | None = None) -> dict:
    """One measured step in a fresh Python process (so each peak memory is its own)."""
    import json
    import subprocess

    code = STEP.format(root=str(ROOT), corpus=str(corpus), step=step, cache=str(cache), extra=str(extra or ""))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"step {step} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def best_of(times: int, step) -> dict:
    """The fastest of ``times`` runs of a short step (each in a fresh process, from the same
    cache): on a shared 2-core machine a second's work varies by a few tenths between runs."""
    runs = [step() for _ in range(times)]
    best = min(runs, key=lambda r: r["seconds"])
    return {**best, "all_seconds": [round(r["seconds"], 2) for r in runs]}


def fresh_copy(cache: Path, copy: Path) -> Path:
    import shutil

    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(cache, copy)
    return copy


def agreement(corpus: pd.DataFrame, show: int = 5) -> None:
    """How often the kit's segmentation (rjieba where it agrees, jieba elsewhere) gives exactly
    jieba's words: per article and per word (a word counts when both cut the same span)."""
    from banmian.segmenter import Segmenter, dictionary_entries

    texts = list(corpus.body)
    segmenter = Segmenter(tuple(dictionary_entries(texts, ROOT / "corpus" / "userdict.txt")))
    if segmenter.fast is None:
        print("  rjieba is not installed: segmentation is jieba's alone")
        return
    kit = [segmenter.words(t) for t in texts]
    segmenter.fast = None
    reference = [segmenter.words(t) for t in texts]

    def spans(words):
        out, at = set(), 0
        for w in words:
            out.add((at, at + len(w)))
            at += len(w)
        return out

    same_articles = same_words = all_words = 0
    differing = []
    for text, a, b in zip(texts, kit, reference):
        same_articles += a == b
        shared = len(spans(a) & spans(b))
        same_words, all_words = same_words + shared, all_words + len(b)
        if a != b and len(differing) < show:
            differing.append(" / ".join(w for w in b if (w not in a))[:80])
    print(f"  identical to jieba (same dictionary entries) in {same_articles:,} of {len(texts):,} articles "
          f"({same_articles / max(1, len(texts)):.2%}) and for {same_words / max(1, all_words):.4%} of jieba's words")
    for example in differing:
        print(f"    jieba's words the kit cut otherwise: {example}")


def bench_segmentation(corpus: pd.DataFrame, described: str, scale: list[int], cold_pairs: int | None = None) -> None:
    """Plain jieba, rjieba and tokenize (cold with 1 and 2 processes, again, after one more day).
    ``cold_pairs`` pairs of plain jieba and a cold tokenize run back to back (by default three on a
    corpus of up to 5 M characters, where a run takes seconds, else one)."""
    chars = int(corpus.body.str.len().sum())
    cold_pairs = cold_pairs or (3 if chars <= 5_000_000 else 1)
    print(f"\nsegmentation corpus: {len(corpus):,} articles, {chars:,} characters ({described})")
    agreement(corpus.sample(min(len(corpus), 3000), random_state=1))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        dated = corpus if "date" in corpus.columns else corpus.assign(date="")
        last_day = dated["date"].max()
        base, day = dated[dated["date"] != last_day], dated[dated["date"] == last_day]
        (tmp / "c").mkdir()
        base.to_parquet(tmp / "corpus.parquet")
        day.to_parquet(tmp / "day.parquet")
        # The anchor and the cold run alternate, each in a fresh process and a fresh cache: this
        # machine's speed drifts between minutes, and a pair run back to back shares its state.
        pairs = [(run_step("jieba", tmp / "corpus.parquet", tmp / "x"),
                  run_step("tokenize-1", tmp / "corpus.parquet", tmp / f"c1-{k}"))
                 for k in range(cold_pairs)]
        ratios = [round(cold["seconds"] / jieba["seconds"], 3) for jieba, cold in pairs]
        fastest = lambda runs: {**min(runs, key=lambda r: r["seconds"]),  # noqa: E731
                                "all_seconds": [round(r["seconds"], 2) for r in runs]}
        rows = [("plain jieba.lcut, 1 process (anchor)", fastest([jieba for jieba, _ in pairs])),
                ("rjieba alone, 1 process (anchor)", run_step("rjieba", tmp / "corpus.parquet", tmp / "x")),
                ("tokenize, empty cache, 1 process", fastest([cold for _, cold in pairs])),
                ("tokenize, empty cache, 2 processes", run_step("tokenize-2", tmp / "corpus.parquet", tmp / "c")),
                ("tokenize again, nothing new (best of 3)",
                 best_of(3, lambda: run_step("rerun", tmp / "corpus.parquet", tmp / "c"))),
                (f"tokenize after adding one day ({len(day)} articles; best of 3)",
                 best_of(3, lambda: run_step("add-day", tmp / "corpus.parquet", fresh_copy(tmp / "c", tmp / "d"),
                                             tmp / "day.parquet")))]
        files = list((tmp / "c" / "tokens").glob("*.parquet"))
        disk = sum(p.stat().st_size for p in files if not p.name.startswith("compacted-"))
        compacted = sum(p.stat().st_size for p in files if p.name.startswith("compacted-"))
    anchor = rows[0][1]["seconds"]
    print(f"\n  {'step':<52} {'seconds':>8} {'× jieba':>8} {'peak RSS':>9}")
    for label, r in rows:
        print(f"  {label:<52} {r['seconds']:8.2f} {r['seconds'] / anchor:8.2f} {r['peak_rss'] / 2**20:7.0f} MB")
    cold, tokens = rows[2][1], rows[3][1]["tokens"]
    print(f"\n  rerun with nothing new: {rows[4][1]['seconds'] / cold['seconds']:.1%} of the cold time (1 process; "
          f"runs {rows[4][1]['all_seconds']} s); after one more day: {rows[5][1]['seconds'] / cold['seconds']:.1%} "
          f"(runs {rows[5][1]['all_seconds']} s; segmented {rows[5][1]['segmented']} articles)")
    print(f"  cold: {cold['seconds'] / anchor:.2f} × plain jieba with 1 process (fastest of each), "
          f"{rows[3][1]['seconds'] / anchor:.2f} × with 2")
    if cold_pairs > 1:
        print(f"  cold / plain jieba, {cold_pairs} pairs run back to back: {ratios} (median "
              f"{sorted(ratios)[len(ratios) // 2]:.2f}; plain jieba {rows[0][1]['all_seconds']} s, "
              f"tokenize {cold['all_seconds']} s)")
    print(f"  {tokens:,} tokens: {cold['bytes_per_token']:.1f} bytes a token in memory, "
          f"{disk / max(tokens, 1):.1f} bytes a token on disk (Parquet, zstd; files per date), "
          f"{compacted / max(tokens, 1):.1f} more for the compacted copies that reruns read")
    if scale:
        bench_scaling(scale)


def bench_scaling(sizes: list[int]) -> None:
    """Generated corpora of growing size, tokenized and counted on Dask (LocalCluster, all
    cores) through the Parquet token files: time and peak memory of the whole process tree."""
    print("\nscaling (generated text; tokenize(engine='dask'), then term_frequencies and term_trends of its top"
          " five words by month on a LocalCluster):")
    print(f"  {'characters':>12} {'tokens':>12} {'seconds':>8} {'tokenize':>9} {'counts':>7} {'trends':>7} {'peak RSS':>9}")
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            days = max(365, size * 365 // 35)  # about 35 M characters a year, as a national daily
            generated_articles(size * 1_000_000, seed=size, days=days).to_parquet(tmp / "corpus.parquet")
            r = run_step("dask", tmp / "corpus.parquet", tmp / "c")
        print(f"  {size * 1_000_000:>12,} {r['tokens']:>12,} {r['seconds']:8.1f} {r['tokenize_seconds']:9.1f} "
              f"{r['frequencies_seconds']:7.1f} {r['trends_seconds']:7.1f} {r['peak_rss'] / 2**20:7.0f} MB")


def reprint_corpus(articles: int, per_kind: int, seed: int = 7):
    """Generated articles (``generated_articles``) plus known reprints of ``per_kind`` of them for
    each kind: whole (100 %: the same text with a few characters changed and a paragraph
    dropped), rewritten (70 % of the sentences kept, the rest new), abridged (40 % of the
    sentences kept). Reprints stand on other pages, dates and papers. Returns the corpus and
    the true pairs {(source row, reprint row): kind}."""
    rng = random.Random(seed)
    pool = generated_articles(int(articles * 1.05 * 540), seed=seed)
    extra = pool.iloc[articles:]  # new sentences for the rewritten reprints come from texts not in the corpus
    corpus = pool.iloc[:articles].assign(paper="本报").reset_index(drop=True)
    new_sentences = [s for body in extra.body for s in re.findall(r"[^。！？]+[。！？]", body)]
    sources = rng.sample(range(len(corpus)), 3 * per_kind)
    rows, truth = [], {}
    for k, source in enumerate(sources):
        kind = ("100 %", "70 %", "40 %")[k // per_kind]
        article = corpus.iloc[source]
        sentences = re.findall(r"[^。！？\n]+[。！？]?\n?", article.body)
        if kind == "100 %":
            body = edited_copy(article.body, rng, max(1, len(article.body) // 200))
        else:
            share = 0.7 if kind == "70 %" else 0.4
            kept = sorted(rng.sample(range(len(sentences)), max(1, round(share * len(sentences)))))
            body_sentences = [sentences[i] for i in kept]
            if kind == "70 %":
                for _ in range(len(sentences) - len(kept)):
                    body_sentences.insert(rng.randrange(len(body_sentences) + 1), rng.choice(new_sentences))
            body = "".join(body_sentences)
        truth[(source, len(corpus) + len(rows))] = kind
        rows.append({**article.to_dict(), "page_id": f"reprint-{k:04d}", "paper": f"晚报{k % 7}", "body": body,
                     "date": (pd.Timestamp(article.date) + pd.Timedelta(days=1 + k % 5)).strftime("%Y-%m-%d")})
    return pd.concat([corpus, pd.DataFrame(rows)], ignore_index=True), truth


def bench_reprints(articles: int, per_kind: int) -> None:
    """find_reprints on generated articles with known reprint pairs: pairs found, false pairs, time."""
    corpus, truth = reprint_corpus(articles, per_kind)
    print(f"\nreprints: {len(corpus):,} generated articles, {len(truth)} known reprint pairs "
          f"({per_kind} each at 100 %, 70 % and 40 % of the source kept)")
    pairs, seconds = timed("find_reprints", lambda: helpers.find_reprints(corpus))
    found = set(zip(pairs["row_a"], pairs["row_b"]))
    for kind in ("100 %", "70 %", "40 %"):
        wanted = {pair for pair, k in truth.items() if k == kind}
        print(f"    {kind:>6}: found {len(wanted & found)} of {len(wanted)} ({len(wanted & found) / len(wanted):.1%})")
    false = found - set(truth)
    print(f"    all: found {len(found & set(truth))} of {len(truth)} ({len(found & set(truth)) / len(truth):.1%}); "
          f"false pairs {len(false)} of {len(found)} found ({len(false) / max(1, len(found)):.1%}); "
          f"{seconds:.1f} s")
    for a, b in list(false)[:3]:
        print(f"    false pair: {corpus.headline[a]} / {corpus.headline[b]}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chars", type=int, default=10_000_000, help="size of the generated corpus")
    parser.add_argument("--scale", help="also a scaling run on Dask, sizes in millions of characters: 10,50,100")
    parser.add_argument("--only", choices=["segmentation", "comparison", "trends", "scaling", "reprints"],
                        help="run one part only")
    parser.add_argument("--reprint-articles", type=int, default=20_000, help="reprints part: corpus size")
    parser.add_argument("--corpus", help="real pages for the trends part (a folder, page file or table)")
    parser.add_argument("--articles", type=int, default=20_000, help="trends part: at least this many articles")
    args = parser.parse_args(argv)
    if args.only == "scaling":
        bench_scaling([int(x) for x in (args.scale or "10,50,100").split(",")])
        return
    if args.only in ("reprints", None):
        bench_reprints(args.reprint_articles, 100)
        if args.only:
            return
    if args.only == "trends" or (args.corpus and args.only is None):
        bench_trends(args.corpus, args.articles)
        if args.only == "trends":
            return
    seeds = helpers.load_articles(ROOT / "corpus")
    if args.only != "segmentation":
        bench_comparison(seeds)
    if args.only == "comparison":
        return
    if args.corpus:
        import warnings

        warnings.simplefilter("ignore", helpers.PageWarning)
        corpus = helpers.load_articles(args.corpus)
        described = f"real text from {Path(args.corpus).name}"
    else:
        corpus = generated_articles(args.chars)
        described = "generated: jieba's dictionary words in sentence templates, no sentence repeated"
    bench_segmentation(corpus, described, [int(x) for x in args.scale.split(",")] if args.scale else [])


if __name__ == "__main__":
    main()
