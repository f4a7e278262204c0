"""Terms: jieba segmentation with the project dictionary, cached on disk, and the
frequency, keyword, keyness, collocation and keyword-in-context tables built on it."""
from __future__ import annotations

import bisect
import hashlib
import json
import math
import os
import re
import threading
import time
import unicodedata
import warnings
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from collections import ChainMap
from itertools import accumulate, chain
from pathlib import Path

import numpy as np
import pandas as pd

from .decoding import PageError, PageWarning, read_text_file
from .paths import CACHE_DIR, display_path, project_path
from .scale import is_dask
from .store import cache_folder, widen_dictionaries

__all__ = ["TOKEN_COLUMNS", "dictionary_cut", "word_tags", "comparison_groups", "read_userdict", "protected_terms", "stopword_list", "tokenize", "compare_segmentation",
           "term_frequencies", "keywords", "compare_keywords", "keyness", "collocations", "kwic"]

TOKEN_COLUMNS = ["page_id", "edition", "article_no", "position", "token", "pos", "is_stopword", "filtered_by"]
_ARTICLE_KEY = ["page_id", "edition", "article_no"]
_CARRIED = ["date", "page_no"]  # article metadata every token row carries, for trends and front-page views
_CATEGORICAL = ["page_id", "edition", "pos", "filtered_by", "date", "page_no"]  # few distinct values: codes in memory
_NUMERAL = "一二三四五六七八九十两双百千万"
# A quoted short term with a number in it: “五多” “三前” “两新” “三会一课” “千万工程” “六个活动”.
_QUOTED_NUMBERED = re.compile(rf"[“‘「]([\u4e00-\u9fff0-9]*[{_NUMERAL}0-9][\u4e00-\u9fff0-9]*)[”’」]")


# --------------------------------------------------------------------------- dictionary and stopwords

