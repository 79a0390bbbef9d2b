"""Shared fixtures: every test runs with its own folders and no way to reach the network."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.fake_arxiv import fake_arxiv  # noqa: F401 (fixture: a loopback arXiv API)
from tests.fake_links import fake_sites  # noqa: F401 (fixture: web sites for check --links)
from tests.fake_scholarly import fake_scholarly  # noqa: F401 (fixture: S2, DBLP, Crossref)

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
SEED_DOC = DATA / "reading-notes.md"
SEED_FACTS = DATA / "seed-papers.tsv"
SHIPPED_NOTES = REPO / "notes"


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path_factory, monkeypatch):
    """Point every user folder at a temporary one; make arXiv unreachable by default."""
    home = tmp_path_factory.mktemp("home")
    for name in ("HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    monkeypatch.delenv("PAPERNOTES_DIR", raising=False)
    monkeypatch.delenv("PAPERNOTES_OFFLINE", raising=False)
    # the settings' variables (--config sets PAPERNOTES_CONFIG for the whole process)
    for name in ("PAPERNOTES_CONFIG", "PAPERNOTES_CONTACT", "PAPERNOTES_EDITOR", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    for name in ("PAPERNOTES_PAGER", "PAGER", "PAPERNOTES_LOCK_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "false")
    # Port 9 (discard) on loopback refuses connections: a test that forgets its own
    # fake arXiv server fails fast instead of reaching the internet.
    monkeypatch.setenv("PAPERNOTES_ARXIV_URL", "http://127.0.0.1:9/api/query")
    monkeypatch.setenv("PAPERNOTES_ARXIV_ABS_URL", "http://127.0.0.1:9/abs/")  # check --links
    for name in ("S2", "DBLP", "CROSSREF"):  # and Semantic Scholar, DBLP and Crossref
        monkeypatch.setenv(f"PAPERNOTES_{name}_URL", "http://127.0.0.1:9/")
    monkeypatch.delenv("PAPERNOTES_CONTACT", raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        monkeypatch.delenv(proxy, raising=False)
    monkeypatch.chdir(home)


@pytest.fixture
def trusting_cache(monkeypatch):
    """Let the caches keep even files written a moment ago, so a test's second command
    really goes through cached entries (the racy-file rule has its own tests)."""
    from papernotes.storage.caches import note_cache as cache

    monkeypatch.setattr(cache, "RACY_MARGIN_NS", -3600 * 10**9)


@pytest.fixture
def seed_library(tmp_path) -> Path:
    """A temporary copy of the shipped library (the seed document plus arXiv facts)."""
    root = tmp_path / "notes"
    shutil.copytree(SHIPPED_NOTES, root, ignore=shutil.ignore_patterns(".cache", "*.lock"))
    return root


@pytest.fixture
def empty_library(tmp_path) -> Path:
    """A library with no papers yet, as ``papernotes init`` makes it (the folder and its marker)."""
    from papernotes.storage.store import NoteStore

    root = tmp_path / "notes"
    NoteStore(root).init()
    return root


@pytest.fixture
def loads(monkeypatch) -> list[str]:
    """The libraries read from their notes (or the note cache, or ``list``'s kept rows or
    text per year folder), one entry per load."""
    from papernotes.storage.block_listing import BlocksLoad
    from papernotes.storage.store import NoteStore

    seen: list[str] = []
    real_load, real_rows = NoteStore.load, NoteStore.list_rows
    real_blocks = BlocksLoad.finish
    inside_rows: list[bool] = []

    def counting_load(self, scan=None, **options):
        if not inside_rows:  # a load of list rows counts once, whichever way it reads
            seen.append(str(self.root))
        return real_load(self, scan, **options)

    def counting_rows(self, scan, row_of, **options):
        inside_rows.append(True)
        try:
            got = real_rows(self, scan, row_of, **options)
        finally:
            inside_rows.pop()
        if got is not None:  # None: the library loads its notes instead (counted there)
            seen.append(str(self.root))
        return got

    def counting_blocks(self, made, unread):  # a list from the text kept per year folder
        seen.append(str(self.store.root))
        return real_blocks(self, made, unread)

    monkeypatch.setattr(NoteStore, "load", counting_load)
    monkeypatch.setattr(NoteStore, "list_rows", counting_rows)
    monkeypatch.setattr(BlocksLoad, "finish", counting_blocks)
    return seen
