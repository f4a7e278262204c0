"""The learned scorer of formulation candidates: features, the shipped model, scores.

Each candidate (a term in its text, see :mod:`banmian.formulation_candidates`) is described by
weak signals, none decisive alone: the term's parts and their parts of speech in jieba's
dictionary, dictionary and idiom membership, quotation, the two characters on each side
(落实 / 推进 / 坚持 … before; 工作 / 的 after), the head character (碑, 馆, 村, 论坛 …), an
expansion spelled out nearby, the former rules' verdict and reason, the reference list, and
how many articles, pages and dates of the corpus the term recurs in.

The model is a logistic regression (scikit-learn) trained by ``bench/train_formulations.py``
(``make train``) on the committed real-text labels (``tests/formulations_real``); its
weights ship as JSON (``formulation_model.json``) with the thresholds and the figures it was
trained to, so scoring needs only this module: the score is the logistic of the sum of the
weights of a candidate's features.
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
from functools import lru_cache, partial
from pathlib import Path

import numpy as np
import pandas as pd

from .dictionary import dictionary_cut, word_tags
from .formulation_cache import TERMS_KEPT
from .formulation_candidates import NUMERAL_CHARS, PROGRAMME_WORDS
from .keyed_rows import KEY, rows_for_keys
from .paths import CACHE_DIR, package_digest

__all__ = ["MODEL_FILE", "candidate_features", "feature_columns", "load_model", "model_digest", "row_logit_column",
           "row_logits", "score_features", "score_frame",
           "THRESHOLDS"]

MODEL_FILE = Path(__file__).with_name("formulation_model.json")
THRESHOLDS = {"formulation": 0.5, "borderline": 0.3}  # used only when no model file is shipped
_NUM = re.compile(rf"[{NUMERAL_CHARS}0-9０-９]+")
_NAME_HEADS = set("碑馆楼村镇乡路街园院厂站港桥寺山河湖岛区县市省州湾峰塔台宫殿庙观亭阁坊巷号队团社店")
_PLACE_ITEMS = set("省市县区州乡镇村站场港山园岛江河湖海城路街桥楼馆院校厂矿湾峰岸")  # 三州一市, 七站两场, 三山五园
_SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
                "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
_POLICY_BEFORE = ("落实", "推进", "坚持", "开展", "实施", "践行", "深化", "做到", "增强", "树立", "强化", "贯彻",
                  "围绕", "聚焦", "抓好", "推动", "实行", "建立", "健全", "完善", "推行", "深入", "学习", "提出",
                  "坚定", "弘扬", "统筹", "突出", "牢记", "把握", "打好", "守牢", "筑牢", "持续")
_REGISTER = re.compile("坚持|落实|推进|实施|工作|党|政策|制度|机制|改革|建设|发展|治理|部署|要求|全面|深化|推动|加强|"
                       "干部|群众|服务|基层|体系|战略|高质量|现代化")
_NOUN_AFTER = re.compile("模式|体系|工程|计划|政策|机制|制度|战略|行动|工作法|格局|布局|原则|要求|理念|方针|改革|矩阵|架构|"
                         "思路|目标|任务|举措|措施|方案|路径")  # 3+1+2 模式, “1+N”政策体系
_VERB_BEFORE = re.compile("|".join(_POLICY_BEFORE))
_PROGRAMME_END = re.compile("(?:" + "|".join(PROGRAMME_WORDS) + ")$")


@lru_cache(maxsize=200_000)
def _term_features(term: str) -> tuple[str, ...]:
    """Features of the term alone (cached: a corpus repeats its terms)."""
    tags = word_tags()
    feats = [f"len={min(len(term), 9)}"]
    groups = _NUM.findall(term)
    first = _NUM.search(term)
    feats += [f"numbers={min(len(groups), 3)}", f"num_at={min(first.start(), 2) if first else -1}"]
    if first:
        numeral = first.group()
        feats.append(f"numeral={numeral if len(numeral) == 1 else 'long'}")
        after = term[first.end():first.end() + 1]
        if after:
            feats.append(f"after_num={after}")
    if re.search(r"[0-9０-９]", term):
        feats.append("arabic")
    if groups and len(groups) >= 2 and len(set(groups)) < len(groups):
        feats.append("repeated_number")
    tag = tags.get(term)
    if tag:
        feats += ["dictionary_word", f"tag={tag}"]
        if tag in ("i", "l"):
            feats.append("idiom")
    words = dictionary_cut(term)
    feats.append(f"words={min(len(words), 4)}")
    for w in words:
        feats.append(f"part={w}")
        feats.append(f"part_tag={tags.get(w, 'x')}")
    feats += [f"first_tag={tags.get(words[0], 'x')}", f"last_tag={tags.get(words[-1], 'x')}",
              f"head={term[-1]}", f"head2={term[-2:]}"]
    if len(words) > 1 and all(_NUM.fullmatch(w[:1]) or w in NUMERAL_CHARS for w in words[::2]):
        feats.append("alternating")
    if term[-1] in _NAME_HEADS:
        feats.append("name_head")
    items = _NUM.sub("", term)
    if items and all(c in _PLACE_ITEMS for c in items):
        feats.append("place_items")
    if first:  # the term's shape with its numbers left out: 13个严禁 and 7个严禁, 体育八条 and 金融十六条
        last = list(_NUM.finditer(term))[-1]
        feats += ["skeleton=" + _NUM.sub("N", term), "before_num=" + term[:first.start()],
                  "after_last_num=" + term[last.end():]]
    if _PROGRAMME_END.search(term):
        feats.append("programme_word")
    return tuple(feats)


_BUCKET_EDGES = (1, 2, 4, 10, 30)


def _buckets(values: pd.Series) -> np.ndarray:
    labels = [f"<={e}" for e in _BUCKET_EDGES] + [f">{_BUCKET_EDGES[-1]}"]
    index = np.searchsorted(np.array(_BUCKET_EDGES), values.to_numpy(dtype=float), side="left")
    return np.array(labels, dtype=object)[index]


def feature_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The features of every candidate row that depend on more than the term, one column per kind
    (the feature's name, or None where a row does not have it); see :func:`feature_arrays`."""
    return pd.DataFrame(feature_arrays(frame), index=frame.index, dtype=object)


