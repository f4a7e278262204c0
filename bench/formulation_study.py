"""Training and measuring the formulation scorer on the real-text labels (stand-off).

Shared by ``bench/train_formulations.py`` (``make train``) and ``bench/evaluate_real.py``
(``make evaluate-real``). The labels are in ``tests/formulations_real`` (see its README); the
text is read from the fetched repositories by :mod:`realtext`.

Estimates are for a month's distinct candidate terms: each drawn term stands for
``weight`` terms of its month and stratum (stratified sampling, see the sample's README), so
precision and recall are weighted sums, and their 95 % intervals come from a stratified
bootstrap (2,000 resamples within each month and stratum, fixed seed).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import sys
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import realtext  # noqa: E402
from banmian.formulation_model import candidate_features, score_features  # noqa: E402
from banmian.formulations import candidate_table, prepare_candidates, score_candidates  # noqa: E402

STANDOFF = ROOT / "tests" / "formulations_real"
KEY = ["page_id", "field", "start", "term"]


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(STANDOFF / name, sep="\t", dtype=str, keep_default_na=False, quoting=3)


def script_parser(doc: str) -> argparse.ArgumentParser:
    """A script's argument parser with ``--repos`` (the folder of fetched repositories)."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repos", help="folder of fetched repositories (<owner>+<name>/repo)")
    return parser


def parse_script_args(parser: argparse.ArgumentParser) -> argparse.Namespace:
    """The arguments; ``--repos`` becomes ``BANMIAN_REPOS`` for :mod:`realtext`."""
    args = parser.parse_args()
    if args.repos:
        os.environ["BANMIAN_REPOS"] = args.repos
    return args


def run_script(main) -> None:
    """Run a script's ``main``; a missing repository folder is one line, not a traceback."""
    try:
        main()
    except realtext.MissingRepository as error:
        raise SystemExit(f"{Path(sys.argv[0]).name}: {error}")


def labelled_sample(kind: str = "sample") -> pd.DataFrame:
    """The drawn candidates with their labels: one row per candidate, with page_id (path#item),
    start as int, weight as float. ``kind``: "sample" (development and test splits),
    "enrichment" (training only), "check" (the independent check), "supplement" (of the test
    split), "test2", "test3" and "test4" (the second, third and fourth test splits, each measured once and
    then trained on) or "test5" (the fifth test split, kept for the next change of method)."""
    drawn, labels = {"sample": ("sample.tsv", "labels.tsv"), "enrichment": ("enrichment_sample.tsv",
                                                                            "enrichment_labels.tsv"),
                     "check": ("check_sample.tsv", "check_labels.tsv"),
                     "supplement": ("supplement_sample.tsv", "supplement_labels.tsv"),
                     "test2": ("test2_sample.tsv", "test2_labels.tsv"),
                     "test3": ("test3_sample.tsv", "test3_labels.tsv"),
                     "test4": ("test4_sample.tsv", "test4_labels.tsv"),
                     "test5": ("test5_sample.tsv", "test5_labels.tsv")}[kind]
    sample = read(drawn).merge(read(labels), on="id", how="inner")
    sample["start"] = sample["start"].astype(int)
    sample["weight"] = sample["weight"].astype(float)
    sample["page_id"] = sample["path"] + "#" + sample["item"]
    return sample


def test_sample() -> pd.DataFrame:
    """The test split: the first draw and the supplementary draw of its ``new`` stratum, that
    stratum split in two by the shipped model's score (``new-high`` / ``new-low``, see
    ``tools/draw_formulation_sample.py --supplement``), each term weighted by its sub-stratum's
    population over all its drawn terms."""
    first = labelled_sample()
    first = first[first["split"] == "test"]
    sub = dict(zip(read("test_substrata.tsv")["id"], read("test_substrata.tsv")["substratum"]))
    first = first.assign(stratum=[sub.get(i, s) if s == "new" else s for i, s in zip(first["id"], first["stratum"])])
    rows = pd.concat([first, labelled_sample("supplement")], ignore_index=True)
    sizes = read("supplement_strata.tsv")
    population = dict(zip(sizes["stratum"], sizes["population"].astype(int)))
    drawn = rows["stratum"].value_counts()
    rows["weight"] = [population[s] / drawn[s] if s in population else w for s, w in zip(rows["stratum"], rows["weight"])]
    return rows


