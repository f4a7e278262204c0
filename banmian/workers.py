"""Worker processes (or Dask workers) that segment the articles of token files in parallel."""
from __future__ import annotations

import json
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .segmenter import WordFinder, text_terms
from .token_files import (
    file_tables,
    previous_token_file,
    read_token_files,
    write_token_file,
)
from .coded_tokens import article_index
from .token_table import concat_tokens, segment_articles


def exit_with_parent(parent: int) -> None:
    """A worker whose notebook kernel was killed (kill -9, a crash) stops instead of lingering."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


TASK_CHARS = 1_500_000  # characters of text per task in worker processes, at most (memory)


def task_count(workers: int, engine: str, files: int, chars: int) -> int:
    """How many tasks the files to build are dealt into: one pass over everything in one
    process; with worker processes, a few tasks per worker (each task has a fixed cost: a frame
    built, sorted and written) but none much over 1.5 M characters (memory); on Dask, groups
    of about four dates, so that a worker holds little and a cluster has work to spread."""
    if engine == "dask":
        return max(1, min(files, max(4 * workers, files // 4)))
    if workers == 1:
        return 1
    return max(1, min(files, max(4 * workers, -(-chars // TASK_CHARS))))


class TaskRunner:
    """Runs the per-file tasks of :func:`tokenize`: here, in worker processes, or on Dask."""

    def __init__(self, workers: int, engine: str, progress: bool):
        self._workers, self.engine, self.progress, self.pool = workers, engine, progress, None

    @property
    def workers(self) -> int:
        """The processes the tasks go to (on Dask, the cluster's workers: asking starts a
        LocalCluster when the session has none, so it is asked only when there is work)."""
        if self.engine == "dask":
            from .scale import dask_client

            return len(dask_client().scheduler_info()["workers"])
        return self._workers

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.shutdown()

    def __call__(self, func, tasks, count: int, desc: str) -> list:
        """``func(*task)`` for each task (an iterable made lazily: with processes or Dask, no
        more than two tasks per worker are ever waiting, so memory holds a few tasks' data,
        not the corpus twice); results in the order of the tasks."""
        from tqdm import tqdm

        bar = tqdm(total=count, desc=desc, unit="task", disable=not self.progress or count < 4)
        tasks = iter(tasks)
        if count == 0:
            return [func(*task) for task in tasks]  # none expected (a count of 0 starts no workers)
        workers = self.workers
        if self.engine == "dask" or workers > 1 and count > 1:
            submit = self._submitter(func)
            pending, results, index = {}, {}, 0
            for task in tasks:
                pending[submit(task)] = index
                index += 1
                while len(pending) >= 2 * workers:
                    self._collect(pending, results, bar)
            while pending:
                self._collect(pending, results, bar)
            return [results[i] for i in range(index)]
        results = []
        for task in tasks:
            results.append(func(*task))
            bar.update()
        return results

    def _submitter(self, func):
        if self.engine == "dask":
            from .scale import dask_client

            client = dask_client()
            return lambda task: client.submit(func, *task, pure=False)
        if self.pool is None:
            self.pool = ProcessPoolExecutor(self.workers, initializer=pool_init, initargs=(os.getpid(),))
        return lambda task: self.pool.submit(func, *task)

    def _collect(self, pending: dict, results: dict, bar) -> None:
        """Wait for the first of the pending tasks to finish and keep its result."""
        if self.engine == "dask":
            from distributed import wait
            done = wait(list(pending), return_when="FIRST_COMPLETED").done
        else:
            from concurrent.futures import FIRST_COMPLETED, wait
            done = wait(list(pending), return_when=FIRST_COMPLETED).done
        for future in done:
            results[pending.pop(future)] = future.result()
            bar.update()


def pool_init(parent: int) -> None:
    threading.Thread(target=exit_with_parent, args=(parent,), daemon=True).start()


def partition_terms(texts: list[str], ids: list[list[str]], path: str, known: tuple, made_with: str):
    """The protected terms of each text of one token file (the kit's formulations in it; an
    article the previous file of its date holds unchanged, made with the same code and word
    lists (``made_with``), keeps its list) and the known terms that occur in any."""
    previous = previous_token_file(Path(path), made_with)
    held = {tuple(row[:4]): row[4] for row in previous[0]["articles"] if len(row) > 4} if previous else {}
    per_article = [held[tuple(i)] if tuple(i) in held else text_terms(text) for i, text in zip(ids, texts)]
    return per_article, sorted(_finder(known).found("\n".join(texts)))


@lru_cache(maxsize=4)
def _finder(words: tuple) -> "WordFinder":
    return WordFinder(words)


def build_token_files(jobs, entries, stopwords_extra, fingerprint, made_with: str) -> int:
    """Write token files (``jobs``: articles, file, protected terms, article ids each) and
    return how many texts had to be segmented. Articles that an earlier file of the same date
    (or bucket), made with the same code, jieba and stopwords (``made_with``), holds with the
    same text, and whose text holds no dictionary entry that changed since, keep their rows
    from it; the rest are segmented together, in one pass."""

    kept, fresh = [], []
    for articles, path, _, ids in jobs:
        reuse = np.zeros(len(articles), dtype=bool)
        previous = previous_token_file(Path(path), made_with)
        if previous is not None:
            meta, old_path = previous
            held = {tuple(row[:4]) for row in meta["articles"]}
            changed = {e[0] for e in {tuple(e) for e in json.loads(meta["entries"])}.symmetric_difference(map(tuple, entries))}
            reuse = np.array([tuple(i[:4]) in held and not any(w in text for w in changed)
                              for i, text in zip(ids, articles["body"])], dtype=bool)
            if reuse.any():
                try:
                    old = read_token_files([old_path]).to_pandas(ignore_metadata=True)
                    kept.append(old[article_index(old, articles[reuse]) >= 0])
                except (OSError, ValueError):
                    reuse[:] = False
        fresh.append(articles[~reuse])
    todo = pd.concat(fresh, ignore_index=True)
    frame = concat_tokens([segment_articles(todo, entries, stopwords_extra), *kept])
    everything = pd.concat([articles for articles, _, _, _ in jobs], ignore_index=True)
    job_of = np.repeat(np.arange(len(jobs)), [len(articles) for articles, _, _, _ in jobs])
    article = article_index(frame, everything) if len(frame) else np.array([], dtype=np.int64)
    order = np.lexsort((frame["position"].to_numpy(), article))
    frame, article = frame.iloc[order], article[order]
    bounds = np.searchsorted(job_of[article] if len(article) else article, np.arange(len(jobs) + 1))
    with ThreadPoolExecutor(2) as writers:  # Arrow compresses and writes without holding the GIL
        written = [writers.submit(write_token_file, Path(path), table,
                                  {"terms": terms, "entries": fingerprint, "articles": ids, "made_with": made_with})
                   for (_, path, terms, ids), table in zip(jobs, file_tables(frame, bounds))]
        for future in written:
            future.result()  # a failed write raises here
    return len(todo)
