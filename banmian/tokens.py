"""``tokenize``: the token table of a corpus, from the token cache where it holds the articles
and by segmentation (in worker processes) where it does not."""
from __future__ import annotations

import hashlib
import json
import os
import warnings
from itertools import chain
from pathlib import Path

import pandas as pd

from .decoding import PageWarning
from .dictionary import jieba_version, read_userdict, read_word_list
from .paths import CACHE_DIR, code_digest, display_path
from .segmenter import code_version, known_terms
from .store import cache_folder
from .remembered import keep_result, read_kept
from .token_files import (
    compacted_rows,
    file_identity,
    hash_texts,
    note_entries,
    read_run,
    sidecar_path,
    stored_terms,
    texts_by_rows,
    unreadable_files,
)
from .coded_tokens import remember_codes, token_codes
from .token_table import ARTICLE_KEY, CARRIED_COLUMNS, empty_token_table, sorted_categories
from .workers import TaskRunner, build_token_files, partition_terms, task_count

__all__ = ["tokenize", "kept_terms"]

_KEPT_ON_DASK: dict = {}  # a Dask token table's name → the terms its files kept whole


def tokenize(articles: pd.DataFrame, userdict="corpus/userdict.txt", stopwords_extra="corpus/stopwords_extra.txt",
             cache_dir=None, workers: int | None = None, progress: bool = True, engine: str = "pandas"):
    """Segment every article body with jieba: one row per token, in long form.

    Columns: page_id, edition, article_no, position (the token's index in the
    article; punctuation counts, so tokens split by a mark are not adjacent), token,
    pos (jieba's part-of-speech tag from its dictionary or yours; "x" for a word jieba's
    HMM found that no dictionary holds, "eng" for Latin words), is_stopword, filtered_by
    (why it is left out of counts by default: "stopword list", "user stopword", "digits",
    "single character", or ""), and, when the articles have them, date and page_no (for
    :mod:`trends <banmian.trends>`). Punctuation and white space are not rows. Rows come date
    by date (one cache file per date; undated articles in buckets by page), each date's
    articles in the corpus's order. Tokens are Arrow-backed strings and the repetitive columns (page_id, edition, pos, filtered_by,
    date, page_no) categoricals: about 30 bytes a token in memory.

    Segmentation uses ``corpus/userdict.txt`` and keeps every numbered formulation
    whole (:func:`protected_terms`). The token table is cached as Parquet under ``.cache``
    (``cache_dir`` to put it elsewhere), one file per date (undated articles in buckets by
    page), keyed by the articles' content, with a JSON file beside each saying what it was made
    with. A rerun with nothing new reads back the table made from the same files (kept beside
    them), or else the files (through a compacted copy when there are many); new or changed
    pages cost only their own segmentation, and a dictionary edit re-segments only the texts
    that contain the edited words. ``workers`` > 1 segments in that
    many processes (by default up to four when there are 400 or more articles to segment, else
    one). ``attrs["protected_terms"]`` (or :func:`kept_terms`) lists the terms kept whole. ``engine="dask"`` returns a ``dask.dataframe`` over the token files instead (see
    :mod:`banmian.scale`).
    """
    import pyarrow as pa

    folder = cache_folder(Path(cache_dir) if cache_dir else CACHE_DIR)
    files, segmented, compacted, protected = _token_files(articles, userdict, stopwords_extra, folder, workers,
                                                          progress, engine)
    if engine == "dask":
        from .scale import read_tokens

        table = read_tokens(files)
        _KEPT_ON_DASK[table._name] = KeptTerms(protected)
        return table
    if engine != "pandas":
        raise ValueError(f"engine must be 'pandas' or 'dask', not {engine!r}")
    kept_file = _table_file([f for f, _ in files])
    kept = read_kept(kept_file) if kept_file else None
    if isinstance(kept, tuple) and len(kept) == 3:  # the table, and its token column's codes (token_codes)
        tokens = kept[0]
        remember_codes(*kept)
    else:
        try:
            table = read_run([f for f, _ in files], compacted)
        except (pa.ArrowException, OSError):
            for path in unreadable_files([f for f, _ in files]):
                warnings.warn(f"{display_path(path)} was damaged; building it again", PageWarning, stacklevel=2)
                sidecar_path(path).unlink(missing_ok=True)
            files, again, _, _ = _token_files(articles, userdict, stopwords_extra, folder, workers, progress, engine)
            segmented += again
            table, kept_file = read_run([f for f, _ in files]), _table_file([f for f, _ in files])
        if table is None:
            table, kept_file = empty_token_table(articles, stopwords_extra), None
        tokens = sorted_categories(table.to_pandas(types_mapper={pa.string(): pd.StringDtype(na_value=float("nan"))}.get,
                                                    ignore_metadata=True))
        if kept_file:
            keep_result((tokens, *token_codes(tokens)), kept_file, keep=2)
    tokens.attrs["segmented_articles"] = segmented  # how many texts were not in the cache
    tokens.attrs["protected_terms"] = KeptTerms(protected)  # protected_terms(articles.body), from the cache
    return tokens


