"""The lists of formulations the kit knows: the user's ``corpus/formulations.csv`` (terms, expansions,
labels) and the shipped reference list of national formulations."""
from __future__ import annotations

import warnings
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .decoding import PageWarning, read_csv_rows
from .paths import project_path

__all__ = ["read_known_formulations", "reference_formulations", "known_formulations"]

KNOWN_COLUMNS = ["term", "expansion", "note", "label"]


def read_known_formulations(path="corpus/formulations.csv") -> pd.DataFrame:
    """The user's list of formulations: columns term, expansion ("、"-separated), note and
    label: "formulation" (the default when the column or the cell is empty) or "not" (a term
    the kit must never report, e.g. a meal such as 四菜一汤 on your pages)."""
    path = project_path(path)
    if not path.exists():
        return pd.DataFrame(columns=KNOWN_COLUMNS)
    rows = [{c: (row.get(c) or "").strip() for c in KNOWN_COLUMNS}
            for row in read_csv_rows(path, ["term"], "formulation list (term,expansion,note,label)")]
    for row in rows:
        row["label"] = row["label"].lower() or "formulation"
        if row["label"] not in ("formulation", "not"):
            warnings.warn(f"{path.name}: label {row['label']!r} of {row['term']} is neither "
                          "'formulation' nor 'not'; read as 'formulation'", PageWarning, stacklevel=2)
            row["label"] = "formulation"
    return pd.DataFrame([r for r in rows if r["term"]], columns=KNOWN_COLUMNS)


REFERENCE_LIST = Path(__file__).with_name("reference_formulations.csv")


@lru_cache(maxsize=1)
def reference_formulations() -> pd.DataFrame:
    """The kit's reference list of well-known formulations: term, expansion ("、"-separated,
    empty where no source spells it out), level, first_year and source (the document that
    spells it out, with its year). Found quoted or not, and never cut by segmentation."""
    return pd.read_csv(REFERENCE_LIST, dtype=str, keep_default_na=False)


def known_formulations(path="corpus/formulations.csv", reference: bool = True) -> pd.DataFrame:
    """The reference list and the user's ``formulations.csv`` together (the user's expansion
    wins for a term in both): columns term, expansion, origin ("reference list" or the file).
    Terms the user labelled ``not`` are left out here (:func:`find_formulations` rejects them)."""
    listed = reference_formulations() if reference else reference_formulations().iloc[:0]
    reference = listed[["term", "expansion"]].assign(origin="reference list")
    user = read_known_formulations(path) if path else None
    user = user.loc[user["label"] == "formulation", ["term", "expansion"]].assign(origin="formulations.csv") \
        if path else pd.DataFrame(columns=["term", "expansion", "origin"])
    both = pd.concat([reference, user], ignore_index=True)
    return both.drop_duplicates("term", keep="last").reset_index(drop=True)
