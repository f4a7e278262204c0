"""Draw the real-text formulation sample (stand-off) before any rule or model is fitted.

    python tools/draw_formulation_sample.py --repos DIR --out SCRATCH

For each month of the plan below, every candidate the generous finder
(:func:`banmian.formulation_candidates.candidate_terms`) proposes in headlines and bodies is
collected; a month's population is its distinct terms, each with one occurrence drawn at
random as its context. Terms are drawn at random within three strata, so that the rare
formulations are not drowned by counts, and every row carries the weight (stratum size /
drawn) that turns the sample back into the month's population:

- ``rules``: the kit's former rules (before this sample) called the occurrence a formulation
  or borderline;
- ``shapes``: the former finder proposed it and rejected it;
- ``new``: only the generous finder proposes it.

Writes ``SCRATCH/sample.tsv`` (with sentences, for the readers: never committed) and
``tests/formulations_real/sample.tsv`` (stand-off: addresses and terms, no sentences).
Also draws the whole articles to read end to end (``articles.tsv``).

The later draws, each run once and in this order (see ``tests/formulations_real/README.md``):
``--check xwlb:2024-03`` (the independent check), ``--enrich 500`` (training-only candidates),
``--supplement`` (more test candidates of the finder-only stratum, after the first model was
fixed), ``--test-split test2`` (the second test split, before the second model was fitted) and
``--test-split test3`` (the third, before the third model was fitted) and ``--test-split test4``
(the fourth, before the fourth model was fitted).
"""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import realtext  # noqa: E402
from banmian.formulation_candidates import candidate_terms  # noqa: E402
from banmian import slogans  # noqa: E402

PLAN = [  # (source, month, split, drawn per stratum: rules, shapes, new)
    ("rmrb", "2026-05", "dev", (110, 90, 140)),
    ("rmrb", "2026-07", "dev", (110, 90, 140)),
    ("rmrb", "2026-08", "dev", (110, 90, 140)),
    ("qqnews", "2023-03", "dev", (110, 90, 140)),
    ("qqnews", "2023-10", "dev", (110, 90, 140)),
    ("rmrb", "2026-06", "test", (170, 150, 200)),
]
ARTICLES = [("rmrb", "2026-05", "dev", 10), ("rmrb", "2026-07", "dev", 10), ("qqnews", "2023-03", "dev", 10),
            ("qqnews", "2023-10", "dev", 10), ("rmrb", "2026-06", "test", 20)]
STANDOFF = ROOT / "tests" / "formulations_real"


def old_verdicts(text: str) -> dict[tuple[int, str], str]:
    """The former rules' label of each candidate they proposed: (start, term) → label."""
    known = slogans.known_formulations(None)
    known_map = {t: (e, o) for t, e, o in zip(known["term"], known["expansion"], known["origin"])}
    return {(r["start"], r["term"]): r["label"] for r in slogans.find_in_text(text, known_map, True)}


def month_population(source: str, month: str, rng: random.Random) -> pd.DataFrame:
    articles = realtext.month_articles(source, month)
    seen: dict[str, list] = {}
    for art in articles.itertuples(index=False):
        for field in ("headline", "body"):
            text = getattr(art, field)
            verdicts = old_verdicts(text)
            for term, start, end, quoted in candidate_terms(text):
                old = verdicts.get((start, term))
                stratum = "rules" if old in ("formulation", "borderline") else "shapes" if old else "new"
                seen.setdefault(term, []).append((art.path, art.item, field, start, end, quoted, stratum,
                                                  text[max(0, start - 40):end + 40].replace("\n", " ")))
    rows = []
    for term, occurrences in seen.items():
        path, item, field, start, end, quoted, stratum, context = rng.choice(occurrences)
        rows.append({"source": source, "month": month, "repo": realtext.SOURCES[source]["repo"],
                     "commit": realtext.SOURCES[source]["commit"], "path": path, "item": item, "field": field,
                     "start": start, "end": end, "term": term, "quoted": quoted, "stratum": stratum,
                     "occurrences": len(occurrences), "context": context})
    return pd.DataFrame(rows)


