"""``list``'s kept rows (storage/caches/list_rows_cache.py, library/list_rows.py): after an
edit ``list`` reads rows instead of building every note, parses only the changed notes, and
prints exactly what a run without caches prints, whatever the options and the changes."""

from __future__ import annotations

import multiprocessing
import os
import re
import shutil
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papernotes.storage import row_listing
from papernotes.storage.caches import list_rows_cache, note_cache_load
from papernotes.storage.caches import location as cache_location
from papernotes.storage.caches import note_cache as note_cache_module
from papernotes.storage.caches.list_rows_cache import UNKNOWN, ListRowsCache
from papernotes.storage.caches.note_cache import stat_key
from papernotes.storage.caches.text_blocks_cache import TextBlocksCache
from papernotes.storage.store import NoteStore
from tests.conftest import SHIPPED_NOTES
from tests.helpers import run
from tests.storage.test_cache_shards import NOTES, apply_step, edit_as_a_person, steps

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
    ("--json", "--tag", "kd", "--sort", "title"),
    ("--json", "--status", "read", "--reverse"),
    ("--json", "--year", "2021", "--sort", "added"),
    ("--json", "--priority", "high", "--rating-min", "2"),
    ("--format", "{authors}|{doi}|{code}|{notes}|{slug}", "--sort", "rating"),
    ("--color", "always"),
    ("--color", "always", "--year", "2021"),
]
"""Every option of ``list`` (--json and --format are made from rows and each note's kept JSON
text, ``library/note_texts.py``: they must agree too)."""


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
    before = args[:2] if args[:1] == ("--color",) else ()  # a global option
    result = run(root, *before, "list", *args[len(before) :], env=env)
    return result.exit_code, result.stdout, result.stderr


def rows_kept(root: Path, year: str) -> dict[str, tuple]:
    kept = ListRowsCache.for_library(os.path.realpath(root)).read(year)
    assert kept is not None
    return {path: (kept.key(i), *kept.rows[i][1:]) for i, path in enumerate(kept.paths)}


def blocks_kept(root: Path, variant: str = "plain") -> set[str]:
    """The year folders whose ``list`` text is kept (storage/caches/list_blocks_cache.py)."""
    blocks = ListRowsCache.for_library(os.path.realpath(root)).blocks()
    return {year for year in blocks.years() if blocks.read(year, variant) is not None}


@pytest.fixture
def rendered(monkeypatch) -> list[str]:
    """The paths of the rows rendered as ``list`` lines, one entry per row."""
    from papernotes.cli import output, view_cmds

    seen: list[str] = []
    real = output.row_lines

    def counting(rows, *args, **options):
        seen.extend(row[1] for row in rows)
        return real(rows, *args, **options)

    monkeypatch.setattr(output, "row_lines", counting)
    monkeypatch.setattr(view_cmds, "row_lines", counting)
    return seen


def test_list_after_an_edit_renders_only_the_edited_years_text_again(
    seed_library, trusting_cache, rendered, rows_read
):
    for colour in ((), ("--color", "always")):
        listed(seed_library, *colour)
        listed(seed_library, "--json")
        note = seed_library / "2020" / "tinybert.md"
        text = note.read_text(encoding="utf-8")
        edit_as_a_person(note, text.replace("EMNLP", "ACL" if "EMNLP" in text else "EMNLP"))
        rendered.clear()
        rows_read.clear()
        changed = listed(seed_library, *colour)
        assert sorted(rendered) == ["2020/albert.md", "2020/tinybert.md"]  # 2020 alone
        assert rows_read == ["2020"]  # the other years' rows are not even read
        assert changed == listed(seed_library, *colour, cache=False)
        assert ("\x1b[" in changed[1]) == bool(colour)


def test_a_wider_or_narrower_name_renders_every_year_again_with_the_new_column(
    seed_library, trusting_cache, rendered
):
    listed(seed_library)
    note = seed_library / "2021" / "nezha.md"
    text = note.read_text(encoding="utf-8")
    for key in ("a-much-much-longer-key-than-any-other", "z"):
        edit_as_a_person(note, text.replace("key: ", f"key: {key}", 1))
        rendered.clear()
        result = listed(seed_library)
        assert len(rendered) == 8  # every year: the name column changed
        assert result == listed(seed_library, cache=False)
        rendered.clear()
        assert listed(seed_library, "--color", "always") == listed(
            seed_library, "--color", "always", cache=False
        )


