"""Terms that moved: what rose and fell in the newest period of a corpus, and the terms worth
following that it suggests (notebook 05's default list, the "since the last run" section)."""
from __future__ import annotations

import pandas as pd

from .scale import is_dask
from .tokens import kept_terms
from .trends import first_seen, latest_period_keyness
from .remembered import remembered_analysis

__all__ = ["moving_terms", "suggest_terms"]

_HAN = r"[\u4e00-\u9fff]"


@remembered_analysis
def moving_terms(tokens: pd.DataFrame, freq: str | None = None, n: int = 20, min_count: int = 5) -> pd.DataFrame:
    """The terms that moved most in the newest period against the three before it: the ``n``
    rising (used over their earlier rate) and ``n`` falling words of two or more characters,
    by G² (p < 0.001, at least ``min_count`` occurrences in the two spans together), with the
    column ``direction`` ("rising" or "falling"). Empty when the corpus has one period or no dates."""
    latest = latest_period_keyness(tokens, freq) if "date" in tokens.columns else None
    columns = ["direction", "token", "count_target", "count_reference", "per_10k_target", "per_10k_reference",
               "log_likelihood", "log_ratio"]
    if latest is None:
        return pd.DataFrame(columns=columns)
    strong = latest[(latest["log_likelihood"] >= 10.83) & (latest["count_target"] + latest["count_reference"]
                                                            >= min_count) & (latest["token"].str.len() >= 2)
                    & latest["token"].str.contains(_HAN)]
    rising = strong[strong["use"] == "over"].head(n).assign(direction="rising")
    falling = strong[strong["use"] == "under"].head(n).assign(direction="falling")
    table = pd.concat([rising, falling], ignore_index=True)[columns]
    table.attrs["description"] = latest.attrs.get("description", "")
    return table


@remembered_analysis
def suggest_terms(tokens: pd.DataFrame, n: int = 4, freq: str | None = None) -> list[str]:
    """Terms worth following in this corpus, chosen by what moved: the strongest rising and
    falling words of the newest period against the periods before it (:func:`moving_terms`,
    ``n`` in all) and the two numbered formulations the kit keeps whole that rose most. A corpus
    with one period has nothing to compare: its ``n`` most frequent content words of two or more
    characters and its two most widespread formulations instead."""
    moving = moving_terms(tokens, freq, n=50)
    if len(moving):
        protected = set(kept_terms(tokens))
        is_formulation = moving["token"].isin(protected)
        words = moving[~is_formulation]
        rising = list(words.loc[words["direction"] == "rising", "token"][:n - n // 2])
        falling = list(words.loc[words["direction"] == "falling", "token"][:n - len(rising)])
        formulations = moving.loc[is_formulation & (moving["direction"] == "rising"), "token"][:2]
        return list(dict.fromkeys(rising + falling + list(formulations)))
    counted = tokens.loc[~tokens["is_stopword"] & (tokens["token"].str.len() >= 2), "token"].value_counts()
    counted = counted.compute() if is_dask(counted) else counted
    counted = counted.rename("count").rename_axis("token").reset_index()  # ties by the word, on either path
    words = list(counted.sort_values(["count", "token"], ascending=[False, True])["token"][:n])
    formulations = first_seen(tokens, min_articles=1) if "date" in tokens.columns else pd.DataFrame()
    if len(formulations):
        formulations = formulations[formulations["kind"] == "formulation"].sort_values("articles", ascending=False)
    return list(dict.fromkeys(words + (list(formulations["term"][:2]) if len(formulations) else [])))
