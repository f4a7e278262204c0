"""Which of two unmarked headline lines is the headline: a model learned from real stacks.

A Chinese daily stacks an optional kicker (引题) above the headline and an optional subtitle
(副题) under it. When a page prints two headline lines with no mark between them (no ——, no
：, no editorial tag), the pair is either kicker + headline or headline + subtitle. Slot crawls
(:mod:`banmian.header_slots`) record thousands of such pairs with their roles; a logistic
regression (scikit-learn) trained on them by ``bench/train_stacks.py`` (``make train-stacks``)
weighs weak signals: the lengths of both lines, punctuation and markers, figures, verbs of
reporting and attending, names of the event, the spaces inside a line. Its weights ship as
JSON (``stack_model.json``) with the figures it was trained to; scoring needs only this module.

One signal is certain and decides before the model: a lower line that reads as a sentence (a
comma, and 25 characters or more before any trailing column tag such as （一线调研，记者在现场）)
is the subtitle. All 38 such pairs of the development months are headline + subtitle; the
model, which adds its weights, let other signals outvote it.
"""
from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from pathlib import Path

__all__ = ["STACK_MODEL", "pair_features", "reads_as_sentence", "upper_is_kicker"]

STACK_MODEL = Path(__file__).with_name("stack_model.json")
_FIGURE = re.compile(r"\d|[一二三四五六七八九十两百千万亿]+[成个名家项亿万余多倍%％]")
_REPORTING = re.compile(r"强调|指出|表示|要求|提出|希望|寄语|勉励|致信|致电|回信|批示|讲话")
_ATTENDING = re.compile(r"出席|主持|致辞|会见|会谈|宣读|参加|见证|视察|考察|调研|同志")
_EVENT = re.compile(r"(举行|开幕|闭幕|召开|举办|发布|揭晓|落幕|成立|启动|开通|签署|会谈|会晤|通话|开幕式|出版|发行)$")
_PLACE_TIME = re.compile(r"^(在|从|于|记|本报|新华社)|[年月日]")
_TRAILING_TAG = re.compile(r"（[^（）]*(?:（[^（）]*）[^（）]*)*）$")
SENTENCE_LENGTH = 25


def _length(n: int) -> str:
    return str(min(n // 4, 8))


def _line(prefix: str, text: str) -> list[str]:
    feats = [f"{prefix}len={_length(len(text))}", f"{prefix}end={text[-1:]}", f"{prefix}start={text[:1]}",
             f"{prefix}end2={text[-2:]}", f"{prefix}start2={text[:2]}"]
    for name, pattern in (("figure", _FIGURE), ("reporting", _REPORTING), ("attending", _ATTENDING),
                          ("event_end", _EVENT), ("place_time", _PLACE_TIME)):
        if pattern.search(text):
            feats.append(f"{prefix}{name}")
    for mark, name in (("，", "comma"), (" ", "space"), ("“", "quote"), ("——", "dash"), ("：", "colon"),
                       ("《", "title"), ("？", "question"), ("！", "exclamation"), ("（", "paren")):
        if mark in text:
            feats.append(f"{prefix}{name}")
    return feats


def pair_features(upper: str, lower: str) -> list[str]:
    """The features of an unmarked pair of headline lines, upper above lower."""
    feats = _line("upper_", upper) + _line("lower_", lower)
    difference = len(lower) - len(upper)
    feats.append("longer=" + ("lower" if difference > 4 else "upper" if difference < -4 else "same"))
    if _FIGURE.search(lower) and not _FIGURE.search(upper):
        feats.append("figures_below_only")
    if _FIGURE.search(upper) and not _FIGURE.search(lower):
        feats.append("figures_above_only")
    if _EVENT.search(upper):  # 会议召开 over 某某出席: headline + subtitle; 推进会召开 over a message: kicker + headline
        feats.append("event_above&" + ("attending_below" if _ATTENDING.search(lower) else "message_below"))
    return feats


def reads_as_sentence(line: str) -> bool:
    """Whether a headline line reads as a sentence: a comma, and ``SENTENCE_LENGTH`` characters or
    more, both outside a trailing column tag （…）."""
    text = _TRAILING_TAG.sub("", line)
    return "，" in text and len(text) >= SENTENCE_LENGTH


@lru_cache(maxsize=4)
def _model(path: str, stamp: float) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def upper_is_kicker(upper: str, lower: str) -> bool | None:
    """Whether the upper of two unmarked headline lines is the kicker (the lower the headline):
    not when the lower reads as a sentence, else as the shipped model says; None when no model
    is shipped."""
    if reads_as_sentence(lower):
        return False
    if not STACK_MODEL.exists():
        return None
    model = _model(str(STACK_MODEL), STACK_MODEL.stat().st_mtime)
    logit = model["intercept"] + sum(model["weights"].get(f, 0.0) for f in pair_features(upper, lower))
    return 1.0 / (1.0 + math.exp(-logit)) >= 0.5
