import hashlib

from conftest import ROOT

SEED_SHA256 = {
    "000_e13bbc1ca5954cd9.txt": "678cfb3270b3b4019a4a83c500dc5f531b307a0ba8c8490e4f7a11deea5e2e0a",
    "004_43ed4930b0e6bc69.txt": "783874a1a76d1b7f51149f46ef24aabfb02291335fd6c31f2487672c165df052",
}


def test_seeds_are_the_originals_byte_for_byte():
    found = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (ROOT / "seeds").iterdir()}
    assert found == SEED_SHA256


def test_seed_pages_are_in_the_default_corpus_once_and_not_copied(seed_pages):
    assert sorted(seed_pages.sha256) == sorted(SEED_SHA256.values())
    assert set(seed_pages.path) == {f"seeds/{name}" for name in SEED_SHA256}
    corpus_files = {p.name for p in (ROOT / "corpus").iterdir()}
    assert not corpus_files & set(SEED_SHA256), "seed pages must not be stored twice"


def test_seed_editions_share_a_page_id(seed_pages):
    assert seed_pages.page_id.nunique() == 1
    assert sorted(seed_pages.edition) == ["A", "B"]
    assert (seed_pages.metadata == "manifest").all()
    assert set(seed_pages.encoding) == {"utf-8"}