def draw_check(source: str, month: str, sizes, out: Path, rng: random.Random) -> None:
    """An independent check sample (``check.tsv``) from a source no rule or model was fitted on."""
    population = month_population(source, month, rng)
    drawn = []
    for stratum, n in zip(("rules", "shapes", "new"), sizes):
        members = population[population["stratum"] == stratum].sort_values("term")
        take = members.sample(n=min(n, len(members)), random_state=rng.randrange(2**31))
        drawn.append(take.assign(split="check", weight=round(len(members) / max(len(take), 1), 4)))
    sample = pd.concat(drawn, ignore_index=True).sample(frac=1, random_state=7).reset_index(drop=True)
    sample.insert(0, "id", [f"x{i:04d}" for i in range(1, len(sample) + 1)])
    sample.to_csv(out / "check.tsv", sep="\t", index=False)
    sample.drop(columns=["context"]).to_csv(STANDOFF / "check_sample.tsv", sep="\t", index=False)
    print(len(sample), "check candidates drawn from", source, month)


def draw_enrichment(n: int, out: Path, rng: random.Random) -> None:
    """Training-only candidates from the development months that only the generous finder
    proposes (stratum ``new``) and that the current model scores highest: the rare
    formulations of that stratum are too few in a random draw to learn from. They carry no
    weight and never enter an estimate."""
    from banmian.formulations import candidate_table, score_candidates

    drawn = pd.read_csv(STANDOFF / "sample.tsv", sep="\t", dtype=str, keep_default_na=False)
    seen = set(zip(drawn["month"], drawn["term"]))
    rows = []
    for source, month, split, _ in PLAN:
        if split != "dev":
            continue
        population = month_population(source, month, rng)
        new = population[(population["stratum"] == "new") & ~population.apply(
            lambda r: (month, r["term"]) in seen, axis=1)]
        articles = realtext.month_articles(source, month)
        scored = score_candidates(candidate_table(articles, known=None), known=None, include_rejected=True)
        best = scored.groupby("term")["score"].max()
        rows.append(new.assign(score=new["term"].map(best).fillna(0.0)))
    pool = pd.concat(rows, ignore_index=True).sort_values(["score", "term"], ascending=[False, True])
    take = pool.head(n).drop(columns="score").assign(split="train-only", weight=0.0)
    take = take.sample(frac=1, random_state=7).reset_index(drop=True)
    take.insert(0, "id", [f"e{i:04d}" for i in range(1, len(take) + 1)])
    take.to_csv(out / "enrichment.tsv", sep="\t", index=False)
    take.drop(columns=["context"]).to_csv(STANDOFF / "enrichment_sample.tsv", sep="\t", index=False)
    print(len(take), "training-only candidates drawn")