def feature_arrays(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """The features of every candidate row that depend on more than the term, one object array per
    kind (the feature's name, or None where a row does not have it). ``frame`` has columns term, quoted,
    field, before (two characters before the term), after (two after), rule_label, rule_reason,
    source, listed, expansion_count, count_matches, expansion_where, articles, dates, pages, quoted_share,
    family, context (the term with 20 characters on each side: its register, political or not) and
    register (of the whole article, :func:`political_register`)."""
    return {kind: _named(pieces) for kind, pieces in _feature_pieces(frame).items()}


def _is_flag(pieces: list) -> bool:
    """Whether a kind of feature is a name and the mask of the rows that have it."""
    return len(pieces) == 2 and getattr(pieces[1], "dtype", None) == bool


def _named(pieces: list) -> np.ndarray:
    """The names of one kind of feature: its pieces (text, and arrays of values or a mask) joined."""
    if _is_flag(pieces):  # the name where the mask holds
        return np.where(pieces[1], pieces[0], None).astype(object)
    name = np.asarray(pieces[0], dtype=object)
    for piece in pieces[1:]:
        name = name + piece
    return np.asarray(name, dtype=object)


def _feature_weights(pieces: list, weights: dict) -> np.ndarray:
    """The weight of one kind of feature for every row, named only for its distinct values (a few
    hundred), not once per row."""
    if _is_flag(pieces):
        return np.where(pieces[1], weights.get(pieces[0], 0.0), 0.0)
    columns = [i for i, piece in enumerate(pieces) if not isinstance(piece, str)]
    codes, distinct = zip(*(pd.factorize(pieces[i], use_na_sentinel=False) for i in columns))
    code = np.zeros(len(codes[0]), dtype=np.int64)
    for c, d in zip(codes, distinct):
        code = code * len(d) + c
    present, inverse = np.unique(code, return_inverse=True)
    parts = [piece if isinstance(piece, str) else None for piece in pieces]
    for d, i in zip(reversed(distinct), reversed(columns)):  # the combined code back into each piece's value
        parts[i] = np.asarray(d, dtype=object)[present % len(d)]
        present = present // len(d)
    names = _named(parts)
    return np.array([weights.get(n, 0.0) for n in names], dtype=float)[inverse.ravel()]


def _feature_pieces(frame: pd.DataFrame) -> dict[str, list]:
    """Each kind of feature as pieces: text and per-row arrays joined into the name ("rule=" and the
    rule label of each row), or a name and the mask of the rows that have it."""
    pieces = {**_row_pieces(frame), **_corpus_pieces(frame)}
    return {kind: pieces[kind] for kind in _KINDS}


_CORPUS_KINDS = ("rule&articles", "articles", "dates", "pages", "quoted_share")  # recurrence across the corpus
_KINDS = ("register", "article_register", "article_register&quoted", "article_register&rule", "rule", "why", "source",
          "listed", "listed&quoted", "family", "rule&quoted", *_CORPUS_KINDS, "quoted", "in_headline", "expanded",
          "expansion_matches", "before", "after", "before2", "after2", "policy_verb_before", "policy_verb_near",
          "policy_noun_after", "after_surname", "after_quote_or_paren", "after_punctuation", "before_punctuation")


def _corpus_pieces(frame: pd.DataFrame) -> dict[str, list]:
    """The kinds of feature that say how the term recurs across the corpus (they change with every
    new page): how many articles, dates and pages hold it, and how often it is quoted."""
    rule = frame["rule_label"].astype(str).to_numpy(dtype=object)
    articles = _buckets(frame["articles"])
    shares = (frame["quoted_share"].astype(float) * 4).round() / 4
    return {
        "rule&articles": ["rule=", rule, "&articles=", articles],
        "articles": ["articles=", articles],
        "dates": ["dates=", _buckets(frame["dates"])],
        "pages": ["pages=", _buckets(frame["pages"])],
        "quoted_share": ["quoted_share=", shares.astype(str).to_numpy(dtype=object)],
    }


def _row_pieces(frame: pd.DataFrame) -> dict[str, list]:
    """The kinds of feature a candidate's own row decides: its text around it, quotation, the
    former rules' verdict, the lists, its expansion."""
    quoted = frame["quoted"].astype(bool).to_numpy()
    q = np.where(quoted, "True", "False").astype(object)
    rule = frame["rule_label"].astype(str).to_numpy(dtype=object)
    level = np.select([frame["register"] < 0.5, frame["register"] < 1.5], ["low", "mid"], "high").astype(object)
    reasons = frame["rule_reason"].fillna("")
    before = frame["before"].astype(str)
    after = frame["after"].astype(str)
    before1 = before.str[-1:].replace("", "^").to_numpy(dtype=object)
    after1 = after.str[:1].replace("", "$").to_numpy(dtype=object)
    spelled = (frame["expansion_count"].to_numpy() > 0) & ~frame["expansion_where"].str.startswith("from the").to_numpy()
    matches = spelled & frame["count_matches"].fillna(False).astype(bool).to_numpy()
    register = frame["context"].str.count(_REGISTER.pattern).clip(upper=3).astype(int).astype(str)
    at = np.minimum(frame["start"].to_numpy(dtype=int), 20)  # where the term starts in its context
    ends = (at + frame["term"].str.len().to_numpy(dtype=int) + quoted).tolist()
    starts = (at - quoted).tolist()
    contexts = frame["context"].tolist()
    noun_after = np.array([_NOUN_AFTER.search(c, e, e + 6) is not None for c, e in zip(contexts, ends)], dtype=bool)
    verb_near = np.array([_VERB_BEFORE.search(c, max(0, a - 6), a) is not None for c, a in zip(contexts, starts)],
                         dtype=bool)
    listed = frame["listed"].astype(bool).to_numpy()
    return {
        "register": ["register=", register.to_numpy(dtype=object)],
        "article_register": ["article_register=", level],
        "article_register&quoted": ["article_register=", level, "&quoted=", q],
        "article_register&rule": ["article_register=", level, "&rule=", rule],
        "rule": ["rule=", rule],
        "why": ["why=", reasons.map({r: _reason_key(r) for r in reasons.unique()}).to_numpy(dtype=object)],
        "source": ["source=", frame["source"].astype(str).to_numpy(dtype=object)],
        "listed": ["listed", listed],  # in the reference list, whoever proposed it
        "listed&quoted": ["listed&quoted", listed & quoted],
        "family": ["family=", frame["family"].astype(str).to_numpy(dtype=object)],
        "rule&quoted": ["rule=", rule, "&quoted=", q],
        "quoted": ["quoted", quoted],
        "in_headline": ["in_headline", (frame["field"] == "headline").to_numpy(dtype=bool)],
        "expanded": ["expanded", spelled],  # spelled out on the page, not by a list
        "expansion_matches": ["expansion_matches", matches],
        "before": ["before=", before1], "after": ["after=", after1],
        "before2": ["before2=", before.to_numpy(dtype=object)], "after2": ["after2=", after.to_numpy(dtype=object)],
        "policy_verb_before": ["policy_verb_before", before.isin(_POLICY_BEFORE).to_numpy(dtype=bool)],
        "policy_verb_near": ["policy_verb_near", verb_near],  # within six characters
        "policy_noun_after": ["policy_noun_after", noun_after],
        "after_surname": ["after_surname", pd.Series(before1).isin(_SURNAMES).to_numpy()
                          & (frame["term"].str.len() <= 3).to_numpy()],  # 四清 in 陈四清
        "after_quote_or_paren": ["after_quote_or_paren", pd.Series(after1).isin(list("“”‘’「」\"（(")).to_numpy()],
        "after_punctuation": ["after_punctuation", pd.Series(after1).isin(list("，。；、：！？,;:.!?$")).to_numpy()],
        "before_punctuation": ["before_punctuation", pd.Series(before1).isin(list("，。；、：！？,;:.!?^")).to_numpy()],
    }


def candidate_features(frame: pd.DataFrame) -> list[list[str]]:
    """The features of every candidate row as lists of names (for training): the term's own
    (:func:`_term_features`) and :func:`feature_columns`."""
    columns = feature_columns(frame)
    rows = [[f for f in row if isinstance(f, str)] for row in columns.itertuples(index=False, name=None)]
    return [list(_term_features(term)) + row for term, row in zip(frame["term"], rows)]


def _weights_of(terms: list[str], weights: dict) -> np.ndarray:
    return np.array([sum(weights.get(f, 0.0) for f in _term_features(t)) for t in terms], dtype=float)


def _term_weights(terms: list[str], weights: dict, workers: int | None = None, cache_dir=None) -> np.ndarray:
    """The summed weight of each of the distinct ``terms``' own features. They depend on the term,
    the weights and the kit's code alone, so they are kept in ``.cache/formulations`` (up to
    :data:`~banmian.formulation_cache.TERMS_KEPT` terms, whatever corpus brought them) and a rerun
    after new pages computes only the terms it has not seen."""
    key = hashlib.sha256((json.dumps(weights, sort_keys=True) + package_digest()).encode()).hexdigest()[:24]
    path = Path(cache_dir or CACHE_DIR) / "formulations" / f"term-weights-{key}.arrow"

    def computed(positions: list[int]) -> pd.DataFrame:
        chosen = [terms[i] for i in positions]
        return pd.DataFrame({"weight": _computed_term_weights(chosen, weights, workers), KEY: chosen})

    table, new_terms = rows_for_keys(path, terms, computed, keep_others=True, keep_at_least=TERMS_KEPT)
    if new_terms:
        for old in sorted(path.parent.glob("term-weights-*.arrow"), key=lambda p: p.stat().st_mtime)[:-4]:
            old.unlink(missing_ok=True)  # other models' weights (training tries many)
            old.with_name(old.name + ".empty").unlink(missing_ok=True)
    return table["weight"].to_numpy(dtype=float)


def _computed_term_weights(terms: list[str], weights: dict, workers: int | None = None) -> np.ndarray:
    """:func:`_term_weights` computed: a corpus of many distinct terms (a year holds hundreds of
    thousands) is shared among one process per core, as the candidates are."""
    workers = workers or os.cpu_count() or 1
    if workers < 2 or len(terms) < 20_000 or multiprocessing.current_process().daemon \
            or multiprocessing.get_start_method(allow_none=True) not in (None, "fork"):
        return _weights_of(terms, weights)
    dictionary_cut("两个维护"), word_tags()  # loaded once, shared by fork
    bounds = np.linspace(0, len(terms), workers + 1).astype(int)
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        parts = pool.map(partial(_weights_of, weights=weights), [terms[a:b] for a, b in zip(bounds[:-1], bounds[1:])])
    return np.concatenate(parts)


def score_frame(frame: pd.DataFrame, model: dict) -> np.ndarray:
    """The model's probability that each candidate is a formulation: the logistic of the intercept
    plus the weights of the candidate's features, summed column by column (the same features as
    :func:`candidate_features`). The part of its own row (:func:`row_logits`) is read from the
    column :func:`row_logit_column` names when ``frame`` has it."""
    column = row_logit_column(model)
    own = frame[column].to_numpy(dtype=float) if column in frame.columns else row_logits(frame, model)
    logits = model["intercept"] + own
    for pieces in _corpus_pieces(frame).values():
        logits = logits + _feature_weights(pieces, model["weights"])
    return 1.0 / (1.0 + np.exp(-logits))


def row_logits(frame: pd.DataFrame, model: dict) -> np.ndarray:
    """The part of each candidate's logit that its own row decides: the weights of its term's own
    features and of every kind of feature but recurrence across the corpus. It does not change
    when pages are added, so the candidate store keeps it (:func:`row_logit_column`) and a new
    day sums only the recurrence features again. ``frame`` needs the columns of
    :func:`feature_arrays` but the recurrence ones."""
    weights = model["weights"]
    codes, terms = pd.factorize(frame["term"].to_numpy(dtype=object))
    logits = _term_weights(list(terms), weights)[codes]
    for pieces in _row_pieces(frame).values():
        logits = logits + _feature_weights(pieces, weights)
    return logits


def model_digest(model: dict) -> str:
    """A digest of a model's weights and intercept (a store that keeps :func:`row_logits` is keyed
    on the code besides)."""
    text = json.dumps([model["weights"], model["intercept"]], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def row_logit_column(model: dict) -> str:
    """The name of the column that holds :func:`row_logits` of ``model`` (the code and weights it was made with)."""
    return f"row_logit_{model_digest(model)}"


def political_register(text: str) -> float:
    """Words of policy and governance (坚持, 落实, 改革, 党, 基层 …) per 100 characters of a text."""
    return 100 * len(_REGISTER.findall(text)) / max(len(text), 1)


def _reason_key(reason: str) -> str:
    """The kind of a rule's reason, without the words it quotes ("cuts the word 三通道 …" → "cuts the word")."""
    if not reason:
        return "none"
    return re.split(r"[^\x00-\x7f]", reason, maxsplit=1)[0].strip(" (:")[:48] or "other"


@lru_cache(maxsize=4)
def _read_model(path: str, stamp: float) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def load_model(path=None) -> dict | None:
    """The shipped model (weights, intercept, thresholds, figures), or None when there is none."""
    path = Path(path) if path else MODEL_FILE
    if not path.exists():
        return None
    return _read_model(str(path), path.stat().st_mtime)


def score_features(features: list[list[str]], model: dict) -> np.ndarray:
    """The model's probability that each candidate is a formulation."""
    weights, intercept = model["weights"], model["intercept"]
    logits = np.fromiter((intercept + sum(weights.get(f, 0.0) for f in feats) for feats in features),
                         dtype=float, count=len(features))
    return 1.0 / (1.0 + np.exp(-logits))
