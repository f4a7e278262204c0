"""Every short term a number could belong to: the candidate finder for numbered formulations.

The finder is generous on purpose. It proposes, for each number in a text:

- the quoted phrase that holds it, wherever the number stands in it (“一键呼叫”, “最多跑一次”),
  unless the quotation is speech (it holds sentence punctuation);
- unquoted, the spans that start at the number (or one or two characters before it, when a
  word holds both: 新三样, 跑一次) and end at each word boundary of jieba's dictionary reading
  up to six characters (两个维护, 五水共治, 四下基层, 两免一补), longer while numbers follow
  (三去一降一补, 一城两区三门户);
- each of those carried on to a programme word that follows it (工程, 行动, 计划, 机制, 制度,
  活动, 热线 …: 五个一工程, 三年行动计划);
- Arabic numbers only where they name something: before a programme word (12345热线, 985工程),
  in quotation marks, or in the numeral + measure word + word shape (3个转变).

Ordinals (第三, 十九届) and numbers inside words that do not begin with them (统一, 唯一,
一起) are not proposed. Deciding which candidate is a formulation is the job of
:mod:`banmian.formulation_model`; this module only says where the candidates are.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .dictionary import dictionary_cut, word_tags

__all__ = ["candidate_terms", "NUMERAL_CHARS", "PROGRAMME_WORDS"]

NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万双"
_DIGITS = "0-9０-９"
PROGRAMME_WORDS = ("工程", "行动", "计划", "机制", "制度", "活动", "热线", "战略", "工作法", "模式", "体系",
                   "清单", "攻坚战", "攻坚", "专项行动", "行动计划", "服务", "政策", "理念", "原则", "要求",
                   "任务", "举措", "目标", "平台", "项目", "改革", "建设", "示范", "整治", "联动")
_PROGRAMME = re.compile("|".join(sorted(PROGRAMME_WORDS, key=len, reverse=True)))
_PROGRAMME_END = re.compile("(?:" + "|".join(PROGRAMME_WORDS) + ")$")
_STOP_ADVERBS = set("就都也又才还再便即仍已曾均皆正在将要会能可只很最更太不没未别")
_HAN = "\u4e00-\u9fff"
_QUOTED = re.compile(r"[“‘「『\"]([^“”‘’「」『』\"\n]{1,16})[”’」』\"]")
_HAS_NUMBER = re.compile(rf"[{NUMERAL_CHARS}{_DIGITS}]")
_SENTENCE = re.compile(r"[^。！？；!?;\n“”‘’「」『』\"，,：:、（）()《》〈〉【】\[\]—…·\s]+")
_ARABIC = re.compile(rf"[{_DIGITS}]+")
_MEASURE = "个项条大种点类支批张件篇道根座所"
_NO_PREFIX = set("的了在和与及是为对把被从向等也都又就才而且或并即使让给将于由以其之这那每各某该本此")
_FUNCTION_TAGS = ("d", "c", "p", "r", "u", "y", "e", "o", "f")
_SPEECH = re.compile(r"[，。！？；,!?;…]")  # a quotation of speech, not a term
_ONE_HAN = re.compile(f"[{_HAN}]")
_HAN_OR_DIGITS = re.compile(f"[{_HAN}{_DIGITS}]+")
_NOT_NUMBER = re.compile(rf"[^{NUMERAL_CHARS}{_DIGITS}.．%]")
_ARABIC_MEASURE = re.compile(rf"[{_DIGITS}]+[{_MEASURE}][{_HAN}]{{2}}")
MAX_SPAN = 6        # characters of an unquoted span with one number
MAX_MULTI_SPAN = 10  # with several numbers (一城两区三门户)


def _numeral_position(word: str) -> int:
    """Where a numeral stands in a word, -1 if nowhere."""
    m = _HAS_NUMBER.search(word)
    return m.start() if m else -1


def candidate_terms(text: str) -> list[tuple[str, int, int, bool]]:
    """Every candidate term of ``text``: (term, start, end, quoted), sorted by start then length.

    >>> [t for t, *_ in candidate_terms("坚持“两个维护”，推进五水共治")]
    ['两个', '两个维护', '五水', '五水共', '五水共治']
    """
    found: dict[tuple[int, int], bool] = {}
    quoted_spans = []
    for m in _QUOTED.finditer(text):
        offset = m.start(1)
        for part in m.group(1).split("、"):
            if part and _HAS_NUMBER.search(part) and not _only_number(part) and not _SPEECH.search(part):
                found[(offset, offset + len(part))] = True
            offset += len(part) + 1
        quoted_spans.append((m.start(), m.end()))
    for m in _SENTENCE.finditer(text):
        if _HAS_NUMBER.search(m.group()):
            for start, end in _unquoted_spans(m.group()):
                found.setdefault((m.start() + start, m.start() + end), False)
    rows = [(text[s:e], s, e, q) for (s, e), q in found.items()]
    return sorted(rows, key=lambda r: (r[1], r[2]))


def _only_number(term: str) -> bool:
    return not _NOT_NUMBER.search(term)


@lru_cache(maxsize=65536)
def _unquoted_spans(sentence: str) -> tuple[tuple[int, int], ...]:
    """The candidate spans of one run of text without punctuation (offsets within it)."""
    words = dictionary_cut(sentence)
    starts, offset = [], 0
    for w in words:
        starts.append(offset)
        offset += len(w)
    tags = word_tags()
    spans = set()
    for i, word in enumerate(words):
        at = _numeral_position(word)
        if at < 0 or at > 2 or (at > 0 and not _ONE_HAN.fullmatch(word[at - 1])):
            continue
        begin = starts[i] + at
        if begin > 0 and sentence[begin - 1] == "第":
            continue  # an ordinal
        if at == 0 and tags.get(word, "")[:1] in _FUNCTION_TAGS and len(word) > 1:
            continue  # 一起, 一直, 一定: adverbs and conjunctions that begin with a numeral
        arabic = bool(_ARABIC.match(word, at))
        firsts = [starts[i] + at] if at == 0 else [starts[i], starts[i] + at]
        if at == 0 and i > 0 and len(words[i - 1]) == 1 and _ONE_HAN.fullmatch(words[i - 1]) \
                and words[i - 1] not in _NO_PREFIX and words[i - 1] not in NUMERAL_CHARS:
            firsts.append(starts[i - 1])  # 新三样, 跑一次
        for first in firsts:
            for end in _span_ends(sentence, words, starts, i, first, arabic):
                spans.add((first, end))
    return tuple(sorted(spans))


def _span_ends(sentence, words, starts, i, first, arabic):
    """Ends of the spans that begin at ``first`` (in word ``i`` or the word before): at each
    word boundary, and inside a longer word after a prefix that is itself a word (四下基层 in
    四下 + 基层工作), over at most three words after the last number, never over a function word
    (的, 就, 从 …; one-character adverbs such as 共 in 五水共治 are allowed) or onto a word of
    place (中, 上)."""
    tags = word_tags()
    ends = []
    numbers, since_number = 0, 0
    digits = len(_ARABIC.match(sentence, first).group()) - 1 if arabic and _ARABIC.match(sentence, first) else 0
    for j in range(i, len(words)):
        word = words[j]
        end = starts[j] + len(word)
        if _HAS_NUMBER.search(word):
            numbers, since_number = numbers + 1, 0
        else:
            since_number += 1
        limit = (MAX_MULTI_SPAN if numbers > 1 else MAX_SPAN) + digits  # an Arabic number counts as one character
        tag = tags.get(word, "x")
        function = tag[:1] in _FUNCTION_TAGS and not (len(word) == 1 and tag == "d" and word not in _STOP_ADVERBS)
        if j > i and len(word) >= 3 and since_number and not function:
            ends += [starts[j] + k for k in range(2, len(word)) if word[:k] in tags
                     and starts[j] + k - first <= limit]  # a word inside the word: 基层 in 基层工作
        if end - first > limit or since_number > 3 or (j > i and function):
            break
        if not _HAN_OR_DIGITS.fullmatch(sentence, first, end):
            break
        if not _only_number(sentence[first:end]) and tag[:1] != "f" and not (len(word) == 1 and function):
            ends.append(end)
    longer = []
    for end in ends:  # carried on to a programme word: 五个一 + 工程, 三年行动 + 计划
        m = _PROGRAMME.match(sentence, end)
        if m and m.end() - first <= MAX_MULTI_SPAN + 2:
            longer.append(m.end())
    if arabic:  # Arabic numbers name things only before or with a programme word, or as 3个转变
        named = [e for e in longer] + [e for e in ends if _PROGRAMME_END.search(sentence[first:e])]
        named += [e for e in ends if _ARABIC_MEASURE.fullmatch(sentence, first, e)]
        return sorted(set(named))
    return ends + longer
