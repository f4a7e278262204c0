"""How well pages are split into articles (headline recovery and extra articles per layout),
how well short legacy-encoded pages decode, and the precision and recall of find_formulations
on its held-out evaluation set (tests/formulations).

    python bench/evaluate.py                  # the development set in tests/devset (what `make evaluate` runs)
    python bench/evaluate.py --crawl DIR      # also real text: a crawl of one-article files (see below)

Decoding: prefixes of 2–300 characters of varied text are encoded as GB18030, GBK and Big5
and decoded again; each is exact, flagged as a guess (encoding "… (guessed)" and a warning)
or silently wrong. The text is the development set (simplified, and traditional.txt for
Big5) and, with ``--crawl``, the crawl's own articles.

A headline counts as recovered when an article of the same page (file) has exactly that
headline after cleaning (spaces ignored). Extra articles are articles beyond the true
number on a page. Both are printed per layout.

``--crawl`` takes a folder of one-article files in which lines 1–3 are the kicker, the
headline and the subtitle (empty lines where a part is missing) and the body follows,
as the common People's Daily crawls store them (YYYYMMDD/YYYYMMDD-PP-NN.txt). The
script reads the folder as it is (article per file), then rebuilds each printed page
from its articles in three layouts (site text with indented paragraphs, markdown,
OCR-like hard-wrapped lines) in a temporary folder and splits those. Nothing is
written into the crawl; its text never enters the repository.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import random
import re
import sys
import tempfile
import time
import warnings
from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import helpers  # noqa: E402
from banmian.paths import display_path  # noqa: E402
import banmian.slogans  # noqa: E402
import banmian.formulation_evaluation  # noqa: E402
import banmian.formulations  # noqa: E402

DEVSET = ROOT / "tests" / "devset"


def norm(headline: str) -> str:
    return re.sub(r"\s+", "", helpers.clean_text(str(headline)))


def score(expected: dict[str, list[str]], articles: pd.DataFrame, key: str = "path") -> dict:
    """``expected`` maps a page (its path) to its true headlines in order."""
    predicted = defaultdict(list)
    for page, headline in zip(articles[key], articles["headline"]):
        predicted[page].append(norm(headline))
    true_n = recovered = extra = predicted_n = 0
    misses = []
    for page, headlines in expected.items():
        truth = Counter(norm(h) for h in headlines)
        got = Counter(predicted.get(page, []))
        hit = sum((truth & got).values())
        true_n += len(headlines)
        recovered += hit
        predicted_n += sum(got.values())
        extra += max(0, sum(got.values()) - len(headlines))
        misses += [(page, h) for h in (truth - got).elements()][:3]
    return {"pages": len(expected), "articles": true_n, "found": predicted_n, "recovered": recovered,
            "recall": recovered / true_n if true_n else float("nan"), "extra": extra,
            "extra_rate": extra / true_n if true_n else float("nan"), "misses": misses}


def load_quietly(source, **kwargs) -> pd.DataFrame:
    """The articles of ``source``, without the loader's warnings and plain lines (the tables say it all)."""
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore", helpers.PageWarning)
        return helpers.load_articles(source, **kwargs)


# --------------------------------------------------------------------------- development set

def evaluate_devset(folder: Path = DEVSET) -> pd.DataFrame:
    expected = pd.read_csv(folder / "expected.csv", dtype=str, keep_default_na=False)
    rows = []
    for layout, group in expected.groupby("layout", sort=False):
        source = folder / group["source"].iloc[0]
        articles = load_quietly(source)
        articles = articles.assign(page=articles["path"].map(lambda p: Path(p).name) + "#"
                                   + articles["page_id"].where(articles["layout"] == "table", ""))
        truth = {page: list(g["headline"]) for page, g in group.groupby("page", sort=False)}
        rows.append({"layout": layout, **score(truth, articles, key="page")})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- a real crawl

