"""The learned formulation finder: candidates, scores, thresholds, your labels, the shipped model."""
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import helpers
from banmian.formulation_candidates import candidate_terms

ROOT = Path(__file__).resolve().parent.parent
STANDOFF = ROOT / "tests" / "formulations_real"


def article_frame(*bodies):
    return pd.DataFrame({"page_id": "t", "edition": "A", "article_no": range(1, len(bodies) + 1),
                         "headline": "", "body": list(bodies)})


@pytest.mark.parametrize("text, term", [
    ("累计受理12345热线诉求近万件。", "12345热线"),        # Arabic digits + a programme word
    ("以“新三样”为代表的产品走俏。", "新三样"),            # the number not first, quoted
    ("外贸新三样持续走俏。", "新三样"),                    # … and unquoted
    ("改革坚持最多跑一次。", "跑一次"),
    ("深入推进五水共治。", "五水共治"),                    # number + noun programme
    ("坚持四下基层工作制度。", "四下基层"),
    ("落实两免一补政策。", "两免一补"),
    ("开展文化科技卫生三下乡活动。", "三下乡"),
    ("开展文化科技卫生三下乡活动。", "三下乡活动"),        # carried on to the programme word
    ("实施三年行动计划。", "三年行动计划"),
    ("推进“三去一降一补”。", "三去一降一补"),
    ("增强“四个意识”。", "四个意识"),
])
def test_the_candidate_finder_sees_every_shape(text, term):
    assert term in {t for t, *_ in candidate_terms(text)}


@pytest.mark.parametrize("text, term", [("这是第三次会议。", "三次"), ("他一直在社区工作。", "一直"),
                                        ("八仙桌就擦拭干净。", "八仙桌就擦拭")])
def test_the_candidate_finder_leaves_out_ordinals_adverbs_and_function_words(text, term):
    assert term not in {t for t, *_ in candidate_terms(text)}


def test_a_quotation_of_speech_is_no_quoted_term():
    quoted = [t for t, _, _, q in candidate_terms("他说：“我们一定要把这三件事办好，”") if q]
    assert quoted == []


def test_every_candidate_has_a_score_and_the_label_follows_the_thresholds(seed_articles):
    found = helpers.find_formulations(seed_articles, include_rejected=True)
    thresholds = helpers.load_model()["thresholds"]
    assert found.score.between(0, 1).all()
    decided_by_list = found.reason.isin(["in formulations.csv", "labelled not in formulations.csv"]) | found.reason.str.startswith(
        ("enumerated with", "overlaps the likelier"))
    free = found[~decided_by_list & (found.score > 0)]
    assert (free.loc[free.score >= thresholds["formulation"], "label"] == "formulation").all()
    assert (free.loc[free.score < thresholds["borderline"], "label"] == "rejected").all()


def test_certain_filters_reject_ordinals_and_cut_words():
    found = helpers.find_formulations(article_frame("党的十九届四中全会召开。二是开通三通道服务。"), known=None,
                                      include_rejected=True)
    ordinal = found[found.term.str.startswith("十九届")]
    assert len(ordinal) and (ordinal.label == "rejected").all()
    assert (ordinal.score == 0).any()
    cut = found[(found.term == "三通")]
    assert (cut.label == "rejected").all() and cut.reason.str.contains("cuts the word").all()


