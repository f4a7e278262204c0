"""The rules that read numbered terms in a text (“五多” “三会一课” “千万工程”): numbers in Chinese,
counts, dates and ordinals, dictionary words a span would cut, expansions spelled out nearby.
They protect numbered terms from segmentation and feed the formulation finder above."""
from __future__ import annotations

import re
from functools import lru_cache

from .dictionary import dictionary_cut, word_tags
from .expansions import expansion_after, expansion_before, split_items
from .numerals import NUMERALS, announced_numbers, chinese_number, number_name

__all__ = ["MEASURE_WORDS", "rule_findings", "nearby_expansion", "announced_numbers", "chinese_number"]  # the last two from numerals

_NUM = NUMERALS
HAN_RANGE = "\u4e00-\u9fff"
MEASURE_WORDS = "个项条大剂种点类支批张件篇道重根口袋把碗只位名座所间台辆块"
_MEASURE = MEASURE_WORDS
_PROJECT = "工程|行动|计划|战略|攻坚|体系|机制|模式|活动"
_NUMBER_GROUP = rf"(?:[{_NUM}]+|\d+)"
_UNIT_RE = rf"{_NUMBER_GROUP}[^{_NUM}\d\W]{{1,3}}"
_MULTI = re.compile(rf"(?:{_NUMBER_GROUP}[^{_NUM}\d\W]{{1,3}}?){{2,}}")
_SINGLE = re.compile(rf"[{_NUM}]+[^{_NUM}\d\W]{{1,3}}")
_WITH_MEASURE = re.compile(rf"[{_NUM}]+[{_MEASURE}][^\d\W]{{1,4}}")
_SHUANG = re.compile(r"双[^\d\W]{1,3}")
QUOTED_SHORT = re.compile(r"[“‘]([^“”‘’\n]{1,16})[”’]")
# Each pattern opens with a character class, which lets re skip to the places it can match (a
# look-behind first would be tried at every character); _NOT_AFTER is the look-behind they need.
_NOT_AFTER = re.compile(rf"[第{_NUM}\d]")
_UNQUOTED_MULTI = re.compile(  # (?:[一…万]{1,2}[^零…\d\W“”‘’]){2,4}, written out; 零 starts words (零散)
    rf"[{_NUM[2:]}][{_NUM[2:]}]?[^{_NUM}\d\W“”‘’](?:[{_NUM[2:]}]{{1,2}}[^{_NUM}\d\W“”‘’]){{1,3}}")
_ARABIC_MULTI = re.compile(rf"\d\d*[{_MEASURE}][{HAN_RANGE}]{{2}}(?:\d+[{_MEASURE}][{HAN_RANGE}]{{2}})+")
_UNQUOTED_MEASURE = re.compile(rf"[二两三四五六七八九十][二两三四五六七八九十]?[{_MEASURE}][{HAN_RANGE}]{{2}}")
_COUNT_WORDS = {"两次", "一批", "一等奖", "二等奖", "三等奖", "一幅", "一位", "一趟", "一份", "一件", "一种",
                "一起", "一度", "一线", "一直", "一方", "一年", "一切", "一些", "一体", "两者", "一同", "一致"}


def _in_dictionary(term: str) -> bool:
    return term in word_tags()  # the same words as jieba's dictionary, without loading its prefix table


@lru_cache(maxsize=1)
def _count_units() -> frozenset:
    """Single characters jieba's tag table calls measure words or numerals/time units
    (个 天 次 口 户 家 名 位 年 月 日 岁 元 斤 …): a unit made of one of these counts things."""
    tags = word_tags()
    return frozenset(c for c in map(chr, range(0x3400, 0xA000)) if tags.get(c) in ("q", "m"))


_UNIT_PARTS = re.compile(rf"([{_NUM}]+)([^{_NUM}]+)")
_PEOPLE = "人"  # a noun in jieba's tag table, but 七人一组 counts people as a measure word would
_TIME_UNITS = "天日周月年"
_POLICY_NOUN = re.compile(r"(?:工程|行动|计划|战略|攻坚战?|体系|机制|模式|活动|任务|举措|工作法|制度|清单|原则|理念|"
                          r"目标|要求|格局|布局|改革|作风|方针|政策|意识|自信|精神|经验|良方)$")
_POLICY_VERB = re.compile(r"(?:实行|实施|坚持|推行|推动|落实|建立|探索|开展|推进|深化|创新)$")
_IDIOM_TAGS = ("i", "l")  # jieba's tags for 成语 and 习用语


