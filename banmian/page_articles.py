"""An article as the page parser builds it, and its headline stack: which stacked line is the
kicker, the headline or the subtitle (the pages layer, used by :mod:`banmian.page_parser`)."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .credit_lines import HAN, PHOTO_CREDIT, split_names
from .stack_roles import upper_is_kicker

__all__ = ["EDITORIAL_TAG", "Article", "ParsedPage", "marked_pair"]

# A headline closed by an editorial tag: 奋斗的史诗 复兴的伟力（社论）, …（人民论坛）, …（国际视点）
EDITORIAL_TAG = re.compile(rf"[{HAN}”\w](?<!摄)[（(][^（）()。，]{{2,24}}[）)]$")
# The double deck of news headlines: a kicker that announces (…强调, …指出, 就…：) and a
# subtitle that says who attended an event the headline reports (…举行 / 李克强出席).
_KICKER_END = ("——", "—", "：", ":", "强调", "指出", "表示", "要求", "提出", "希望", "寄语", "勉励")
_EVENT_END = re.compile(r"(举行|开幕|闭幕|召开|举办|发布|揭晓|落幕|成立|启动|开通|签署|会谈|会晤|通话|开幕式)$")
_FIGURE = re.compile(r"\d|[一二三四五六七八九十两百千万亿]+[成个名家项亿万余多]")
_ATTENDANCE = re.compile(r"(出席|主持|致辞|讲话|会见|宣读|批示|参加|见证|视察|考察)")


def marked_pair(upper: str, lower: str) -> str:
    """What a mark says of two stacked headline lines: "kicker+headline" (the upper ends in ——, ：
    or a verb that announces, 强调 / 指出 …, or the lower carries an editorial tag),
    "headline+subtitle" (the upper carries the tag), or "" where no mark decides."""
    if EDITORIAL_TAG.search(upper):
        return "headline+subtitle"
    if upper.endswith(_KICKER_END) or EDITORIAL_TAG.search(lower):
        return "kicker+headline"
    return ""


@dataclass
class Article:
    headline: str
    kicker: str = ""
    subtitle: str = ""
    byline: str = ""
    reporters: list = field(default_factory=list)
    photographers: list = field(default_factory=list)
    sections: list = field(default_factory=list)
    captions: list = field(default_factory=list)
    paragraphs: list = field(default_factory=list)
    raw_paragraphs: list = field(default_factory=list)  # the same, with the file's punctuation widths
    expects_byline: bool = True
    signal: str = ""              # what told the parser that an article starts here
    level: int = 0                # markdown level of the headline
    learned_pair: bool = False    # headline + subtitle read by the stack model, not by a mark

    def take_stack_line(self, text: str) -> None:
        """A second or third headline line printed right under the headline, before any text.

        Chinese pages stack an optional kicker (引题) above the headline and an optional
        subtitle (副题) below it. A mark decides where there is one (:func:`marked_pair`):
        a line ending in —— or ： (or 强调, 指出 …) announces what follows, so it is the kicker;
        a line ending in an editorial tag (（社论）, （国际视点）) is the headline. An unmarked
        pair is read by the model learned from real stacks (:mod:`banmian.stack_roles`). A third
        line is the subtitle: under a kicker and its headline, or, when the model had read the
        first two as headline and subtitle, it moves them up to kicker and headline."""
        upper = self.headline
        if self.kicker or (self.subtitle and not self.learned_pair):
            self.subtitle = (self.subtitle + " " + text).strip()
            return
        if self.subtitle:  # three unmarked lines: kicker, headline, subtitle
            self.kicker, self.headline, self.subtitle = upper, self.subtitle, text
            return
        mark = marked_pair(upper, text)
        learned = None if mark else upper_is_kicker(upper, text)
        if mark == "kicker+headline" or learned:
            self.kicker, self.headline = upper.rstrip("—：: "), text
        elif mark == "headline+subtitle" or learned is False:
            self.subtitle = text
            self.learned_pair = learned is False
        elif len(text) > 40 or (_EVENT_END.search(upper) and _ATTENDANCE.search(text)) or (
                _FIGURE.search(text) and not _FIGURE.search(upper)):  # no model shipped: the former rules
            self.subtitle = text
        else:
            self.kicker, self.headline = upper, text

    def add_paragraph(self, text: str, raw_text: str):
        self.paragraphs.append(text)
        self.raw_paragraphs.append(raw_text)

    def add_caption(self, text: str, fixes: Counter):
        credit = PHOTO_CREDIT.search(text)
        if credit and (credit.start() == 0 or text[credit.start() - 1] in "。）) "):
            self.photographers.extend(split_names(credit.group(1)))
            fixes["photo credits separated"] += 1
            text = text[:credit.start()].strip()
        if text:
            self.captions.append(text)
            fixes["captions separated from the body"] += 1


@dataclass
class ParsedPage:
    articles: list
    credits: list
    labels: list
    fixes: Counter
    blocks: list