def test_a_label_in_formulations_csv_changes_the_result_on_rerun(seed_articles, tmp_path):
    first = helpers.find_formulations(seed_articles, known=None)
    by_model = first[(first.label == "formulation") & first.reason.str.startswith("score")]
    term = by_model.sort_values("score").term.iloc[0]          # a formulation only the model vouches for
    rejected = helpers.find_formulations(seed_articles, known=None, include_rejected=True)
    kept = set(rejected.loc[rejected.label != "rejected", "term"])
    apart = rejected.term.map(lambda t: not any(t in k or k in t for k in kept))  # overlaps no finding
    doubtful = rejected[(rejected.label == "rejected") & rejected.reason.str.fullmatch(r"score [0-9.]+")
                        & rejected.term.str.len().ge(3) & apart].sort_values("score").term.iloc[-1]
    labels = tmp_path / "formulations.csv"
    labels.write_text(f"term,expansion,note,label\n{term},,not on these pages,not\n{doubtful},,,formulation\n",
                      encoding="utf-8")
    rerun = helpers.find_formulations(seed_articles, known=labels)
    assert term not in set(rerun.term)
    assert doubtful in set(rerun.loc[rerun.label == "formulation", "term"])
    taught = helpers.teaching_report(rerun).set_index("term")
    assert taught.loc[term, "your_label"] == "not" and taught.loc[term, "kit_label"] == "formulation"
    assert taught.loc[term, "changed"] == (first.term == term).sum()
    assert taught.loc[doubtful, "your_label"] == "formulation"


def test_a_label_other_than_formulation_or_not_is_named(tmp_path):
    labels = tmp_path / "formulations.csv"
    labels.write_text("term,expansion,note,label\n五多,,,maybe\n", encoding="utf-8")
    with pytest.warns(helpers.PageWarning, match="label 'maybe' of 五多"):
        read = helpers.read_known_formulations(labels)
    assert read.label.tolist() == ["formulation"]


def test_the_least_certain_findings_are_offered_for_labelling(seed_articles):
    found = helpers.find_formulations(seed_articles, include_rejected=True)
    offered = helpers.uncertain_findings(found, n=5)
    threshold = helpers.load_model()["thresholds"]["formulation"]
    assert len(offered) == 5 and offered.term.is_unique
    distance = (offered.score - threshold).abs()
    assert distance.is_monotonic_increasing
    listed = set(found.loc[(found.reason == "in formulations.csv")
                           | found.reason.str.startswith("enumerated with the listed"), "term"])
    assert not set(offered.term) & listed


def test_the_shipped_model_says_how_it_was_trained():
    model = helpers.load_model()
    assert {"weights", "intercept", "thresholds", "development", "c"} <= set(model)
    assert 0 < model["thresholds"]["borderline"] < model["thresholds"]["formulation"] < 1
    assert model["development"]["candidates"] >= 1500 and len(model["development"]["months"]) >= 4
    assert model["weights"]["listed"] > 0 and model["weights"]["quoted"] > 0


def test_a_model_that_scores_nothing_leaves_only_what_the_user_decided(seed_articles):
    """The reference list is a feature the model weighs, not a verdict: with a model that scores
    nothing, only the user's formulations.csv (and terms enumerated with them) stay."""
    table = helpers.candidate_table(seed_articles)
    assert table.loc[table.term == "两个维护", "listed"].all() and not table.loc[table.term == "五多", "listed"].any()
    fallback = helpers.score_candidates(table, model={"weights": {}, "intercept": -10.0,
                                                       "thresholds": {"formulation": 0.5, "borderline": 0.25}})
    assert set(fallback.label) <= {"formulation"} and set(fallback.reason) <= {
        "in formulations.csv"} | set(fallback.reason[fallback.reason.str.startswith("enumerated")])
    listed_only = helpers.score_candidates(helpers.candidate_table(seed_articles, known=None), known=None,
                                           model={"weights": {"listed": 20.0}, "intercept": -10.0,
                                                  "thresholds": {"formulation": 0.5, "borderline": 0.25}})
    assert len(listed_only) and listed_only.reason.str.endswith("; in the reference list").all()


def test_scores_by_column_equal_scores_by_row(seed_articles):
    from banmian.formulation_model import candidate_features, score_features, score_frame
    from banmian.formulations import prepare_candidates
    table = prepare_candidates(helpers.candidate_table(seed_articles, known=None))
    model = helpers.load_model()
    assert np.allclose(score_frame(table, model), score_features(candidate_features(table), model))