def _is_count_unit(content: str) -> bool:
    return len(content) == 1 and (content in _count_units() or content in _PEOPLE)


def _units(term: str) -> list[tuple[str, str]]:
    return _UNIT_PARTS.findall(term)


def _not_a_formulation(text: str, term: str, start: int, boundaries) -> str | None:
    """Why an unquoted numbered run is not a formulation, or None: it cuts a word of its
    sentence (长三角一体化 → 三角一体), it counts people, things, money or time (一家六口,
    四年一届, 一天两练, 七人一组, 二月十八日), it holds a place or person name (四川三省), or it is
    a one-per description (一人一桌, 一车一码) that nothing marks as a formulation (quotation
    marks, the reference list, an enumeration with another one-per formula)."""
    words, _ = boundaries
    end = start + len(term)
    cut = _cuts_a_word(start, end, boundaries)
    if cut:
        return cut
    units = _units(term)
    offset, starts = start, []
    for number, content in units:
        starts.append(offset)
        if offset != start and offset not in boundaries[1]:
            word = next((w for w, s in words if s < offset < s + len(w)), "")
            return f"its numeral {number} is inside the word {word}"
        offset += len(number) + len(content)
    if any(content[:1] in "至到比或" for _, content in units):
        return "a range or a ratio (一至四级, 一比十)"
    later = next((w for w, at in words if at in starts[1:] and w[0] in "百千万" and len(w) > 1 and _word_tag(w) != "m"), None)
    if later:
        return f"its 百/千/万 belongs to the word {later}"
    if units and all(_is_count_unit(content) or content[0] in _count_units() and len(content) == 1
                     for _, content in units):
        return "a count of people, things, money or time"
    if len(units) >= 2 and any(c[:1] in _PEOPLE + _TIME_UNITS and len(c) == 1 for _, c in units) \
            and any(n != "一" for n, _ in units):  # 一人一档 is a one-per formula, judged below
        return "a rate, a duration or a count per group (一天两练, 七人一组, 四年一届, 一职两年)"
    inside = [(w, s) for w, s in words if start <= s < end]
    if inside and all(_word_tag(w) in ("m", "q", "mq", "t") for w, _ in inside):
        return "a count of people, things, money or time"
    name = next((w for w, at in inside if _word_tag(w) in ("ns", "nr", "nt", "nrt") and at + len(w) < end), None)
    if name:
        return f"the name {name} ({_word_tag(name)}) is followed by another count: the numbers belong to different phrases"
    if len(units) == 1 and text[end:end + 1] == "的" and _WITH_MEASURE.fullmatch(term) and not _POLICY_NOUN.search(term):
        return f"describes the noun after it ({term}的…): a count"
    if len(units) == 1 and _WITH_MEASURE.fullmatch(term) and not _POLICY_NOUN.search(term) \
            and not re.match(rf"$|[^{HAN_RANGE}]|[的和与及]|{_POLICY_NOUN.pattern[:-1]}", text[end:end + 4]):
        return f"modifies the word after it ({term}{text[end:end + 2]}…): a count"
    function_word = next((w for w, _ in inside if w[0] in _NUM and _word_tag(w)[:1] in ("d", "a", "c", "p", "r")), None)
    if function_word:
        return f"its numeral belongs to the word {function_word} ({_word_tag(function_word)})"
    if len(units) == 2 and all(n == "一" for n, _ in units) and not _one_per_neighbour(text, start, end) \
            and not _POLICY_VERB.search(text[max(0, start - 2):start]):
        return "a one-per description (一人一桌) unless quoted, listed, enumerated with another or the object of a policy verb"
    return None


def _one_per_neighbour(text: str, start: int, end: int) -> bool:
    """Is the one-per run at [start, end) enumerated with another (一镇一业、一村一品)?"""
    one_per = rf"一[{HAN_RANGE}]一[{HAN_RANGE}]"  # another one, not a set phrase (一砖一瓦、一门一窗)
    after = re.match(rf"[、，]({one_per})", text[end:end + 6])
    before = re.search(rf"({one_per})[、，]$", text[max(0, start - 6):start])
    return any(m and not _in_dictionary(m.group(1)) for m in (after, before))


