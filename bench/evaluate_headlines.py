"""Headline stacks on real pages: headline recovery and extra articles per rendering, on the
development and test months of the slot crawl, and the second crawl's June days (``make
evaluate-real``; see :mod:`crawl_months`).

    python bench/evaluate_headlines.py [--repos DIR] [--crawl FOLDER ...]

Each month is read three ways (:func:`evaluate.evaluate_crawl`): the crawl's own one-article
files as they come; its printed pages rebuilt as site text (kicker above the headline,
indented paragraphs); and as markdown (the headline marked ``##``, kicker and subtitle as plain
lines). A headline counts as recovered when an article of the same page has exactly that
headline; extra articles are articles beyond the true number on a page. The OCR-like rendering
is printed too. ``--crawl`` reads other month folders of the same shape instead.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from crawl_months import DEVELOPMENT, MEASURED_BEFORE, SECOND_CRAWL, SECOND_TEST, TEST, crawl_days, crawl_month
from evaluate import evaluate_crawl, evaluate_devset
from formulation_study import parse_script_args, run_script, script_parser

TARGETS = {"article per file": (99.0, 0.0), "pages, indented": (96.0, 2.0), "pages, markdown": (98.0, 2.0)}


def month_table(folder: Path, month: str, split: str) -> pd.DataFrame:
    table = evaluate_crawl(folder)
    table["layout"] = table["layout"].str.replace(r" \(.*\)$", "", regex=True)
    return table.assign(month=month, split=split)


def main() -> None:
    parser = script_parser(__doc__)
    parser.add_argument("--crawl", nargs="*", type=Path, help="month folders of a slot crawl, instead of the fetched months")
    args = parse_script_args(parser)
    months = [(folder, folder.name, "given") for folder in args.crawl] if args.crawl else \
        [(crawl_month(m), m, "development") for m in DEVELOPMENT] + \
        [(crawl_month(m), m, "measured before") for m in MEASURED_BEFORE] + [(crawl_month(m), m, "test") for m in TEST] + \
        [(crawl_days(), SECOND_TEST, "test")]
    tables = [month_table(folder, month, split) for folder, month, split in months]
    table = pd.concat(tables, ignore_index=True)
    table["recovered %"] = (100 * table["recall"]).round(1)
    table["extra %"] = (100 * table["extra_rate"]).round(1)
    print("Headline stacks on the slot crawl of People's Daily (caspiankexin/people-daily-crawler-date; "
          f"{SECOND_TEST}: {SECOND_CRAWL['repo']})\n")
    print(table[["split", "month", "layout", "articles", "found", "recovered %", "extra %"]].to_string(index=False))
    devset = evaluate_devset()
    whole = bool((devset["recall"] == 1).all() and (devset["extra_rate"] == 0).all())
    print("\nDevelopment set (tests/devset, written for the kit: an upper bound)")
    print(devset.assign(**{"recovered %": (100 * devset["recall"]).round(1),
                           "extra %": (100 * devset["extra_rate"]).round(1)})
          [["layout", "articles", "recovered %", "extra %"]].to_string(index=False))
    print("\nTargets (issue 21), on the test months:")
    for layout, (recovered, extra) in TARGETS.items():
        rows = table[(table["layout"] == layout) & table["split"].isin(["test", "given"])]
        for _, row in rows.iterrows():
            got, added = row["recovered %"], row["extra %"]
            met = got >= recovered and added <= extra
            print(f"  {row['month']} {layout}: {got} % recovered (target ≥ {recovered}), {added} % extra "
                  f"(target ≤ {extra}): {'met' if met else 'not met'}")
    print(f"  development set: every headline in every layout, no extra article: {'met' if whole else 'not met'}")


if __name__ == "__main__":
    run_script(main)