def _table_file(paths: list[Path]) -> Path | None:
    """Where the pandas table of these token files is kept (``table-KEY.pkl`` beside them): read
    back in a tenth of the time it takes to convert the files' rows again. The key is each
    file's name (its articles and the code that made it), size, time of writing and inode, so a
    file rewritten under its name gives another key. None when a file is missing."""
    identities = [file_identity(path) for path in paths]
    if not paths or None in identities:
        return None
    import pyarrow as pa

    digest = hashlib.sha256(json.dumps([code_digest("tokens.py", "token_files.py", "token_table.py", "coded_tokens.py"), pd.__version__,
                                        pa.__version__, [[p.name, i] for p, i in zip(paths, identities)]]).encode())
    return paths[0].parent / f"table-{digest.hexdigest()[:32]}.pkl"


def kept_terms(tokens) -> tuple[str, ...]:
    """The numbered formulations a token table of :func:`tokenize` kept whole (see
    :func:`protected_terms`), whether pandas (its ``attrs["protected_terms"]``) or Dask."""
    from .scale import is_dask

    if is_dask(tokens):
        return _KEPT_ON_DASK.get(getattr(tokens, "_name", None), KeptTerms())
    return tokens.attrs.get("protected_terms", KeptTerms())


class KeptTerms(tuple):
    """The terms a token table kept whole (``attrs["protected_terms"]``). pandas deep-copies a
    frame's ``attrs`` into every frame derived from it; a tuple cannot change, so the copies
    share this one instead of copying thousands of strings each time."""

    def __deepcopy__(self, memo):
        return self


def _partition_labels(articles: pd.DataFrame) -> pd.Series:
    """The token file each article goes to: its date, or for undated articles one of 256
    buckets by page (so that adding a page rewrites one file)."""
    dated = pd.Series(False, index=articles.index)
    labels = pd.Series("", index=articles.index, dtype=object)
    if "date" in articles.columns:
        dates = articles["date"].astype("string").fillna("")
        dated = dates.str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False).astype(bool)
        labels[dated] = dates[dated].astype(object)
    pages = articles.loc[~dated, "page_id"].astype(str)
    labels[~dated] = pages.map(lambda p: "undated-" + hashlib.sha1(p.encode()).hexdigest()[:2])
    return labels.astype(str)


