"""collate (N witnesses), TEI parallel segmentation, reprints across the corpus."""
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

import helpers


def article(edition, number, headline, body, captions=(), page="p1", **extra):
    return {"page_id": page, "edition": edition, "article_no": str(number), "headline": headline, "kicker": "",
            "subtitle": "", "byline": "", "captions": list(captions), "body": body, **extra}


@pytest.fixture()
def three_witnesses():
    """Three transcriptions with known variants: A and B differ on 市 in the caption, which C
    lacks; C alone misreads 己 for 已 (OCR); B alone drops 工作; C has the articles in another order."""
    body_a = "全市已有三十个社区推行议事会工作制度。居民反映的问题当天办结。"
    body_b = "全市已有三十个社区推行议事会制度。居民反映的问题当天办结。"
    body_c = "全市己有三十个社区推行议事会工作制度。居民反映的问题当天办结。"
    other = "县委组织部近日召开会议，部署下半年基层党建重点任务，要求各乡镇抓好落实。"
    rows = [article("A", 1, "议事会进社区", body_a, ["图为政协委员为居民表演节目。"]),
            article("A", 2, "部署党建任务", other),
            article("B", 1, "议事会进社区", body_b, ["图为市政协委员为居民表演节目。"]),
            article("B", 2, "部署党建任务", other),
            article("C", 1, "部署党建任务", other),
            article("C", 2, "议事会进社区", body_c)]
    return pd.DataFrame(rows), {"A": body_a, "B": body_b, "C": body_c}


def test_collate_aligns_three_witnesses_with_exact_agreement_sets(three_witnesses):
    articles, bodies = three_witnesses
    table = helpers.collate(articles, ["A", "B", "C"])
    first = table[table.article == 1]
    variants = first[first.variant]
    assert variants[["part", "A", "B", "C", "agreement"]].values.tolist() == [
        ["caption", "图为政协委员为居民表演节目。", "图为市政协委员为居民表演节目。", "", "A | B | C"],
        ["body", "已有", "已有", "己有", "A B | C"],  # widened to the word
        ["body", "工作", "", "工作", "A C | B"],
    ]
    for edition, body in bodies.items():  # each witness's column gives back its text
        assert "".join(first.loc[first.part == "body", edition]) == body
    assert "".join(first.loc[first.part == "caption", "B"]) == "图为市政协委员为居民表演节目。"
    second = table[table.article == 2]  # reordered in C, still matched; no variant
    assert not second.variant.any() and set(second.agreement) == {"A B C"}


def test_collate_reports_an_article_one_witness_lacks(three_witnesses):
    articles, _ = three_witnesses
    articles = articles[~((articles.edition == "C") & (articles.headline == "部署党建任务"))]
    table = helpers.collate(articles)
    lacking = table[table.headline == "部署党建任务"]
    assert lacking["C"].isna().all() and set(lacking.agreement) == {"A B"}


def test_collate_rejects_unknown_or_too_few_editions(three_witnesses):
    articles, _ = three_witnesses
    with pytest.raises(ValueError, match="unknown edition 'D'"):
        helpers.collate(articles, ["A", "D"])
    with pytest.raises(ValueError, match="at least two editions"):
        helpers.collate(articles, ["A"])


def test_tei_export_is_valid_xml_and_round_trips_every_reading(three_witnesses):
    articles, bodies = three_witnesses
    articles = articles.copy()
    articles.loc[articles.edition == "B", "headline"] = "议事会进社区 <&>"  # page text must be escaped
    table = helpers.collate(articles, ["A", "B", "C"])
    tei = helpers.tei_apparatus(table, title="three witnesses")
    root = ET.fromstring(tei.encode("utf-8"))
    ns = {"tei": helpers.TEI_NS}
    assert [w.get("{http://www.w3.org/XML/1998/namespace}id") for w in root.iterfind(".//tei:witness", ns)] == \
        ["A", "B", "C"]
    assert root.find(".//tei:variantEncoding", ns).get("method") == "parallel-segmentation"
    assert {r.get("wit") for r in root.iterfind(".//tei:app/tei:rdg", ns)} >= {"#A #B", "#C", "#A #C", "#B"}
    back = helpers.tei_readings(tei)
    for row in table.groupby(["page_id", "article", "part"]).first().reset_index().itertuples():
        for witness in ("A", "B", "C"):
            segments = table[(table.article == row.article) & (table.part == row.part)][witness]
            got = back[(back.article == row.article) & (back.part == row.part) & (back.witness == witness)].text
            if segments.isna().all():
                assert got.empty
            else:
                assert got.tolist() == ["".join(segments)]
    assert "议事会进社区 <&>" in back.text.tolist()


def test_tei_witness_ids_are_xml_names():
    rows = [article("1st print", 1, "标题", "正文内容相同。"), article("e-paper 2", 1, "标题", "正文内容不同。")]
    tei = helpers.tei_apparatus(helpers.collate(pd.DataFrame(rows)))
    root = ET.fromstring(tei.encode("utf-8"))
    ids = [w.get("{http://www.w3.org/XML/1998/namespace}id") for w in root.iter("{%s}witness" % helpers.TEI_NS)]
    assert ids == ["w1st_print", "e-paper_2"]
    assert set(helpers.tei_readings(tei).witness) == {"1st print", "e-paper 2"}