def read_userdict(path="corpus/userdict.txt") -> list[tuple[str, int | None, str | None]]:
    """The project dictionary in jieba's format, one ``word [freq] [tag]`` per line
    (``#`` starts a comment). Returns ``(word, freq, tag)`` triples; a malformed line
    raises :class:`PageError` naming the file and line."""
    path = project_path(path)
    if not path.exists():
        return []
    entries = []
    for line_no, line in enumerate(read_text_file(path, "user dictionary").splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        word, freq, tag = parts[0], None, None
        rest = parts[1:]
        if rest and rest[0].isdigit():
            freq = int(rest.pop(0))
        if rest:
            tag = rest.pop(0)
        if rest or not re.fullmatch(r"[A-Za-z]+", tag or "x"):
            raise PageError(f"{display_path(path)} line {line_no}",
                            f"expected 'word [frequency] [tag]' (e.g. '葫芦岛社区 20 ns'), got {line!r}")
        entries.append((word, freq, tag))
    return entries


def _text_terms(text: str) -> list[str]:
    """Numbered formulations in one text by the kit's rules, Arabic-digit ones left out."""
    from .slogans import _find_in_text

    found = {m for m in _QUOTED_NUMBERED.findall(text)}
    found.update(row["term"] for row in _find_in_text(text, {}, False, expansions=False))
    return sorted(t for t in found if 2 <= len(t) <= 8 and not re.search(r"\d", t))


def _known_terms(known) -> list[str]:
    from .slogans import known_formulations

    return list(known_formulations(known)["term"])


def protected_terms(texts, known="corpus/formulations.csv") -> list[str]:
    """Numbered formulations in the texts (“五多”, “三会一课”, “千万工程” …, found by
    :func:`find_formulations`'s rules, plus every quoted term with a number and the terms of
    ``corpus/formulations.csv`` that occur) that segmentation must keep whole; :func:`tokenize`
    adds them to the dictionary. Terms written with Arabic digits are left to jieba.

    >>> protected_terms(["作为典型的“五多”社区，落实“三会一课”"], known=None)
    ['三会一课', '五多']
    """
    texts = list(texts)
    found = {t for text in texts for t in _text_terms(text)}
    found.update(t for t in _known_terms(known) if any(t in text for text in texts))
    return sorted(found)


def _read_word_list(path) -> set[str]:
    """One word per line; ``#`` starts a comment."""
    path = project_path(path)
    if not path.exists():
        return set()
    lines = read_text_file(path, "word list").splitlines()
    return {w for w in (line.split("#", 1)[0].strip() for line in lines) if w}


@lru_cache(maxsize=1)
def _published_stopwords() -> frozenset:
    import stopwordsiso

    return frozenset(stopwordsiso.stopwords("zh"))


def stopword_list(extra="corpus/stopwords_extra.txt") -> frozenset:
    """The Chinese list of stopwords-iso (package ``stopwordsiso``) plus the user's
    additions, one word per line, in ``corpus/stopwords_extra.txt``."""
    return _published_stopwords() | _read_word_list(extra)


# --------------------------------------------------------------------------- segmentation

# jieba cuts a text block by block (runs of Han, Latin letters, digits and +#&._%-), each on its own.
_JIEBA_BLOCK = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+")
# Where jieba-rs cuts Latin letters and digits differently: jieba splits them at . _ - + # &
# except inside a plain decimal (its finalseg keeps 9.4 and 0.39% whole), jieba-rs keeps
# 163.com, 2019.10.18 and 8.448M whole. Found by comparing both on three months of news text.
_PLAIN_DECIMAL = re.compile(r"\d+\.\d+(?![.\dA-Za-z])")
_JOINED_ASCII = re.compile(r"[A-Za-z0-9][._\-+#&]|[._\-+#&][A-Za-z0-9]")


def _ascii_marks(text: str) -> list[int]:
    """Where a run of Latin letters or digits joined by . _ - + # & starts (jieba and
    jieba-rs cut such runs differently)."""
    if not _JOINED_ASCII.search(text):
        return []
    masked = _PLAIN_DECIMAL.sub(lambda m: "0" * len(m.group()), text)
    return [m.start() for m in _JOINED_ASCII.finditer(masked)]


@lru_cache(maxsize=1)
def _fast_tokenizer():
    """rjieba with jieba's own dictionary (nothing added), or None when it is not installed or
    BANMIAN_SEGMENTER=jieba turns it off."""
    if os.environ.get("BANMIAN_SEGMENTER", "").lower() == "jieba":
        return None
    try:
        import rjieba
    except ImportError:
        return None
    return rjieba.Jieba()


def _cached_marshal(name: str, build):
    """``build()``, kept in ``.cache`` as marshal data under ``name`` and read back whole next time."""
    import marshal

    cached = CACHE_DIR / name
    try:
        return marshal.loads(cached.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        pass
    value = build()
    try:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        temporary = cached.with_name(f".{cached.name}.{os.getpid()}")
        temporary.write_bytes(marshal.dumps(value))
        os.replace(temporary, cached)
    except OSError:
        pass  # no cache folder to write to: build again next time
    return value


def _jieba_dict_file() -> Path:
    from importlib.util import find_spec

    return Path(find_spec("jieba").origin).with_name("dict.txt")


def _jieba():
    """jieba, with its own dictionary loaded. jieba reads its cached dictionary with
    ``marshal.load`` on an open file, which costs a second; the same data read whole from the
    kit's cache takes a quarter of that (reruns that add a day of pages feel it)."""
    import jieba

    jieba.setLogLevel(60)
    dt = jieba.dt
    with dt.lock:
        if not dt.initialized and dt.dictionary == jieba.DEFAULT_DICT:
            def build():
                dt.initialize()
                return dt.FREQ, dt.total

            stamp = f"{_jieba_version()}-{_jieba_dict_file().stat().st_size}"
            dt.FREQ, dt.total = _cached_marshal(f"jieba-dictionary-{stamp}.marshal", build)
            dt.initialized = True
    dt.initialize()  # a no-op once loaded; jieba's own path for a dictionary the user set
    return jieba


@lru_cache(maxsize=65536)
def dictionary_cut(text: str) -> tuple[str, ...]:
    """jieba's reading of ``text`` from its own dictionary alone (no HMM guesses, which glue
    unknown runs into pseudo-words such as 这三剂 or 纠治四风); jieba-rs wherever it gives
    jieba's words: everywhere but Latin or digit runs joined by . _ - (checked on 77,000 runs
    with digits of two real months: identical)."""
    fast = _fast_tokenizer()
    if fast is not None and not _ascii_marks(text):
        return tuple(fast.cut(text, False))
    return tuple(_jieba().dt.cut(text, HMM=False))


@lru_cache(maxsize=1)
def word_tags() -> dict[str, str]:
    """jieba's part-of-speech tag of every word of its dictionary (the third column of its
    dict.txt), kept in ``.cache`` as marshal data: importing jieba.posseg to get it parses
    the dictionary text again, a second each time."""
    source = _jieba_dict_file()

    def build():
        tags = {}
        with open(source, encoding="utf-8") as handle:
            for line in handle:
                parts = line.split()
                if len(parts) == 3:
                    tags[parts[0]] = parts[2]
        return tags

    return _cached_marshal(f"jieba-tags-{_jieba_version()}-{source.stat().st_size}.marshal", build)


class _Segmenter:
    """jieba with the user dictionary and protected terms. The dictionary total is
    kept at jieba's own, so an added word changes only texts that contain it: that
    is what lets the cache invalidate exactly the texts an edit can affect."""

    def __init__(self, entries):
        jieba = _jieba()  # loaded once per process and copied: reading the dictionary again costs a second
        self.tokenizer = jieba.Tokenizer()
        self.tokenizer.FREQ, self.tokenizer.total = dict(jieba.dt.FREQ), jieba.dt.total
        self.tokenizer.initialized = True
        base_total = self.tokenizer.total
        tuned = [(word, freq if freq is not None else self._keep_whole_frequency(word), tag)
                 for word, freq, tag in entries]
        for word, freq, tag in tuned:
            self.tokenizer.add_word(word, freq, tag)
            self.tokenizer.total = base_total
        self.tags = ChainMap(dict(self.tokenizer.user_word_tag_tab), word_tags())  # jieba's table shared, not copied
        self.fast = _fast_tokenizer()
        # No added word spans two blocks, so a block holds one exactly when a word starts in it.
        self.added = _WordFinder(word for word, _, _ in tuned)
        # Words added with at least jieba's own frequency: where jieba-rs already cuts one out
        # whole, raising its frequency cannot change the best route, so jieba-rs's words stand.
        self.raised = {word for word, freq, _ in tuned if freq >= jieba.dt.FREQ.get(word, 0)}

    def _keep_whole_frequency(self, word: str) -> int:
        """A frequency high enough that jieba keeps the word whole (cf. jieba's suggest_freq)."""
        tk = self.tokenizer
        probability = 1.0
        for part in tk.cut(word, HMM=False):
            probability *= tk.FREQ.get(part, 1) / tk.total
        return max(int(probability * tk.total) + 1, tk.FREQ.get(word, 1)) * 10

    @property
    def postokenizer(self):
        """jieba.posseg over this tokenizer (for jieba.analyse's TextRank)."""
        import jieba.posseg

        tokenizer = jieba.posseg.POSTokenizer.__new__(jieba.posseg.POSTokenizer)
        tokenizer.tokenizer, tokenizer.word_tag_tab = self.tokenizer, dict(self.tags)
        return tokenizer

    def _tag_unknown(self, word: str) -> str:
        """A word jieba's HMM found is not in the tag table: "eng" for Latin letters and digits,
        "x" (unknown) otherwise, as jieba-rs tags it. Tags come from jieba's dictionary, not from
        a second model (jieba.posseg's tagging HMM costs more than the segmentation itself)."""
        tag = "eng" if word.isascii() and word.isalnum() else "x"
        self.tags.maps[0][word] = tag
        return tag

    def words(self, text: str) -> list[str]:
        """jieba's words for ``text``: cut by rjieba (jieba-rs, many times faster) where it
        agrees with jieba, by jieba itself in the blocks where it may not: blocks holding a word
        of the user dictionary or a protected term that jieba-rs does not already cut out whole
        (jieba-rs would shift every word's probability when words are added), and blocks of
        Latin letters or digits joined by . _ - (163.com, 010-6536, 2019.10.18), which
        jieba-rs cuts differently."""
        if self.fast is None:
            return self.tokenizer.lcut(text, HMM=True)
        words = self.fast.cut(text, True)
        risky = self._blocks_for_jieba(text)
        if not risky:
            return words
        ends = list(accumulate(map(len, words)))
        out, done = [], 0
        for start, end in risky:
            first, last = bisect.bisect_right(ends, start), bisect.bisect_left(ends, end)
            if (ends[first - 1] if first else 0) != start or last >= len(ends) or ends[last] != end:
                return self.tokenizer.lcut(text, HMM=True)  # a word across a block edge: let jieba cut it all
            out.extend(words[done:first])
            inside = words[first:last + 1]
            block = text[start:end]
            if _ascii_marks(block) or not self.added.found(block) <= self.raised.intersection(inside):
                inside = self.tokenizer.lcut(block, HMM=True)
            out.extend(inside)
            done = last + 1
        out.extend(words[done:])
        return out

    def _blocks_for_jieba(self, text: str) -> list[tuple[int, int]]:
        marks = sorted(_ascii_marks(text) + self.added.positions(text))
        if not marks:
            return []
        spans = []
        for block in _JIEBA_BLOCK.finditer(text):
            i = bisect.bisect_left(marks, block.start())
            if i < len(marks) and marks[i] < block.end():
                spans.append(block.span())
        return spans

    def segment(self, text: str) -> list[str]:
        return [w for w in self.words(text) if not w.isspace()]

    def tag(self, word: str) -> str:
        return self.tags.get(word) or self._tag_unknown(word)


def _dictionary_entries(texts, userdict) -> list[tuple]:
    """The user dictionary plus every protected term of the texts."""
    texts = list(texts)
    entries = read_userdict(userdict) if userdict else []
    terms = protected_terms(texts)
    known = {w for w, _, _ in entries}
    return entries + [(term, None, "nz") for term in sorted(terms) if term not in known]


@lru_cache(maxsize=1)
def _code_version() -> str:
    """The kit's segmentation and slogan code, so that a cache entry made by other code never matches."""
    here = Path(__file__).parent
    code = b"".join((here / name).read_bytes() for name in ("terms.py", "slogans.py"))
    return hashlib.sha256(code).hexdigest()[:16]


class _WordFinder:
    """Every word of a list that occurs in a text, overlapping ones included, in one pass of a
    regular expression shaped like a trie (one branch per next character), so that thousands
    of words cost little more than a few."""

    def __init__(self, words):
        words = sorted(set(words))
        trie: dict = {}
        for word in words:
            node = trie
            for char in word:
                node = node.setdefault(char, {})
            node[""] = {}
        self.pattern = re.compile(self._branch(trie)) if words else None
        known = set(words)
        self.prefixes = {w: [w[:k] for k in range(1, len(w)) if w[:k] in known] for w in words}

    @classmethod
    def _branch(cls, node: dict) -> str:
        arms = [re.escape(char) + cls._branch(child) for char, child in sorted(node.items()) if char]
        if not arms:
            return ""
        body = arms[0] if len(arms) == 1 else "(?:" + "|".join(arms) + ")"
        return f"(?:{body})?" if "" in node else body

    def positions(self, text: str) -> list[int]:
        """Where the leftmost-longest words start: every word in the text lies in one of these
        matches or starts inside one."""
        return [m.start() for m in self.pattern.finditer(text)] if self.pattern else []

    def found(self, text: str) -> set[str]:
        if self.pattern is None:
            return set()
        longest = set()
        for m in self.pattern.finditer(text):
            longest.add(m.group())
            for start in range(m.start() + 1, m.end()):  # words starting inside a match
                inner = self.pattern.match(text, start)
                if inner:
                    longest.add(inner.group())
        return longest.union(*(self.prefixes[w] for w in longest)) if longest else longest


@lru_cache(maxsize=1)
def _jieba_version() -> str:
    from importlib.metadata import version

    return version("jieba")


def _exit_with_parent(parent: int) -> None:
    """A worker whose notebook kernel was killed (kill -9, a crash) stops instead of lingering."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


@lru_cache(maxsize=4)
def _segmenter(entries: tuple) -> _Segmenter:
    return _Segmenter(entries)


def _segment_texts(texts: list[str], entries) -> list[list[str]]:
    """The words of each text (processes and Dask workers are used one level up, per
    token file: see :class:`_TaskRunner`)."""
    segmenter = _segmenter(tuple(entries))
    return [segmenter.segment(t) for t in texts]


_JUDGED: dict = {}


def _is_punctuation(token: str) -> bool:
    return all(unicodedata.category(ch)[0] in "PSZC" for ch in token)


def _filter_reason(token: str, stopwords, extra) -> str:
    if token in extra:
        return "user stopword"
    if token in stopwords:
        return "stopword list"
    if token.isdigit() or re.fullmatch(r"[\d.,%％]+", token):
        return "digits"
    if len(token) == 1:
        return "single character"
    return ""


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
    with. A rerun with nothing new reads the files back (through a compacted copy when there
    are many); new or changed pages cost only their own segmentation, and a dictionary edit
    re-segments only the texts that contain the edited words. ``workers`` > 1 segments in that
    many processes (by default up to four when there are 400 or more articles to segment, else
    one). ``engine="dask"`` returns a ``dask.dataframe`` over the token files instead (see
    :mod:`banmian.scale`).
    """
    import pyarrow as pa

    folder = cache_folder(Path(cache_dir) if cache_dir else CACHE_DIR)
    files, segmented, compacted = _token_files(articles, userdict, stopwords_extra, folder, workers, progress, engine)
    if engine == "dask":
        from .scale import read_tokens

        return read_tokens(files)
    if engine != "pandas":
        raise ValueError(f"engine must be 'pandas' or 'dask', not {engine!r}")
    try:
        table = _read_run([f for f, _ in files], compacted)
    except (pa.ArrowException, OSError):
        for path in _unreadable([f for f, _ in files]):
            warnings.warn(f"{display_path(path)} was damaged; building it again", PageWarning, stacklevel=2)
            _sidecar(path).unlink(missing_ok=True)
        files, again, _ = _token_files(articles, userdict, stopwords_extra, folder, workers, progress, engine)
        segmented += again
        table = _read_run([f for f, _ in files])
    if table is None:
        table = _empty_token_table(articles, stopwords_extra)
    tokens = _sorted_categories(table.to_pandas(types_mapper={pa.string(): pd.StringDtype(na_value=float("nan"))}.get,
                                                ignore_metadata=True))
    tokens.attrs["segmented_articles"] = segmented  # how many texts were not in the cache
    return tokens


def _sorted_categories(frame: pd.DataFrame) -> pd.DataFrame:
    """Categorical columns with their categories in sorted order, so that tables grouped by them
    come out in the same order whichever files (or compacted copies) the rows were read from."""
    for column in frame.columns:
        values = frame[column]
        if isinstance(values.dtype, pd.CategoricalDtype) and not values.cat.categories.is_monotonic_increasing:
            order = values.cat.categories.argsort()
            new_code = np.empty(len(order), dtype=np.int32)
            new_code[order] = np.arange(len(order), dtype=np.int32)
            new_code = np.append(new_code, np.int32(-1))  # a missing value (code -1) stays missing
            frame[column] = pd.Categorical.from_codes(new_code[values.cat.codes.to_numpy()],
                                                      categories=values.cat.categories[order], validate=False)
    return frame


def _empty_token_table(articles, stopwords_extra):
    import pyarrow as pa

    return pa.Table.from_pandas(_token_frame(articles.iloc[:0], [], str, stopwords_extra), preserve_index=False)


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
    future of the last compacted copy's rows (read meanwhile; None on Dask) for :func:`_read_run`."""

    carried = [c for c in _CARRIED if c in articles.columns]
    stamp = json.dumps([_code_version(), _jieba_version(), sorted(_read_word_list(stopwords_extra)) if stopwords_extra
                        else [], carried])
    out_dir = folder / "tokens"
    out_dir.mkdir(parents=True, exist_ok=True)
    compacted = None
    if engine == "pandas":
        # Start reading the last run's compacted copy now: Arrow reads without holding the GIL, so
        # this overlaps with hashing the texts and segmenting new ones (checked against the files
        # this run needs before it is used).
        from concurrent.futures import ThreadPoolExecutor

        reader = ThreadPoolExecutor(1)
        compacted = reader.submit(_compacted_rows, out_dir, None)
        reader.shutdown(wait=False)  # the thread ends when the read is done
    labels = _partition_labels(articles)
    groups = {label: list(rows) for label, rows in pd.Series(range(len(articles)), index=labels.to_numpy())
              .groupby(level=0, sort=False)}
    records = articles[_ARTICLE_KEY + carried].astype(str).to_numpy()
    texts_of = _texts_by_rows(articles["body"])
    chars = articles["body"].str.len().fillna(0).to_numpy()

    def bodies_of(rows):  # texts fetched per date, so the corpus is not held twice
        return texts_of(rows).to_pylist()

    plan = {}
    for label, rows in groups.items():
        digest = hashlib.sha256(stamp.encode())
        digest.update(json.dumps(records[rows].tolist(), ensure_ascii=False).encode())
        _hash_texts(digest, texts_of(rows))
        path = out_dir / f"{label}-{digest.hexdigest()[:32]}.parquet"
        plan[label] = (path, rows, _stored_terms(path))
    known_ids: dict = {}

    def ids_of(label):  # [page_id, edition, article_no, a hash of the text] of each article of a file
        if label not in known_ids:
            rows = plan[label][1]
            known_ids[label] = [key[:3] + [hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]]
                                for key, text in zip(records[rows].tolist(), bodies_of(rows))]
        return known_ids[label]

    entries = read_userdict(userdict) if userdict else []
    known = tuple(_known_terms("corpus/formulations.csv"))
    stale = [label for label, (_, _, stored) in plan.items() if stored is None]
    big = sum(len(plan[label][1]) for label in stale) >= 400 and len(stale) > 1
    workers = workers or (min(os.cpu_count() or 1, 4) if big else 1)
    with _TaskRunner(workers, engine, progress) as run:
        found = run(_partition_terms, ((bodies_of(plan[label][1]), ids_of(label), str(plan[label][0]), known)
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
        for label, (path, rows, stored) in plan.items():
            if stored is not None and stored["entries"] != fingerprint:
                before = {tuple(e) for e in json.loads(stored["entries"])}
                changed = {e[0] for e in before.symmetric_difference(map(tuple, entries))}
                if any(w in text for text in bodies_of(rows) for w in changed):
                    stale.append(label)
                    new_terms[label] = stored["terms"]
                    per_article[label] = [row[4] for row in stored["articles"]]
        chunks = _task_count(run.workers, engine, len(stale),
                             int(sum(chars[plan[label][1]].sum() for label in stale)))

        def job(label):
            rows = plan[label][1]
            return (articles.iloc[rows], str(plan[label][0]), new_terms[label],
                    [i + [terms] for i, terms in zip(ids_of(label), per_article[label])])

        tasks = (([job(label) for label in stale[k::chunks]], tuple(entries), stopwords_extra, fingerprint)
                 for k in range(chunks) if stale[k::chunks])
        segmented = sum(run(_build_token_files, tasks, min(chunks, len(stale)), "segmenting"))
    return [(plan[label][0], plan[label][1]) for label in groups], segmented, compacted


_TASK_CHARS = 1_500_000  # characters of text per task in worker processes, at most (memory)


def _task_count(workers: int, engine: str, files: int, chars: int) -> int:
    """How many tasks the files to build are dealt into: one pass over everything in one
    process; with worker processes, a few tasks per worker (each task has a fixed cost: a frame
    built, sorted and written) but none much over 1.5 M characters (memory); on Dask, groups
    of about four dates, so that a worker holds little and a cluster has work to spread."""
    if engine == "dask":
        return max(1, min(files, max(4 * workers, files // 4)))
    if workers == 1:
        return 1
    return max(1, min(files, max(4 * workers, -(-chars // _TASK_CHARS))))


def _texts_by_rows(texts: pd.Series):
    """A function giving the texts at some positions as one Arrow large_string array. Arrow-backed
    texts are taken from their own buffers, chunk by chunk (Arrow's take on a chunked array
    would first copy the whole corpus into one chunk); Python strings are converted a few at a
    time."""
    import pyarrow as pa

    if texts.dtype == object:
        return lambda rows: pa.array(texts.iloc[rows].tolist(), type=pa.large_string())
    array = pa.array(texts)
    chunks = [c.cast(pa.large_string()) for c in array.chunks] if isinstance(array, pa.ChunkedArray) \
        else [array.cast(pa.large_string())]
    starts = np.cumsum([0] + [len(c) for c in chunks])

    def texts_of(rows):
        rows = np.asarray(rows, dtype=np.int64)
        if len(chunks) == 1:
            return chunks[0].take(rows)
        which = np.searchsorted(starts, rows, side="right") - 1
        order = np.argsort(which, kind="stable")
        pieces = [chunks[k].take(rows[order][which[order] == k] - starts[k]) for k in np.unique(which)]
        inverse = np.empty_like(order)
        inverse[order] = np.arange(len(order))
        return pa.concat_arrays(pieces).take(inverse) if pieces else chunks[0].slice(0, 0)

    return texts_of


def _offsets(texts) -> np.ndarray:
    """Where each text of an Arrow large_string array starts and ends in its UTF-8 buffer."""
    return np.frombuffer(texts.buffers()[1], dtype=np.int64)[texts.offset:texts.offset + len(texts) + 1]


def _hash_texts(digest, texts) -> None:
    """Feed an Arrow string array to ``digest`` as its UTF-8 bytes and the offsets between texts
    (no Python string is made: hashing a rerun's corpus costs what reading it costs)."""
    offsets = _offsets(texts)
    digest.update((offsets - offsets[0]).tobytes())
    digest.update(memoryview(texts.buffers()[2])[offsets[0]:offsets[-1]])


def _partition_terms(texts: list[str], ids: list[list[str]], path: str, known: tuple):
    """The protected terms of each text of one token file (the kit's formulations in it; an
    article the previous file of its date holds unchanged keeps its list) and the known
    terms that occur in any."""
    previous = _previous_token_file(Path(path))
    held = {tuple(row[:4]): row[4] for row in previous[0]["articles"] if len(row) > 4} if previous else {}
    per_article = [held[tuple(i)] if tuple(i) in held else _text_terms(text) for i, text in zip(ids, texts)]
    return per_article, sorted(_finder(known).found("\n".join(texts)))


@lru_cache(maxsize=4)
def _finder(words: tuple) -> "_WordFinder":
    return _WordFinder(words)


def _build_token_files(jobs, entries, stopwords_extra, fingerprint) -> int:
    """Write token files (``jobs``: articles, file, protected terms, article ids each) and
    return how many texts had to be segmented. Articles that an earlier file of the same date
    (or bucket) holds with the same text, and whose text holds no dictionary entry that
    changed since, keep their rows from it; the rest are segmented together, in one pass."""

    kept, fresh = [], []
    for articles, path, _, ids in jobs:
        reuse = np.zeros(len(articles), dtype=bool)
        previous = _previous_token_file(Path(path))
        if previous is not None:
            meta, old_path = previous
            held = {tuple(row[:4]) for row in meta["articles"]}
            changed = {e[0] for e in {tuple(e) for e in json.loads(meta["entries"])}.symmetric_difference(map(tuple, entries))}
            reuse = np.array([tuple(i[:4]) in held and not any(w in text for w in changed)
                              for i, text in zip(ids, articles["body"])], dtype=bool)
            if reuse.any():
                try:
                    old = _read_token_files([old_path]).to_pandas(ignore_metadata=True)
                    kept.append(old[_article_index(old, articles[reuse]) >= 0])
                except (OSError, ValueError):
                    reuse[:] = False
        fresh.append(articles[~reuse])
    todo = pd.concat(fresh, ignore_index=True)
    frame = pd.concat([_segment_articles(todo, entries, stopwords_extra), *kept], ignore_index=True)
    everything = pd.concat([articles for articles, _, _, _ in jobs], ignore_index=True)
    job_of = np.repeat(np.arange(len(jobs)), [len(articles) for articles, _, _, _ in jobs])
    article = _article_index(frame, everything) if len(frame) else np.array([], dtype=np.int64)
    order = np.lexsort((frame["position"].to_numpy(), article))
    frame, article = frame.iloc[order], article[order]
    bounds = np.searchsorted(job_of[article] if len(article) else article, np.arange(len(jobs) + 1))
    table = _plain_table(frame)
    for k, (_, path, terms, ids) in enumerate(jobs):
        _write_token_file(Path(path), table.slice(bounds[k], bounds[k + 1] - bounds[k]),
                          {"terms": terms, "entries": fingerprint, "articles": ids})
    return len(todo)


def _plain_table(frame: pd.DataFrame):
    """The token frame as an Arrow table with plain string columns (Parquet keeps repeated
    strings dictionary-encoded on disk; they come back as categoricals: :func:`_read_token_files`)."""
    import pyarrow as pa

    table = pa.Table.from_pandas(frame, preserve_index=False)
    for i, field in enumerate(table.schema):
        if pa.types.is_dictionary(field.type):
            table = table.set_column(i, field.name, table.column(i).cast(field.type.value_type))
    return table.replace_schema_metadata(None)


def _previous_token_file(path: Path):
    """(metadata, file) of the newest readable token file for the same date or bucket, if any."""
    label = path.name.rsplit("-", 1)[0]
    for candidate in sorted(_token_files_by_label(path.parent).get(label, []), key=_mtime, reverse=True):
        meta = _stored_terms(candidate, quiet=True)
        if meta is not None and "articles" in meta:
            return meta, candidate
    return None


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


def _token_files_by_label(folder: Path) -> dict[str, list[Path]]:
    """The token files of ``folder`` by date or bucket, listed once per change of the folder."""
    stamp = _mtime(folder)
    cached = _LISTINGS.get(folder)
    if cached is None or cached[0] != stamp:
        by_label: dict[str, list[Path]] = {}
        for entry in os.scandir(folder):
            if entry.name.endswith(".parquet") and not entry.name.startswith("."):
                by_label.setdefault(entry.name.rsplit("-", 1)[0], []).append(Path(entry.path))
        cached = _LISTINGS[folder] = (stamp, by_label)
    return cached[1]


_LISTINGS: dict = {}


class _TaskRunner:
    """Runs the per-file tasks of :func:`tokenize`: here, in worker processes, or on Dask."""

    def __init__(self, workers: int, engine: str, progress: bool):
        if engine == "dask":
            from .scale import dask_client

            workers = len(dask_client().scheduler_info()["workers"])
        self.workers, self.engine, self.progress, self.pool = workers, engine, progress, None

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
        if self.engine == "dask" or self.workers > 1 and count > 1:
            submit = self._submitter(func)
            pending, results, index = {}, {}, 0
            for task in tasks:
                pending[submit(task)] = index
                index += 1
                while len(pending) >= 2 * self.workers:
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
            self.pool = ProcessPoolExecutor(self.workers, initializer=_pool_init, initargs=(os.getpid(),))
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


def _pool_init(parent: int) -> None:
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def _article_index(tokens: pd.DataFrame, articles: pd.DataFrame):
    """For each token row, the position of its article in ``articles``, -1 if not there (the
    rows of one article are contiguous, so each run is looked up once)."""
    if tokens.empty:
        return np.array([], dtype=np.int64)
    columns = [tokens[c].to_numpy() for c in _ARTICLE_KEY]
    change = np.zeros(len(tokens), dtype=bool)
    change[0] = True
    for values in columns:
        change[1:] |= values[1:] != values[:-1]
    starts = np.flatnonzero(change)
    lengths = np.diff(np.append(starts, len(tokens)))
    where = {key: i for i, key in enumerate(zip(*(articles[c].astype(str).to_numpy() for c in _ARTICLE_KEY)))}
    runs = [where.get(tuple(str(v[i]) for v in columns), -1) for i in starts]
    return np.repeat(np.array(runs, dtype=np.int64), lengths)


def _sidecar(path: Path) -> Path:
    return path.with_suffix(".json")


def _stored_terms(path: Path, quiet: bool = False) -> dict | None:
    """What a token file was made with (protected terms, dictionary entries, its articles),
    from the small JSON file beside it, or None if the file is missing, unfinished or damaged
    (it is then built again). Kept beside the Parquet file, not in it, so that a rerun reads
    no Parquet footer twice."""
    try:
        meta = json.loads(_sidecar(path).read_bytes())
        if path.stat().st_size != meta["bytes"]:
            raise ValueError(f"{meta['bytes']:,} bytes written, {path.stat().st_size:,} found")
        if "entries_file" in meta:
            meta["entries"] = _shared_text(path.with_name(meta["entries_file"]))
        return meta
    except FileNotFoundError:
        return None  # not built yet, or its writer has not finished
    except (OSError, KeyError, TypeError, ValueError) as err:
        if not quiet:
            warnings.warn(f"{display_path(path)} was damaged ({err}); building it again", PageWarning, stacklevel=4)
        return None


@lru_cache(maxsize=8)
def _shared_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")  # named by its content: never changes


def _write_token_file(path: Path, table, meta: dict) -> None:
    """Write one token file (an Arrow table) and then its JSON sidecar, each under a temporary
    name and renamed: a reader never sees half a file (a file without its sidecar counts as not
    built), and two runs writing the same file write the same content."""
    import uuid

    import pyarrow.parquet as pq

    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    if "entries" in meta:  # the same for every file of a run: kept once, named by its content
        meta = dict(meta)
        entries = meta.pop("entries")
        meta["entries_file"] = f"entries-{hashlib.sha256(entries.encode()).hexdigest()[:32]}.json"
        if not path.with_name(meta["entries_file"]).exists():
            temporary.write_text(entries, encoding="utf-8")
            os.replace(temporary, path.with_name(meta["entries_file"]))
    pq.write_table(table, temporary, compression="zstd", compression_level=1)
    size = temporary.stat().st_size
    os.replace(temporary, path)
    sidecar = _sidecar(temporary)
    sidecar.write_text(json.dumps({"bytes": size, **meta}, ensure_ascii=False), encoding="utf-8")
    os.replace(sidecar, _sidecar(path))


def _unreadable(paths: list[Path]) -> list[Path]:
    """The token files Parquet cannot read (damaged after they were written)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    bad = []
    for path in paths:
        try:
            pq.read_table(path)
        except (pa.ArrowException, OSError):
            bad.append(path)
    return bad


_COMPACT_AT = 32  # files read one by one in a run before the run copies them all into one


def _compacted_rows(folder: Path, wanted: set | None) -> dict:
    """{file name: (table, first row, rows)} from the largest readable compacted file whose
    files are all ``wanted`` (any files when None), or {}."""
    import pyarrow as pa

    candidates = [(path, members) for path, members in _compacted_files(folder)
                  if wanted is None or members.keys() <= wanted]
    for compacted, members in sorted(candidates, key=lambda c: (-len(c[1]), -_mtime(c[0]))):
        try:
            table = _read_token_files([compacted])
        except (pa.ArrowException, OSError):
            continue
        return {name: (table, start, rows) for name, (start, rows) in members.items()}
    return {}


def _read_run(paths: list[Path], compacted=None):
    """The token files of a run as one Arrow table, in their order. Opening hundreds of small
    files costs more than reading their rows, so a run that had to read many one by one copies
    them into one compacted file (``compacted-<hash>.parquet``, the files it holds listed in its
    sidecar); later runs read the largest compacted file whose files they all need, and the few
    files added since. Files per date stay the unit of change: a compacted file is only a faster
    way to read them, and it is never needed (a missing or damaged one is read around).
    ``compacted``: a future of :func:`_compacted_rows`, when the caller started reading early
    (used if it holds only files of this run)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not paths:
        return None
    folder, wanted = paths[0].parent, {p.name for p in paths}
    where = compacted.result() if compacted is not None else {}
    if not where.keys() <= wanted:
        where = _compacted_rows(folder, wanted)
    rest = [p for p in paths if p.name not in where]
    if rest:
        table, start = _read_token_files(rest), 0
        for path in rest:
            rows = pq.read_metadata(path).num_rows
            where[path.name], start = (table, start, rows), start + rows
    runs: list[list] = []  # neighbouring files of one table read as one slice: fewer chunks to convert
    for path in paths:
        table, start, rows = where[path.name]
        if runs and runs[-1][0] is table and runs[-1][1] + runs[-1][2] == start:
            runs[-1][2] += rows
        else:
            runs.append([table, start, rows])
    table = widen_dictionaries(pa.concat_tables([t.slice(start, rows) for t, start, rows in runs])).unify_dictionaries()
    if len(rest) >= _COMPACT_AT:  # written while the caller goes on (the table is immutable)
        writer = threading.Thread(target=_write_compacted, name="banmian-compact",
                                  args=(folder, paths, [where[p.name][2] for p in paths], table))
        writer.start()
        _COMPACTING.append(writer)
    return table


_COMPACTING: list = []  # threads writing compacted files


def _compacted_written() -> None:
    """Wait until the compacted files being written are on disk."""
    while _COMPACTING:
        _COMPACTING.pop().join()


def _compacted_files(folder: Path) -> list[tuple[Path, dict]]:
    """(compacted file, {file it holds: (first row, rows)}) of the complete compacted files."""
    found = []
    for sidecar in folder.glob("compacted-*.json"):
        path = sidecar.with_suffix(".parquet")
        meta = _stored_terms(path, quiet=True)
        if meta is not None:
            found.append((path, {name: (start, rows) for name, start, rows in meta["members"]}))
    return found


def _write_compacted(folder: Path, paths: list[Path], rows: list[int], table) -> None:
    """One file holding the rows of ``paths``; older compacted files go (keeping the last two)."""
    names = [p.name for p in paths]
    path = folder / f"compacted-{hashlib.sha256(json.dumps(names).encode()).hexdigest()[:32]}.parquet"
    starts = np.concatenate([[0], np.cumsum(rows)[:-1]]).tolist()
    try:
        _write_token_file(path, table, {"members": [list(m) for m in zip(names, starts, rows)]})
        for old in sorted((p for p, _ in _compacted_files(folder) if p != path), key=_mtime)[:-1]:
            _sidecar(old).unlink(missing_ok=True)
            old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only or full cache folder: read file by file next time too


def _read_token_files(paths: list[Path]):
    """One Arrow table of token files, categorical columns as dictionaries."""
    import pyarrow.dataset as ds

    if not paths:
        return None
    fmt = ds.ParquetFileFormat(read_options=ds.ParquetReadOptions(dictionary_columns=_CATEGORICAL))
    return ds.dataset([str(p) for p in paths], format=fmt).to_table()


def _segment_articles(articles, entries, stopwords_extra) -> pd.DataFrame:
    """The token frame of ``articles``, segmented here with the given dictionary entries."""
    return _token_frame(articles, _segment_texts(list(articles["body"]), entries), _segmenter(tuple(entries)).tag,
                        stopwords_extra)


def _token_frame(articles: pd.DataFrame, segmented: list[list[str]], tag, stopwords_extra) -> pd.DataFrame:
    """The token table of ``articles`` from their words (``segmented``, one list per article);
    ``tag`` gives each distinct word its part of speech."""
    import pyarrow as pa

    lengths = np.fromiter(map(len, segmented), dtype=np.int64, count=len(segmented))
    encoded = pa.array(list(chain.from_iterable(segmented)), pa.string()).dictionary_encode()
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    unique = encoded.dictionary.to_pylist()
    stopwords, extra = _published_stopwords(), _read_word_list(stopwords_extra)
    judged = _JUDGED.setdefault(frozenset(extra), {})  # token → (is punctuation, filter reason), once per process
    for t in unique:
        if t not in judged:
            judged[t] = (_is_punctuation(t), _filter_reason(t, stopwords, extra))
    punctuation = np.array([judged[t][0] for t in unique], dtype=bool)
    reason_codes, reasons = pd.factorize(pd.Series([judged[t][1] for t in unique], dtype=object))
    tag_codes, tags = pd.factorize(pd.Series([tag(t) for t in unique], dtype=object))
    keep = ~punctuation[codes] if len(codes) else np.array([], dtype=bool)
    kept_codes = codes[keep]
    article_of = np.repeat(np.arange(len(articles)), lengths)[keep]
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    columns = {}
    for column in _ARTICLE_KEY + [c for c in _CARRIED if c in articles.columns]:
        values = articles[column]
        if column in ("article_no", "page_no") and pd.api.types.is_integer_dtype(values.dtype) \
                and not values.isna().any():
            columns[column] = values.to_numpy().astype(np.int32)[article_of]
        else:
            per_article = pd.Categorical(values)
            columns[column] = pd.Categorical.from_codes(per_article.codes[article_of], per_article.categories)
    reasons = list(reasons)
    frame = pd.DataFrame({
        **columns,
        "position": (np.arange(len(codes)) - starts)[keep].astype(np.int32),
        "token": pd.array(pa.array(unique, pa.string()).take(pa.array(kept_codes)), dtype="str"),
        "pos": pd.Categorical.from_codes(tag_codes[kept_codes], pd.Index(list(tags), dtype="str")),
        "filtered_by": pd.Categorical.from_codes(reason_codes[kept_codes], pd.Index(reasons, dtype="str")),
        "is_stopword": reason_codes[kept_codes] != reasons.index("") if "" in reasons
        else np.ones(len(kept_codes), dtype=bool),
    })
    return frame[TOKEN_COLUMNS + [c for c in _CARRIED if c in articles.columns]]


def compare_segmentation(text: str, userdict="corpus/userdict.txt") -> pd.DataFrame:
    """How ``text`` is cut by plain jieba and with the project dictionary (plus the
    numbered formulations found in it): one row per setting, tokens joined by " / "."""
    rows = []
    for label, dictionary in (("jieba alone", None), (f"with {Path(userdict).as_posix()}", userdict)):
        entries = tuple(_dictionary_entries([text], dictionary)) if dictionary else ()
        words = _segmenter(entries).segment(text)
        rows.append({"dictionary": label, "tokens": len(words), "segmentation": " / ".join(words)})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- analyses

def _group_columns(by) -> list[str]:
    if by is None:
        return []
    if by == "article":
        return _ARTICLE_KEY
    if by == "page":
        return ["page_id", "edition"]
    return [by] if isinstance(by, str) else list(by)


def term_frequencies(tokens: pd.DataFrame, by=None, include_stopwords: bool = False, top: int | None = None):
    """Counts and relative frequency per 10,000 tokens, overall or grouped.

    ``by`` is None (whole corpus), "edition", "page", "article" or any token columns.
    Relative frequency divides by all word tokens of the group (filtered ones
    included, punctuation not). Columns: [group…], token, count, per_10k, rank.

    >>> t = pd.DataFrame({"token": ["社区", "社区", "居民", "的"], "is_stopword": [False, False, False, True],
    ...                   "edition": ["A"] * 4})
    >>> term_frequencies(t)[["token", "count", "per_10k"]].values.tolist()
    [['社区', 2, 5000.0], ['居民', 1, 2500.0]]
    """
    group = _group_columns(by)
    if is_dask(tokens):  # counted on the workers, file by file, combined in a tree
        import dask

        sizes, counts = dask.compute(*_frequency_counts(tokens, group, include_stopwords))
        n_tokens = int(sizes.sum()) if group else int(sizes)
    else:
        sizes, counts = _frequency_counts(tokens, group, include_stopwords)
        n_tokens = len(tokens)
    counts = counts.rename("count").reset_index()
    for column in group:  # categories sort by code; group labels sort as text on both paths
        if isinstance(counts[column].dtype, pd.CategoricalDtype):
            counts[column] = counts[column].astype(counts[column].cat.categories.dtype)
    total = counts[group].apply(tuple, axis=1).map(lambda g: sizes[g if len(g) > 1 else g[0]]) if group \
        else n_tokens
    counts["per_10k"] = (counts["count"] / total * 10_000).round(2)
    counts = counts.sort_values(group + ["count", "token"], ascending=[True] * len(group) + [False, True])
    counts["rank"] = counts.groupby(group).cumcount() + 1 if group else range(1, len(counts) + 1)
    if top:
        counts = counts[counts["rank"] <= top]
    return counts.reset_index(drop=True)


def keywords(tokens: pd.DataFrame, top: int = 10) -> pd.DataFrame:
    """Keywords per article by TF-IDF computed over this corpus's own articles.

    tf is the share of the article's counted tokens; idf = ln((1 + N) / (1 + df)) + 1
    over the N articles. Columns: page_id, edition, article_no, rank, keyword, score.
    """
    kept = tokens[~tokens["is_stopword"]]
    counts = kept.groupby(_ARTICLE_KEY + ["token"]).size().rename("count").reset_index()
    n_docs = kept.groupby(_ARTICLE_KEY).ngroups
    df = counts.groupby("token").size()
    counts["tf"] = counts["count"] / counts.groupby(_ARTICLE_KEY)["count"].transform("sum")
    counts["score"] = counts["tf"] * (((1 + n_docs) / (1 + counts["token"].map(df))).map(math.log) + 1)
    counts = counts.sort_values(_ARTICLE_KEY + ["score", "token"], ascending=[True] * 3 + [False, True])
    counts["rank"] = counts.groupby(_ARTICLE_KEY).cumcount() + 1
    out = counts[counts["rank"] <= top].rename(columns={"token": "keyword"})
    return out[_ARTICLE_KEY + ["rank", "keyword", "score"]].reset_index(drop=True)


def compare_keywords(articles: pd.DataFrame, tokens: pd.DataFrame, top: int = 10,
                     userdict="corpus/userdict.txt") -> pd.DataFrame:
    """Corpus TF-IDF side by side with jieba.analyse's TF-IDF (jieba's built-in IDF)
    and TextRank, for each article: one row per article and rank."""
    import jieba.analyse

    entries = _dictionary_entries(list(articles["body"]), userdict)
    segmenter = _segmenter(tuple(entries))
    stop = set(stopword_list())
    tfidf, textrank = jieba.analyse.TFIDF(), jieba.analyse.TextRank()
    tfidf.tokenizer = tfidf.postokenizer = segmenter.tokenizer
    textrank.tokenizer = textrank.postokenizer = segmenter.postokenizer
    tfidf.stop_words = textrank.stop_words = stop | tfidf.stop_words
    ours = keywords(tokens, top).set_index(_ARTICLE_KEY + ["rank"])["keyword"]
    rows = []
    for art in articles.itertuples(index=False):
        by_tfidf = [w for w in tfidf.extract_tags(art.body, topK=top * 3) if len(w) > 1 and not w.isdigit()]
        by_rank = [w for w in textrank.textrank(art.body, topK=top * 3) if len(w) > 1 and w not in stop]
        for rank in range(1, top + 1):
            key = (art.page_id, art.edition, art.article_no, rank)
            rows.append({"page_id": art.page_id, "edition": art.edition, "article_no": art.article_no,
                         "headline": art.headline, "rank": rank, "corpus_tfidf": ours.get(key, ""),
                         "jieba_tfidf": by_tfidf[rank - 1] if rank <= len(by_tfidf) else "",
                         "jieba_textrank": by_rank[rank - 1] if rank <= len(by_rank) else ""})
    return pd.DataFrame(rows, columns=["page_id", "edition", "article_no", "headline", "rank", "corpus_tfidf",
                                       "jieba_tfidf", "jieba_textrank"])


def _mask(tokens: pd.DataFrame, selector) -> pd.Series:
    if isinstance(selector, pd.DataFrame):  # rows of the article table: their tokens
        keys = pd.MultiIndex.from_frame(selector[_ARTICLE_KEY].astype(str))
        return pd.Series(pd.MultiIndex.from_frame(tokens[_ARTICLE_KEY].astype(str)).isin(keys), index=tokens.index)
    if isinstance(selector, pd.Series):
        return selector.reindex(tokens.index).fillna(False).astype(bool)
    mask = pd.Series(True, index=tokens.index)
    for column, value in selector.items():
        values = value if isinstance(value, (list, tuple, set)) else [value]
        mask &= tokens[column].isin(values)
    return mask


def comparison_groups(articles: pd.DataFrame):
    """Two groups of articles worth comparing in this corpus, chosen from the data.

    Returns ``(target, reference, description)``, the groups as rows of ``articles``
    (pass them to :func:`keyness`), or ``None`` when the corpus has fewer than two
    articles. The first that exists: two editions of the same pages; the front page
    against the other pages; the latest date against the earlier ones; two papers;
    the longest article against the rest.
    """
    if len(articles) < 2:
        return None
    editions = articles["edition"].value_counts()
    paired = articles.groupby("page_id")["edition"].nunique()
    if len(editions) >= 2 and (paired >= 2).any():
        a, b = sorted(editions.index[:2])
        shared = articles[articles["page_id"].isin(paired[paired >= 2].index)]
        return shared[shared.edition == b], shared[shared.edition == a], f"edition {b} against edition {a}"
    page_no = articles.get("page_no", pd.Series("", index=articles.index)).fillna("").astype(str)
    if (page_no == "1").any() and ((page_no != "1") & (page_no != "")).any():
        return articles[page_no == "1"], articles[(page_no != "1") & (page_no != "")], "the front page against the other pages"
    dates = articles.get("date", pd.Series("", index=articles.index)).fillna("").astype(str)
    known = sorted(d for d in dates.unique() if d)
    if len(known) >= 2:
        return articles[dates == known[-1]], articles[dates.isin(known[:-1])], f"{known[-1]} against the earlier dates"
    papers = articles.get("paper", pd.Series("", index=articles.index)).fillna("").astype(str)
    named = [p for p in papers.value_counts().index if p]
    if len(named) >= 2:
        return articles[papers == named[0]], articles[papers == named[1]], f"{named[0]} against {named[1]}"
    longest = articles["chars"].idxmax()
    return articles.loc[[longest]], articles.drop(index=longest), \
        f"the longest article (“{articles.loc[longest, 'headline'] or 'untitled'}”) against the rest"


def _xlogx_ratio(observed, expected):
    return observed * math.log(observed / expected) if observed > 0 else 0.0


def _frequency_counts(tokens: pd.DataFrame, group: list[str], include_stopwords: bool):
    """(tokens per group, count per group and token) of one token table."""
    if group:
        sizes = tokens.groupby(group).size()
    else:
        sizes = tokens.shape[0] if is_dask(tokens) else pd.Series({(): len(tokens)})
    kept = tokens if include_stopwords else tokens[~tokens["is_stopword"]]
    return sizes, kept.groupby(group + ["token"]).size()


def _keyness_counts(tokens: pd.DataFrame, target, reference):
    """(token counts in the target, in the reference, target size, reference size)."""
    target_mask = _mask(tokens, target)
    reference_mask = ~target_mask if reference is None else _mask(tokens, reference) & ~target_mask
    kept = ~tokens["is_stopword"]
    return (tokens.loc[target_mask & kept, "token"].value_counts(),
            tokens.loc[reference_mask & kept, "token"].value_counts(), int(target_mask.sum()), int(reference_mask.sum()))


def keyness(tokens: pd.DataFrame, target, reference=None, min_count: int = 2) -> pd.DataFrame:
    """Which words the target group uses more (or less) than the reference.

    ``target`` and ``reference`` are column filters such as ``{"edition": "A"}``, rows of
    the article table (their tokens: see :func:`comparison_groups`), or
    ``{"page_id": p, "article_no": 4}`` or boolean Series over ``tokens``; the
    reference defaults to every other token. Returns per token: count and per-10k in
    each group, ``log_likelihood`` (G², Dunning/Rayson; 3.84 is p < 0.05, 6.63 is
    p < 0.01), ``p_value``, and ``log_ratio`` (Hardie: binary log of the ratio of
    relative frequencies, zero counts taken as 0.5; 1 means twice as frequent),
    sorted by G² among overused words first. Stopwords and filtered tokens are left out.
    """
    if is_dask(tokens):
        if isinstance(target, pd.Series) or isinstance(reference, pd.Series):
            raise ValueError("on a dask token table, give target and reference as column filters or article rows")
        import dask

        target_mask = tokens.map_partitions(_mask, target, meta=("mask", bool))
        reference_mask = ~target_mask if reference is None \
            else tokens.map_partitions(_mask, reference, meta=("mask", bool)) & ~target_mask
        kept = ~tokens["is_stopword"]
        a_counts, b_counts, c, d = dask.compute(tokens["token"][target_mask & kept].value_counts(),
                                                tokens["token"][reference_mask & kept].value_counts(),
                                                target_mask.sum(), reference_mask.sum())
        a_counts, b_counts, c, d = a_counts.sort_index(), b_counts.sort_index(), int(c), int(d)
    else:
        a_counts, b_counts, c, d = _keyness_counts(tokens, target, reference)
    if not c or not d:
        raise ValueError("keyness needs tokens in both the target and the reference group")
    rows = []
    for token in a_counts.index.union(b_counts.index):
        a, b = int(a_counts.get(token, 0)), int(b_counts.get(token, 0))
        if a + b < min_count:
            continue
        e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
        g2 = 2 * (_xlogx_ratio(a, e1) + _xlogx_ratio(b, e2))
        log_ratio = math.log2(((a or 0.5) / c) / ((b or 0.5) / d))
        rows.append({"token": token, "count_target": a, "count_reference": b,
                     "per_10k_target": round(a / c * 10_000, 2), "per_10k_reference": round(b / d * 10_000, 2),
                     "log_likelihood": round(g2, 3), "p_value": math.erfc(math.sqrt(g2 / 2)),
                     "log_ratio": round(log_ratio, 3), "use": "over" if a / c > b / d else "under"})
    table = pd.DataFrame(rows, columns=["token", "count_target", "count_reference", "per_10k_target",
                                        "per_10k_reference", "log_likelihood", "p_value", "log_ratio", "use"])
    return table.sort_values(["use", "log_likelihood", "token"], ascending=[False, False, True],
                             key=lambda s: s.map({"over": 1, "under": 0}) if s.name == "use" else s,
                             ignore_index=True)


def collocations(tokens: pd.DataFrame, min_count: int = 2, top: int | None = None) -> pd.DataFrame:
    """Pairs of adjacent content words (no punctuation or stopword between them,
    never across articles) scored by PMI and log-likelihood (G²).

    Columns: first, second, bigram, count, first_count, second_count, pmi,
    log_likelihood; sorted by G². ``min_count`` drops rare pairs, which PMI overrates.
    """
    frame = tokens[~tokens["is_stopword"]].sort_values(_ARTICLE_KEY + ["position"])
    same_article = (frame[_ARTICLE_KEY].shift(-1) == frame[_ARTICLE_KEY]).all(axis=1)
    adjacent = same_article & (frame["position"].shift(-1) == frame["position"] + 1)
    pairs = pd.DataFrame({"first": frame["token"][adjacent].values,
                          "second": frame["token"].shift(-1)[adjacent].values})
    n = len(pairs)
    counts = pairs.value_counts().rename("count").reset_index() if n else pd.DataFrame(columns=["count"])
    counts = counts[counts["count"] >= min_count].copy()
    if counts.empty:
        return pd.DataFrame(columns=["first", "second", "bigram", "count", "first_count", "second_count",
                                     "pmi", "log_likelihood"])
    first_counts, second_counts = pairs["first"].value_counts(), pairs["second"].value_counts()
    counts["first_count"] = counts["first"].map(first_counts)
    counts["second_count"] = counts["second"].map(second_counts)
    counts["bigram"] = counts["first"] + counts["second"]

    def scores(row):
        o11 = row["count"]
        o12, o21 = row["first_count"] - o11, row["second_count"] - o11
        o22 = n - o11 - o12 - o21
        r1, r2, c1, c2 = o11 + o12, o21 + o22, o11 + o21, o12 + o22
        observed_expected = [(o11, r1 * c1 / n), (o12, r1 * c2 / n), (o21, r2 * c1 / n), (o22, r2 * c2 / n)]
        g2 = 2 * sum(_xlogx_ratio(o, e) for o, e in observed_expected if e > 0)
        return pd.Series({"pmi": round(math.log2(o11 * n / (row["first_count"] * row["second_count"])), 3),
                          "log_likelihood": round(g2, 3)})

    counts[["pmi", "log_likelihood"]] = counts.apply(scores, axis=1)
    counts = counts.sort_values(["log_likelihood", "bigram"], ascending=[False, True], ignore_index=True)
    columns = ["first", "second", "bigram", "count", "first_count", "second_count", "pmi", "log_likelihood"]
    return counts[columns].head(top) if top else counts[columns]


def kwic(articles: pd.DataFrame, query: str, width: int = 15, regex: bool = False) -> pd.DataFrame:
    """Keyword in context over the clean article text, by characters (so it also
    finds strings that segmentation split). Columns: page_id, edition, article_no,
    headline, position (character offset in the body), left, match, right.

    >>> a = pd.DataFrame({"page_id": ["p"], "edition": ["A"], "article_no": [1], "headline": ["h"],
    ...                   "body": ["居民自治，居民共建"]})
    >>> kwic(a, "居民", width=2)[["left", "match", "right"]].values.tolist()
    [['', '居民', '自治'], ['治，', '居民', '共建']]
    """
    if not isinstance(query, str) or not query:
        raise ValueError("kwic needs a word or pattern to search for, e.g. kwic(articles, \"基层治理\")")
    try:
        pattern = re.compile(query if regex else re.escape(query))
    except re.error as err:
        raise ValueError(f"kwic: {query!r} is not a valid regular expression ({err})") from None
    if pattern.search(""):
        raise ValueError(f"kwic: {query!r} matches the empty string, so it would match between every two "
                         "characters; give a pattern that needs at least one character")
    rows = []
    for art in articles.itertuples(index=False):
        body = art.body.replace("\n", " ")
        for m in pattern.finditer(body):
            rows.append({"page_id": art.page_id, "edition": art.edition, "article_no": art.article_no,
                         "headline": art.headline, "position": m.start(),
                         "left": body[max(0, m.start() - width):m.start()], "match": m.group(),
                         "right": body[m.end():m.end() + width]})
    return pd.DataFrame(rows, columns=["page_id", "edition", "article_no", "headline", "position",
                                       "left", "match", "right"])
