"""The vectorised statistics give the tables of the former row-by-row implementations (kept
below as the reference) on the test corpora."""
import math
from pathlib import Path

import pandas as pd
import pytest

import helpers
from banmian.token_table import ARTICLE_KEY

DATED = Path(__file__).resolve().parent / "dated"


def reference_collocations(tokens, min_count=2):
    """The former implementation: one pandas Series per bigram (DataFrame.apply)."""
    frame = tokens[~tokens["is_stopword"]].sort_values(ARTICLE_KEY + ["position"])
    same_article = (frame[ARTICLE_KEY].shift(-1) == frame[ARTICLE_KEY]).all(axis=1)
    adjacent = same_article & (frame["position"].shift(-1) == frame["position"] + 1)
    pairs = pd.DataFrame({"first": frame["token"][adjacent].values, "second": frame["token"].shift(-1)[adjacent].values})
    n = len(pairs)
    counts = pairs.value_counts().rename("count").reset_index()
    counts = counts[counts["count"] >= min_count].copy()
    counts["first_count"] = counts["first"].map(pairs["first"].value_counts())
    counts["second_count"] = counts["second"].map(pairs["second"].value_counts())
    counts["bigram"] = counts["first"] + counts["second"]

    def xlogx(o, e):
        return o * math.log(o / e) if o > 0 else 0.0

    def scores(row):
        o11 = row["count"]
        o12, o21 = row["first_count"] - o11, row["second_count"] - o11
        o22 = n - o11 - o12 - o21
        r1, r2, c1, c2 = o11 + o12, o21 + o22, o11 + o21, o12 + o22
        cells = [(o11, r1 * c1 / n), (o12, r1 * c2 / n), (o21, r2 * c1 / n), (o22, r2 * c2 / n)]
        g2 = 2 * sum(xlogx(o, e) for o, e in cells if e > 0)
        return pd.Series({"pmi": round(math.log2(o11 * n / (row["first_count"] * row["second_count"])), 3),
                          "log_likelihood": round(g2, 3)})

    counts[["pmi", "log_likelihood"]] = counts.apply(scores, axis=1)
    return counts.sort_values(["log_likelihood", "bigram", "first"], ascending=[False, True, True], ignore_index=True)


def reference_keyness(a_counts, b_counts, c, d, min_count=2):
    """The former implementation: a Python loop over the tokens."""
    rows = []
    for token in a_counts.index.union(b_counts.index):
        a, b = int(a_counts.get(token, 0)), int(b_counts.get(token, 0))
        if a + b < min_count:
            continue
        e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
        g2 = 2 * ((a * math.log(a / e1) if a else 0.0) + (b * math.log(b / e2) if b else 0.0))
        rows.append({"token": token, "count_target": a, "count_reference": b,
                     "per_10k_target": round(a / c * 10_000, 2), "per_10k_reference": round(b / d * 10_000, 2),
                     "log_likelihood": round(g2, 3), "p_value": math.erfc(math.sqrt(g2 / 2)),
                     "log_ratio": round(math.log2(((a or 0.5) / c) / ((b or 0.5) / d)), 3),
                     "use": "over" if a / c > b / d else "under"})
    table = pd.DataFrame(rows)
    return table.sort_values(["use", "log_likelihood", "token"], ascending=[False, False, True],
                             key=lambda s: s.map({"over": 1, "under": 0}) if s.name == "use" else s, ignore_index=True)


@pytest.fixture(scope="module")
def dated_tokens(tmp_path_factory):
    articles = helpers.load_articles(DATED / "pages")
    return helpers.tokenize(articles, cache_dir=tmp_path_factory.mktemp("cache"), progress=False)


def same_values(ours: pd.DataFrame, reference: pd.DataFrame, columns) -> None:
    assert len(ours) == len(reference) > 0
    for column in columns:
        a, b = ours[column].tolist(), reference[column].tolist()
        if column == "p_value":
            assert a == pytest.approx(b, rel=1e-12, abs=1e-300)
        else:
            assert a == b, column