def read_crawl(folder: Path) -> pd.DataFrame:
    rows = []
    for path in sorted(folder.rglob("*.txt")):
        match = re.search(r"(\d{8})-(\d{2})-(\d{2})$", path.stem)
        if not match:
            continue
        lines = path.read_text(encoding="utf-8", errors="replace").replace("\r", "").split("\n")
        if len(lines) < 4 or not lines[1].strip() or lines[1].strip() == "广告":
            continue  # advertisement placeholders are page furniture, not articles
        body = [line for line in lines[3:] if line.strip()]
        rows.append({"path": path, "day": match.group(1), "page": match.group(2), "position": int(match.group(3)),
                     "kicker": lines[0].strip(), "headline": lines[1].strip(), "subtitle": lines[2].strip(),
                     "body": body})
    return pd.DataFrame(rows)


def _wrap(paragraph: str, width: int) -> list[str]:
    return [paragraph[i:i + width] for i in range(0, len(paragraph), width)] or [""]


def render_page(page: pd.DataFrame, style: str) -> str:
    parts = []
    for art in page.itertuples():
        head = [h for h in (art.kicker, art.headline, art.subtitle) if h]
        paragraphs = [p.strip().replace("\u3000", "") for p in art.body]
        if style == "indented":
            parts.append("\n".join(head) + "\n\n" + "\n".join("\u3000\u3000" + p for p in paragraphs))
        elif style == "markdown":  # the headline marked, kicker and subtitle as plain lines around it
            stack = [art.kicker, "## " + art.headline, art.subtitle]
            parts.append("\n".join(h for h in stack if h) + "\n\n" + "\n\n".join(paragraphs))
        else:  # OCR-like: no indentation, body hard-wrapped at 24 characters, no blank line between paragraphs
            parts.append("\n".join(head) + "\n" + "\n".join(line for p in paragraphs for line in _wrap(p, 24)))
    return "\n\n".join(parts) + "\n"


def evaluate_crawl(folder: Path) -> pd.DataFrame:
    crawl = read_crawl(folder)
    if crawl.empty:
        sys.exit(f"{folder}: no YYYYMMDD-PP-NN.txt files with a headline on line 2")
    rows = []
    start = time.perf_counter()
    articles = load_quietly(folder)
    seconds = time.perf_counter() - start
    paths = {display_path(p): p for p in crawl["path"]}
    headline_of = dict(zip(crawl["path"], crawl["headline"]))
    truth = {shown: [headline_of[p]] for shown, p in paths.items()}
    rows.append({"layout": f"article per file ({seconds:.1f} s to load)", **score(truth, articles)})
    with tempfile.TemporaryDirectory() as tmp:
        for style in ("indented", "markdown", "ocr-wrapped"):
            out = Path(tmp) / style
            out.mkdir()
            truth = {}
            for (day, page), group in crawl.sort_values("position").groupby(["day", "page"]):
                name = out / f"{day}-p{page}.txt"
                name.write_text(render_page(group, style), encoding="utf-8")
                truth[display_path(name)] = list(group["headline"])
            articles = load_quietly(out, layout="page")
            rows.append({"layout": f"pages, {style}", **score(truth, articles)})
    return pd.DataFrame(rows)


def devset_texts() -> dict[str, str]:
    """The development set's text: simplified (its articles) and traditional."""
    simplified = "\n".join(line.split(":", 1)[1].strip() for line in
                           (DEVSET / "articles.txt").read_text(encoding="utf-8").splitlines()
                           if re.match(r"^[KHSBDPCF#]:", line))
    return {"simplified": simplified, "traditional": (DEVSET / "traditional.txt").read_text(encoding="utf-8")}


def encoded_samples(text: str, codec: str, n: int, seed: int = 7):
    """``n`` prefixes of 2–300 characters of ``text`` (short ones over-represented) that ``codec`` can encode."""
    rng = random.Random(seed)
    made = 0
    while made < n:
        size = rng.choice([*range(2, 60)] * 2 + [*range(60, 301)])
        start = rng.randrange(max(1, len(text) - size))
        sample = text[start:start + size]
        try:
            data = sample.encode(codec)
        except UnicodeEncodeError:
            continue
        if sample.strip():
            made += 1
            yield sample, data


