"""Gather the readers' label sheets into the committed stand-off files.

    python tools/collect_labels.py --repos DIR --sheets SCRATCH

Reads SCRATCH/out*.tsv (labels of the drawn candidates, by id), SCRATCH/agreement_out.tsv (the
second, independent reading of 200 of them; ``agree_t3_out.tsv`` the same for the third test
split, ``agree_t4_out.tsv`` for the fourth, ``agree_t5_out.tsv`` for the fifth) and SCRATCH/articles_out*.tsv (every formulation
of the 60 whole articles), checks them against ``tests/formulations_real/sample.tsv`` and
``articles.tsv``, and writes ``labels.tsv``, ``agreement.tsv`` and ``article_terms.tsv`` there:
terms, labels, classes, reasons and offsets, never the sentences. An article term is placed at
its first occurrence (headline, then body) in the article as ``bench/realtext.py`` rebuilds it.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import realtext  # noqa: E402

STANDOFF = ROOT / "tests" / "formulations_real"
LABELS = ("formulation", "borderline", "not")


def read_sheet(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, quoting=3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repos")
    parser.add_argument("--sheets", required=True)
    args = parser.parse_args()
    if args.repos:
        os.environ["BANMIAN_REPOS"] = args.repos
    sheets = Path(args.sheets)
    sample = read_sheet(STANDOFF / "sample.tsv")
    labels = pd.concat([read_sheet(p) for p in sorted(sheets.glob("out[0-9]*.tsv"))], ignore_index=True)
    labels = labels.drop_duplicates("id", keep="last")
    labels["label"] = labels["label"].str.strip()
    bad = labels[~labels["label"].isin(LABELS)]
    if len(bad):
        raise SystemExit(f"labels other than {LABELS}: {bad.head().to_dict('records')}")
    missing = sorted(set(sample["id"]) - set(labels["id"]))
    print(f"{len(labels)} candidate labels; {len(missing)} drawn candidates without a label")
    labels = labels[labels["id"].isin(set(sample["id"]))].sort_values("id")
    labels[["id", "label", "class", "reason"]].to_csv(STANDOFF / "labels.tsv", sep="\t", index=False)

    for prefix, drawn_file, out_file in (("out_enrich", "enrichment_sample.tsv", "enrichment_labels.tsv"),
                                         ("out_check", "check_sample.tsv", "check_labels.tsv"),
                                         ("out_supp", "supplement_sample.tsv", "supplement_labels.tsv"),
                                         ("out_t2_", "test2_sample.tsv", "test2_labels.tsv"),
                                         ("out_t3_", "test3_sample.tsv", "test3_labels.tsv"),
                                         ("agree_t3_", "test3_sample.tsv", "test3_agreement.tsv"),
                                         ("out_t4_", "test4_sample.tsv", "test4_labels.tsv"),
                                         ("agree_t4_", "test4_sample.tsv", "test4_agreement.tsv"),
                                         ("out_t5_", "test5_sample.tsv", "test5_labels.tsv"),
                                         ("agree_t5_", "test5_sample.tsv", "test5_agreement.tsv")):
        files = sorted(sheets.glob(f"{prefix}*.tsv"))
        if files:
            extra = pd.concat([read_sheet(p) for p in files], ignore_index=True)
            drawn = set(read_sheet(STANDOFF / drawn_file)["id"])
            extra = extra[extra["id"].isin(drawn) & extra["label"].isin(LABELS)].sort_values("id")
            extra[["id", "label", "class", "reason"]].to_csv(STANDOFF / out_file, sep="\t", index=False)
            print(f"{len(extra)} labels for {drawn_file} ({len(drawn)} drawn)")

    second = sheets / "agreement_out.tsv"
    if second.exists():
        agreement = read_sheet(second)
        agreement[["id", "label", "class", "reason"]].to_csv(STANDOFF / "agreement.tsv", sep="\t", index=False)
        print(f"{len(agreement)} second readings")

    collect_articles("articles.tsv", sorted(sheets.glob("articles_out[0-9]*.tsv")), "article_terms.tsv")
    for split in ("test2", "test3", "test4", "test5"):
        if (STANDOFF / f"{split}_articles.tsv").exists():
            collect_articles(f"{split}_articles.tsv", sorted(sheets.glob(f"articles_out_{split[0]}{split[-1]}_*.tsv")),
                             f"{split}_article_terms.tsv")


def collect_articles(chosen_file: str, sheets: list[Path], out_file: str) -> None:
    """Every term the readers listed in the whole articles, placed at its first occurrence."""
    if not sheets:
        return
    chosen = read_sheet(STANDOFF / chosen_file)
    found = pd.concat([read_sheet(p) for p in sheets], ignore_index=True)
    rows = []
    for art in chosen.itertuples(index=False):
        article = realtext.article_at(art.source, art.path, int(art.item))
        for term in found.loc[found["article_id"] == art.article_id].itertuples(index=False):
            if term.label == "none":
                rows.append({"article_id": art.article_id, "field": "", "start": "", "term": "", "label": "none",
                             "class": "", "reason": ""})
                continue
            field = "headline" if term.term in article["headline"] else "body"
            start = article[field].find(term.term)
            if start < 0:
                print(f"  {art.article_id}: {term.term} is not in the article; left out")
                continue
            rows.append({"article_id": art.article_id, "field": field, "start": start, "term": term.term,
                         "label": term.label, "class": term._3, "reason": term.reason})
    listed = {r["article_id"] for r in rows}
    rows += [{"article_id": a, "field": "", "start": "", "term": "", "label": "none", "class": "",
              "reason": "the only term listed is not in the article"} for a in chosen["article_id"] if a not in listed]
    table = pd.DataFrame(rows).sort_values(["article_id"], kind="stable")
    table.to_csv(STANDOFF / out_file, sep="\t", index=False)
    print(f"{out_file}: {(table['label'] == 'formulation').sum()} formulations and "
          f"{(table['label'] == 'borderline').sum()} borderline terms in {table['article_id'].nunique()} articles")


if __name__ == "__main__":
    main()
