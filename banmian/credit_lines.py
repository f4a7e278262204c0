"""The lines of a page that name people: page credits (本版责编 …), bylines (本报记者 …), photo
credits, lines of names; and the names in them."""
from __future__ import annotations

import re
from collections import Counter

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CREDIT_ROLE = re.compile(r"(本\s*版\s*责\s*编|责\s*任\s*编\s*辑|责\s*编|美\s*编|校\s*对|审\s*读|版\s*式|"
                          r"排\s*版|组\s*版|编\s*辑|本\s*版\s*摄\s*影)")
PHOTO_CREDIT = re.compile(rf"(?:[{HAN}]{{2,5}}发\s*)?[（(]?\s*(?:(?:本报)?(?:记者|通讯员)\s*)?"
                           rf"([{HAN}]{{2,4}}(?:[\s、][{HAN}]{{2,4}})*)\s?摄(?:影)?\s*[）)]?\s*$")
BYLINE = re.compile(rf"^(本报(?:特约|见习)?记者\s*|(?:新华社|中新社)?(?:记者|通讯员)\s+|文\s*[/／]\s*)([{HAN}\s、，,]+)$")
NAME_LINE = re.compile(rf"^[{HAN}]{{2,4}}(?:[\s、][{HAN}]{{2,4}})*$")
_BYLINE_ROLE = re.compile(r"(本报(?:特约|见习)?记者|见习记者|实习生|通讯员|记者|摄影)")


def split_names(text: str) -> list[str]:
    """Names in a credit or byline field: "李 楠" is one name, "曹欣怡 邢智轩" two."""
    names = []
    for part in re.split(r"[、，,/／]|\s{2,}", text.strip()):
        tokens = part.split()
        if not tokens:
            continue
        # Typesetters pad two-character names to three ("李 楠"); "张三 李四" is two names.
        if len(tokens) > 1 and len("".join(tokens)) <= 4 and min(map(len, tokens)) == 1:
            names.append("".join(tokens))
        else:
            names.extend(tokens)
    return names


def parse_credits(lines: list[str], fixes: Counter) -> list[tuple[str, str]]:
    credits = []
    for line in lines:
        parts = CREDIT_ROLE.split(line)
        for role, names in zip(parts[1::2], parts[2::2]):
            names = names.lstrip("：:")  # 本版责编：李四
            fields = split_names(names)
            if any(" " in n.strip() for n in re.split(r"[、，,]|\s{2,}", names)):
                fixes["spaces inside credit names removed"] += 1
            for name in fields:
                credits.append((re.sub(r"\s+", "", role), name))
    return credits


def byline_names(byline: str) -> list[str]:
    """Reporters named in a byline or dateline: "本报讯（记者 曹欣怡 通讯员 王五）" → ["曹欣怡"]."""
    names: list[str] = []
    parts = _BYLINE_ROLE.split(re.sub(r"^本报讯|[（()）]", " ", byline))
    for role, field_text in zip(parts[1::2], parts[2::2]):
        if role.endswith("记者"):
            names.extend(n for n in split_names(re.sub(rf"[^{HAN}\s、，,]", " ", field_text)) if n not in names)
    return names
