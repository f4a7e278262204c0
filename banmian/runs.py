"""What changed since the last run of a corpus: the first question a reader of a daily asks.

Each run records a small manifest of the corpus in ``.cache/runs`` (one row per page with a
digest of its articles, the words counted and the formulations found). The next run compares
the corpus with it: pages added, changed or removed; formulations and words seen for the first
time in the new or changed pages; and the terms rising in the newest period against the
periods before (G² against the preceding periods, :func:`banmian.moving.moving_terms`).

A rerun with nothing new keeps the manifest it has and shows the last change again, so the
answer does not vanish because a notebook was run twice.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from .paths import CACHE_DIR, project_path
from .moving import moving_terms
from .coded_tokens import counted_words

__all__ = ["RunChanges", "since_last_run"]

PAGE_KEY = ["page_id", "edition"]


class RunChanges(NamedTuple):
    """The answer of :func:`since_last_run`: a one-sentence ``summary``, the ``pages`` added,
    changed or removed (columns change, page_id, edition, date, articles), the ``new_terms``
    seen for the first time in them (columns term, kind "formulation" or "word", articles,
    first_page_id) and the ``rising`` terms of the newest period (:func:`banmian.moving.moving_terms`)."""
    summary: str
    pages: pd.DataFrame
    new_terms: pd.DataFrame
    rising: pd.DataFrame


def page_digests(articles: pd.DataFrame) -> pd.DataFrame:
    """One row per printed page (page_id, edition): its date, how many articles, and a digest of
    their headlines and bodies in order."""
    texts = articles["headline"].fillna("").astype(str) + "\0" + articles["body"].fillna("").astype(str)
    frame = articles[PAGE_KEY].astype(str).assign(
        date=articles["date"].fillna("").astype(str) if "date" in articles else "", _text=texts.to_numpy())
    grouped = frame.groupby(PAGE_KEY, sort=True)
    table = grouped.agg(date=("date", "first"), articles=("_text", "size")).reset_index()
    table["digest"] = grouped["_text"].agg(
        lambda t: hashlib.sha256("\x1e".join(t).encode("utf-8")).hexdigest()[:24]).to_numpy()
    return table


def _run_folder(corpus, cache_dir) -> Path:
    name = hashlib.sha256(os.path.abspath(project_path(corpus)).encode("utf-8")).hexdigest()[:16]
    return Path(cache_dir or CACHE_DIR) / "runs" / name


def _save(folder: Path, name: str, pages: pd.DataFrame, terms: pd.DataFrame) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for suffix, frame in (("pages", pages), ("terms", terms)):
            target = folder / f"{name}-{suffix}.parquet"
            temporary = target.with_name(f".{target.name}.{os.getpid()}")
            frame.to_parquet(temporary, index=False)
            os.replace(temporary, target)
    except OSError:
        pass  # no cache to write to: every run is a first run


def _load(folder: Path, name: str):
    try:
        return (pd.read_parquet(folder / f"{name}-pages.parquet"), pd.read_parquet(folder / f"{name}-terms.parquet"))
    except (OSError, ValueError):
        return None


def since_last_run(articles: pd.DataFrame, tokens: pd.DataFrame, found: pd.DataFrame | None = None,
                   corpus="corpus", freq: str | None = None, cache_dir=None,
                   moving: pd.DataFrame | None = None) -> RunChanges:
    """What changed in ``corpus`` since the last run that saw it differently.

    ``articles`` and ``tokens`` are the corpus as loaded now (``helpers.load_articles``,
    ``helpers.tokenize``); ``found`` its formulations (``helpers.find_formulations``), if
    computed. The manifest of this run is kept in ``.cache/runs`` under the corpus path; on
    the first run of a corpus the summary says so and the tables are empty. A rerun with
    nothing new reports the last change again (against the run before it). ``moving``: the
    :func:`banmian.moving.moving_terms` table, if already computed (else it is computed here)."""
    pages = page_digests(articles)
    formulations = found.loc[found["label"] == "formulation", "term"].unique() if found is not None \
        else []
    counted = pd.Series(counted_words(tokens).to_pylist(), dtype=object)
    terms = pd.concat([pd.DataFrame({"term": pd.Series(formulations, dtype=object), "kind": "formulation"}),
                       pd.DataFrame({"term": counted, "kind": "word"})],
                      ignore_index=True)
    folder = _run_folder(corpus, cache_dir)
    current = _load(folder, "current")
    if current is not None and current[0]["digest"].tolist() == pages["digest"].tolist() \
            and current[0][PAGE_KEY].values.tolist() == pages[PAGE_KEY].values.tolist():
        before = _load(folder, "previous")  # nothing new: the last change, against the run before it
    else:
        before = current
        if current is not None:
            _save(folder, "previous", *current)
        _save(folder, "current", pages, terms)
    moving = moving_terms(tokens, freq) if moving is None else moving
    rising = moving[moving["direction"] == "rising"].reset_index(drop=True)
    if before is None:
        summary = (f"First recorded run of this corpus: {len(pages):,} pages and {int(pages['articles'].sum()):,} "
                   f"articles. The next run after new pages arrive shows what changed.")
        empty_pages = pd.DataFrame(columns=["change", "page_id", "edition", "date", "articles"])
        return RunChanges(summary, empty_pages, pd.DataFrame(columns=["term", "kind", "articles", "first_page_id"]),
                          rising)
    old_pages, old_terms = before
    merged = pages.merge(old_pages, on=PAGE_KEY, how="outer", suffixes=("", "_before"), indicator=True)
    change = merged["_merge"].map({"left_only": "added", "right_only": "removed", "both": "changed"}).astype(str)
    change = change.where(~((change == "changed") & (merged["digest"] == merged["digest_before"])), "")
    merged = merged.assign(change=change,
                           date=merged["date"].fillna(merged["date_before"]),
                           articles=merged["articles"].fillna(merged["articles_before"]).astype(int))
    changed = merged[merged["change"] != ""][["change", "page_id", "edition", "date", "articles"]]
    changed = changed.sort_values(["change", "date", "page_id", "edition"], ignore_index=True)
    new_terms = _new_terms(articles, tokens, found, changed, old_terms, counted)
    counts = changed["change"].value_counts()
    said = ", ".join(f"{counts[c]:,} {c}" for c in ("added", "changed", "removed") if c in counts) or "none"
    summary = (f"Since the run before: pages {said}; {int((new_terms['kind'] == 'formulation').sum()):,} "
               f"formulations and {int((new_terms['kind'] == 'word').sum()):,} words seen for the first time.")
    return RunChanges(summary, changed, new_terms, rising)


def _new_terms(articles, tokens, found, changed: pd.DataFrame, old_terms: pd.DataFrame, counted) -> pd.DataFrame:
    """Formulations and words of the added or changed pages that the earlier run had not seen."""
    columns = ["term", "kind", "articles", "first_page_id"]
    fresh = changed[changed["change"] != "removed"]
    if fresh.empty:
        return pd.DataFrame(columns=columns)
    keys = pd.MultiIndex.from_frame(fresh[PAGE_KEY].astype(str))
    parts = []
    if found is not None and len(found):
        inside = pd.MultiIndex.from_frame(found[PAGE_KEY].astype(str)).isin(keys)
        hits = found[inside & (found["label"] == "formulation")]
        hits = hits[~hits["term"].isin(set(old_terms.loc[old_terms["kind"] == "formulation", "term"]))]
        parts.append(_plain(hits["term"], "formulation", hits))
    # the fresh pages' tokens: narrowed by page_id first (a categorical: its categories are matched,
    # not millions of rows), then by (page_id, edition)
    near = tokens[tokens["page_id"].isin(set(fresh["page_id"].astype(str)))]
    inside = pd.MultiIndex.from_frame(near[PAGE_KEY].astype(str)).isin(keys)
    words = near.loc[inside & ~near["is_stopword"].to_numpy(), ["token", "page_id", "edition", "article_no"]]
    words = words.assign(token=words["token"].astype(str))
    formulations = set(found.loc[found["label"] == "formulation", "term"]) if found is not None else set()
    words = words[~_among(words["token"], set(old_terms.loc[old_terms["kind"] == "word", "term"]) | formulations)
                  & _among(words["token"], counted)]
    parts.append(_plain(words["token"], "word", words))
    hits = pd.concat(parts, ignore_index=True)
    if hits.empty:
        return pd.DataFrame(columns=columns)
    table = hits.drop_duplicates(["term", "kind", "page_id", "edition", "article_no"]).groupby(
        ["term", "kind"], sort=False).agg(articles=("article_no", "size"), first_page_id=("page_id", "min"))
    return table.reset_index().sort_values(["kind", "articles", "term"], ascending=[True, False, True],
                                           ignore_index=True)[columns]


def _among(values: pd.Series, wanted) -> np.ndarray:
    """``values.isin(wanted)`` for text, by Arrow's hash lookup (pandas' own takes seconds for a
    few hundred thousand words against a hundred thousand)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    found = pc.is_in(pa.array(values.astype(str).to_numpy(dtype=object), pa.string()),
                     value_set=pa.array([str(w) for w in wanted], pa.string()))
    return found.to_numpy(zero_copy_only=False).astype(bool)


def _plain(terms: pd.Series, kind: str, rows: pd.DataFrame) -> pd.DataFrame:
    """Terms with where they are, as plain columns (no attrs, no categories)."""
    return pd.DataFrame({"term": terms.astype(str).to_numpy(), "kind": kind,
                         "page_id": rows["page_id"].astype(str).to_numpy(), "edition": rows["edition"].astype(str).to_numpy(),
                         "article_no": rows["article_no"].to_numpy()})
