"""Past one machine: the same analyses on Dask.

``tokenize(articles, engine="dask")`` segments on Dask workers (one task per token file, that
is per date) and returns a ``dask.dataframe`` over the Parquet token files instead of a
pandas table; :func:`term_frequencies <banmian.frequencies.term_frequencies>`, :func:`keyness
<banmian.frequencies.keyness>` and :func:`term_trends <banmian.trends.term_trends>` accept it and
return the same pandas tables as on the pandas path, computed file by file without ever
holding all tokens in memory. ``find_formulations(articles, engine="dask")`` spreads the
articles over the workers.

The workers are those of the ``dask.distributed`` Client already connected in the session, or
of the scheduler configured for Dask (``DASK_SCHEDULER_ADDRESS`` or ``scheduler-address`` in
Dask's configuration: a real cluster), or else of a ``LocalCluster`` on all cores of this
machine, started once and only for work that needs processes (segmentation, formulation
finding). Reading the token files for a table needs no cluster: without one it runs on
threads in this process, which spares the seconds a LocalCluster takes to start.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pandas as pd

from .paths import CACHE_DIR, code_digest
from .remembered import files_of, remember_files_of

_LOCAL = None


def dask_client():
    """The connected ``dask.distributed`` Client, or one on the configured scheduler, or one on a
    LocalCluster with a worker process per core (started on first use, kept for the session)."""
    global _LOCAL
    from distributed import Client, LocalCluster

    client = session_client()
    if client is not None:
        return client
    if _LOCAL is None:
        cluster = LocalCluster(n_workers=os.cpu_count() or 1, threads_per_worker=1, processes=True,
                               dashboard_address=":0")  # any free port: no warning when 8787 is taken
        _LOCAL = Client(cluster)
    return _LOCAL


def session_client():
    """The Client this session already has (connected, or on the scheduler configured for
    Dask, or the LocalCluster started earlier), or None."""
    import dask
    from distributed import Client, get_client

    try:
        return get_client()
    except ValueError:
        pass
    address = dask.config.get("scheduler-address", None)
    if address:
        return Client(address)
    return _LOCAL


def is_dask(frame) -> bool:
    return type(frame).__module__.startswith("dask")


def read_tokens(files):
    """A ``dask.dataframe`` over token files (one partition per file, in the articles' order),
    with the column types of the pandas path."""
    import dask
    import dask.dataframe as dd

    paths = [str(path) for path, _ in files]
    if not paths:
        raise ValueError("no articles to tokenize")
    parts = [dask.delayed(read_token_file)(path) for path in paths]
    frame = dd.from_delayed(parts, meta=read_token_file(paths[0]).head(0), verify_meta=False)
    # a token file's name digests its articles and the code; one rewritten for new protected terms
    # keeps its name, so its size and time of writing go in too
    names = [f"{Path(p).name}:{os.stat(p).st_size}:{os.stat(p).st_mtime_ns}" for p in paths]
    remember_files_of(frame, paths, names)
    return frame


def read_token_file(path: str) -> pd.DataFrame:
    """One token file as the pandas path has it: text columns as ``str``, the repetitive ones as
    categoricals (read as Parquet dictionaries, not built again from strings)."""
    import pyarrow.parquet as pq

    from .store import CATEGORICAL_COLUMNS

    names = pq.read_schema(path).names
    part = pq.read_table(path, read_dictionary=[c for c in CATEGORICAL_COLUMNS if c in names]).to_pandas(
        ignore_metadata=True)
    for column in part.columns:
        values = part[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            part[column] = values.cat.rename_categories(values.cat.categories.astype("str"))
        elif pd.api.types.is_string_dtype(values.dtype) and values.dtype != "str":
            part[column] = values.astype("str")
    return part


def map_files(tokens, func, *args, files_per_task: int = 1) -> list:
    """``func(partition, *args)`` on every partition (token file) of a dask token table, on
    the session's workers (on threads here when there is no cluster); the results come back as
    a list. ``files_per_task`` > 1 gives each call that many files together (for counts that add
    up: a task's fixed cost is then paid once for several files). A frame among ``args`` goes
    into the graph once, not once per task.

    On a table of :func:`read_tokens`, with ``args`` of plain values (terms, a frequency), each
    task's result is kept in ``.cache/results/files`` under its files' names, ``func``, ``args``
    and the kit's code: after a new day only the tasks of new or changed files run, and kept
    results are read without reading the files."""
    kept = _kept_tasks(tokens, func, args, files_per_task)
    if kept is None:
        return _computed(_file_tasks(tokens, func, args, files_per_task))
    results = _computed(kept)
    prune_file_results()
    return results


def added_up(tokens, func, *args, files_per_task: int = 8, fan_in: int = 8, finish=None):
    """``func(partition, *args)`` on groups of ``files_per_task`` token files, added up on the
    workers in a tree (``fan_in`` results a step): counts (Series or frames indexed by what they
    count) are summed by index, arrays and numbers summed, tuples element by element. Only the
    sum comes back, so the counts of many files never sit together in this process;
    ``finish(sum)`` runs on the worker before (to keep only what the table needs)."""
    import dask

    tasks = _file_tasks(tokens, func, args, files_per_task)
    while len(tasks) > 1:
        tasks = [dask.delayed(add_counts)(*tasks[i:i + fan_in]) for i in range(0, len(tasks), fan_in)]
    if finish is not None:
        tasks = [dask.delayed(finish)(tasks[0])]
    return _computed(tasks)[0]


def add_counts(*parts):
    """The sum of counts of one kind: Series or frames (summed by index), tuples (element by
    element), arrays or numbers."""
    first = parts[0]
    if isinstance(first, tuple):
        return tuple(add_counts(*items) for items in zip(*parts))
    if isinstance(first, (pd.Series, pd.DataFrame)):
        filled = [p for p in parts if len(p)] or [first]
        if len(filled) == 1:
            return filled[0]
        return pd.concat(filled).groupby(level=list(range(first.index.nlevels)), sort=False).sum()
    return sum(parts[1:], first)


def _file_tasks(tokens, func, args, files_per_task: int) -> list:
    import dask

    if files_per_task > 1:
        tokens = tokens.repartition(npartitions=-(-tokens.npartitions // files_per_task))
    args = [dask.delayed(a) if isinstance(a, (pd.DataFrame, pd.Series)) else a for a in args]
    return [dask.delayed(func)(part, *args) for part in tokens.to_delayed()]


def _kept_tasks(tokens, func, args, files_per_task: int) -> list | None:
    """The tasks of :func:`map_files` on the files of a :func:`read_tokens` table, each reading
    its result back when kept. None for any other table, or when an argument is not a plain value
    (a frame of corpus-wide counts, say: it changes with every new day, and so would every
    file's result)."""
    import dask

    from .remembered import plain_value

    files = files_of(tokens)
    if files is None or not all(plain_value(a) for a in args):
        return None
    paths, names = files
    context = hashlib.sha256(f"{func.__module__}.{func.__qualname__}\0{args!r}\0{code_digest('*')}".encode()).hexdigest()
    folder = CACHE_DIR / "results" / "files"
    tasks = []
    for start in range(0, len(paths), files_per_task):
        group = slice(start, start + files_per_task)
        key = hashlib.sha256("\0".join([context, *names[group]]).encode()).hexdigest()[:32]
        tasks.append(dask.delayed(_kept_or_computed)(str(folder / f"{func.__name__}-{key}.pkl"), func, paths[group],
                                                      *args))
    return tasks


def _kept_or_computed(kept: str, func, paths: list[str], *args):
    """``func`` on the token files ``paths`` read as one partition, or its result kept at ``kept``."""
    from dask.dataframe.dispatch import concat

    from .remembered import keep_result, read_kept

    result = read_kept(Path(kept))
    if isinstance(result, tuple) and len(result) == 1:
        os.utime(kept)  # recently used: pruned last
        return result[0]
    parts = [read_token_file(path) for path in paths]
    result = func(parts[0] if len(parts) == 1 else concat(parts), *args)
    keep_result((result,), Path(kept), keep=None)  # pruned once per table: prune_file_results
    return result


def prune_file_results(keep: int = 20_000) -> None:
    """Keep the newest ``keep`` results of :func:`map_files` tasks (ten years of a daily hold a few
    thousand per table)."""
    results = list((CACHE_DIR / "results" / "files").glob("*.pkl"))
    if len(results) <= keep:
        return
    try:
        results.sort(key=lambda p: p.stat().st_mtime)
    except OSError:  # removed meanwhile by another process: its turn to prune
        return
    for old in results[:-keep]:
        old.unlink(missing_ok=True)


def _computed(tasks: list) -> list:
    import dask

    client = session_client()
    if client is None:
        return list(dask.compute(*tasks, scheduler="threads"))
    return client.compute(tasks, sync=True)


def split_articles(articles: pd.DataFrame, parts: int) -> list[pd.DataFrame]:
    """``articles`` in about ``parts`` pieces that keep each page together."""
    pages = articles["page_id"].astype(str)
    order = {page: i for i, page in enumerate(dict.fromkeys(pages))}
    bucket = pages.map(order) * parts // max(len(order), 1)
    return [group for _, group in articles.groupby(bucket.to_numpy(), sort=True)]