def _charset_normalizer(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return str(best) if best is not None else None


def evaluate_decoding(texts: dict[str, str], n: int = 1000) -> pd.DataFrame:
    """Per text and encoding: exact, guessed (flagged) and silently wrong decodes by the kit,
    and, for comparison, wrong answers of charset-normalizer's best guess when it is installed."""
    try:
        import charset_normalizer  # noqa: F401
        compare = True
    except ImportError:
        compare = False
    rows = []
    for name, text in texts.items():
        for codec in (("big5",) if name == "traditional" else ("gb18030", "gbk")):
            exact = guessed = wrong = other_wrong = 0
            for sample, data in encoded_samples(text, codec, n):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    decoded, encoding = helpers.decode_page(data, "sample")
                if encoding.endswith("(guessed)"):
                    guessed += 1
                elif decoded == sample:
                    exact += 1
                else:
                    wrong += 1
                other_wrong += compare and _charset_normalizer(data) != sample
            rows.append({"text": name, "encoding": codec, "samples": n, "exact": exact, "guessed": guessed,
                         "silently wrong": wrong, "charset-normalizer wrong": other_wrong if compare else None})
    return pd.DataFrame(rows)


def show(table: pd.DataFrame, title: str) -> None:
    print(f"\n{title}")
    shown = table.assign(recall=(100 * table["recall"]).round(1), extra_rate=(100 * table["extra_rate"]).round(1))
    print(shown.drop(columns=["misses"]).rename(columns={"recall": "recovered %", "extra_rate": "extra %"})
          .to_string(index=False))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--crawl", type=Path, help="a folder of one-article files with kicker/headline/subtitle on lines 1-3")
    parser.add_argument("--misses", type=int, default=0, help="print up to N missed headlines per layout")
    args = parser.parse_args(argv)
    tables = [("Development set (tests/devset: text written alongside the rules, see its README; an upper bound)",
               evaluate_devset())]
    if args.crawl:
        tables.append((f"Real pages rebuilt from a crawl ({args.crawl.name})", evaluate_crawl(args.crawl)))
    for title, table in tables:
        show(table, title)
        if args.misses:
            for row in table.itertuples():
                for page, headline in row.misses[:args.misses]:
                    print(f"  missed in {row.layout}: {Path(page).name}: {headline}")
    texts = devset_texts()
    if args.crawl:
        crawl = read_crawl(args.crawl)
        texts[f"crawl {args.crawl.name}"] = "\n".join("\n".join(body) for body in crawl["body"].head(2000))
    print("\nDecoding prefixes of 2-300 characters (development set text; with --crawl, the crawl's too)")
    print(evaluate_decoding(texts).to_string(index=False))
    evaluate_formulation_rules()


def evaluate_formulation_rules() -> None:
    """Precision and recall of find_formulations on the held-out set (tests/formulations), and
    the seed page's formulations with their expansions."""
    print("\nFormulations: held-out evaluation set (tests/formulations, written before the rules were revised)")
    for title, reference in (("with the reference list", True), ("rules alone (no reference list)", False)):
        evaluation = banmian.formulation_evaluation.evaluate_formulations(reference=reference)
        print(f"\n{title}")
        print(banmian.formulation_evaluation.formulation_scores(evaluation).to_string(index=False))
        if reference:
            print("\nby class (sentences)")
            print(banmian.formulation_evaluation.formulation_scores(evaluation[evaluation.part == "sentences"], by="class")
                  .to_string(index=False))
            errors = evaluation[evaluation.outcome.isin(["FP", "FN"])]
            print(f"\n{len(errors)} errors:")
            print(errors[["part", "class", "outcome", "term", "reason"]].to_string(index=False))
    seeds = load_quietly(ROOT / "seeds")
    found = banmian.formulations.find_formulations(seeds)
    spelled = found[(found.label == "formulation") & (found.expansion_count > 0)
                    & ~found.expansion_where.str.startswith("from")].drop_duplicates("term")
    print(f"\nSeed pages: {found[found.label == 'formulation'].term.nunique()} formulations, "
          f"{len(spelled)} spelled out on the page:")
    print(spelled[["term", "expansion", "count_matches"]].to_string(index=False))


if __name__ == "__main__":
    main()
