"""Formulations on real pages: precision and recall of the kit on text no rule or model was fitted on.

    python bench/evaluate_real.py [--repos DIR] [--year]    # make evaluate-real REPOS=DIR

Reads the stand-off labels of ``tests/formulations_real`` and rebuilds their text from the
fetched repositories (see ``bench/realtext.py``). Prints, for ``label == "formulation"``
(borderline terms left out of both measures), with 95 % intervals:

1. the **test split** (the news site 2023-07 and 2024-02, drawn and labelled before the current
   model was fitted; the first four test splits were evaluated once each, see
   ``tests/formulations_real/evaluation-*-test-split.txt``, and are now training data): the kit
   as shipped, the previous model's weights in the current kit, the former hand rules, and the
   kit without its reference list; by stratum and by class;
2. training on some months and testing on another (each development month held out in turn,
   and trained on People's Daily only, tested on the news site);
3. the **whole articles**: the candidate finder's recall of every formulation a reader listed,
   and the kit's recall and precision on those articles;
4. the **independent check** (CCTV evening-news transcripts, a source kept out of development);
5. the written set (``tests/formulations``), kept as a regression check;
6. time: ``find_formulations`` on one month and on four months of People's Daily (and on a year
   of the news site with ``--year``).

Estimates are for a month's distinct candidate terms (stratified sample, weights in
``sample.tsv``); intervals by stratified bootstrap. Per-stratum rates use Wilson intervals.
"""
from __future__ import annotations

import json
import math
import subprocess
import tempfile
import time
from pathlib import Path

import pandas as pd

import realtext
from formulation_study import (ROOT, development_rows, fit, labelled_sample, parse_script_args, predictions_for, read,
                               rule_predictions, run_script, script_parser, training_rows, weighted_scores)
from banmian.formulation_evaluation import evaluate_formulations, formulation_scores
from banmian.formulation_model import load_model
from banmian.formulations import candidate_table, find_formulations


def wilson(k: int, n: int) -> str:
    if n == 0:
        return "–"
    z, p = 1.96, k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return f"{p:.3f} [{max(0, centre - half):.3f}, {min(1, centre + half):.3f}]"


def line(name: str, figures: dict) -> str:
    return (f"{name:<44} precision {figures['precision']:.3f} [{figures['precision_low']:.3f}, "
            f"{figures['precision_high']:.3f}]   recall {figures['recall']:.3f} [{figures['recall_low']:.3f}, "
            f"{figures['recall_high']:.3f}]   (drawn: {figures['tp']} TP, {figures['fp']} FP, {figures['fn']} FN)")


def by_stratum(rows: pd.DataFrame) -> pd.DataFrame:
    out = []
    for stratum, g in rows[rows["label"] != "borderline"].groupby("stratum", sort=False):
        said, gold = g["predicted"] == "formulation", g["label"] == "formulation"
        out.append({"stratum": stratum, "drawn": len(g), "formulations": int(gold.sum()),
                    "precision": wilson(int((said & gold).sum()), int(said.sum())),
                    "recall": wilson(int((said & gold).sum()), int(gold.sum()))})
    return pd.DataFrame(out)


def by_class(rows: pd.DataFrame) -> pd.DataFrame:
    rows = rows[rows["label"] != "borderline"]
    out = []
    for cls, g in rows.groupby("class"):
        said, gold = g["predicted"] == "formulation", g["label"] == "formulation"
        out.append({"class": cls, "label": g["label"].iloc[0], "drawn": len(g),
                    "found (recall)" if gold.all() else "taken for formulations":
                        wilson(int(said.sum()), len(g))})
    table = pd.DataFrame(out).fillna("")
    return table.sort_values(["label", "drawn"], ascending=[True, False]).reset_index(drop=True)