def _cuts_a_word(start: int, end: int, boundaries, inside_ok: bool = False) -> str | None:
    """Why the span [start, end) is no term of its sentence (a word of the sentence crosses
    one of its edges), or None. With ``inside_ok`` a word that holds the whole span is no
    cut (三农问题 holds 三农, 村两委 holds 两委)."""
    words, cuts = boundaries
    for edge in (start, end):
        if edge not in cuts:
            word, at = next(((w, s) for w, s in words if s < edge < s + len(w)), ("", 0))
            if inside_ok and at <= start and end <= at + len(word) and _word_tag(word) not in ("nr", "nrt", "ns", "nt"):
                continue  # 三农问题 holds 三农; a name (陈四清) holds no formulation
            return f"cuts the word {word} of its sentence" if word else "cuts a word of its sentence"
    return None


def _to_word_end(text: str, term: str, start: int, boundaries) -> tuple[str, int]:
    """An unquoted run whose last unit stops inside a word that began within it is taken to
    that word's end: 一城两区三门 + 户 (门户) → 一城两区三门户."""
    words, cuts = boundaries
    end = start + len(term)
    if end in cuts:
        return term, end
    word, at = next(((w, s) for w, s in words if s < end < s + len(w)), ("", 0))
    if word and at > start and not re.search(f"[{_NUM}]", word) and at + len(word) - end <= 2:
        return text[start:at + len(word)], at + len(word)
    return term, end


def _word_tag(word: str) -> str:
    return word_tags().get(word, "")


def _dictionary_words(text: str) -> tuple[str, ...]:
    """jieba's reading of ``text`` from its dictionary alone (see :func:`dictionary_cut`)."""
    return dictionary_cut(text)


_SENTENCE_END = re.compile(r"[。！？；!?;\n]")


def _sentence_boundaries(text: str, start: int = 0, end: int | None = None):
    """(words with their offsets, set of offsets between words) of jieba's dictionary
    reading of the sentences of ``text`` that [start, end) touches (all of it by default);
    offsets count from the start of ``text``."""
    end = len(text) if end is None else end
    ends = [m.start() for m in _SENTENCE_END.finditer(text)]
    first = max([e + 1 for e in ends if e < start], default=0)
    last = min([e for e in ends if e >= end], default=len(text))
    words, cuts, offset = [], {first}, first
    for sentence in _SENTENCE_END.split(text[first:last]):
        for word in _dictionary_words(sentence):
            words.append((word, offset))
            offset += len(word)
            cuts.add(offset)
        offset += 1
        cuts.add(offset)
    return words, cuts


_ORDINAL = re.compile(rf"第[{_NUM}]+.*|[{_NUM}]+届[{_NUM}]+(?:中|次).*|[{_NUM}]是.*")
def _first_word_tag(content: str) -> str:
    words = _dictionary_words(content)
    return _word_tag(words[0]) if words else ""


