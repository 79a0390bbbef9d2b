"""``list``'s kept rows (storage/caches/list_rows_cache.py, library/list_rows.py): after an
edit ``list`` reads rows instead of building every note, parses only the changed notes, and
prints exactly what a run without caches prints, whatever the options and the changes."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papernotes.storage import row_listing
from papernotes.storage.caches import list_rows_cache
from papernotes.storage.caches import location as cache_location
from papernotes.storage.caches import note_cache as note_cache_module
from papernotes.storage.caches.list_rows_cache import UNKNOWN, ListRowsCache
from papernotes.storage.caches.note_cache import stat_key
from papernotes.storage.store import NoteStore
from tests.conftest import SHIPPED_NOTES
from tests.helpers import run
from tests.storage.test_cache_shards import apply_step, edit_as_a_person, steps

OPTIONS = [
    (),
    ("--year", "2020"),
    ("--year", "1999"),
    ("--tag", "KD"),
    ("--tag", "蒸餾"),
    ("--status", "read"),
    ("--status", "unread", "--status", "reading"),
    ("--priority", "high"),
    ("--priority", "none"),
    ("--rating-min", "3"),
    ("--sort", "title"),
    ("--sort", "added"),
    ("--sort", "priority", "--reverse"),
    ("--sort", "rating"),
    ("--sort", "read_on"),
    ("--sort", "year", "--reverse"),
    ("--reverse",),
    ("--keys",),
    ("--keys", "--tag", "kd", "--sort", "title"),
    ("--format", "{key}\t{year}\t{title}"),
    ("--json",),
]
"""Every option of ``list`` (--json and --format are made from notes: they must agree too)."""


def kept_outputs_removed(root: Path) -> None:
    """Drop the kept ``list`` texts, so the next ``list`` is made from rows (or notes)."""
    folder = cache_location.cache_path(os.path.realpath(root), ".views")
    assert folder is not None
    shutil.rmtree(folder, ignore_errors=True)


def listed(root: Path, *args: str, cache: bool = True) -> tuple[int, str, str]:
    """``list ARGS``: exit status, output and warnings; with the cache, never from a kept
    text."""
    if cache:
        kept_outputs_removed(root)
    env = None if cache else {cache_location.DISABLE_ENV: "1"}
    result = run(root, "list", *args, env=env)
    return result.exit_code, result.stdout, result.stderr


def rows_kept(root: Path, year: str) -> dict[str, tuple]:
    kept = ListRowsCache.for_library(os.path.realpath(root)).read(year)
    assert kept is not None
    return {path: (kept.key(i), *kept.rows[i][1:]) for i, path in enumerate(kept.paths)}


def test_list_after_an_edit_parses_only_the_edited_note_and_builds_no_other(
    seed_library, trusting_cache, built, parsed
):
    listed(seed_library)
    listed(seed_library, "--json")  # the note cache too: the old list built every note from it
    built.clear()
    parsed.clear()
    note = seed_library / "2020" / "tinybert.md"
    edit_as_a_person(note, note.read_text(encoding="utf-8").replace("EMNLP", "ACL"))
    changed = listed(seed_library)
    assert parsed == ["2020/tinybert.md"] and built == []
    assert "[ACL]" in changed[1]
    assert changed == listed(seed_library, cache=False)


def test_every_list_option_prints_from_rows_what_a_run_without_caches_prints(
    seed_library, trusting_cache
):
    edits = [  # values for the filters and orders to act on, one note at a time
        ("2020/tinybert.md", "status: unread", "status: read\npriority: high\nrating: 4"),
        ("2019/xlnet.md", "status: unread", "status: reading\nread_on: '2024-01-02'"),
        ("2021/deberta.md", "tags: []", "priority: low\nrating: 2\ntags:\n- 蒸馏\n- KD"),
        ("2021/deberta.md", "added: '2026-11-25'", "added: '2025-01-01'"),
    ]
    for rel, old, new in [(None, "", ""), *edits]:
        if rel is not None:
            note = seed_library / rel
            text = note.read_text(encoding="utf-8")
            assert old in text, (rel, old)
            edit_as_a_person(note, text.replace(old, new, 1))
        for args in OPTIONS:
            expected = listed(seed_library, *args, cache=False)
            assert listed(seed_library, *args) == expected, (rel, args)
            assert listed(seed_library, *args) == expected, (rel, args)  # rows kept now
    assert listed(seed_library, "--status", "read")[1].count("\n") >= 1
    assert listed(seed_library, "--tag", "蒸餾")[1].count("\n") >= 1


def test_a_broken_note_and_a_broken_document_yaml_are_reported_alike_from_rows(
    seed_library, trusting_cache
):
    listed(seed_library)
    note = seed_library / "2021" / "deberta.md"
    edit_as_a_person(note, note.read_text(encoding="utf-8").replace("year: 2021", "year: [2021"))
    for _ in range(2):  # made, then kept as a problem row
        assert listed(seed_library) == listed(seed_library, cache=False)
    assert "warning: 2021/deberta.md:" in listed(seed_library)[2]
    edit_as_a_person(seed_library / "document.yaml", "sections: [\n")
    for _ in range(2):
        result = listed(seed_library)
        assert result == listed(seed_library, cache=False)
    assert "document.yaml" in result[2]


def test_a_note_changed_just_now_is_not_kept_and_is_read_again(seed_library, parsed):
    listed(seed_library)  # every file is fresh from the copy: none kept (the racy rule)
    assert all(row[0] == UNKNOWN for row in rows_kept(seed_library, "2020").values())
    note = seed_library / "2020" / "tinybert.md"
    racy = stat_key(os.stat(note))  # as if only this file had changed within the last 2 s

    def is_racy(key, started_ns):
        return key == racy

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(row_listing, "is_racy", is_racy)
        patch.setattr(note_cache_module, "is_racy", is_racy)
        listed(seed_library)
        kept = rows_kept(seed_library, "2020")
        assert kept["2020/tinybert.md"][0] == UNKNOWN  # its stat vouches for nothing
        assert kept["2020/albert.md"][0] == stat_key(os.stat(seed_library / "2020/albert.md"))
        parsed.clear()
        result = listed(seed_library)
        assert parsed == ["2020/tinybert.md"]
        assert result == listed(seed_library, cache=False)


def test_kept_rows_hold_no_stat_key_and_share_each_year_and_set_of_tags(
    seed_library, trusting_cache
):
    from papernotes.library import Library
    from papernotes.library.list_rows import TAGS, YEAR

    for note in (seed_library / "2021" / "deberta.md", seed_library / "2021" / "mengzi.md"):
        text = note.read_text(encoding="utf-8")
        note.write_text(text.replace("tags: []", "tags:\n- 蒸馏\n- KD", 1), encoding="utf-8")
    listed(seed_library)
    rows = Library.open(seed_library).list_rows()  # as list and the TUI read them
    assert rows and all(row[0] == b"" for row in rows)  # the keys are in the year's keys only
    by_year: dict[int, set[int]] = {}
    for row in rows:
        by_year.setdefault(row[YEAR], set()).add(id(row[YEAR]))
    assert all(len(ids) == 1 for ids in by_year.values())  # one number for a year's rows
    two = [row[TAGS] for row in rows if row[TAGS] == ("蒸馏", "KD")]
    assert len(two) == 2 and two[0] is two[1]  # equal tags: one tuple
    assert listed(seed_library) == listed(seed_library, cache=False)


def test_forgetting_a_note_drops_its_row_so_the_next_list_reads_its_file(
    seed_library, trusting_cache, parsed
):
    listed(seed_library)
    real = os.path.realpath(seed_library)
    NoteStore(seed_library).caches().forget(["2020/tinybert.md"])
    assert rows_kept(seed_library, "2020")["2020/tinybert.md"][0] == UNKNOWN
    assert rows_kept(seed_library, "2020")["2020/albert.md"][0] != UNKNOWN
    parsed.clear()
    listed(seed_library)
    assert parsed == ["2020/tinybert.md"]
    assert ListRowsCache.for_library(real).years() == {"2019", "2020", "2021", "2023"}


def test_check_drops_every_row(seed_library, trusting_cache):
    listed(seed_library)
    assert ListRowsCache.for_library(os.path.realpath(seed_library)).years()
    assert run(seed_library, "check").exit_code == 0
    assert not ListRowsCache.for_library(os.path.realpath(seed_library)).years()


def test_rows_made_by_other_code_are_not_read(seed_library, trusting_cache, monkeypatch, parsed):
    listed(seed_library)
    monkeypatch.setattr(list_rows_cache, "code_stamp", lambda: "another papernotes")
    assert ListRowsCache.for_library(os.path.realpath(seed_library)).read("2020") is None
    parsed.clear()
    result = listed(seed_library)
    assert len(parsed) == 8  # every note made again, and kept under the new stamp
    assert result == listed(seed_library, cache=False)
    assert rows_kept(seed_library, "2020")


def test_many_missing_rows_are_made_from_a_load_through_the_note_cache(
    seed_library, trusting_cache, monkeypatch, loads, built
):
    monkeypatch.setattr(row_listing, "FULL_LOAD_ABOVE", 0)
    listed(seed_library, "--json")  # the note cache holds every note
    assert listed(seed_library) == listed(seed_library, cache=False)
    assert len(built) == 8  # the rows came from the loaded notes
    built.clear()
    assert listed(seed_library) == listed(seed_library, cache=False)
    assert built == []  # and are kept


def test_a_first_list_keeps_only_rows_and_leaves_the_note_cache_to_commands_that_need_notes(
    seed_library, trusting_cache, monkeypatch, built, parsed
):
    monkeypatch.setattr(row_listing, "FULL_LOAD_ABOVE", 0)  # 8 missing rows count as many
    expected = listed(seed_library, cache=False)
    parsed.clear()
    assert listed(seed_library) == expected
    assert sorted(parsed) == sorted(
        p.relative_to(seed_library).as_posix() for p in seed_library.glob("*/*.md")
    )
    assert (
        built == []
        and not note_cache_module.NoteCache.for_library(
            os.path.realpath(seed_library)
        ).holds_entries()
    )
    assert run(seed_library, "search", "bert", "--json").exit_code == 0  # the first to load notes
    assert note_cache_module.NoteCache.for_library(os.path.realpath(seed_library)).holds_entries()


def test_damaged_or_odd_row_files_are_ignored_and_replaced(seed_library, trusting_cache):
    expected = listed(seed_library, cache=False)
    listed(seed_library)
    folder = ListRowsCache.for_library(os.path.realpath(seed_library)).folder
    assert folder is not None
    (folder / "2020").write_bytes((folder / "2020").read_bytes()[:-9] + b"\0garbage!")
    (folder / "2021").write_bytes(b"")
    (folder / "2019").unlink()
    os.mkfifo(folder / "2019")
    (folder / "1999").write_bytes((folder / "2023").read_bytes())  # another year's rows
    assert listed(seed_library) == expected
    assert listed(seed_library) == expected
    assert rows_kept(seed_library, "2020") and rows_kept(seed_library, "2021")
    assert not (folder / "1999").exists()  # a year with no notes keeps no rows


# -- any sequence of changes -------------------------------------------------

row_steps = st.one_of(
    steps,
    st.tuples(st.just("rows"), st.sampled_from(["2019", "2020", "2021", "2023"])),
)


def damage_rows(root: Path, year: str) -> None:
    folder = ListRowsCache.for_library(os.path.realpath(root)).folder
    assert folder is not None
    path = folder / year
    if path.is_file():
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=st.lists(row_steps, min_size=1, max_size=8))
def test_list_from_rows_equals_one_without_caches_after_any_sequence_of_changes(
    tmp_path_factory, trusting_cache, sequence
):
    root = tmp_path_factory.mktemp("lib") / "notes"
    shutil.copytree(SHIPPED_NOTES, root, ignore=shutil.ignore_patterns(".cache", "*.lock"))
    options = [(), ("--keys", "--sort", "title"), ("--tag", "KD", "--reverse")]
    for step in [("list",), *sequence, ("list",)]:
        if step[0] == "list":
            for args in options:
                assert listed(root, *args) == listed(root, *args, cache=False), (step, args)
        elif step[0] == "rows":
            damage_rows(root, step[1])
        elif step[0] != "load":  # load: the note cache's own comparison, not this one's
            apply_step(root, step)
            for args in options:
                assert listed(root, *args) == listed(root, *args, cache=False), (step, args)


# -- concurrent writers ------------------------------------------------------


def edit_and_list(root: str, rel: str, rounds: int, first_when: int) -> None:
    """One process: edit its note (with its own mtimes) and list from rows, ``rounds`` times:
    each list rewrites the year file of that note, which holds another process's note too."""
    from papernotes.library import Library

    path = Path(root) / rel
    base = path.read_text(encoding="utf-8")
    for i in range(rounds):
        path.write_text(base.replace("key: ", f"key: round{i}", 1), encoding="utf-8")
        when = time.time() - 86400 + first_when + i
        os.utime(path, (when, when))
        assert Library(Path(root)).list_rows() is not None


def test_processes_rewriting_the_same_year_files_at_once_leave_rows_that_list_right(
    seed_library, trusting_cache
):
    listed(seed_library)
    notes = ["2019/roberta.md", "2019/xlnet.md", "2020/albert.md", "2020/tinybert.md"]
    context = multiprocessing.get_context("fork")  # the children keep the patched racy rule
    writers = [
        context.Process(target=edit_and_list, args=(str(seed_library), rel, 10, 1000 * i))
        for i, rel in enumerate(notes)
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(60)
        assert writer.exitcode == 0
    result = listed(seed_library)
    assert result == listed(seed_library, cache=False)
    assert result[1].count("  round9") == 4