@pytest.mark.parametrize("min_count", [1, 2, 3])
def test_collocations_equal_the_former_implementation(seed_tokens, dated_tokens, min_count):
    for tokens in (seed_tokens, dated_tokens):
        ours = helpers.collocations(tokens, min_count=min_count)
        same_values(ours, reference_collocations(tokens, min_count), ours.columns)


def reference_keyness_counts(tokens, target, reference):
    """The former counts: value_counts of the tokens' text in each group."""
    from banmian.frequencies import _mask

    target_mask = _mask(tokens, target)
    reference_mask = ~target_mask if reference is None else _mask(tokens, reference) & ~target_mask
    kept = ~tokens["is_stopword"]
    return (tokens.loc[target_mask & kept, "token"].value_counts(), tokens.loc[reference_mask & kept, "token"].value_counts(),
            int(target_mask.sum()), int(reference_mask.sum()))


def test_collocations_read_a_table_in_any_row_order(dated_tokens):
    shuffled = dated_tokens.sample(frac=1, random_state=3)
    pd.testing.assert_frame_equal(helpers.collocations(shuffled, min_count=1), helpers.collocations(dated_tokens, min_count=1))


def test_token_codes_are_kept_for_a_table_and_made_anew_for_an_edited_one(dated_tokens):
    from banmian.coded_tokens import token_codes

    codes, words = token_codes(dated_tokens)
    assert token_codes(dated_tokens)[0] is codes  # the same column: coded once
    assert (words[codes] == dated_tokens["token"].to_numpy(dtype=object)).all() and (words[:-1] < words[1:]).all()
    edited = dated_tokens.copy()
    edited.loc[edited.index[0], "token"] = "新词"
    edited_codes, edited_words = token_codes(edited)
    assert edited_words[edited_codes[0]] == "新词" and token_codes(dated_tokens)[0] is not edited_codes


def test_arrow_token_codes_are_pandas_sorted_factorize_across_chunks_and_gaps():
    import pyarrow as pa

    from banmian.coded_tokens import _sorted_codes

    column = pa.chunked_array([["乙", "甲", None, "Z"], ["甲", "a", "乙乙", "é"]])
    codes, words = _sorted_codes(column)
    expected_codes, expected_words = pd.factorize(pd.Series(column.to_pylist(), dtype=object), sort=True)
    assert codes.tolist() == expected_codes.tolist() and words.tolist() == expected_words.tolist()


def test_keyness_equals_the_former_implementation(seed_tokens, dated_tokens):

    cases = [(seed_tokens, {"edition": "A"}, None), (seed_tokens, {"edition": "B"}, {"edition": "A"}),
             (dated_tokens, {"date": sorted(dated_tokens["date"].dropna().unique())[-1]}, None)]
    for tokens, target, reference in cases:
        for min_count in (1, 2, 5):
            ours = helpers.keyness(tokens, target, reference, min_count=min_count)
            expected = reference_keyness(*reference_keyness_counts(tokens, target, reference), min_count=min_count)
            same_values(ours, expected, ours.columns)


@pytest.mark.parametrize("by", ["edition", "page", "article", ["date", "page_no"]])
def test_grouped_frequencies_divide_by_their_group_as_before(dated_tokens, seed_tokens, by):
    tokens = dated_tokens if isinstance(by, list) else seed_tokens
    ours = helpers.term_frequencies(tokens, by=by)
    group = by if isinstance(by, list) else {"page": ["page_id", "edition"], "article": ARTICLE_KEY}.get(by, [by])
    sizes = tokens.groupby(group, observed=True).size()
    # the former lookup, one tuple per row
    total = ours[group].apply(tuple, axis=1).map(lambda g: sizes[g if len(g) > 1 else g[0]])
    assert ours["per_10k"].tolist() == (ours["count"] / total * 10_000).round(2).tolist()