@lru_cache(maxsize=65536)
def classify_term(term: str, quoted: bool, in_enumeration: bool) -> tuple[str, str, str] | None:
    """(family, label, reason) for a candidate, or None if it is not numbered at all."""
    if re.search(r"\d", term):
        if _ARABIC_MULTI.fullmatch(term):
            return "multi-number formula", "borderline", "a count written in Arabic digits"
        return None
    if term.startswith("双") and _SHUANG.fullmatch(term):
        if in_enumeration:
            return "双-formula", "formulation", "双-terms enumerated together"
        if quoted:
            if _dictionary_words(term)[0] == "双":  # 双 + 报到, not 双向 + 奔赴
                return "双-formula", "formulation", "quoted 双 + a word (双报到, 双减)"
            return "双-formula", "borderline", "a quoted word that begins with 双 (双向奔赴)"
        return None
    if _ORDINAL.fullmatch(term):
        return "ordinal", "rejected", "an ordinal (十九届四中, 十三届三次, 第二届, 二是), not a formulation"
    if not re.match(f"[{_NUM}]", term):  # 敌百虫, 万物 … are no numbered terms
        return None
    units = _units(term)
    if units and units[0][0] in ("百", "千", "万") and not _in_dictionary(term) \
            and not re.fullmatch(rf"[{_NUM}]+(?:{_PROJECT})", term):
        return "number + character", "rejected", "百, 千 or 万 alone means 'many' or names something (百园荟萃, 万物皆媒)"
    first = _dictionary_words(term)[0]
    if units and len(units[0][0]) < len(first) < len("".join(units[0])):  # 十分期待, 五莲樱桃; not 三联三帮
        tag = _word_tag(first)
        if tag[:1] in ("d", "c", "p", "r") or tag in ("ns", "nr", "nt", "nrt") and first != term:
            return "number + character", "rejected", f"its numeral belongs to the word {first} ({tag})"
    named = next((why for why in map(number_name, (n for n, _ in units)) if why), None)
    if named:
        return "number + character", "rejected", named
    if len(units) >= 2 and len(set(units)) == 1:
        return "multi-number formula", "rejected", "a reduplication (一X一X), not a formulation"
    if re.fullmatch(rf"[{_NUM}]+(?:{_PROJECT})", term):
        return "named project", "formulation", "numbers + project word"
    multi = _MULTI.fullmatch(term) and len(re.findall(rf"[{_NUM}]+", term)) >= 2
    family = "multi-number formula" if multi else "number + character"
    if _in_dictionary(term) or term in _COUNT_WORDS:
        tag = _word_tag(term)
        if tag in _IDIOM_TAGS:
            return family, "borderline" if quoted else "rejected", \
                f"an idiom or set phrase (jieba tag {tag})" + (" in quotation marks" if quoted else "")
        if not quoted:
            return "idiom or ordinary word", "rejected", "a word of the language in jieba's dictionary"
        if _WITH_MEASURE.fullmatch(term) and not multi:
            return _measure_template(term, quoted)
        if term.startswith("一") and _is_count_phrase(term):
            return family, "borderline", "a quoted word of the language (“一线”): wordplay rather than a formulation?"
        if tag in ("m", "mq", "q", "t"):
            return family, "rejected", f"a number phrase of the language (jieba tag {tag})"
        if term in _COUNT_WORDS or _is_count_phrase(term):
            return family, "rejected", "a quoted count (五分钟, 两块钱)"
        if tag in ("j", "nz"):
            return family, "formulation", f"quoted, an abbreviation or special term in jieba's dictionary ({tag})"
        return family, "borderline", f"a quoted word of the language ({tag}): a formulation or wordplay (“两难”, “六艺”)?"
    if _WITH_MEASURE.fullmatch(term) and re.fullmatch(rf"[{_NUM}]+[{_MEASURE}][{_NUM}].*", term):
        return _measure_template(term, quoted)  # 三个一批, 四个一
    if multi:
        if all(_is_count_unit(content[:1]) for _, content in units):
            return "multi-number formula", "rejected", "a count of people, things, money or time (五时三刻)"
        return "multi-number formula", "formulation", "several number + character units"
    if _WITH_MEASURE.fullmatch(term):
        return _measure_template(term, quoted)
    if term.startswith("零"):
        return "number + character", "borderline", "零 + a word: a zero target (“零故障”), a slogan rather than a numbered formulation"
    if _SINGLE.fullmatch(term):
        if not quoted:
            return "number + character", "rejected", "unquoted number + character: an ordinary phrase"
        if _is_count_phrase(term):
            return "number + character", "rejected", "a quoted count (一分钱, 五分钟)"
        return "number + character", "formulation", "quoted"
    return None


def _is_count_phrase(term: str) -> bool:
    """一 + anything (one of something), or a number of a count unit (五分钟, 三口)."""
    units = _units(term)
    if not units:
        return False
    number, content = units[0]
    if len(units) > 1:
        return False
    first = _dictionary_words(term)[0]
    if len(first) > len(number) and _word_tag(first) in ("m", "mq", "q"):  # 三季报, 八百里淮河
        return True
    words = _dictionary_words(content)
    if number == "一":  # one of something (一米线, 一分钱); 一网统管 (a noun and a verb) is more
        return not any(_word_tag(w)[:1] == "v" for w in words[1:])
    return content[:1] in _PEOPLE or _word_tag(words[0]) in ("q", "mq")  # 五分钟, 三口; not 五多 (多 is m)


