"""Counts over the token table: term frequencies, keywords, comparison groups and keyness (G²)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .dictionary import stopword_list
from .scale import is_dask
from .segmenter import cached_segmenter, dictionary_entries
from .coded_tokens import article_index, token_codes
from .token_table import ARTICLE_KEY
from .remembered import remembered_analysis

__all__ = ["term_frequencies", "filter_summary", "keywords", "compare_keywords", "comparison_groups", "keyness"]

def _group_columns(by) -> list[str]:
    if by is None:
        return []
    if by == "article":
        return ARTICLE_KEY
    if by == "page":
        return ["page_id", "edition"]
    return [by] if isinstance(by, str) else list(by)


@remembered_analysis
def term_frequencies(tokens: pd.DataFrame, by=None, include_stopwords: bool = False, top: int | None = None):
    """Counts and relative frequency per 10,000 tokens, overall or grouped.

    ``by`` is None (whole corpus), "edition", "page", "article" or any token columns.
    Relative frequency divides by all word tokens of the group (filtered ones
    included, punctuation not). Columns: [group…], token, count, per_10k, rank.

    >>> t = pd.DataFrame({"token": ["社区", "社区", "居民", "的"], "is_stopword": [False, False, False, True],
    ...                   "edition": ["A"] * 4})
    >>> term_frequencies(t)[["token", "count", "per_10k"]].values.tolist()
    [['社区', 2, 5000.0], ['居民', 1, 2500.0]]
    """
    group = _group_columns(by)
    if is_dask(tokens):  # counted on the workers, file by file, added up in a tree
        from .scale import added_up

        sizes, counts = added_up(tokens, _file_frequency_counts, group, include_stopwords)
        n_tokens = int(sizes.sum()) if group else int(sizes)
    else:
        sizes, counts = _frequency_counts(tokens, group, include_stopwords)
        n_tokens = len(tokens)
    counts = counts.rename("count").reset_index()
    for column in group:  # categories sort by code; group labels sort as text on both paths
        if isinstance(counts[column].dtype, pd.CategoricalDtype):
            counts[column] = counts[column].astype(counts[column].cat.categories.dtype)
    if group:  # each row's group size, looked up by value (the groups' labels may be categories)
        keys = pd.MultiIndex.from_frame(counts[group]) if len(group) > 1 else pd.Index(counts[group[0]])
        total = sizes.reindex(keys).to_numpy()
    else:
        total = n_tokens
    counts["per_10k"] = (counts["count"] / total * 10_000).round(2)
    counts = counts.sort_values(group + ["count", "token"], ascending=[True] * len(group) + [False, True])
    counts["rank"] = counts.groupby(group).cumcount() + 1 if group else range(1, len(counts) + 1)
    if top:
        counts = counts[counts["rank"] <= top]
    return counts.reset_index(drop=True)


@remembered_analysis
def filter_summary(tokens: pd.DataFrame, examples: int = 8) -> pd.DataFrame:
    """How many tokens each reason leaves out of the counts (index ``filtered_by``; "" for the
    counted ones): tokens, and the ``examples`` commonest of them (ties in the order of the words).
    On a Dask token table the files are counted on the workers and the counts added up."""
    if is_dask(tokens):
        from .scale import added_up

        counts = added_up(tokens, _reason_counts)
    else:
        counts = _reason_counts(tokens)
    counts = counts.rename("count").reset_index().sort_values(["filtered_by", "count", "token"],
                                                               ascending=[True, False, True])
    grouped = counts.groupby("filtered_by", sort=True)
    table = pd.DataFrame({"tokens": grouped["count"].sum(),
                          "examples": grouped["token"].agg(lambda words: " ".join(words.iloc[:examples]))})
    return table


def _reason_counts(tokens: pd.DataFrame) -> pd.Series:
    """Tokens per (filtered_by, token) of one token table, both as text; counted on integer codes."""
    reason, reasons = pd.factorize(tokens["filtered_by"], use_na_sentinel=False)  # a category's codes
    reasons = ["" if pd.isna(r) else str(r) for r in reasons]
    token, words = token_codes(tokens)
    width = max(len(words), 1)
    codes = reason.astype(np.int64) * width + token
    if len(reasons) * width <= 50_000_000:  # a few reasons: one bin per pair
        counts = np.bincount(codes, minlength=len(reasons) * width)
        pairs = np.flatnonzero(counts)
        found = counts[pairs]
    else:
        pairs, found = np.unique(codes, return_counts=True)
    index = pd.MultiIndex.from_arrays([np.asarray(reasons, dtype=object)[pairs // width],
                                       np.asarray(words, dtype=object)[pairs % width]], names=["filtered_by", "token"])
    return pd.Series(found, index=index)


@remembered_analysis
def keywords(tokens: pd.DataFrame, top: int = 10, articles: pd.DataFrame | None = None) -> pd.DataFrame:
    """Keywords per article by TF-IDF computed over this corpus's own articles.

    tf is the share of the article's counted tokens; idf = ln((1 + N) / (1 + df)) + 1
    over the N articles. ``articles`` (rows of the article table) limits the table to those
    articles, their idf still counted over the whole corpus. Columns: page_id, edition,
    article_no, rank, keyword, score. Computed on integer codes: one count per (article, token)
    pair, document frequencies by ``np.bincount``. On a Dask token table the document
    frequencies are counted file by file on the workers, then each file's articles scored
    (an article lies in one file).
    """
    if is_dask(tokens):
        from .scale import added_up, map_files

        frequencies, n_articles = added_up(tokens, _document_frequencies)
        parts = [p for p in map_files(tokens, _scored_keywords, frequencies, n_articles, top, articles) if len(p)]
        if not parts:
            return keywords(tokens.head(0), top, articles)
        table = pd.concat(parts, ignore_index=True)
        return table.sort_values(ARTICLE_KEY + ["rank"], ignore_index=True)
    pairs = _article_token_pairs(tokens)
    keys, article, token, count, vocabulary = pairs
    document_frequency = np.bincount(token, minlength=len(vocabulary))
    return _top_keywords(pairs, document_frequency, len(keys), top, articles, tokens["token"].dtype)


def _article_token_pairs(tokens: pd.DataFrame):
    """(article keys, then per (article, counted token) pair: the article's row in the keys, the
    token's code in the sorted vocabulary, its count; the vocabulary)."""
    counted = ~tokens["is_stopword"].to_numpy(dtype=bool)
    kept = tokens[counted]
    groups = kept.groupby(ARTICLE_KEY, observed=True, sort=True)
    keys = groups.size().index.to_frame(index=False)
    article = groups.ngroup().to_numpy(dtype=np.int64)
    token, vocabulary = token_codes(tokens)
    token = token[counted]
    width = max(len(vocabulary), 1)  # one integer per (article, token) pair
    pairs, count = np.unique(article * width + token, return_counts=True)
    article, token = np.divmod(pairs, width)
    return keys, article, token, count, vocabulary


def _document_frequencies(tokens: pd.DataFrame) -> tuple[pd.Series, int]:
    """(articles per counted token, articles) of one token table."""
    keys, _, token, _, vocabulary = _article_token_pairs(tokens)
    frequency = np.bincount(token, minlength=len(vocabulary))
    return pd.Series(frequency[frequency > 0], index=vocabulary[frequency > 0]), len(keys)


def _scored_keywords(tokens: pd.DataFrame, frequencies: pd.Series, n_articles: int, top: int, articles):
    """The keywords of one token file's articles, with the corpus's document frequencies."""
    if tokens.empty:
        return pd.DataFrame()
    pairs = _article_token_pairs(tokens)
    document_frequency = frequencies.reindex(pairs[4], fill_value=0).to_numpy(dtype=np.int64)  # 0: a stopword
    table = _top_keywords(pairs, document_frequency, n_articles, top, articles, tokens["token"].dtype)
    return table.astype({"page_id": str, "edition": str})


def _top_keywords(pairs, document_frequency: np.ndarray, n_articles: int, top: int, articles, dtype) -> pd.DataFrame:
    keys, article, token, count, vocabulary = pairs
    tf = count / np.bincount(article, weights=count)[article]
    score = tf * (np.log((1 + n_articles) / (1 + document_frequency[token])) + 1)
    if articles is not None:
        wanted = pd.MultiIndex.from_frame(keys.astype(str)).isin(
            pd.MultiIndex.from_frame(articles[ARTICLE_KEY].astype(str)))
        keep = wanted[article]
        article, token, score = article[keep], token[keep], score[keep]
    # by article, then score (highest first), then word: the pairs come by article and word, and
    # two stable sorts keep that order among equals (cheaper than one sort on three keys)
    order = np.argsort(-score, kind="stable")
    narrow = np.uint16 if len(keys) <= np.iinfo(np.uint16).max else np.int64  # 16 bits: numpy's radix sort
    order = order[np.argsort(article[order].astype(narrow), kind="stable")]
    article, token, score = article[order], token[order], score[order]
    first = np.flatnonzero(np.r_[True, article[1:] != article[:-1]])
    rank = np.arange(len(article)) - np.repeat(first, np.diff(np.r_[first, len(article)])) + 1
    keep = rank <= top
    out = keys.iloc[article[keep]].reset_index(drop=True)
    out["rank"] = rank[keep]
    out["keyword"] = pd.Series(np.asarray(vocabulary, dtype=object)[token[keep]], dtype=dtype)
    out["score"] = score[keep]
    return out


def compare_keywords(articles: pd.DataFrame, tokens: pd.DataFrame, top: int = 10,
                     userdict="corpus/userdict.txt") -> pd.DataFrame:
    """Corpus TF-IDF side by side with jieba.analyse's TF-IDF (jieba's built-in IDF)
    and TextRank, for each article: one row per article and rank."""
    entries = dictionary_entries(list(articles["body"]), userdict)  # read here: the kept result's key holds them
    # the corpus column is a slice of keywords(tokens, top), kept for the whole corpus; jieba's
    # columns depend on these articles alone, so new pages elsewhere leave them kept
    ours = keywords(tokens, top)
    ours = dict(zip(zip(ours["page_id"].astype(str), ours["edition"].astype(str), ours["article_no"].astype(int),
                        ours["rank"]), ours["keyword"]))
    table = _jieba_keywords(articles[ARTICLE_KEY + ["headline", "body"]], top, [tuple(e) for e in entries],
                            sorted(stopword_list()))
    table.insert(5, "corpus_tfidf", [ours.get((str(p), str(e), int(a), r), "") for p, e, a, r in
                                     zip(table["page_id"], table["edition"], table["article_no"], table["rank"])])
    return table


@remembered_analysis
def _jieba_keywords(articles: pd.DataFrame, top: int, entries: list, stopwords: list) -> pd.DataFrame:
    import jieba.analyse

    segmenter = cached_segmenter(tuple(entries))
    stop = set(stopwords)
    tfidf, textrank = jieba.analyse.TFIDF(), jieba.analyse.TextRank()
    tfidf.tokenizer = tfidf.postokenizer = segmenter.tokenizer
    textrank.tokenizer = textrank.postokenizer = segmenter.postokenizer
    tfidf.stop_words = textrank.stop_words = stop | tfidf.stop_words
    rows = []
    for art in articles.itertuples(index=False):
        by_tfidf = [w for w in tfidf.extract_tags(art.body, topK=top * 3) if len(w) > 1 and not w.isdigit()]
        by_rank = [w for w in textrank.textrank(art.body, topK=top * 3) if len(w) > 1 and w not in stop]
        for rank in range(1, top + 1):
            rows.append({"page_id": art.page_id, "edition": art.edition, "article_no": art.article_no,
                         "headline": art.headline, "rank": rank,
                         "jieba_tfidf": by_tfidf[rank - 1] if rank <= len(by_tfidf) else "",
                         "jieba_textrank": by_rank[rank - 1] if rank <= len(by_rank) else ""})
    return pd.DataFrame(rows, columns=["page_id", "edition", "article_no", "headline", "rank", "jieba_tfidf",
                                       "jieba_textrank"])


def _mask(tokens: pd.DataFrame, selector) -> pd.Series:
    if isinstance(selector, pd.DataFrame):  # rows of the article table: their tokens
        return pd.Series(article_index(tokens, selector) >= 0, index=tokens.index)
    if isinstance(selector, pd.Series):
        return selector.reindex(tokens.index).fillna(False).astype(bool)
    mask = pd.Series(True, index=tokens.index)
    for column, value in selector.items():
        values = value if isinstance(value, (list, tuple, set)) else [value]
        mask &= tokens[column].isin(values)
    return mask


def comparison_groups(articles: pd.DataFrame):
    """Two groups of articles worth comparing in this corpus, chosen from the data.

    Returns ``(target, reference, description)``, the groups as rows of ``articles``
    (pass them to :func:`keyness`), or ``None`` when the corpus has fewer than two
    articles. The first that exists: two editions of the same pages; the front page
    against the other pages; the latest date against the earlier ones; two papers;
    the longest article against the rest.
    """
    if len(articles) < 2:
        return None
    editions = articles["edition"].value_counts()
    paired = articles.groupby("page_id")["edition"].nunique()
    if len(editions) >= 2 and (paired >= 2).any():
        a, b = sorted(editions.index[:2])
        shared = articles[articles["page_id"].isin(paired[paired >= 2].index)]
        return shared[shared.edition == b], shared[shared.edition == a], f"edition {b} against edition {a}"
    page_no = articles.get("page_no", pd.Series("", index=articles.index)).fillna("").astype(str)
    if (page_no == "1").any() and ((page_no != "1") & (page_no != "")).any():
        return articles[page_no == "1"], articles[(page_no != "1") & (page_no != "")], "the front page against the other pages"
    dates = articles.get("date", pd.Series("", index=articles.index)).fillna("").astype(str)
    known = sorted(d for d in dates.unique() if d)
    if len(known) >= 2:
        return articles[dates == known[-1]], articles[dates.isin(known[:-1])], f"{known[-1]} against the earlier dates"
    papers = articles.get("paper", pd.Series("", index=articles.index)).fillna("").astype(str)
    named = [p for p in papers.value_counts().index if p]
    if len(named) >= 2:
        return articles[papers == named[0]], articles[papers == named[1]], f"{named[0]} against {named[1]}"
    longest = articles["chars"].idxmax()
    return articles.loc[[longest]], articles.drop(index=longest), \
        f"the longest article (“{articles.loc[longest, 'headline'] or 'untitled'}”) against the rest"


def xlogx_ratio(observed, expected):
    return observed * math.log(observed / expected) if observed > 0 else 0.0


def xlogx_ratios(observed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """observed · ln(observed / expected) of arrays (a G² cell), 0 where nothing is observed or expected."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((observed > 0) & (expected > 0), observed * np.log(observed / expected), 0.0)


def _frequency_counts(tokens: pd.DataFrame, group: list[str], include_stopwords: bool):
    """(tokens per group, count per group and token) of one token table."""
    if group:
        kept = tokens if include_stopwords else tokens[~tokens["is_stopword"]]
        return tokens.groupby(group).size(), kept.groupby(group + ["token"]).size()
    codes, vocabulary = token_codes(tokens)  # the whole table: counted on integer codes
    counted = np.bincount(codes if include_stopwords else codes[~tokens["is_stopword"].to_numpy(dtype=bool)],
                          minlength=len(vocabulary))
    seen = counted > 0
    counts = pd.Series(counted[seen], index=pd.Index(vocabulary[seen], dtype=tokens["token"].dtype, name="token"))
    return pd.Series({(): len(tokens)}), counts


def _file_frequency_counts(tokens: pd.DataFrame, group: list[str], include_stopwords: bool):
    """:func:`_frequency_counts` of some token files, their categories as values (each file has its
    own) and the total a number when there is no group: counts that add up over files."""
    categorical = [c for c in group + ["token"] if isinstance(tokens[c].dtype, pd.CategoricalDtype)]
    tokens = tokens.astype({c: tokens[c].cat.categories.dtype for c in categorical})
    sizes, counts = _frequency_counts(tokens, group, include_stopwords)
    return (sizes if group else len(tokens)), counts


def _keyness_counts(tokens: pd.DataFrame, target, reference):
    """(token counts in the target, in the reference: arrays over the sorted vocabulary; target
    size, reference size; the vocabulary), counted on the tokens' integer codes."""
    codes, vocabulary = token_codes(tokens)
    target_mask = _mask(tokens, target).to_numpy(dtype=bool)
    reference_mask = ~target_mask if reference is None else _mask(tokens, reference).to_numpy(dtype=bool) & ~target_mask
    kept = ~tokens["is_stopword"].to_numpy(dtype=bool)
    a = np.bincount(codes[target_mask & kept], minlength=len(vocabulary))
    b = np.bincount(codes[reference_mask & kept], minlength=len(vocabulary))
    return a, b, int(target_mask.sum()), int(reference_mask.sum()), vocabulary


def _file_keyness_counts(tokens: pd.DataFrame, target, reference):
    """:func:`_keyness_counts` of some token files as counts that add up over files (Series by
    word), the article rows narrowed to the pages of these files first."""
    if isinstance(tokens["token"].dtype, pd.CategoricalDtype):
        tokens = tokens.astype({"token": tokens["token"].cat.categories.dtype})
    pages = set(tokens["page_id"].unique().astype(str))

    def here(selector):
        return selector[selector["page_id"].astype(str).isin(pages)] if isinstance(selector, pd.DataFrame) else selector
    a, b, c, d, words = _keyness_counts(tokens, here(target), here(reference))
    return pd.Series(a[a > 0], index=words[a > 0]), pd.Series(b[b > 0], index=words[b > 0]), c, d


@remembered_analysis
def keyness(tokens: pd.DataFrame, target, reference=None, min_count: int = 2) -> pd.DataFrame:
    """Which words the target group uses more (or less) than the reference.

    ``target`` and ``reference`` are column filters such as ``{"edition": "A"}``, rows of
    the article table (their tokens: see :func:`comparison_groups`), or
    ``{"page_id": p, "article_no": 4}`` or boolean Series over ``tokens``; the
    reference defaults to every other token. Returns per token: count and per-10k in
    each group, ``log_likelihood`` (G², Dunning/Rayson; 3.84 is p < 0.05, 6.63 is
    p < 0.01), ``p_value``, and ``log_ratio`` (Hardie: binary log of the ratio of
    relative frequencies, zero counts taken as 0.5; 1 means twice as frequent),
    sorted by G² among overused words first. Stopwords and filtered tokens are left out.
    """
    if is_dask(tokens):
        if isinstance(target, pd.Series) or isinstance(reference, pd.Series):
            raise ValueError("on a dask token table, give target and reference as column filters or article rows")
        from .scale import added_up

        # rows of the article table: only their keys travel to the workers
        target, reference = (s[ARTICLE_KEY] if isinstance(s, pd.DataFrame) else s for s in (target, reference))
        a_counts, b_counts, c, d = added_up(tokens, _file_keyness_counts, target, reference)
        counts = pd.concat([a_counts.rename("a"), b_counts.rename("b")], axis=1).fillna(0).sort_index()
        a, b, c, d = counts["a"].to_numpy(dtype=np.int64), counts["b"].to_numpy(dtype=np.int64), int(c), int(d)
        words = counts.index.astype(str).to_numpy(dtype=object)
    else:
        a, b, c, d, words = _keyness_counts(tokens, target, reference)
    if not c or not d:
        raise ValueError("keyness needs tokens in both the target and the reference group")
    from scipy import special  # imported when needed: a fifth of a second at every kernel's start

    seen = (a + b >= min_count) & (a + b > 0)
    a, b, words = a[seen], b[seen], words[seen]
    e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
    g2 = 2 * (xlogx_ratios(a, e1) + xlogx_ratios(b, e2))
    log_ratio = np.log2((np.where(a > 0, a, 0.5) / c) / (np.where(b > 0, b, 0.5) / d))
    table = pd.DataFrame({"token": pd.array(words, dtype="str"), "count_target": a, "count_reference": b,
                          "per_10k_target": np.round(a / c * 10_000, 2), "per_10k_reference": np.round(b / d * 10_000, 2),
                          "log_likelihood": np.round(g2, 3), "p_value": special.erfc(np.sqrt(g2 / 2)),
                          "log_ratio": np.round(log_ratio, 3), "use": np.where(a / c > b / d, "over", "under")})
    return table.sort_values(["use", "log_likelihood", "token"], ascending=[False, False, True],
                             key=lambda s: s.map({"over": 1, "under": 0}) if s.name == "use" else s,
                             ignore_index=True)
