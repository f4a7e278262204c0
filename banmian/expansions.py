"""The items that spell a numbered term out on its page: an enumeration right after it (in
parentheses, after a dash or colon) or before it in the same or the previous clause."""
from __future__ import annotations

import re

_ITEM_SPLIT = re.compile(r"[、，,；;]")
_CLAUSE_END = "，。；！？：,;!?:"


def split_items(text: str) -> list[str]:
    return [item.strip(" “”‘’") for item in _ITEM_SPLIT.split(text) if item.strip(" “”‘’")]


def expansion_after(text: str, end: int) -> tuple[list[str], str]:
    after = text[end:end + 200]
    paren = re.match(r"\s*[（(]([^（）()]{2,120})[）)]", after)
    if paren:
        items = [i for i in re.split(r"[、，,；;]", paren.group(1)) if i.strip()]
        return (items, "after, in parentheses") if len(items) >= 2 else ([], "")
    lead = re.match(rf"[^{_CLAUSE_END}“”‘’—]{{0,6}}(——|—|[：:])([^。；！？\n]{{2,160}})", after)
    if lead:
        run = re.split(r"[，。；,;]", lead.group(2))[0]
        items = [i.strip(" “”‘’") for i in run.split("、") if i.strip(" “”‘’")]
        if len(items) >= 2:
            return items, "after a dash" if lead.group(1).startswith("—") else "after a colon"
    return [], ""


def _trim_enumeration(parts: list[str]) -> list[str]:
    """Cut the clause words off the first and last item of an enumeration: the middle
    items give the typical length ("…却以热线纾困、居民自治、单位共建作为…")."""
    if len(parts) < 2:
        return parts
    middle = parts[1:-1]
    if middle:
        size = sorted(map(len, middle))[len(middle) // 2]
        first, last = parts[0][-size:], parts[-1][:size]
    else:
        first = re.split(r"(?:以|把|将|用|通过|对|从|即|是|有|为)", parts[0])[-1]
        last = re.split(r"(?:作为|成为|等|的|为|是|这|——)", parts[-1])[0]
    return [first] + middle + [last]


def expansion_before(text: str, start: int, announced: int | None) -> tuple[list[str], str]:
    before = text[max(0, start - 200):start].rstrip("“‘")
    dash = re.search(r"([^。；！？\n]{2,180})——$", before) if before.endswith(("——", "——\n")) else None
    if dash:
        clause = re.split(r"[，。；,;：:]", dash.group(1))[-1]
        items = [i.strip(" “”‘’") for i in clause.split("、") if i.strip(" “”‘’")]
        if len(items) >= 2:
            return items, "before, leading to a dash"
    clauses = re.split(r"[。；！？\n，,]", before)
    where = "before, in the same clause"
    if len(clauses) >= 2 and len(clauses[-1].strip("“‘ ")) <= 2:  # 甲、乙、丙，这三剂良方 / 甲、乙，“两个X”
        clauses, where = clauses[:-1], "before, in the clause before"
    parts = clauses[-1].split("、")
    if len(parts) < 3 and announced == 2:
        parts = re.split(r"(?<=[^\W\d_]{2})(?:和|与|及)(?=[^\W\d_]{2})", clauses[-1])
    if len(parts) >= (2 if announced == 2 else 3) and announced:
        items = _trim_enumeration([p.strip(" “”‘’") for p in parts])
        if len(items) == announced and all(items):
            return items, where
    return [], ""