def _measure_template(term: str, quoted: bool) -> tuple[str, str, str]:
    """numeral + measure word + Y: a formulation when Y is a verb, adjective or set phrase
    (两个维护, 八个统一, 四个聚焦, 三个不放过: such things are not counted), a policy noun (三项机制, 十大行动) or 大 + anything quoted
    (“八大工程”); a count of things when Y is a plain noun (两个苹果) or the numeral is 一
    (一根针), unless the page spells it out (checked by the caller)."""
    family = "number + measure word + noun"
    number, measure, content = re.fullmatch(rf"([{_NUM}]+)([{_MEASURE}])(.+)", term).groups()
    if number == "一":
        return family, "rejected", "one of something (一根针, 一条路), not a formulation"
    if content[0] in _NUM:
        return family, "formulation", "numeral + measure word + numeral (四个一, 两个一百年): a formulation"
    tag = _first_word_tag(content)
    words = _dictionary_words(content)
    ends_in_noun = _word_tag(words[-1])[:1] == "n" and _word_tag(words[-1]) != "vn" and len(words) > 1
    if measure in "个项" and not ends_in_noun and ((tag[:1] in ("v", "a", "d") or tag in ("z", "l", "i")) and tag != "vn"
                                                  or not _in_dictionary(words[0])):
        return family, "formulation", f"numeral + measure word + {tag or 'a phrase'} ({content}): a formulation, not a count"
    if _POLICY_NOUN.search(content) or tag == "vn":
        return family, "formulation", f"numeral + measure word + policy noun ({content})"
    if measure == "大" and quoted:
        return family, "formulation", "quoted numeral + 大 + noun (“八大工程”)"
    return family, "rejected", "a count of things unless spelled out" + ("" if quoted else " or quoted")


def _spells_it_out(term: str, items: list[str], where: str) -> bool:
    """Do the items spell the term out? Items right after it do (两个维护：…、…); items
    before it only when they share its head word (问题清单、任务清单、责任清单三张清单): a list
    before a count (梅、兰、竹、菊五大景观) is only what is counted."""
    if where.startswith("after"):
        return True  # the caller passes only expansions that begin right after the term
    head = re.sub(rf"^[{_NUM}]+[{_MEASURE}]?", "", term)
    return bool(head) and all(item.endswith(head) or item.endswith(head[-1]) for item in items)


@lru_cache(maxsize=8)
def _known_pattern(terms: tuple):
    """One regular expression for all known terms (longest first), to see which occur at all."""
    return re.compile("|".join(map(re.escape, terms))) if terms else None


def _occurrences(text: str, known: dict):
    """Yield (term, start, end_with_quote, quoted, in_enumeration, source) for one text;
    a stretch of text already taken by one candidate is not a candidate again."""
    taken = bytearray(len(text) + 1)  # 1 where a candidate already took the character

    def take(start, length):
        taken[start:start + length] = b"\x01" * length

    for m in QUOTED_SHORT.finditer(text):
        parts = m.group(1).split("、")
        offset = m.start(1)
        for part in parts:
            if part:
                take(offset, len(part) + 1)
                yield part, offset, (m.end() if part == parts[-1] else offset + len(part)), True, len(parts) > 1, \
                    known[part][1] if part in known else "pattern"
            offset += len(part) + 1
    def free(start, end):
        return taken.find(1, start, end) < 0

    pattern = _known_pattern(tuple(sorted(known, key=len, reverse=True)))
    present = {m.group() for m in pattern.finditer(text)} if pattern else set()
    for term in sorted(present, key=len, reverse=True):  # known terms before the patterns: 四个意识 is no count
        for m in re.finditer(re.escape(term), text):
            if free(m.start(), m.end()):
                take(m.start(), len(term))
                yield term, m.start(), m.end(), False, False, known[term][1]
    for pattern, not_after in ((_UNQUOTED_MULTI, _NOT_AFTER), (_ARABIC_MULTI, None), (_UNQUOTED_MEASURE, _NOT_AFTER)):
        for m in _matches(pattern, text, not_after):
            if free(m.start(), m.end()):
                take(m.start(), len(m.group()))
                yield m.group(), m.start(), m.end(), False, False, "pattern"


def _matches(pattern, text: str, not_after=None):
    """``pattern.finditer(text)``, leaving out matches right after a character ``not_after``
    matches (a look-behind): the search then goes on from the next character, as finditer's would."""
    pos = 0
    while (m := pattern.search(text, pos)) is not None:
        if not_after is not None and m.start() and not_after.match(text, m.start() - 1):
            pos = m.start() + 1
            continue
        yield m
        pos = m.end()