def test_a_note_of_another_year_in_a_folder_and_two_folders_of_one_year_list_as_without_caches(
    seed_library, trusting_cache
):
    listed(seed_library)
    note = seed_library / "2020" / "tinybert.md"
    edit_as_a_person(note, note.read_text(encoding="utf-8").replace("year: 2020", "year: 2019"))
    for _ in range(2):  # found, then known from the kept block at once
        assert listed(seed_library) == listed(seed_library, cache=False)
    mixed = ListRowsCache.for_library(os.path.realpath(seed_library)).blocks().read("2020", "plain")
    assert mixed is not None and mixed.years == (2019, 2020) and mixed.text == ""  # never shown
    edit_as_a_person(note, note.read_text(encoding="utf-8").replace("year: 2019", "year: 2020"))
    assert listed(seed_library) == listed(seed_library, cache=False)
    assert "2020" in blocks_kept(seed_library)
    # 2019's papers in a folder 2018 too: ordered together, not one folder after the other
    (seed_library / "2018").mkdir()
    os.replace(seed_library / "2019" / "roberta.md", seed_library / "2018" / "roberta.md")
    text = (seed_library / "2018" / "roberta.md").read_text(encoding="utf-8")
    edit_as_a_person(seed_library / "2018" / "copy.md", text.replace("key: ", "key: x", 1))
    layout = seed_library / "document.yaml"
    moved = layout.read_text(encoding="utf-8").replace("- 2019/roberta.md", "- 2018/roberta.md")
    edit_as_a_person(layout, moved)
    for _ in range(2):
        result = listed(seed_library)
        assert result == listed(seed_library, cache=False)
    lines = [line.split()[1] for line in result[1].splitlines() if line.startswith("2019")]
    assert lines == ["liu2019roberta", "yang2019xlnet", "xliu2019roberta"]


def test_a_changed_document_order_renders_every_year_again(seed_library, trusting_cache, rendered):
    before = listed(seed_library)
    layout = seed_library / "document.yaml"
    text = layout.read_text(encoding="utf-8")
    swapped = text.replace(
        "- 2020/albert.md\n- 2020/tinybert.md", "- 2020/tinybert.md\n- 2020/albert.md"
    )
    assert swapped != text
    edit_as_a_person(layout, swapped)
    rendered.clear()
    after = listed(seed_library)
    assert len(rendered) == 8
    assert after == listed(seed_library, cache=False) and after != before
    assert after[1].index("tinybert") < after[1].index("lan2020albert")


def test_damaged_or_odd_block_files_are_ignored_and_replaced(seed_library, trusting_cache):
    expected = listed(seed_library, cache=False)
    listed(seed_library)
    folder = ListRowsCache.for_library(os.path.realpath(seed_library)).blocks().folder
    assert folder is not None
    (folder / "2020.plain").write_bytes((folder / "2020.plain").read_bytes()[:-9] + b"\0garbage!")
    (folder / "2021.plain").write_bytes(b"")
    (folder / "2019.plain").unlink()
    os.mkfifo(folder / "2019.plain")
    (folder / "2023.plain").write_bytes(
        (folder / "2021.colour").read_bytes() if (folder / "2021.colour").exists() else b"x"
    )
    (folder / "1999.plain").write_bytes((folder / "2023.plain").read_bytes())
    assert listed(seed_library) == expected
    assert blocks_kept(seed_library) == {"2019", "2020", "2021", "2023"}
    assert not (folder / "1999.plain").exists()  # a year with no notes keeps no text
    assert listed(seed_library) == expected


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


def queued(root: Path, *args: str, cache: bool = True) -> tuple[int, str, str]:
    """``queue ARGS``: exit status, output and warnings; with the cache, never from a kept
    text."""
    if cache:
        kept_outputs_removed(root)
    env = None if cache else {cache_location.DISABLE_ENV: "1"}
    result = run(root, "queue", *args, env=env)
    return result.exit_code, result.stdout, result.stderr