def draw_supplement(sizes, out: Path, rng: random.Random) -> None:
    """More test candidates from the stratum only the generous finder proposes, drawn after the
    method was fixed, in two sub-strata by the shipped model's best score of the term in the
    month (``new-high`` at 0.05 or more, ``new-low`` below): that stratum holds 95 % of the
    month's distinct terms but few formulations, so 200 random terms left its share of the
    estimates to one or two items. The test sample's own ``new`` terms are put in the same
    sub-strata (``test_substrata.tsv``); weights are recomputed over both draws."""
    from banmian.formulations import candidate_table, score_candidates

    source, month = next((s, m) for s, m, split, _ in PLAN if split == "test")
    population = month_population(source, month, rng)
    scored = score_candidates(candidate_table(realtext.month_articles(source, month), known=None), known=None,
                              include_rejected=True)
    best = scored.groupby("term")["score"].max()
    new = population[population["stratum"] == "new"].copy()
    new["stratum"] = ["new-high" if best.get(t, 0.0) >= 0.05 else "new-low" for t in new["term"]]
    drawn = pd.read_csv(STANDOFF / "sample.tsv", sep="\t", dtype=str, keep_default_na=False)
    original = drawn[(drawn["split"] == "test") & (drawn["stratum"] == "new")]
    sub = dict(zip(new["term"], new["stratum"]))
    pd.DataFrame({"id": original["id"], "substratum": original["term"].map(sub).fillna("new-low")}).to_csv(
        STANDOFF / "test_substrata.tsv", sep="\t", index=False)
    taken = set(original["term"])
    picks, sizes_rows = [], []
    for stratum, n in zip(("new-high", "new-low"), sizes):
        members = new[(new["stratum"] == stratum) & ~new["term"].isin(taken)].sort_values("term")
        picks.append(members.sample(n=min(n, len(members)), random_state=rng.randrange(2**31)))
        sizes_rows.append({"source": source, "month": month, "stratum": stratum,
                           "population": int((new["stratum"] == stratum).sum())})
    take = pd.concat(picks, ignore_index=True).assign(split="test", weight=0.0)
    take = take.sample(frac=1, random_state=7).reset_index(drop=True)
    take.insert(0, "id", [f"s{i:04d}" for i in range(1, len(take) + 1)])
    take.to_csv(out / "supplement.tsv", sep="\t", index=False)
    take.drop(columns=["context"]).to_csv(STANDOFF / "supplement_sample.tsv", sep="\t", index=False)
    pd.DataFrame(sizes_rows).to_csv(STANDOFF / "supplement_strata.tsv", sep="\t", index=False)
    print(len(take), "supplementary test candidates drawn;", sizes_rows)


TEST_SPLITS = {  # (months, candidate id prefix, article id prefix); each drawn before the change it measures
    "test2": ([("rmrb", "2026-04"), ("qqnews", "2023-06")], "t", "b"),
    "test3": ([("qqnews", "2023-08"), ("qqnews", "2024-03")], "u", "d"),
    "test4": ([("qqnews", "2023-05"), ("qqnews", "2024-01")], "w", "e"),
    "test5": ([("qqnews", "2023-07"), ("qqnews", "2024-02")], "x", "g"),
}


