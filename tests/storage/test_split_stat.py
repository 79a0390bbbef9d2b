"""The stat of many note files split with a forked child (``storage/split_stat.py``): the
keys and errors are always those of one pass in this process."""

from __future__ import annotations

import os
import signal
import sys
import threading

import pytest

from papernotes.storage.caches import note_cache
from papernotes.storage.split_stat import split_stat_keys
from tests.helpers import forks_of

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="splits on Linux")


@pytest.fixture
def files(tmp_path) -> tuple[str, list[str]]:
    for year in ("2019", "2020"):
        (tmp_path / year).mkdir()
        for i in range(40):
            (tmp_path / year / f"paper-{i}.md").write_text("x" * i, encoding="utf-8")
    rels = [f"{year}/paper-{i}.md" for year in ("2019", "2020") for i in range(40)]
    return f"{tmp_path}/", rels


def _dying_in_a_child():
    """A one-pass stat that kills the process running it when that is a child."""
    parent = os.getpid()

    def one_pass(where: str, names: list[str]) -> list[bytes]:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return note_cache._stat_keys_here(where, names)

    return one_pass


def test_keys_split_with_a_child_are_those_of_one_pass(files, monkeypatch):
    prefix, rels = files
    forks = forks_of(monkeypatch)
    keys = split_stat_keys(prefix, rels, note_cache._stat_keys_here, split_from=2)
    assert forks, "no child stat-ed the second half"
    assert keys == note_cache._stat_keys_here(prefix, rels)
    assert len(keys) == len(rels)


def test_a_file_the_child_cannot_stat_raises_what_one_pass_raises(files, monkeypatch):
    prefix, rels = files
    rels.insert(70, "2020/gone.md")  # in the child's half
    forks = forks_of(monkeypatch)
    with pytest.raises(FileNotFoundError) as raised:
        split_stat_keys(prefix, rels, note_cache._stat_keys_here, split_from=2)
    assert forks
    assert raised.value.filename == f"{prefix}2020/gone.md"


def test_a_child_killed_before_it_answers_leaves_the_whole_stat_to_this_process(files):
    prefix, rels = files
    dying_in_the_child = _dying_in_a_child()
    keys = split_stat_keys(prefix, rels, dying_in_the_child, split_from=2)
    assert keys == note_cache._stat_keys_here(prefix, rels)


def test_a_process_with_other_threads_never_forks(files, monkeypatch):
    """A fork copies only the calling thread; the TUI's other threads may hold locks."""
    prefix, rels = files
    forks = forks_of(monkeypatch)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        keys = split_stat_keys(prefix, rels, note_cache._stat_keys_here, split_from=2)
    finally:
        stop.set()
        other.join()
    assert not forks
    assert keys == note_cache._stat_keys_here(prefix, rels)


def test_few_files_are_stat_ed_here(files, monkeypatch):
    prefix, rels = files
    forks = forks_of(monkeypatch)
    assert note_cache.stat_keys(prefix, rels) == note_cache._stat_keys_here(prefix, rels)
    assert not forks


def test_keys_begun_ahead_are_collected_from_another_thread_as_one_pass_gives_them(
    files, monkeypatch
):
    """The TUI begins the stat before Textual starts its threads, and collects it in the
    thread that loads the rows."""
    from papernotes.storage.split_stat import started_stat_keys

    prefix, rels = files
    forks = forks_of(monkeypatch)
    collect = started_stat_keys(prefix, rels, note_cache._stat_keys_here, split_from=2)
    assert forks, "no child was begun"
    got: list[list[bytes]] = []
    reader = threading.Thread(target=lambda: got.append(collect()))
    reader.start()
    reader.join(30)
    assert got == [note_cache._stat_keys_here(prefix, rels)]


def test_a_child_begun_ahead_that_dies_leaves_the_stat_to_this_process(files):
    from papernotes.storage.split_stat import started_stat_keys

    prefix, rels = files
    dying_in_the_child = _dying_in_a_child()
    collect = started_stat_keys(prefix, rels, dying_in_the_child, split_from=2)
    assert collect() == note_cache._stat_keys_here(prefix, rels)


def test_a_library_scanned_ahead_lists_what_a_library_that_was_not_lists(seed_library, monkeypatch):
    """``Library.scan_ahead`` (the TUI's start): the rows, their problems and what a later
    load sees are those of a library that stat-ed its notes itself."""
    from papernotes.library import Library
    from papernotes.storage import split_stat

    (seed_library / "2020" / "broken.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    monkeypatch.setattr(split_stat, "SPLIT_FROM", 2)
    forks = forks_of(monkeypatch)
    ahead = Library(seed_library)
    ahead.scan_ahead()
    assert forks
    rows = ahead.list_rows()
    for pid in forks:  # its keys were collected: the child was waited for
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
    plain = Library(seed_library)
    assert rows == plain.list_rows()
    assert ahead._listed == plain._listed
    assert [n.path for n in ahead.notes()] == [n.path for n in plain.notes()]


def test_rows_read_ahead_of_the_stat_list_the_notes_changed_since_they_were_kept(
    seed_library, monkeypatch, trusting_cache, parsed
):
    """The kept rows are read while the child stats (``row_listing.read_ahead``), before
    its keys are collected; a note edited, one removed and one added since the rows were
    kept are listed as they are now, as a load without any cache lists them."""
    from papernotes.library import Library
    from papernotes.library.list_rows import rows_of
    from papernotes.storage import row_listing, split_stat

    monkeypatch.setattr(split_stat, "SPLIT_FROM", 2)
    assert Library(seed_library).list_rows()  # the rows kept
    edited = seed_library / "2020" / "tinybert.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("TinyBERT", "TinyBERT-edited"))
    (seed_library / "2021" / "nezha.md").unlink()
    (seed_library / "2019" / "new.md").write_text("---\ntitle: New\nyear: 2019\n---\n")
    calls: list[str] = []

    def noted(name, real):
        def call(*args):
            calls.append(name)
            return real(*args)

        return call

    monkeypatch.setattr(row_listing, "read_ahead", noted("read", row_listing.read_ahead))
    monkeypatch.setattr(split_stat, "_answer", noted("answer", split_stat._answer))
    ahead = Library(seed_library)
    ahead.scan_ahead()
    parsed.clear()
    rows = ahead.list_rows()
    assert calls == ["read", "answer"]
    assert sorted(parsed) == ["2019/new.md", "2020/tinybert.md"]  # the others' rows were kept
    monkeypatch.setenv("PAPERNOTES_NO_CACHE", "1")
    fresh = rows_of(Library(seed_library).notes())
    assert [r[1:] for r in rows] == [r[1:] for r in fresh]
    assert any("TinyBERT-edited" in str(r) for r in rows)


def test_a_folder_that_cannot_be_listed_ahead_is_left_to_the_read_that_reports_it(
    seed_library, tmp_path
):
    """The TUI lists ahead before its screen exists; a failure then must not stop it from
    opening: the load (which the TUI reports in a notification) meets it again."""
    import shutil

    from papernotes.errors import NotFoundError
    from papernotes.library import Library

    library = Library(seed_library)
    shutil.rmtree(seed_library)  # gone between opening the library and listing it
    library.scan_ahead()
    with pytest.raises(NotFoundError):
        library.list_rows()