def development_rows() -> pd.DataFrame:
    """Everything the scorer may be fitted on: the development months, the first four test
    splits (each evaluated once, see ``evaluation-*-test-split.txt``) and the training-only
    enrichment; split "dev" for the rows that enter the leave-one-month-out estimates,
    "train-only" for the rest. The fifth test split is never read here."""
    sample = labelled_sample()
    first_test = test_sample().assign(split="dev")
    later_tests = [labelled_sample(split).assign(split="dev") for split in ("test2", "test3", "test4")]
    return pd.concat([sample[sample["split"] == "dev"], first_test, *later_tests, labelled_sample("enrichment")],
                     ignore_index=True)


@lru_cache(maxsize=32)
def month_candidates(source: str, month: str, reference: bool = True) -> pd.DataFrame:
    """Every candidate of a month (:func:`candidate_table`), as the kit sees a month's corpus;
    kept in ``.cache/formulation-study`` under the kit's code and reference list."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "banmian").glob("*.py")) + [ROOT / "banmian" / "reference_formulations.csv"]:
        if path.name != "formulation_model.py":
            digest.update(path.read_bytes())
    cached = ROOT / ".cache" / "formulation-study" / f"{source}-{month}-{int(reference)}-{digest.hexdigest()[:16]}.pkl"
    if cached.exists():
        return pd.read_pickle(cached)
    articles = realtext.month_articles(source, month)
    table = candidate_table(articles, known=None, reference=reference)
    cached.parent.mkdir(parents=True, exist_ok=True)
    for stale in cached.parent.glob(f"{source}-{month}-{int(reference)}-*.pkl"):
        stale.unlink()  # made by another version of the kit: never read again
    table.to_pickle(cached)
    return table


def training_rows(sample: pd.DataFrame, reference: bool = True) -> pd.DataFrame:
    """The labelled candidates with their features (column ``features``), found in their month's
    candidate table (recurrence counted over the whole month)."""
    parts = []
    for (source, month), rows in sample.groupby(["source", "month"], sort=False):
        table = prepare_candidates(month_candidates(source, month, reference))
        table = table.assign(features=candidate_features(table))
        merged = rows.merge(table[KEY + ["features", "rule_label"]], on=KEY, how="left")
        lost = merged["features"].isna().sum()
        if lost:
            print(f"  {source} {month}: {lost} labelled candidates no longer proposed", file=sys.stderr)
        parts.append(merged)
    return pd.concat(parts, ignore_index=True)


def fit(rows: pd.DataFrame, c: float = 1.0) -> dict:
    """A logistic regression on the rows labelled formulation (1) or not (0); borderline rows
    are left out. Each row counts by the square root of its sampling weight (the number of the
    month's terms it stands for; training-only rows count once): the estimates weigh rows by that
    number, and its square root keeps a few rows of the largest stratum from deciding the fit.
    Returns the model as the kit ships it (weights by feature name)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    used = rows[rows["label"].isin(["formulation", "not"]) & rows["features"].notna()]
    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform([{f: 1 for f in feats} for feats in used["features"]]).tocsr()
    x.indices, x.indptr = x.indices.astype(np.int32), x.indptr.astype(np.int32)
    y = (used["label"] == "formulation").to_numpy().astype(int)
    weight = used["weight"].to_numpy(dtype=float)
    learner = LogisticRegression(C=c, solver="liblinear", max_iter=1000)
    learner.fit(x, y, sample_weight=np.sqrt(np.where(weight > 0, weight, 1.0)))
    weights = {name: round(float(w), 5) for name, w in zip(vectorizer.feature_names_, learner.coef_[0])
               if abs(w) > 1e-6}
    return {"weights": weights, "intercept": round(float(learner.intercept_[0]), 5), "c": c,
            "trained_on": int(len(used))}


def predict(source: str, month: str, model: dict, thresholds: dict, reference: bool = True) -> pd.DataFrame:
    """Every candidate of the month labelled by the kit with this model (overlaps resolved)."""
    table = month_candidates(source, month, reference)
    return score_candidates(table, known=None, model={**model, "thresholds": thresholds}, include_rejected=True)


def predictions_for(sample: pd.DataFrame, model: dict, thresholds: dict, reference: bool = True) -> pd.DataFrame:
    """The sample with the kit's label (``predicted``) and score for each drawn candidate."""
    parts = []
    for (source, month), rows in sample.groupby(["source", "month"], sort=False):
        found = predict(source, month, model, thresholds, reference)
        found = found.assign(predicted=found["label"]).drop_duplicates(KEY)
        merged = rows.merge(found[KEY + ["predicted", "score", "reason"]], on=KEY, how="left")
        merged["predicted"] = merged["predicted"].fillna("rejected")
        merged["score"] = merged["score"].fillna(0.0)
        parts.append(merged)
    return pd.concat(parts, ignore_index=True)


def rule_predictions(sample: pd.DataFrame) -> pd.DataFrame:
    """The former rules' label for each drawn candidate (the baseline)."""
    return sample.assign(predicted=sample["stratum"].map({"rules": "formulation"}).fillna("rejected"))


def weighted_scores(rows: pd.DataFrame, predicted: str = "predicted") -> dict:
    """Precision and recall of ``predicted == "formulation"`` against the labels (borderline out),
    each term weighted by its stratum weight, with stratified-bootstrap 95 % intervals."""
    rows = rows[rows["label"] != "borderline"]
    w = rows["weight"].to_numpy()
    gold = (rows["label"] == "formulation").to_numpy()
    said = (rows[predicted] == "formulation").to_numpy()
    point = _scores(w, gold, said)
    point.update(tp=int((gold & said).sum()), fp=int((~gold & said).sum()), fn=int((gold & ~said).sum()))
    rng = np.random.default_rng(20261129)
    groups = [np.flatnonzero(mask) for mask in
              (rows.groupby(["month", "stratum"], sort=True).ngroup().to_numpy()[:, None] == np.arange(
                  rows.groupby(["month", "stratum"]).ngroups)).T]
    draws = []
    for _ in range(2000):
        pick = np.concatenate([g[rng.integers(0, len(g), len(g))] for g in groups])
        draws.append(_scores(w[pick], gold[pick], said[pick]))
    for name in ("precision", "recall"):
        values = np.array([d[name] for d in draws if not np.isnan(d[name])])
        point[f"{name}_low"], point[f"{name}_high"] = (np.percentile(values, [2.5, 97.5]) if len(values)
                                                       else (np.nan, np.nan))
    return point


def _scores(w: np.ndarray, gold: np.ndarray, said: np.ndarray) -> dict:
    tp, fp, fn = w[gold & said].sum(), w[~gold & said].sum(), w[gold & ~said].sum()
    return {"precision": tp / (tp + fp) if tp + fp else np.nan, "recall": tp / (tp + fn) if tp + fn else np.nan}


def best_threshold(rows: pd.DataFrame, scores: np.ndarray) -> float:
    """The formulation threshold with the best weighted F1 on out-of-fold scores."""
    kept = rows["label"] != "borderline"
    w, gold, s = rows["weight"].to_numpy()[kept], (rows["label"] == "formulation").to_numpy()[kept], scores[kept]
    best, best_f1 = 0.5, -1.0
    for t in np.arange(0.2, 0.91, 0.025):
        said = s >= t
        tp, fp, fn = w[gold & said].sum(), w[~gold & said].sum(), w[gold & ~said].sum()
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if f1 > best_f1:
            best, best_f1 = round(float(t), 3), f1
    return best


def out_of_fold(rows: pd.DataFrame, c: float, by: str = "month") -> np.ndarray:
    """Scores of each row from a model trained without its ``by`` group (leave one month out)."""
    scores = np.zeros(len(rows))
    for group in rows[by].unique():
        held = (rows[by] == group).to_numpy()
        model = fit(rows[~held], c)
        scores[held] = score_features(list(rows.loc[held, "features"]), model)
    return scores