def article_figures(chosen_file: str, terms_file: str) -> dict:
    chosen = read(chosen_file)
    listed = read(terms_file)
    model = load_model()
    proposed = found = total = kept = wrong = 0
    missed = []
    for art in chosen.itertuples(index=False):
        article = realtext.article_at(art.source, art.path, int(art.item))
        frame = pd.DataFrame([{"page_id": art.article_id, "edition": "-", "article_no": 1,
                               "headline": article["headline"], "body": article["body"]}])
        candidates = set(candidate_table(frame, known=None)["term"])
        kit = find_formulations(frame, known=None, model=model)
        said = set(kit.loc[kit["label"] == "formulation", "term"])
        terms = listed[listed["article_id"] == art.article_id]
        gold = set(terms.loc[terms["label"] == "formulation", "term"])
        borderline = set(terms.loc[terms["label"] == "borderline", "term"])
        total += len(gold)
        proposed += len(gold & candidates)
        found += len(gold & said)
        missed += [f"{art.article_id}:{t}" for t in gold - said]
        kept += len(said - borderline)
        wrong += len(said - gold - borderline)
    return {"articles": len(chosen), "formulations": total, "proposed": proposed, "found": found,
            "kit_findings": kept, "kit_wrong": wrong, "missed": missed}


PREVIOUS_MODEL = "7c3d1ef"  # the commit that shipped the model measured on the fourth test split


