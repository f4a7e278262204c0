"""Past one machine: the same analyses on Dask.

``tokenize(articles, engine="dask")`` segments on Dask workers (one task per token file, that
is per date) and returns a ``dask.dataframe`` over the Parquet token files instead of a
pandas table; :func:`term_frequencies <banmian.frequencies.term_frequencies>`, :func:`keyness
<banmian.frequencies.keyness>` and :func:`term_trends <banmian.trends.term_trends>` accept it and
return the same pandas tables as on the pandas path, computed file by file without ever
holding all tokens in memory. ``find_formulations(articles, engine="dask")`` spreads the
articles over the workers.

The workers are those of the ``dask.distributed`` Client already connected in the session
(a real cluster), or else of a ``LocalCluster`` on all cores of this machine, started once.
"""
from __future__ import annotations

import os

import pandas as pd

_LOCAL = None


def dask_client():
    """The connected ``dask.distributed`` Client, or one on a LocalCluster with a worker
    process per core (started on first use, kept for the session)."""
    global _LOCAL
    from distributed import Client, LocalCluster, get_client

    try:
        return get_client()
    except ValueError:
        pass
    if _LOCAL is None:
        cluster = LocalCluster(n_workers=os.cpu_count() or 1, threads_per_worker=1, processes=True,
                               dashboard_address=":0")  # any free port: no warning when 8787 is taken
        _LOCAL = Client(cluster)
    return _LOCAL


def is_dask(frame) -> bool:
    return type(frame).__module__.startswith("dask")


def read_tokens(files):
    """A ``dask.dataframe`` over token files (one partition per file, in the articles' order)."""
    import dask.dataframe as dd

    paths = [str(path) for path, _ in files]
    if not paths:
        raise ValueError("no articles to tokenize")
    dask_client()
    tokens = dd.read_parquet(paths, split_row_groups=False, aggregate_files=False)
    return tokens.map_partitions(_as_pandas_path_dtypes)


def _as_pandas_path_dtypes(part: pd.DataFrame) -> pd.DataFrame:
    """The column types of the pandas path: text columns as ``str``, the repetitive ones as
    categoricals (Parquet hands them over as pyarrow strings with NA semantics)."""
    from .store import CATEGORICAL_COLUMNS

    types = {c: ("category" if c in CATEGORICAL_COLUMNS else "str") for c in part.columns
             if pd.api.types.is_string_dtype(part[c].dtype) or isinstance(part[c].dtype, pd.CategoricalDtype)}
    return part.astype(types)


def map_files(tokens, func, *args) -> list:
    """``func(partition, *args)`` on every partition (token file) of a dask token table, on
    the workers; the results come back as a list."""
    import dask

    client = dask_client()
    parts = tokens.to_delayed()
    return client.compute([dask.delayed(func)(part, *args) for part in parts], sync=True)


def split_articles(articles: pd.DataFrame, parts: int) -> list[pd.DataFrame]:
    """``articles`` in about ``parts`` pieces that keep each page together."""
    pages = articles["page_id"].astype(str)
    order = {page: i for i, page in enumerate(dict.fromkeys(pages))}
    bucket = pages.map(order) * parts // max(len(order), 1)
    return [group for _, group in articles.groupby(bucket.to_numpy(), sort=True)]