def _token_files(articles, userdict, stopwords_extra, folder: Path, workers, progress, engine="pandas"):
    """The token files of ``articles`` (built where missing or outdated): a list of (file, the
    positions of its articles in ``articles``), how many texts had to be segmented, and a
    future of the last compacted copy's rows (read meanwhile; None on Dask) for :func:`read_run`,
    and the protected terms of all the texts (:func:`protected_terms`, the new files' and the
    cached files' together)."""

    carried = [c for c in CARRIED_COLUMNS if c in articles.columns]
    stamp = json.dumps([code_version(), jieba_version(), sorted(read_word_list(stopwords_extra)) if stopwords_extra
                        else [], carried])
    made_with = hashlib.sha256(stamp.encode()).hexdigest()[:32]  # rows of an older file are reused only if equal
    out_dir = folder / "tokens"
    out_dir.mkdir(parents=True, exist_ok=True)
    compacted = None
    if engine == "pandas" and not any(out_dir.glob("table-*.pkl")):  # a kept table is likely read instead
        # Start reading the last run's compacted copy now: Arrow reads without holding the GIL, so
        # this overlaps with hashing the texts and segmenting new ones (checked against the files
        # this run needs before it is used).
        from concurrent.futures import ThreadPoolExecutor

        reader = ThreadPoolExecutor(1)
        compacted = reader.submit(compacted_rows, out_dir, None)
        reader.shutdown(wait=False)  # the thread ends when the read is done
    labels = _partition_labels(articles)
    groups = {label: list(rows) for label, rows in pd.Series(range(len(articles)), index=labels.to_numpy())
              .groupby(level=0, sort=False)}
    records = articles[ARTICLE_KEY + carried].astype(str).to_numpy()
    texts_of = texts_by_rows(articles["body"])
    chars = articles["body"].str.len().fillna(0).to_numpy()

    def bodies_of(rows):  # texts fetched per date, so the corpus is not held twice
        return texts_of(rows).to_pylist()

    plan = {}
    for label, rows in groups.items():
        digest = hashlib.sha256(stamp.encode())
        digest.update(json.dumps(records[rows].tolist(), ensure_ascii=False).encode())
        hash_texts(digest, texts_of(rows))
        path = out_dir / f"{label}-{digest.hexdigest()[:32]}.parquet"
        plan[label] = (path, rows, stored_terms(path))
    known_ids: dict = {}

    def ids_of(label):  # [page_id, edition, article_no, a hash of the text] of each article of a file
        if label not in known_ids:
            rows = plan[label][1]
            known_ids[label] = [key[:3] + [hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]]
                                for key, text in zip(records[rows].tolist(), bodies_of(rows))]
        return known_ids[label]

    entries = read_userdict(userdict) if userdict else []
    known = tuple(known_terms("corpus/formulations.csv"))
    stale = [label for label, (_, _, stored) in plan.items() if stored is None]
    big = sum(len(plan[label][1]) for label in stale) >= 400 and len(stale) > 1
    workers = workers or (min(os.cpu_count() or 1, 4) if big else 1)
    with TaskRunner(workers, engine, progress) as run:
        found = run(partition_terms, ((bodies_of(plan[label][1]), ids_of(label), str(plan[label][0]), known, made_with)
                                       for label in stale), len(stale),
                    "finding formulations")
        per_article = {label: terms for label, (terms, _) in zip(stale, found)}
        new_terms = {label: sorted(set(chain.from_iterable(terms)) | set(present))
                     for label, (terms, present) in zip(stale, found)}
        all_terms = set(chain.from_iterable(new_terms.values()))
        all_terms.update(chain.from_iterable(stored["terms"] for _, _, stored in plan.values() if stored))
        user_words = {w for w, _, _ in entries}
        entries = entries + [(term, None, "nz") for term in sorted(all_terms) if term not in user_words]
        fingerprint = json.dumps(entries, ensure_ascii=False)
        changed_since: dict[str, set] = {}  # files written by one run share its entries: compared once

        def changed_words(stored_entries: str) -> set:
            if stored_entries not in changed_since:
                before = {tuple(e) for e in json.loads(stored_entries)}
                changed_since[stored_entries] = {e[0] for e in before.symmetric_difference(map(tuple, entries))}
            return changed_since[stored_entries]

        unaffected = []
        for label, (path, rows, stored) in plan.items():
            if stored is not None and stored["entries"] != fingerprint:
                changed = changed_words(stored["entries"])
                if any(w in text for text in bodies_of(rows) for w in changed):
                    stale.append(label)
                    new_terms[label] = stored["terms"]
                    per_article[label] = [row[4] for row in stored["articles"]]
                else:
                    unaffected.append(path)
        note_entries(unaffected, fingerprint)
        chunks = task_count(run.workers, engine, len(stale),
                             int(sum(chars[plan[label][1]].sum() for label in stale))) if stale else 0

        def job(label):
            rows = plan[label][1]
            return (articles.iloc[rows], str(plan[label][0]), new_terms[label],
                    [i + [terms] for i, terms in zip(ids_of(label), per_article[label])])

        tasks = (([job(label) for label in stale[k::chunks]], tuple(entries), stopwords_extra, fingerprint, made_with)
                 for k in range(chunks) if stale[k::chunks])
        segmented = sum(run(build_token_files, tasks, min(chunks, len(stale)), "segmenting"))
    return [(plan[label][0], plan[label][1]) for label in groups], segmented, compacted, sorted(all_terms)