def find_in_text(text: str, known: dict[str, str], include_rejected: bool,
                  expansions: bool = True) -> list[dict]:
    """Findings in one text; ``expansions=False`` only looks for the items where they can
    change the label (an unquoted count phrase spelled out right after it)."""
    rows = []
    for term, start, end, quoted, enumeration, source in _occurrences(text, known):
        verdict = classify_term(term, quoted, enumeration)
        why = None
        if verdict and not quoted and source == "pattern":
            if verdict[1] == "rejected" and not include_rejected and not _could_be_spelled_out(text, start, end, term):
                continue  # rejected for its shape with nothing to spell it out: dropped whatever its boundaries say
            boundaries = _sentence_boundaries(text, start, end)
            if verdict[1] != "rejected":
                term, end = _to_word_end(text, term, start, boundaries)
                verdict = classify_term(term, quoted, enumeration) or verdict
                why = _not_a_formulation(text, term, start, boundaries)
            else:  # rejected for its shape; spelled out, it could come back: not across a word
                why = _cuts_a_word(start, end, boundaries)
            if why:
                verdict = (verdict[0], "rejected", why)
        if source != "pattern":
            verdict = (verdict[0] if verdict else "known formulation", "formulation", f"in the {source}")
            if not quoted:  # 三通 in 三通道 is no 三通; 三农 in 三农问题 is
                why = _cuts_a_word(start, start + len(term), _sentence_boundaries(text, start, start + len(term)),
                                   inside_ok=True)
                if why:
                    verdict = (verdict[0], "rejected", why)
        if verdict is None:
            continue
        family, label, reason = verdict
        numbers = announced_numbers(term)
        total = sum(numbers) if numbers else None
        countable = total is not None and total <= 20  # 千万工程: magnitudes, not a count of items
        items, where = expansion_after(text, end) if expansions or label == "rejected" else ([], "")
        if not items and (expansions or label == "rejected"):
            items, where = expansion_before(text, start - (1 if quoted else 0), total if countable else None)
        right_after = not where.startswith("after") or re.match(r"\s*[（(：:—]", text[end:end + 2])
        if label == "rejected" and not why and items and len(items) == total and right_after \
                and _spells_it_out(term, items, where) \
                and family in ("number + character", "number + measure word + noun") and not _in_dictionary(term):
            label, reason = "formulation", f"spelled out ({where}) with as many items as it announces"
        if label == "rejected" and not include_rejected:
            continue
        if not items and term in known and known[term][0]:
            items, where = split_items(known[term][0]), f"from the {known[term][1]}"
        rows.append({"term": term, "quoted": quoted, "family": family, "label": label, "reason": reason,
                     "number": "+".join(map(str, numbers)), "number_total": total, "start": start,
                     "context": text[max(0, start - 20):end + 20].replace("\n", " "),
                     "expansion": items, "expansion_count": len(items), "expansion_where": where,
                     "count_matches": (len(items) == total) if items and countable else None, "source": source})
    return rows


def _could_be_spelled_out(text: str, start: int, end: int, term: str) -> bool:
    """Whether :func:`find_in_text` could find items that bring a shape-rejected term back."""
    numbers = announced_numbers(term)
    total = sum(numbers) if numbers else None
    items, _ = expansion_after(text, end)
    if not items:
        items, _ = expansion_before(text, start, total if total is not None and total <= 20 else None)
    return bool(items) and len(items) == total


def rule_findings(text: str, known: dict, include_rejected: bool = True) -> list[dict]:
    """The rules' findings in one text (``known`` maps a term to (expansion, origin)): what
    :func:`rule_formulations` reports for it, as a list of dicts with start offsets."""
    return find_in_text(text, known, include_rejected)


_OPENS_ITEMS = frozenset("（(：:—")


def nearby_expansion(text: str, term: str, start: int, end: int, quoted: bool) -> tuple[list[str], str]:
    """The items that spell a term out next to it (after it in parentheses, after a dash or a
    colon, or an enumeration before it with as many items as it announces) and where."""
    items, where = expansion_after(text, end) if _OPENS_ITEMS.intersection(text[end:end + 10]) else ([], "")
    if not items:
        numbers = announced_numbers(term)
        total = sum(numbers) if numbers and sum(numbers) <= 20 else None
        lead = start - (1 if quoted else 0)
        if total is None and not text[max(0, lead - 4):lead].rstrip("“‘").endswith("——"):
            return items, where  # without a count only a dash before the term can lead to its items
        before = text[max(0, lead - 200):lead]
        clauses = "".join(re.split(r"[。；！？\n，,]", before)[-2:])  # what expansion_before can read items from
        if "、" in clauses or before.rstrip("“‘").endswith("——") or (total == 2 and re.search("[和与及]", clauses)):
            items, where = expansion_before(text, lead, total)
    return items, where
