"""Segmentation: jieba (and jieba-rs where it gives jieba's words) with the project dictionary and
the protected numbered terms, and a comparison of segmenters on one text."""
from __future__ import annotations

import bisect
import re
from collections import ChainMap
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

import pandas as pd

from .dictionary import (
    ascii_marks,
    configured_jieba,
    fast_tokenizer,
    read_userdict,
    word_tags,
)
from .paths import code_digest

__all__ = ["protected_terms", "compare_segmentation", "example_sentence"]
# jieba cuts a text block by block (runs of Han, Latin letters, digits and +#&._%-), each on its own.
_JIEBA_BLOCK = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+")


class Segmenter:
    """jieba with the user dictionary and protected terms. The dictionary total is
    kept at jieba's own, so an added word changes only texts that contain it: that
    is what lets the cache invalidate exactly the texts an edit can affect."""

    def __init__(self, entries):
        jieba = configured_jieba()  # loaded once per process and copied: reading the dictionary again costs a second
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
        self.fast = fast_tokenizer()
        # No added word spans two blocks, so a block holds one exactly when a word starts in it.
        self.added = WordFinder(word for word, _, _ in tuned)
        # Words of jieba's dictionary added with at least its own frequency: where jieba-rs already
        # cuts one out whole, raising its frequency cannot change the best route, so jieba-rs's
        # words stand. A word jieba's dictionary lacks is cut whole only by the HMM, which sees the
        # run of single characters around it: once added, the characters next to it are read
        # otherwise (零碳之路: 零碳 / 之路 without the word, 零碳 / 之 / 路 with it).
        self.raised = {word for word, freq, _ in tuned if 0 < jieba.dt.FREQ.get(word, 0) <= freq}

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
            if ascii_marks(block) or not self.added.found(block) <= self.raised.intersection(inside):
                inside = self.tokenizer.lcut(block, HMM=True)
            out.extend(inside)
            done = last + 1
        out.extend(words[done:])
        return out

    def _blocks_for_jieba(self, text: str) -> list[tuple[int, int]]:
        marks = sorted(ascii_marks(text) + self.added.positions(text))
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

    def tags_of(self, words: list[str]) -> list[str]:
        """Each word's part of speech: the user dictionary's tag, else jieba's, else
        :meth:`_tag_unknown`'s (two dict lookups a word, not a ChainMap's)."""
        user, jieba = self.tags.maps
        return [(user[w] if w in user else jieba.get(w)) or self._tag_unknown(w) for w in words]


def dictionary_entries(texts, userdict) -> list[tuple]:
    """The user dictionary plus every protected term of the texts."""
    texts = list(texts)
    entries = read_userdict(userdict) if userdict else []
    terms = protected_terms(texts)
    known = {w for w, _, _ in entries}
    return entries + [(term, None, "nz") for term in sorted(terms) if term not in known]


@lru_cache(maxsize=1)
def code_version() -> str:
    """The kit's segmentation code (dictionaries, segmenter, the numbered-term rules that protect terms, the
    token table), so that a cache entry made by other code never matches."""
    return code_digest("dictionary.py", "segmenter.py", "numbered_terms.py", "numerals.py", "expansions.py",
                       "formulation_lists.py", "token_table.py")


class WordFinder:
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


@lru_cache(maxsize=4)
def cached_segmenter(entries: tuple) -> Segmenter:
    return Segmenter(entries)


def segment_texts(texts: list[str], entries) -> list[list[str]]:
    """The words of each text, runs of white space included (processes and Dask workers are
    used one level up, per token file: see :class:`TaskRunner`)."""
    segmenter = cached_segmenter(tuple(entries))
    return [segmenter.words(t) for t in texts]


def compare_segmentation(text: str, userdict="corpus/userdict.txt") -> pd.DataFrame:
    """How ``text`` is cut by plain jieba and with the project dictionary (plus the
    numbered formulations found in it): one row per setting, tokens joined by " / "."""
    rows = []
    for label, dictionary in (("jieba alone", None), (f"with {Path(userdict).as_posix()}", userdict)):
        entries = tuple(dictionary_entries([text], dictionary)) if dictionary else ()
        words = cached_segmenter(entries).segment(text)
        rows.append({"dictionary": label, "tokens": len(words), "segmentation": " / ".join(words)})
    return pd.DataFrame(rows)


def example_sentence(texts, terms=None, longest: int = 80) -> str:
    """A sentence of the user's own texts that shows what the project dictionary changes: the
    first one (of at most ``longest`` characters) holding one of ``terms`` (say the numbered
    terms the token table kept whole, ``tokens.attrs["protected_terms"]``), or with no terms a
    quoted numbered term such as “五多”; else the first sentence of the first text."""
    wanted = re.compile("|".join(map(re.escape, sorted(terms, key=len, reverse=True)))) if terms else _QUOTED_NUMBERED
    first = ""
    for text in texts:
        for sentence in re.findall(r"[^。！？\n]+[。！？]?", str(text)):
            sentence = sentence.strip()
            if not first and sentence:
                first = sentence[:longest]
            if len(sentence) <= longest and wanted.search(sentence):
                return sentence
    return first


_NUMERAL = "一二三四五六七八九十两双百千万"
# A quoted short term with a number in it: “五多” “三前” “两新” “三会一课” “千万工程” “六个活动”.
_QUOTED_NUMBERED = re.compile(rf"[“‘「]([\u4e00-\u9fff0-9]*[{_NUMERAL}0-9][\u4e00-\u9fff0-9]*)[”’」]")


def text_terms(text: str) -> list[str]:
    """Numbered formulations in one text by the kit's rules, Arabic-digit ones left out."""
    from .numbered_terms import find_in_text

    found = {m for m in _QUOTED_NUMBERED.findall(text)}
    found.update(row["term"] for row in find_in_text(text, {}, False, expansions=False))
    return sorted(t for t in found if 2 <= len(t) <= 8 and not re.search(r"\d", t))


def known_terms(known) -> list[str]:
    from .formulation_lists import known_formulations

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
    found = {t for text in texts for t in text_terms(text)}
    found.update(t for t in known_terms(known) if any(t in text for text in texts))
    return sorted(found)