def previous_model() -> dict | None:
    """The model the kit shipped before the current one (from the git history), or None."""
    try:
        text = subprocess.run(["git", "-C", str(ROOT), "show", f"{PREVIOUS_MODEL}:banmian/formulation_model.json"],
                              capture_output=True, check=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return json.loads(text)


def main() -> None:
    parser = script_parser(__doc__)
    parser.add_argument("--year", action="store_true", help="also time find_formulations on a year of the news site")
    parser.add_argument("--time-only", action="store_true", help="print only the timings (section 6)")
    args = parse_script_args(parser)
    pd.set_option("display.width", 200)
    if args.time_only:
        return time_find_formulations(args.year)
    model = load_model()
    thresholds = model["thresholds"]
    test = labelled_sample("test5")
    print(f"# Formulations on real pages (label == formulation; borderline left out)\n\nmodel: logistic regression, "
          f"{len(model['weights'])} weights, thresholds {thresholds}, trained on {model['development']['months']}\n")

    print("## 1. Test split: the news site 2023-07 and 2024-02 (no rule, threshold or model fitted on them)\n")
    kit = predictions_for(test, model, thresholds)
    print(line("the kit (learned scorer + lists)", weighted_scores(kit)))
    for month in sorted(test["month"].unique()):
        print(line(f"  the news site {month}", weighted_scores(kit[kit["month"] == month])))
    previous = previous_model()
    if previous:
        print(line(f"the previous model's weights ({PREVIOUS_MODEL}) in this kit", weighted_scores(
            predictions_for(test, previous, previous["thresholds"]))))
    print(line("the former hand rules", weighted_scores(rule_predictions(test))))
    print(line("the kit without the reference list", weighted_scores(predictions_for(test, model, thresholds,
                                                                                     reference=False))))
    print("\nby stratum (unweighted rates in the drawn candidates, Wilson 95 % intervals):")
    print(by_stratum(kit).to_string(index=False))
    print("\nby class (the reader's class):")
    print(by_class(kit).to_string(index=False))
    errors = kit[(kit["label"] != "borderline") & ((kit["label"] == "formulation") != (kit["predicted"] == "formulation"))]
    print("\nerrors on the test split (term, reader's label and class, kit's score):")
    for row in errors.sort_values(["label", "score"]).to_dict("records"):
        print(f"  {'missed' if row['label'] == 'formulation' else 'taken '} {row['term']:<12} {row['class']:<12} "
              f"score {row['score']:.2f}  ({row['stratum']}; reader: {row['reason_x']})")

    print("\n## 2. Training on some months, testing on another\n")
    rows = training_rows(development_rows())
    rows = rows[rows["features"].notna()]
    dev = rows[rows["split"] == "dev"].drop(columns=["features", "rule_label"])
    c = model.get("c", 1.0)
    for month in sorted(dev["month"].unique()):
        held = fit(rows[rows["month"] != month], c)
        print(line(f"held out {month}", weighted_scores(predictions_for(dev[dev["month"] == month], held, thresholds))))
    rmrb_only = fit(rows[rows["source"] == "rmrb"], c)
    print(line("trained on People's Daily, tested on qqnews", weighted_scores(
        predictions_for(dev[dev["source"] == "qqnews"], rmrb_only, thresholds))))

    print("\n## 3. Whole articles read end to end\n")
    for name, files in (("test split", ("test5_articles.tsv", "test5_article_terms.tsv")),
                        ("fourth test split (now development)", ("test4_articles.tsv", "test4_article_terms.tsv")),
                        ("third test split (now development)", ("test3_articles.tsv", "test3_article_terms.tsv")),
                        ("second test split (now development)", ("test2_articles.tsv", "test2_article_terms.tsv")),
                        ("development (and first test split)", ("articles.tsv", "article_terms.tsv"))):
        f = article_figures(*files)
        print(f"{name}: {f['articles']} articles, {f['formulations']} formulations listed; candidate finder recall "
              f"{wilson(f['proposed'], f['formulations'])}; kit recall {wilson(f['found'], f['formulations'])}, "
              f"precision {wilson(f['kit_findings'] - f['kit_wrong'], f['kit_findings'])}")
        if f["missed"]:
            print("  missed by the kit:", ", ".join(f["missed"]))

    print("\n## 4. Independent check: CCTV evening news, 2024-03 (a source kept out of development)\n")
    check = labelled_sample("check")
    print(line("the kit", weighted_scores(predictions_for(check, model, thresholds))))
    print(line("the former hand rules", weighted_scores(rule_predictions(check))))

    print("\n## 5. The written set (tests/formulations): a regression check, an upper bound\n")
    print(formulation_scores(evaluate_formulations()).to_string(index=False))

    time_find_formulations(args.year)


def first_run(call):
    """``call()`` and its seconds with the formulation store empty, as on a corpus's first run."""
    import banmian.formulation_cache as store

    with tempfile.TemporaryDirectory() as folder:
        saved, store.CACHE_DIR = store.CACHE_DIR, Path(folder)
        try:
            started = time.perf_counter()
            result = call()
            return result, time.perf_counter() - started
        finally:
            store.CACHE_DIR = saved


def time_find_formulations(year: bool) -> None:
    """First runs (an empty cache: every candidate found and scored), on this machine."""
    print("\n## 6. Time (first run: nothing cached)\n")
    articles = realtext.month_articles("rmrb", "2026-06")
    runs = [first_run(lambda: find_formulations(articles, known=None)) for _ in range(3)]
    found, seconds = runs[0][0], sorted(s for _, s in runs)[1]  # the median of three: this machine is noisy
    print(f"find_formulations on one month of People's Daily ({len(articles):,} articles, "
          f"{articles['body'].str.len().sum():,} characters): {seconds:.1f} s (median of "
          f"{', '.join(f'{s:.1f}' for _, s in runs)} s), {(found['label'] == 'formulation').sum():,} formulation occurrences")
    months = pd.concat([realtext.month_articles("rmrb", m) for m in ("2026-05", "2026-06", "2026-07", "2026-08")],
                       ignore_index=True)
    months = months.assign(article_no=range(1, len(months) + 1))
    _, seconds = first_run(lambda: find_formulations(months, known=None))
    chars = months["body"].str.len().sum()
    print(f"find_formulations on four months of People's Daily ({len(months):,} articles, {chars:,} characters): "
          f"{seconds:.1f} s, {seconds / chars * 1e6:.1f} s a million characters")
    if year:
        year = pd.concat([realtext.month_articles("qqnews", f"2023-{m:02d}") for m in range(1, 13)], ignore_index=True)
        year = year.assign(article_no=range(1, len(year) + 1))
        _, seconds = first_run(lambda: find_formulations(year, known=None))
        print(f"find_formulations on a year of the news site ({len(year):,} articles, "
              f"{year['body'].str.len().sum():,} characters): {seconds:.1f} s")

if __name__ == "__main__":
    run_script(main)
