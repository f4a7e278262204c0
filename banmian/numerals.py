"""Chinese numerals: their values (五 → 5, 二十五 → 25), the numbers a term announces
(一城两区三门户 → 1, 2, 3; 千万工程 → 1000, 10000), and numerals read digit by digit (七一, 七八)
that count nothing. What the numbered-term rules read numbers with."""
from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["chinese_number", "announced_numbers"]

NUMERALS = "零〇一二两三四五六七八九十百千万"
_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "双": 2, "三": 3, "四": 4, "五": 5,
          "六": 6, "七": 7, "八": 8, "九": 9}
_UNIT = {"十": 10, "百": 100, "千": 1000, "万": 10000}


def chinese_number(text: str) -> int:
    """The value of a Chinese or Arabic numeral: 五 → 5, 二十五 → 25, 两 → 2, 25 → 25.

    >>> [chinese_number(t) for t in ["五", "十二", "二十五", "百", "25", "双"]]
    [5, 12, 25, 100, 25, 2]
    """
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _DIGIT:
            current = _DIGIT[ch]
        elif ch in _UNIT:
            unit = _UNIT[ch]
            if unit == 10000:
                total, current = (total + (current or 1)) * unit, 0
            else:
                total += (current or 1) * unit
                current = 0
    return total + current


@lru_cache(maxsize=65536)
def announced_numbers(term: str) -> tuple[int, ...]:
    """The numbers a term announces: 一城两区三门户 → (1, 2, 3); 千万工程 → (1000, 10000)."""
    values = []
    for group in re.findall(rf"[{NUMERALS}]+|\d+", term):
        if len(group) > 1 and all(ch in _UNIT for ch in group):  # 千万: a thousand and ten thousand
            values.extend(_UNIT[ch] for ch in group)
        else:
            values.append(chinese_number(group))
    if term.startswith("双") and not values:
        values = [2]
    return tuple(values)


_DIGIT_BY_DIGIT = re.compile(r"[一二三四五六七八九]{2,3}")  # 七一, 五四, 九一八: read digit by digit


def number_name(group: str) -> str | None:
    """Why a numeral written digit by digit is no count (七一 → a date or a name; 七八 → an
    approximate count), or None."""
    if not _DIGIT_BY_DIGIT.fullmatch(group):
        return None
    values = [_DIGIT[ch] for ch in group]
    if len(values) == 2 and (values[1] == values[0] + 1 or values == [3, 5]):
        return "an approximate count (两三, 七八, 三五)"
    return "a date or a name read digit by digit (七一, 五四, 九一八)"
