"""Make the OCR-like third witness of the seed page used in notebook 04.

It is NOT a real OCR output: it is seed transcription 000 (edition A) with the kinds of error
Chinese OCR typically makes, put in at fixed, seeded places so that the file is the same on
every run: look-alike characters read for one another (已/己, 未/末, 人/入 …), digits and Latin
letters confused (0/O, 1/l), characters lost at low contrast, and a line broken where a column
ended. Run from the project folder: ``python tools/make_ocr_witness.py``.
"""
from __future__ import annotations

import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "seeds" / "000_e13bbc1ca5954cd9.txt"
OUT = ROOT / "notebooks" / "witnesses"

LOOK_ALIKE = {"已": "己", "己": "已", "未": "末", "人": "入", "土": "士", "日": "曰", "千": "干", "天": "夭",
              "大": "太", "王": "玉", "贝": "见", "治": "冶", "候": "侯", "拔": "拨", "辨": "辩", "即": "既",
              "刺": "剌", "茶": "荼", "戊": "戍", "析": "折", "氏": "氐", "象": "像", "延": "廷", "汩": "汨"}
DIGIT_LETTER = {"0": "O", "1": "l", "5": "S", "8": "B"}


def ocr_like(text: str, rng: random.Random) -> str:
    out = []
    for line in text.split("\n"):
        if line.startswith("#") or not line.strip():
            out.append(line)  # headings and blank lines keep the page's structure readable
            continue
        chars = []
        for ch in line:
            roll = rng.random()
            if ch in LOOK_ALIKE and roll < 0.25:
                chars.append(LOOK_ALIKE[ch])
            elif ch in DIGIT_LETTER and roll < 0.2:
                chars.append(DIGIT_LETTER[ch])
            elif "\u4e00" <= ch <= "\u9fff" and roll < 0.003:
                continue  # a character lost at low contrast
            else:
                chars.append(ch)
        line = "".join(chars)
        if len(line) > 120 and rng.random() < 0.3:  # a column ended mid-paragraph
            cut = rng.randrange(40, len(line) - 40)
            line = line[:cut] + "\n" + line[cut:]
        out.append(line)
    return "\n".join(out)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    text = SOURCE.read_text(encoding="utf-8")
    (OUT / "ocr-like-copy-of-A.txt").write_text(ocr_like(text, random.Random(2025)), encoding="utf-8")
    (OUT / "pages.csv").write_text(
        "file,page_id,edition,paper,date,page_no,source\n"
        "ocr-like-copy-of-A.txt,yuncheng-2025-06-party,OCR,运城日报,2025-06,,"
        "made by tools/make_ocr_witness.py from seed transcription 000: OCR-like errors put in on purpose\n",
        encoding="utf-8")


if __name__ == "__main__":
    main()
