import os
import tempfile
from pathlib import Path

import pytest

CREATED_CACHE = None
if "BANMIAN_CACHE" not in os.environ:  # before the kit is imported; removed when the session ends
    CREATED_CACHE = os.environ["BANMIAN_CACHE"] = tempfile.mkdtemp(prefix="banmian-test-cache-")

import helpers  # noqa: E402  (installed with the project: pip install -e .)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def seed_pages():
    return helpers.load_pages(ROOT / "corpus")


@pytest.fixture(scope="session")
def seed_articles(seed_pages):
    return helpers.split_articles(seed_pages)


@pytest.fixture(scope="session")
def seed_tokens(seed_articles, tmp_path_factory):
    return helpers.tokenize(seed_articles, cache_dir=tmp_path_factory.mktemp("cache"), progress=False)


@pytest.fixture
def corpus(tmp_path):
    """An empty corpus folder; write(name, text_or_bytes, encoding) adds a page file."""
    folder = tmp_path / "corpus"
    folder.mkdir()

    def write(name, content, encoding="utf-8"):
        path = folder / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    write.folder = folder
    return write


def pytest_sessionfinish(session, exitstatus):
    if CREATED_CACHE:
        import shutil

        shutil.rmtree(CREATED_CACHE, ignore_errors=True)

