"""The sharded caches (``storage/caches/shards.py``): an edit rewrites one shard, and whatever
sequence of edits, damaged shards and concurrent writers came before, a load through the
cache gives exactly what a load without it gives."""

from __future__ import annotations

import itertools
import multiprocessing
import os
import shutil
import time
from importlib.metadata import version
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papernotes.errors import FileFormatError
from papernotes.library import Library
from papernotes.storage.caches import search_forms_cache, shards
from papernotes.storage.caches.location import cache_path
from papernotes.storage.caches.note_cache import NoteCache
from papernotes.storage.caches.search_forms_cache import SearchFormsCache, forms_header
from tests.conftest import SHIPPED_NOTES
from tests.helpers import run
from tests.storage.test_note_cache import (
    cached_entries,
    library_state,
    listing,
    remove_list_outputs,
)

WHEN = itertools.count()


def edit_as_a_person(path: Path, text: str) -> None:
    """Write ``text`` with an mtime no earlier write had (edits a second or more apart): a
    test that trusts fresh stats (``trusting_cache``) must not make two same-size versions
    of a file within one timestamp tick, which only the racy rule tells apart."""
    path.write_text(text, encoding="utf-8")
    when = time.time() - 86400 + next(WHEN)
    os.utime(path, (when, when))


def files_in(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file of ``folder``: its inode and mtime (a rewrite is an atomic replace)."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def test_an_edit_rewrites_only_the_shard_of_the_edited_note(seed_library, trusting_cache):
    listing(seed_library)
    folder = NoteCache.for_library(os.path.realpath(seed_library)).folder
    assert folder is not None
    before = files_in(folder)
    assert "layout" in before and len(before) > 2  # the 8 notes spread over several shards
    note = seed_library / "2020" / "tinybert.md"
    edit_as_a_person(note, note.read_text(encoding="utf-8").replace("EMNLP", "EMNLP 2020"))
    remove_list_outputs(seed_library)  # so that list --json loads the notes
    assert "EMNLP 2020" in listing(seed_library)[0]
    after = files_in(folder)
    changed = {name for name in before if after.get(name) != before[name]}
    assert changed == {f"{shards.shard_of('2020/tinybert.md'):02x}"}
    assert after.keys() == before.keys()


def test_the_one_file_cache_of_older_versions_is_removed(seed_library, trusting_cache):
    old = cache_path(os.path.realpath(seed_library), ".cache")
    assert old is not None
    old.parent.mkdir(parents=True, exist_ok=True)
    old.write_bytes(b"papernotes library cache\n" + b"\0" * 1000)
    listing(seed_library)
    assert not old.exists()
    assert len(cached_entries(seed_library)) == 8


def test_an_upgraded_opencc_or_pypinyin_drops_the_kept_search_forms(
    seed_library, trusting_cache, monkeypatch
):
    head = forms_header()
    assert f"opencc {version('opencc')}".encode() in head
    assert f"pypinyin {version('pypinyin')}".encode() in head
    assert run(seed_library, "search", "zhengliu").exit_code == 0
    root = os.path.realpath(seed_library)
    assert len(SearchFormsCache.for_library(root).read()) == 8
    assert len(SearchFormsCache.for_library(root).read_spellings()) == 8
    for package in ("opencc", "pypinyin"):
        real = search_forms_cache.installed_version
        monkeypatch.setattr(
            search_forms_cache,
            "installed_version",
            lambda name, package=package, real=real: "99.0" if name == package else real(name),
        )
        assert SearchFormsCache.for_library(root).read() == {}, package
        assert SearchFormsCache.for_library(root).read_spellings() == {}, package
        monkeypatch.setattr(search_forms_cache, "installed_version", real)
    assert len(SearchFormsCache.for_library(root).read()) == 8


# -- any sequence of changes -------------------------------------------------

NOTES = sorted(p.relative_to(SHIPPED_NOTES).as_posix() for p in SHIPPED_NOTES.glob("*/*.md"))

steps = st.one_of(
    st.tuples(st.just("load")),
    st.tuples(st.just("edit"), st.sampled_from(NOTES), st.text("ab蒸餾 \n", max_size=6)),
    st.tuples(st.just("delete"), st.sampled_from(NOTES)),
    st.tuples(st.just("move"), st.sampled_from(NOTES), st.sampled_from(["2019", "2023"])),
    st.tuples(st.just("copy"), st.sampled_from(NOTES)),
    st.tuples(st.just("break"), st.sampled_from(NOTES)),
    st.tuples(st.just("layout"), st.sampled_from(["reverse", "delete"])),
    st.tuples(
        st.just("damage"),
        st.integers(0, 2),
        st.sampled_from(["truncate", "garbage", "remove", "fifo", "layout"]),
    ),
)


def state(root: Path, *, cache: bool) -> tuple:
    """``library_state``, or the error a broken ``document.yaml`` gives."""
    try:
        return library_state(root, cache=cache)
    except FileFormatError as exc:
        return ("error", str(exc))


def apply_step(root: Path, step: tuple) -> None:
    kind = step[0]
    path = root / step[1] if kind in ("edit", "delete", "move", "copy", "break") else None
    if path is not None and not path.exists():
        return
    if kind == "load":
        assert state(root, cache=True) == state(root, cache=False)
    elif kind == "edit":
        assert path is not None
        text = path.read_text(encoding="utf-8")
        edit_as_a_person(path, text + f"\n1. {step[2]}\n")
    elif kind == "delete":
        assert path is not None
        path.unlink()
    elif kind == "move":
        assert path is not None
        target = root / step[2] / f"moved-{next(WHEN)}.md"
        target.parent.mkdir(exist_ok=True)
        os.replace(path, target)
    elif kind == "copy":
        assert path is not None
        target = path.with_name(f"copy-{next(WHEN)}.md")
        text = path.read_text(encoding="utf-8").replace("key: ", "key: copy")
        edit_as_a_person(target, text)
    elif kind == "break":
        assert path is not None
        edit_as_a_person(path, path.read_text(encoding="utf-8").replace("year:", "year: [", 1))
    elif kind == "layout":
        layout = root / "document.yaml"
        if layout.exists() and step[1] == "delete":
            layout.unlink()
        elif layout.exists():
            lines = layout.read_text(encoding="utf-8").splitlines()
            edit_as_a_person(layout, "\n".join(reversed(lines[1:])) + "\n")
    else:
        damage_shard(root, step[1], step[2])


def damage_shard(root: Path, index: int, how: str) -> None:
    folder = NoteCache.for_library(os.path.realpath(root)).folder
    assert folder is not None
    path = folder / ("layout" if how == "layout" else f"{index:02x}")
    if not path.is_file():
        return
    data = path.read_bytes()
    if how in ("truncate", "layout"):
        path.write_bytes(data[: len(data) // 2])
    elif how == "garbage":
        path.write_bytes(data[:-8] + b"\x00garbage")
    elif how == "remove":
        path.unlink()
    else:
        path.unlink()
        os.mkfifo(path)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=st.lists(steps, min_size=1, max_size=10))
def test_a_load_through_the_cache_equals_one_without_it_after_any_sequence_of_changes(
    tmp_path_factory, trusting_cache, monkeypatch, sequence
):
    monkeypatch.setattr(shards, "SHARDS", 3)  # several notes per shard, as in a big library
    root = tmp_path_factory.mktemp("lib") / "notes"
    shutil.copytree(SHIPPED_NOTES, root, ignore=shutil.ignore_patterns(".cache", "*.lock"))
    for step in sequence:
        apply_step(root, step)
    assert state(root, cache=True) == state(root, cache=False)
    assert state(root, cache=True) == state(root, cache=False)  # from the rewritten shards


# -- concurrent writers ------------------------------------------------------


def edit_and_load(root: str, rel: str, rounds: int, first_when: int) -> None:
    """One writer: edit its note (with its own mtimes) and load the library, ``rounds`` times:
    each load rewrites the shard of that note, which holds other writers' notes too."""
    path = Path(root) / rel
    base = path.read_text(encoding="utf-8")
    for i in range(rounds):
        path.write_text(base + f"\n1. round {i} of {rel}\n", encoding="utf-8")
        when = time.time() - 86400 + first_when + i
        os.utime(path, (when, when))
        Library(Path(root)).notes()


def test_writers_rewriting_the_same_shards_at_once_leave_a_cache_that_reads_right(
    seed_library, trusting_cache, monkeypatch
):
    monkeypatch.setattr(shards, "SHARDS", 2)  # every writer's note shares a shard with others
    listing(seed_library)
    context = multiprocessing.get_context("fork")  # the children keep the patched modules
    writers = [
        context.Process(target=edit_and_load, args=(str(seed_library), rel, 12, 1000 * i))
        for i, rel in enumerate(NOTES[:4])
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(60)
        assert writer.exitcode == 0
    for rel in NOTES[:4]:
        assert f"round 11 of {rel}" in (seed_library / rel).read_text(encoding="utf-8")
    cached = library_state(seed_library, cache=True)
    assert cached == library_state(seed_library, cache=False)
    edited = [n for n in cached[0] if n.path in NOTES[:4]]
    assert len(edited) == 4
    assert all(f"round 11 of {n.path}" in repr(n.paper) for n in edited)
    assert library_state(seed_library, cache=True) == cached


def test_a_first_write_of_every_shard_holds_one_shards_dict_at_a_time(tmp_path):
    """A first load at 100,000 notes writes every shard: no set of every path and no dict
    of every entry besides the entries themselves (about 9 MB at that size)."""
    import sys
    import tracemalloc

    entries = {
        f"{2000 + i % 25}/p{i}.md": (b"k" * 40, f"{i:032x}", {"title": f"T{i}", "year": 2000})
        for i in range(20_000)
    }
    kept = shards.ShardedEntries(tmp_path / "shards", b"head\n", "/library")
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        assert kept.write(entries, list(entries))
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert shards.ShardedEntries(tmp_path / "shards", b"head\n", "/library").read() == entries
    assert peak < 5 * sys.getsizeof(entries), peak / sys.getsizeof(entries)