def draw_test_split(split: str, sizes, n_articles: int, out: Path, rng: random.Random) -> None:
    """A further test split, drawn before the next change of method and not evaluated by the
    session that drew it: every month in four strata (``rules``, ``shapes``, and the generous
    finder's own terms split by the shipped model's best score, ``new-high`` at 0.05 or more and
    ``new-low``), plus whole articles to read end to end."""
    from banmian.formulations import candidate_table, score_candidates

    months, prefix, article_prefix = TEST_SPLITS[split]
    drawn, sizes_rows, picks = [], [], []
    for source, month in months:
        population = month_population(source, month, rng)
        articles = realtext.month_articles(source, month)
        best = score_candidates(candidate_table(articles, known=None), known=None,
                                include_rejected=True).groupby("term")["score"].max()
        new = population["stratum"] == "new"
        population.loc[new, "stratum"] = ["new-high" if best.get(t, 0.0) >= 0.05 else "new-low"
                                          for t in population.loc[new, "term"]]
        for stratum, n in zip(("rules", "shapes", "new-high", "new-low"), sizes):
            members = population[population["stratum"] == stratum].sort_values("term")
            take = members.sample(n=min(n, len(members)), random_state=rng.randrange(2**31))
            drawn.append(take.assign(split=split, weight=round(len(members) / max(len(take), 1), 4)))
            sizes_rows.append({"source": source, "month": month, "split": split, "stratum": stratum,
                               "population": len(members), "drawn": len(take)})
        eligible = articles[articles["body"].str.len().between(400, 2500)]
        picks.append(eligible.sample(n=n_articles, random_state=rng.randrange(2**31)).assign(split=split,
                                                                                          month=month))
    sample = pd.concat(drawn, ignore_index=True).sample(frac=1, random_state=7).reset_index(drop=True)
    sample.insert(0, "id", [f"{prefix}{i:04d}" for i in range(1, len(sample) + 1)])
    sample.to_csv(out / f"{split}.tsv", sep="\t", index=False)
    sample.drop(columns=["context"]).to_csv(STANDOFF / f"{split}_sample.tsv", sep="\t", index=False)
    pd.DataFrame(sizes_rows).to_csv(STANDOFF / f"{split}_strata.tsv", sep="\t", index=False)
    chosen = pd.concat(picks, ignore_index=True)
    chosen.insert(0, "article_id", [f"{article_prefix}{i:03d}" for i in range(1, len(chosen) + 1)])
    chosen.to_csv(out / f"{split}_articles.tsv", sep="\t", index=False)
    chosen[["article_id", "split", "source", "month", "repo", "commit", "path", "item"]].to_csv(
        STANDOFF / f"{split}_articles.tsv", sep="\t", index=False)
    print(len(sample), split, "candidates and", len(chosen), "articles drawn;", sizes_rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repos", help="folder of fetched repositories (<owner>+<name>/repo)")
    parser.add_argument("--out", required=True, help="scratch folder for the readers' sheets (outside the repository)")
    parser.add_argument("--check", metavar="SOURCE:MONTH", help="draw the independent check sample instead")
    parser.add_argument("--enrich", type=int, metavar="N", help="draw N training-only candidates instead")
    parser.add_argument("--test-split", choices=sorted(TEST_SPLITS),
                        help="draw a further test split (before the next change of method) instead")
    parser.add_argument("--supplement", action="store_true",
                        help="draw the supplementary test candidates (after the method is fixed) instead")
    args = parser.parse_args()
    if args.repos:
        import os
        os.environ["BANMIAN_REPOS"] = args.repos
    rng = random.Random(20261129)
    out = Path(args.out)
    if args.check:
        source, month = args.check.split(":")
        return draw_check(source, month, (100, 100, 120), out, rng)
    if args.enrich:
        return draw_enrichment(args.enrich, out, rng)
    if args.supplement:
        return draw_supplement((300, 200), out, rng)
    if args.test_split:
        return draw_test_split(args.test_split, (100, 80, 150, 100), 10, out, rng)
    drawn, strata_sizes = [], []
    for source, month, split, sizes in PLAN:
        population = month_population(source, month, rng)
        for stratum, n in zip(("rules", "shapes", "new"), sizes):
            members = population[population["stratum"] == stratum].sort_values("term")
            take = members.sample(n=min(n, len(members)), random_state=rng.randrange(2**31))
            weight = len(members) / max(len(take), 1)
            drawn.append(take.assign(split=split, weight=round(weight, 4)))
            strata_sizes.append({"source": source, "month": month, "split": split, "stratum": stratum,
                                 "population": len(members), "drawn": len(take)})
        print(source, month, split, len(population), "distinct candidate terms", flush=True)
    sample = pd.concat(drawn, ignore_index=True)
    sample = sample.sample(frac=1, random_state=7).reset_index(drop=True)  # readers see no stratum order
    sample.insert(0, "id", [f"c{i:04d}" for i in range(1, len(sample) + 1)])
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    sample.to_csv(out / "sample.tsv", sep="\t", index=False)
    STANDOFF.mkdir(parents=True, exist_ok=True)
    sample.drop(columns=["context"]).to_csv(STANDOFF / "sample.tsv", sep="\t", index=False)
    pd.DataFrame(strata_sizes).to_csv(STANDOFF / "strata.tsv", sep="\t", index=False)

    picks = []
    for source, month, split, n in ARTICLES:
        articles = realtext.month_articles(source, month)
        eligible = articles[(articles["body"].str.len().between(400, 2500))]
        take = eligible.sample(n=n, random_state=rng.randrange(2**31))
        picks.append(take.assign(split=split, month=month))
    chosen = pd.concat(picks, ignore_index=True)
    chosen.insert(0, "article_id", [f"a{i:03d}" for i in range(1, len(chosen) + 1)])
    chosen.to_csv(out / "articles.tsv", sep="\t", index=False)
    chosen[["article_id", "split", "source", "month", "repo", "commit", "path", "item"]].to_csv(
        STANDOFF / "articles.tsv", sep="\t", index=False)
    print(len(sample), "candidates drawn;", len(chosen), "articles drawn")


if __name__ == "__main__":
    main()