def test_the_kept_row_part_of_a_score_is_the_part_computed_in_full(seed_articles, tmp_path):
    from banmian.formulation_cache import cached_candidates
    from banmian.formulation_model import model_digest, row_logit_column, score_frame
    from banmian.formulations import _candidates_with_row_logits, prepare_candidates
    model = helpers.load_model()
    column = row_logit_column(model)

    def find(articles):
        return cached_candidates(articles, partial(_candidates_with_row_logits, model=model), known=None,
                                 cache_dir=tmp_path, model_key=model_digest(model))

    find(seed_articles)
    more = pd.concat([seed_articles, seed_articles.head(1).assign(article_no=99, body="推进“五水共治”，落实“三会一课”。")],
                     ignore_index=True)
    kept = find(more)
    assert kept.attrs["read_articles"] == 1 and column in kept.columns
    full = prepare_candidates(helpers.candidate_table(more, known=None))
    assert column not in full.columns
    # the new day's recurrence changes the scores of old rows; their kept row part does not
    assert np.array_equal(score_frame(prepare_candidates(kept), model), score_frame(full, model))
    assert not np.array_equal(score_frame(prepare_candidates(kept.assign(**{column: 0.0})), model),
                              score_frame(full, model))
    other = {**model, "intercept": model["intercept"] + 1.0}
    assert row_logit_column(other) != column


def test_context_features_see_names_places_and_policy_words():
    from banmian.formulation_model import candidate_features
    from banmian.formulations import prepare_candidates
    a = pd.DataFrame({"page_id": ["p"], "edition": ["A"], "article_no": [1], "headline": ["h"],
                      "body": ["记者陈四清报道，三州一市坚持落实“3+1+2”模式，三会一课。"]})
    table = prepare_candidates(helpers.candidate_table(a, known=None)).drop_duplicates("term")
    features = dict(zip(table["term"], candidate_features(table)))
    assert "after_surname" in features["四清"] and "after_surname" not in features["三州一市"]
    assert "place_items" in features["三州一市"] and "place_items" not in features["三会一课"]
    assert {"policy_verb_near", "policy_noun_after"} <= set(features["3+1+2"])


def test_the_stand_off_labels_hold_no_source_text():
    for path in STANDOFF.glob("*.tsv"):
        table = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, quoting=3)
        assert not {"context", "sentence", "body", "headline", "text"} & set(table.columns), path.name
        if "term" in table.columns:
            assert table.term.str.len().max() <= 24, path.name


def test_the_stand_off_sample_is_as_large_as_promised():
    sample = pd.read_csv(STANDOFF / "sample.tsv", sep="\t", dtype=str)
    labels = pd.read_csv(STANDOFF / "labels.tsv", sep="\t", dtype=str)
    assert sample.term.nunique() >= 1500 and set(labels.id) == set(sample.id)
    assert sample.loc[sample.split == "dev", "month"].nunique() >= 4 and sample.source.nunique() >= 2
    assert sample.loc[sample.split == "test", "month"].nunique() == 1
    test_month = sample.loc[sample.split == "test", "month"].iloc[0]
    assert test_month not in set(sample.loc[sample.split == "dev", "month"])
    articles = pd.read_csv(STANDOFF / "articles.tsv", sep="\t", dtype=str)
    assert len(articles) >= 60


def test_candidates_found_in_shares_equal_those_found_in_one_process(seed_articles):
    """Past a million characters the candidates are found in one process per core, on shares of
    equal characters; the table is the same as one process makes."""
    copies = -(-1_050_000 // int(seed_articles.body.str.len().sum()))
    big = pd.concat([seed_articles.assign(page_id=seed_articles.page_id + f"-{n}") for n in range(copies)],
                    ignore_index=True)
    shared = helpers.candidate_table(big, known=None, workers=2)
    alone = helpers.candidate_table(big, known=None, workers=1)
    pd.testing.assert_frame_equal(shared, alone)