def reference_keywords(tokens, top=10):
    """The former implementation: pandas groupby over token strings, idf mapped with math.log."""
    kept = tokens[~tokens["is_stopword"]]
    counts = kept.groupby(ARTICLE_KEY + ["token"]).size().rename("count").reset_index()
    n_docs = kept.groupby(ARTICLE_KEY).ngroups
    df = counts.groupby("token").size()
    counts["tf"] = counts["count"] / counts.groupby(ARTICLE_KEY)["count"].transform("sum")
    counts["score"] = counts["tf"] * (((1 + n_docs) / (1 + counts["token"].map(df))).map(math.log) + 1)
    counts = counts.sort_values(ARTICLE_KEY + ["score", "token"], ascending=[True] * 3 + [False, True])
    counts["rank"] = counts.groupby(ARTICLE_KEY).cumcount() + 1
    out = counts[counts["rank"] <= top].rename(columns={"token": "keyword"})
    return out[ARTICLE_KEY + ["rank", "keyword", "score"]].reset_index(drop=True)


@pytest.mark.parametrize("top", [1, 5, 50])
def test_keywords_equal_the_former_implementation(seed_tokens, dated_tokens, top):
    for tokens in (seed_tokens, dated_tokens):
        ours = helpers.keywords(tokens, top=top)
        expected = reference_keywords(tokens, top)
        pd.testing.assert_frame_equal(ours[ARTICLE_KEY + ["rank", "keyword"]], expected[ARTICLE_KEY + ["rank", "keyword"]])
        assert ours["score"].tolist() == pytest.approx(expected["score"].tolist(), rel=1e-12)


def test_keywords_of_some_articles_keep_the_corpus_idf(seed_articles, seed_tokens):
    some = seed_articles.iloc[[0, 3]]
    ours = helpers.keywords(seed_tokens, top=5, articles=some)
    whole = helpers.keywords(seed_tokens, top=5)
    chosen = whole[whole.set_index(ARTICLE_KEY).index.isin(some.set_index(ARTICLE_KEY).index)].reset_index(drop=True)
    assert ours["article_no"].nunique() == 2
    pd.testing.assert_frame_equal(ours, chosen)


def reference_formulation_summary(found):
    """The former implementation: a pandas filter per term."""
    def first_expansion(group):
        spelled = group[group["expansion_count"] > 0]
        return spelled.iloc[0] if len(spelled) else None

    rows = []
    for term, group in found.groupby("term", sort=False):
        spelled = first_expansion(group)
        rows.append({"term": term, "family": group["family"].iloc[0], "label": group["label"].iloc[0],
                     "number": group["number"].iloc[0], "occurrences": len(group),
                     "articles": group[["page_id", "edition", "article_no"]].drop_duplicates().shape[0],
                     "pages": group["page_id"].nunique(), "editions": sorted(group["edition"].unique()),
                     "expansion": spelled["expansion"] if spelled is not None else [],
                     "expansion_count": spelled["expansion_count"] if spelled is not None else 0,
                     "count_matches": spelled["count_matches"] if spelled is not None else None})
    columns = ["term", "family", "label", "number", "occurrences", "articles", "pages", "editions",
               "expansion", "expansion_count", "count_matches"]
    return pd.DataFrame(rows, columns=columns).sort_values(["label", "occurrences", "term"],
                                                           ascending=[False, False, True], ignore_index=True)


def test_formulation_summary_equals_the_former_implementation(seed_articles):
    dated = helpers.load_articles(DATED / "pages")
    for articles in (seed_articles, dated):
        for found in (helpers.find_formulations(articles), helpers.find_formulations(articles, include_rejected=True)):
            pd.testing.assert_frame_equal(helpers.formulation_summary(found), reference_formulation_summary(found))
    assert helpers.formulation_summary(helpers.find_formulations(seed_articles).iloc[:0]).empty


def test_filter_summary_counts_every_token_once(seed_tokens):
    summary = helpers.filter_summary(seed_tokens, examples=3)
    assert summary["tokens"].sum() == len(seed_tokens)
    counted = seed_tokens[seed_tokens["filtered_by"] == ""]["token"].value_counts()
    assert summary.loc["", "examples"] == " ".join(counted.index[:3])