def test_find_reprints_finds_whole_and_abridged_copies_on_other_pages(seed_articles):
    source = seed_articles[seed_articles.edition == "A"].reset_index(drop=True)
    story = source.loc[source.body.str.len().idxmax()]
    sentences = [s + "。" for s in story.body.split("。") if s]
    abridged = "".join(sentences[: max(2, round(0.4 * len(sentences)))])
    others = [dict(story, page_id="evening-paper", paper="晚报", date="2025-06-20", article_no="3"),
              dict(story, page_id="tv-news", paper="电视新闻", date="2025-06-21", article_no="1", body=abridged)]
    corpus = pd.concat([seed_articles, pd.DataFrame(others)], ignore_index=True)
    pairs = helpers.find_reprints(corpus)
    rows = corpus.index[corpus.page_id.isin(["evening-paper", "tv-news"])].tolist()
    found = {frozenset((a, b)) for a, b in zip(pairs.row_a, pairs.row_b)}
    # the story's A and B editions on the seed page, the evening paper and the TV news: one group
    assert pairs.group.nunique() == 1 and len(found) == 5
    assert all(corpus.loc[list(pair), "page_id"].nunique() == 2 for pair in found)  # editions of one page left out
    whole = pairs[(pairs.row_a.isin(rows) | pairs.row_b.isin(rows)) & (pairs.similarity > 0.99)]
    assert len(whole) == 1  # the evening paper's copy is word for word edition A
    short = pairs[(pairs.page_id_b == "tv-news")]
    assert len(short) == 3 and (short.share_b > 0.95).all() and (short.share_a < 0.6).all()
    assert (short.longer == "a").all()
    assert set(pairs.columns) >= {"paper_a", "paper_b", "date_a", "date_b"}

    unrelated = helpers.find_reprints(seed_articles)
    assert unrelated.empty and {"similarity", "share_a", "share_b", "longer"} <= set(unrelated.columns)
    editions = helpers.find_reprints(seed_articles, same_page=True)
    assert len(editions) == 7  # each article of edition A with its B transcription
    assert (editions.edition_a != editions.edition_b).all()


def test_a_reprint_group_goes_through_collate(seed_articles):
    edition_a = seed_articles[seed_articles.edition == "A"]
    story = edition_a.iloc[0]
    changed = story.body.replace("平陆县", "平陆", 1)
    corpus = pd.concat([edition_a, pd.DataFrame([dict(story, page_id="other", paper="晚报", body=changed)])],
                       ignore_index=True)
    pairs = helpers.find_reprints(corpus)
    group = helpers.reprint_witnesses(corpus, pairs, pairs.group.iloc[0])
    table = helpers.collate(group)
    body = table[(table.part == "body") & table.variant]
    assert len(body) == 1 and set(body.iloc[0][table.attrs["witnesses"]]) == {"平陆县", "平陆"}
    assert sorted(table.attrs["witnesses"]) == sorted([str(story.page_id), "晚报"])
    with pytest.raises(ValueError, match="no reprint group 99"):
        helpers.reprint_witnesses(corpus, pairs, 99)


def test_a_page_only_one_witness_holds_is_left_out_of_the_collation(three_witnesses):
    articles, _ = three_witnesses
    alone = articles.head(1).assign(page_id="another-page", edition="A")
    collation = helpers.collate(pd.concat([articles, alone], ignore_index=True))
    assert "another-page" not in set(collation["page_id"]) and collation.attrs["single_witness_pages"] == 1
    pd.testing.assert_frame_equal(collation, helpers.collate(articles))


def test_reprint_signatures_are_datasketchs_minhash_of_the_shingles(seed_articles):
    from datasketch import LeanMinHash, MinHash

    from banmian import reprints

    for text in seed_articles["body"].head(8):
        shingles, signature = reprints._signature(text, 5, 128)
        plain = MinHash(num_perm=128, seed=1, hashfunc=lambda value: value)
        plain.update_batch(shingles)
        assert signature == LeanMinHash(plain)


def test_candidate_pairs_are_those_datasketchs_lsh_proposes():
    from datasketch import LeanMinHash, MinHashLSH

    from banmian.reprints import _permutations, candidate_pairs

    rng = np.random.default_rng(7)
    signatures = rng.integers(0, 6, size=(300, 128), dtype=np.uint64)  # few values: many shared bands
    signatures[40:45] = signatures[3]  # copies share every band
    lsh = MinHashLSH(threshold=0.3, num_perm=128, weights=(0.1, 0.9))
    hashed = [LeanMinHash(seed=1, hashvalues=row, scheme=_permutations(128)[1]) for row in signatures]
    for i, signature in enumerate(hashed):
        lsh.insert(i, signature, check_duplication=False)
    expected = sorted((i, j) for i, signature in enumerate(hashed) for j in lsh.query(signature) if j > i)
    found = candidate_pairs(signatures, lsh.b, lsh.r)
    assert [tuple(p) for p in found.tolist()] == expected and (3, 40) in expected and len(expected) < 300 * 299 / 2
    assert candidate_pairs(signatures[:0], lsh.b, lsh.r).shape == (0, 2)


def test_a_large_reprint_group_is_collated_from_its_first_witnesses(seed_articles):
    body = seed_articles["body"].iloc[0]
    copies = pd.DataFrame({"page_id": [f"p{i}" for i in range(12)], "edition": "A", "article_no": 1,
                           "headline": "同一篇通稿", "body": [body + "。" * i for i in range(12)]})
    pairs = helpers.find_reprints(copies)
    group = pairs["group"].iloc[0]
    witnesses = helpers.reprint_witnesses(copies, pairs, group, max_witnesses=5)
    assert len(witnesses) == 5 and witnesses.attrs["group_size"] == 12
    assert len(helpers.reprint_witnesses(copies, pairs, group, max_witnesses=None)) == 12