def stats_of(root: Path, *, cache: bool = True) -> tuple[int, str, str]:
    """``stats``: exit status, output and warnings; with the cache, never from a kept text."""
    if cache:
        kept_outputs_removed(root)
    env = None if cache else {cache_location.DISABLE_ENV: "1"}
    result = run(root, "stats", env=env)
    return result.exit_code, result.stdout, result.stderr


def test_queue_is_printed_from_rows_as_without_caches_and_an_edit_parses_only_that_note(
    seed_library, trusting_cache, built, parsed
):
    """``queue`` orders and prints the kept rows (issue 20: a cold ``queue`` at 100,000 notes
    held every note, 503 MB), the same lines, order and warnings as from the notes."""
    edits = [  # reading first, then by priority, oldest added, title; read papers left out
        ("2020/tinybert.md", "status: unread", "status: reading\npriority: low"),
        ("2019/xlnet.md", "status: unread", "status: unread\npriority: high"),
        ("2021/deberta.md", "added: '2026-11-25'", "added: '2020-01-01'"),
        ("2021/deberta.md", "status: unread", "status: read"),
        ("2020/tinybert.md", "title:", 'title: "Tiny \\x1b[31m"\nx_title:'),
    ]
    assert queued(seed_library) == queued(seed_library, cache=False)
    assert parsed and built == []  # a cold queue: each note parsed for its row, none kept
    (seed_library / "2018").mkdir(exist_ok=True)
    (seed_library / "2018" / "broken.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    assert queued(seed_library) == queued(seed_library, cache=False)
    for rel, old, new in edits:
        note = seed_library / rel
        text = note.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        edit_as_a_person(note, text.replace(old, new, 1))
        built.clear()
        parsed.clear()
        kept = queued(seed_library)
        assert parsed == [rel] and built == [], rel
        assert kept == queued(seed_library, cache=False), rel
    assert "broken.md" in kept[2]
    assert kept[1].splitlines()[0].startswith("reading  low")


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
        patch.setattr(note_cache_load, "is_racy", is_racy)
        listed(seed_library)
        kept = rows_kept(seed_library, "2020")
        assert kept["2020/tinybert.md"][0] == UNKNOWN  # its stat vouches for nothing
        assert kept["2020/albert.md"][0] == stat_key(os.stat(seed_library / "2020/albert.md"))
        assert blocks_kept(seed_library) == {"2019", "2021", "2023"}  # none with a racy file
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
    assert blocks_kept(seed_library) == {"2019", "2021", "2023"}  # 2020's text went too
    parsed.clear()
    listed(seed_library)
    assert parsed == ["2020/tinybert.md"]
    assert ListRowsCache.for_library(real).years() == {"2019", "2020", "2021", "2023"}


def test_check_keeps_every_row_made_from_the_bytes_it_reads(seed_library, trusting_cache, parsed):
    """``check`` reads every note from its file: rows made from those very bytes (their
    note's digest) stay, and the next ``list`` parses nothing (a row made from other bytes:
    ``test_note_cache.py``'s mmap and stale-copy tests)."""
    expected = listed(seed_library)
    years = ListRowsCache.for_library(os.path.realpath(seed_library)).years()
    assert years and blocks_kept(seed_library)
    assert run(seed_library, "check").exit_code == 0
    assert ListRowsCache.for_library(os.path.realpath(seed_library)).years() == years
    assert blocks_kept(seed_library)
    parsed.clear()
    assert listed(seed_library) == expected
    assert parsed == []
    assert expected == listed(seed_library, cache=False)


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


def test_many_missing_rows_are_made_from_notes_handed_over_a_shard_at_a_time(
    seed_library, trusting_cache, monkeypatch
):
    """A load of every note for the rows held them all (a ``list`` after an upgrade at
    100,000 notes: 246 MB); the notes are handed over as each note cache shard is read,
    and one that does not read is a problem row as before."""
    from tests.helpers import calls_of

    monkeypatch.setattr(row_listing, "FULL_LOAD_ABOVE", 0)
    (seed_library / "2020" / "broken.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    expected = listed(seed_library, cache=False)
    listed(seed_library, "--json")  # the note cache holds every note
    ListRowsCache.for_library(os.path.realpath(seed_library)).clear()
    loads = calls_of(monkeypatch, NoteStore, "load")
    every = calls_of(monkeypatch, note_cache_module.ShardedEntries, "read")
    assert listed(seed_library) == expected
    assert loads == [] and every == []
    assert listed(seed_library) == expected
    assert rows_kept(seed_library, "2020")["2020/broken.md"][1] is None  # kept as a problem


def test_a_note_cache_of_another_version_is_not_loaded_whole_for_many_missing_rows(
    seed_library, trusting_cache, monkeypatch, parsed
):
    """After an upgrade the note cache's shards are of another version: a load through it
    would parse every note and hold them all (485 MB for the first ``list`` at 100,000
    notes), so the missing rows are made one file at a time (170 MB) instead."""
    monkeypatch.setattr(row_listing, "FULL_LOAD_ABOVE", 0)  # 8 missing rows count as many
    expected = listed(seed_library, cache=False)
    listed(seed_library, "--json")  # the note cache holds every note
    whole: list[int] = []
    real = row_listing._rows_of_loaded_notes
    monkeypatch.setattr(
        row_listing, "_rows_of_loaded_notes", lambda *a: whole.append(1) or real(*a)
    )
    header = note_cache_module.header()
    monkeypatch.setattr(note_cache_module, "header", lambda: header + b"upgraded\n")
    parsed.clear()
    assert listed(seed_library) == expected
    assert whole == [] and len(parsed) == 8
    monkeypatch.setattr(note_cache_module, "header", lambda: header)  # this version's shards
    ListRowsCache.for_library(os.path.realpath(seed_library)).clear()
    assert listed(seed_library) == expected
    assert whole == [1]


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
    ListRowsCache.for_library(os.path.realpath(seed_library)).blocks().clear()  # read rows
    assert listed(seed_library) == expected
    assert listed(seed_library) == expected
    assert rows_kept(seed_library, "2020") and rows_kept(seed_library, "2021")
    assert not (folder / "1999").exists()  # a year with no notes keeps no rows


# -- any sequence of changes -------------------------------------------------

row_steps = st.one_of(
    steps,
    st.tuples(st.just("rows"), st.sampled_from(["2019", "2020", "2021", "2023"])),
    st.tuples(st.just("blocks"), st.sampled_from(["2019", "2020", "2021", "2023"])),
    st.tuples(st.just("key"), st.sampled_from(NOTES), st.sampled_from(["", "k", "long" * 9])),
    st.tuples(st.just("year"), st.sampled_from(NOTES), st.sampled_from([2019, 2020, 2022])),
    st.tuples(st.just("order"), st.randoms(use_true_random=False)),
)
"""The note cache's steps, damaged row and block files, and changes of what the text of a
year folder depends on: a key (the name column), a paper's year (in its folder), the
document order."""


def change_list_input(root: Path, step: tuple) -> None:
    """Apply one of the steps ``row_steps`` adds to the note cache's."""
    kind = step[0]
    if kind in ("key", "year"):
        note = root / step[1]
        if not note.exists():
            return
        text = note.read_text(encoding="utf-8")
        field = re.compile(rf"^{kind}:.*$", re.MULTILINE)
        edit_as_a_person(note, field.sub(f"{kind}: {step[2]}", text, count=1))
    elif kind == "order":
        layout = root / "document.yaml"
        if not layout.exists():
            return
        text = layout.read_text(encoding="utf-8")
        head, found, order = text.partition("\norder:\n")
        if found:
            lines = order.splitlines()
            step[1].shuffle(lines)
            edit_as_a_person(layout, head + found + "\n".join(lines) + "\n")
    else:
        damage_rows(root, step[1], blocks=kind == "blocks")


def damage_rows(root: Path, year: str, blocks: bool = False) -> None:
    rows = ListRowsCache.for_library(os.path.realpath(root))
    folder = rows.blocks().folder if blocks else rows.folder
    assert folder is not None
    path = folder / (f"{year}.plain" if blocks else year)
    if path.is_file():
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    summaries = rows.summaries().folder  # what queue, stats and the JSON outputs kept
    assert summaries is not None
    for path in sorted(summaries.glob(f"{year}.*")) if blocks else ():
        if path.is_file():
            path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    order = rows.orders().path  # every folder's order (library/kept_order.py)
    assert order is not None
    if blocks and order.is_file():
        order.write_bytes(order.read_bytes()[: order.stat().st_size // 2])
    texts = TextBlocksCache.for_library(os.path.realpath(root), b"").folder
    assert texts is not None  # the JSON kept of the folder (library/note_texts.py)
    path = texts / f"{year}.json.text"
    if blocks and path.is_file():
        path.write_bytes(path.read_bytes()[:-9] + b"damaged!!")


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
    options = [
        (),
        ("--color", "always"),
        ("--keys", "--sort", "title"),
        ("--tag", "KD", "--reverse"),
        ("--json", "--sort", "title"),  # from the JSON kept per year folder (note_texts.py)
    ]
    for step in [("list",), *sequence, ("list",)]:
        if step[0] == "list":
            for args in options:
                assert listed(root, *args) == listed(root, *args, cache=False), (step, args)
        elif step[0] in ("rows", "blocks", "key", "year", "order"):
            change_list_input(root, step)
            for args in options[:2]:
                assert listed(root, *args) == listed(root, *args, cache=False), (step, args)
        elif step[0] != "load":  # load: the note cache's own comparison, not this one's
            apply_step(root, step)
            for args in options:
                assert listed(root, *args) == listed(root, *args, cache=False), (step, args)
        # queue and stats from what each folder's rows gave them (test_folder_summaries.py)
        assert queued(root) == queued(root, cache=False), step
        assert queued(root, "--json") == queued(root, "--json", cache=False), step
        assert stats_of(root) == stats_of(root, cache=False), step


# -- concurrent writers ------------------------------------------------------


def edit_and_list(root: str, rel: str, rounds: int, first_when: int, through: str) -> None:
    """One process: edit its note (with its own mtimes) and list, ``rounds`` times, from the
    kept rows or (``through="blocks"``) the text kept per year folder: each list rewrites the
    file of that note's year, which holds another process's note too."""
    from papernotes.cli.output import row_lines
    from papernotes.library import Library
    from papernotes.library.list_blocks import blocks_text

    def render(rows, column):
        return "\n".join(row_lines(rows, False, column))

    path = Path(root) / rel
    base = path.read_text(encoding="utf-8")
    for i in range(rounds):
        path.write_text(base.replace("key: ", f"key: round{i}", 1), encoding="utf-8")
        when = time.time() - 86400 + first_when + i
        os.utime(path, (when, when))
        library = Library(Path(root))
        if through == "blocks":
            assert blocks_text(library, render, "plain") is not None
        else:
            assert library.list_rows() is not None


@pytest.mark.parametrize("through", ["rows", "blocks"])
def test_processes_rewriting_the_same_year_files_at_once_leave_rows_that_list_right(
    seed_library, trusting_cache, through
):
    """Four processes editing and listing at once, two per year file: through the kept rows
    or the text kept per year folder (``edit_and_list``)."""
    listed(seed_library)
    notes = ["2019/roberta.md", "2019/xlnet.md", "2020/albert.md", "2020/tinybert.md"]
    context = multiprocessing.get_context("fork")  # the children keep the patched racy rule
    writers = [
        context.Process(target=edit_and_list, args=(str(seed_library), rel, 10, 1000 * i, through))
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
    if through == "blocks":
        assert blocks_kept(seed_library) == {"2019", "2020", "2021", "2023"}


def test_days_of_several_lengths_sort_from_rows_as_without_caches(seed_library, trusting_cache):
    """``--sort added`` and ``read_on`` compare days in C when all are of one length; a
    shorter date added (a prefix of another: not checked as a date) keeps the order a run
    without caches gives."""
    days = {"2019/xlnet.md": "2024", "2020/tinybert.md": "2024-01-05", "2021/nezha.md": "2024-1"}
    for rel, day in days.items():
        note = seed_library / rel
        text = note.read_text(encoding="utf-8").replace("added: '2026-11-25'", f"added: '{day}'")
        edit_as_a_person(note, text.replace("status: unread", "status: read\nread_on: 2024-05-01"))
    for args in [
        ("--sort", "added"),
        ("--sort", "read_on", "--reverse"),
        ("--sort", "added", "--reverse"),
    ]:
        expected = listed(seed_library, *args, "--keys", cache=False)
        assert listed(seed_library, *args, "--keys") == expected, args
        assert listed(seed_library, *args, "--json") == listed(
            seed_library, *args, "--json", cache=False
        )
