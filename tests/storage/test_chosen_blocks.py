"""Which papers ``list --json`` with filters or an order and ``queue --json`` print, from each
year folder's kept picks (library/chosen_blocks.py): after an edit only the edited folder's
rows are read, and every output is what a run without caches prints."""

from __future__ import annotations

import os

from papernotes.storage.caches.list_rows_cache import ListRowsCache
from tests.storage.test_cache_shards import edit_as_a_person
from tests.storage.test_chosen_texts import edit, output

PICKED = [
    ("list", "--json", "--tag", "kd"),
    ("list", "--json", "--tag", "KD", "--sort", "title"),
    ("list", "--json", "--year", "2020"),
    ("list", "--json", "--status", "unread", "--sort", "added"),
    ("list", "--json", "--priority", "none", "--sort", "priority"),
    ("list", "--json", "--rating-min", "3", "--priority", "high"),
    ("list", "--json", "--sort", "rating"),
    ("list", "--json", "--sort", "read_on"),
    ("queue", "--json"),
]
"""The outputs made from the kept picks (a reversed order is not: its ties turn too); eight
sets of ``list`` options, as many as are kept."""


def summaries(root) -> set[str]:
    """The files of the kept picks and summaries: ``<year folder>.<variant>``."""
    folder = ListRowsCache.for_library(os.path.realpath(root)).summaries().folder
    assert folder is not None
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


def test_after_an_edit_each_output_reads_the_rows_of_the_edited_folder_alone(
    seed_library, trusting_cache, rows_read
):
    for args in PICKED:  # the picks kept
        assert output(seed_library, args) == output(seed_library, args, cache=False), args
    changes = [
        ("2020/tinybert.md", "status: unread", "status: read\npriority: high\nrating: 4"),
        ("2019/xlnet.md", "status: unread", "status: reading\nread_on: '2024-01-02'"),
        ("2021/deberta.md", "tags: []", "priority: low\nrating: 3\ntags:\n- KD\n- 蒸馏"),
        ("2021/nezha.md", "added: '2026-11-25'", "added: '2020-01-01'"),
    ]
    for rel, old, new in changes:
        edit(seed_library, rel, old, new)
        for args in PICKED:
            rows_read.clear()
            got = output(seed_library, args)
            assert rows_read == [rel.partition("/")[0]], args  # no other folder's rows
            assert got == output(seed_library, args, cache=False), (rel, args)
    assert "deberta" in output(seed_library, PICKED[0])[1]
    layout = seed_library / "document.yaml"
    text = layout.read_text(encoding="utf-8")
    unordered = text.replace("- 2019/roberta.md\n- 2019/xlnet.md\n", "")
    assert unordered != text
    edit_as_a_person(layout, unordered)  # 2019's by date added and title now
    edit(seed_library, "2019/xlnet.md", "title: '", "title: '0 before RoBERTa ")
    for args in PICKED:  # another document order: every folder picked again
        rows_read.clear()
        assert output(seed_library, args) == output(seed_library, args, cache=False), args
        assert sorted(rows_read) == ["2019", "2020", "2021", "2023"], args
    got = output(seed_library, ("list", "--json", "--year", "2019"))[1]
    assert got.index("xlnet") < got.index("roberta")


def test_a_folder_of_two_years_and_a_note_that_does_not_parse_are_picked_as_without_caches(
    seed_library, trusting_cache
):
    for args in PICKED:
        output(seed_library, args)
    note = seed_library / "2020" / "tinybert.md"
    edit_as_a_person(note, note.read_text(encoding="utf-8").replace("year: 2020", "year: 2021"))
    edit_as_a_person(seed_library / "2019" / "broken.md", "---\ntitle: [\n---\n")
    for _ in range(2):  # picked now, then from what was kept
        for args in PICKED:
            got = output(seed_library, args)
            assert got == output(seed_library, args, cache=False), args
            assert "2019/broken.md" in got[2], args


def test_damaged_swapped_or_odd_pick_files_are_ignored_and_replaced(seed_library, trusting_cache):
    expected = {args: output(seed_library, args, cache=False) for args in PICKED}
    for args in PICKED:
        output(seed_library, args)
    folder = ListRowsCache.for_library(os.path.realpath(seed_library)).summaries().folder
    assert folder is not None
    picks = sorted(p for p in folder.iterdir() if ".chosen-" in p.name)
    assert len({p.name.partition(".")[2] for p in picks}) == len(PICKED)
    first, second = picks[0], picks[-1]
    first.write_bytes(first.read_bytes()[:-9] + b"\0garbage!")
    second.write_bytes(picks[1].read_bytes())  # another folder's (or options') picks
    picks[2].unlink()
    os.mkfifo(picks[2])
    for args in PICKED:
        assert output(seed_library, args) == expected[args], args


def test_only_the_most_recently_written_list_options_keep_their_picks(seed_library, trusting_cache):
    tags = [f"tag{n}" for n in range(12)]
    for tag in tags:
        output(seed_library, ("list", "--json", "--tag", tag))
    variants = {name.partition(".")[2] for name in summaries(seed_library)}
    lists = {v for v in variants if v.startswith("chosen-list-")}
    assert len(lists) == 8  # LIST_VARIANTS, the last one among them
    output(seed_library, ("list", "--json", "--tag", tags[-1]), cache=True)
    assert {name.partition(".")[2] for name in summaries(seed_library)} >= lists


def test_forgetting_a_note_drops_every_pick_of_its_folder(seed_library, trusting_cache):
    for args in PICKED:
        output(seed_library, args)
    assert any(name.startswith("2020.chosen-") for name in summaries(seed_library))
    ListRowsCache.for_library(os.path.realpath(seed_library)).forget(["2020/albert.md"])
    names = summaries(seed_library)
    assert not any(name.startswith("2020.") for name in names)
    assert any(name.startswith("2021.chosen-") for name in names)
