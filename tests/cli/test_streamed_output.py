"""Long outputs are written as they are made: ``list --json`` note by note and
``export --md`` paper by paper, never held as one text (at 100,000 notes that text took
hundreds of megabytes); the bytes are those the whole text gave; a file is still replaced
atomically; and ``check`` of an unchanged library rewrites no cache file."""

from __future__ import annotations

import json
import os
import tracemalloc
from pathlib import Path

import click
import pytest

from papernotes.cli import output
from papernotes.cli.output import note_dict, to_json, write_json_list
from papernotes.formats.markdown import write as markdown_write
from papernotes.library import Library
from papernotes.storage.caches.note_cache import NoteCache
from tests.helpers import kept_list_outputs, run

NOTES = 300


def add_notes(root: Path, count: int = NOTES) -> None:
    """``count`` more notes in ``root``, each with a few note lines (one with C1 controls and
    CJK, which the JSON escapes or keeps)."""
    for i in range(count):
        year = 2000 + i % 7
        folder = root / str(year)
        folder.mkdir(exist_ok=True)
        lines = "\n".join(f"{n}. 第{n}点 line {n} of paper {i} \x85" for n in range(1, 11))
        (folder / f"many{i}.md").write_text(
            f"---\ntitle: 'Paper number {i}'\nyear: {year}\nkey: many{i}\n"
            f"authors:\n- Ann Lee\ntags: [t{i % 3}]\nstatus: unread\nadded: '2024-01-01'\n---\n"
            f"{lines}\n",
            encoding="utf-8",
        )


@pytest.fixture
def long_library(seed_library: Path) -> Path:
    add_notes(seed_library)
    return seed_library


@pytest.fixture
def writes(monkeypatch) -> list[str]:
    """What each ``click.echo`` call wrote, one entry per call."""
    seen: list[str] = []
    real_echo = click.echo

    def counting_echo(message=None, *args, **kwargs):
        seen.append(str(message))
        return real_echo(message, *args, **kwargs)

    monkeypatch.setattr(click, "echo", counting_echo)
    return seen


def whole_json(root: Path) -> str:
    """What ``list --json`` printed before: the JSON of every note as one text."""
    return to_json([note_dict(n) for n in Library.open(root).notes()]) + "\n"


def test_list_json_of_a_long_library_is_written_in_pieces_with_the_bytes_of_the_whole_text(
    long_library, writes
):
    result = run(long_library, "list", "--json")
    assert result.exit_code == 0
    assert result.stdout == whole_json(long_library)
    assert len(json.loads(result.stdout)) > NOTES
    assert len(writes) > 3  # written as made, not in one write at the end
    assert max(map(len, writes)) < len(result.stdout) / 3


@pytest.mark.parametrize("command", [("search", "paper", "--json"), ("queue", "--json")])
def test_search_and_queue_json_are_written_in_pieces_with_the_bytes_of_the_whole_text(
    long_library, writes, command
):
    """As ``list --json``: ``search --json`` (every paper found, with its match) and
    ``queue --json`` print what the whole text gave, in pieces as it is made."""
    library = Library.open(long_library)
    if command[0] == "search":
        query = library.query("paper")
        notes = library.search(query)
        data = [
            {**note_dict(n), "match": output.hit_dict(h)}
            for n, h in zip(notes, library.hits(query, notes), strict=True)
        ]
    else:
        from papernotes.library.reading_queue import queue_notes

        data = [note_dict(n) for n in queue_notes(library.notes())]
    assert len(data) >= NOTES
    result = run(long_library, *command)
    assert result.exit_code == 0
    assert result.stdout == to_json(data) + "\n"
    assert len(writes) > 3 and max(map(len, writes)) < len(result.stdout) / 3


def test_list_json_too_long_to_keep_is_not_kept_and_a_short_one_is(
    long_library, monkeypatch, trusting_cache
):
    assert run(long_library, "list", "--json", "--year", "2003").exit_code == 0
    kept_short = kept_list_outputs(long_library)
    assert len(kept_short) == 1  # short: kept, as before
    monkeypatch.setattr(output, "KEPT_JSON_CHARS", 20_000)
    for _ in range(2):  # the second run makes it again: nothing was kept
        result = run(long_library, "list", "--json")
        assert result.exit_code == 0
        assert result.stdout == whole_json(long_library)
    assert kept_list_outputs(long_library) == kept_short
    repeat = run(long_library, "list", "--json", "--year", "2003")  # from the kept text
    assert (
        repeat.stdout
        == to_json([note_dict(n) for n in Library.open(long_library).select(year=2003)]) + "\n"
    )


def test_a_first_json_output_with_every_note_in_memory_keeps_only_a_short_text(
    long_library, monkeypatch, trusting_cache
):
    """Issue 20: the notes are held whole there (210 MB at 100,000 notes), so a long text
    is not held a second time to be kept; the next run makes it from the kept texts."""
    from papernotes.cli import view_cmds

    monkeypatch.setattr(view_cmds, "KEPT_BESIDE_NOTES", 1000)
    args = ("list", "--json", "--year", "2003")
    expected = to_json([note_dict(n) for n in Library.open(long_library).select(year=2003)])
    first = run(long_library, *args)  # the full path: every note loaded, texts kept
    assert first.stdout == expected + "\n" and kept_list_outputs(long_library) == []
    again = run(long_library, *args)  # from the kept texts: kept whole now
    assert again.stdout == first.stdout and len(kept_list_outputs(long_library)) == 1


def test_an_empty_json_list_is_still_printed_and_says_nothing_matched(long_library):
    result = run(long_library, "list", "--json", "--year", "1899")
    assert result.exit_code == 1
    assert result.stdout == "[]\n"
    assert "No papers match." in result.stderr


def test_writing_the_json_of_many_notes_holds_far_less_than_the_text(long_library):
    notes = Library.open(long_library).notes()
    written: list[int] = []

    def measured(message=None, nl=True, **kwargs):
        written.append(len(message or ""))

    monkey = pytest.MonkeyPatch()
    monkey.setattr(click, "echo", measured)
    monkey.setattr(output, "KEPT_JSON_CHARS", 0)  # nothing kept: only what is being made
    monkey.setattr(output, "WRITE_CHARS", 4096)  # (64 KB a write: a library far longer)
    try:
        tracemalloc.start()
        write_json_list(map(note_dict, notes), len(notes))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        monkey.undo()
    assert sum(written) > 250_000, peak
    assert peak < sum(written) / 4, peak  # the whole text (and its list of dicts) is never held


def test_export_md_is_written_in_pieces_with_the_bytes_of_the_whole_document(
    long_library, monkeypatch
):
    expected = Library.open(long_library).export_markdown()
    made: list[str] = []
    real_render = markdown_write.render_paper

    def counting_render(paper, profile=None):
        made.append(paper.title)
        return real_render(paper, profile)

    monkeypatch.setattr(markdown_write, "render_paper", counting_render)
    result = run(long_library, "export", "--md")
    assert result.exit_code == 0
    assert result.stdout == expected
    assert len(made) > NOTES


def test_an_export_failing_midway_leaves_the_named_file_as_it_was(
    long_library, tmp_path, monkeypatch
):
    target = tmp_path / "out" / "reading-notes.md"
    target.parent.mkdir()
    target.write_text("the old document\n", encoding="utf-8")
    real_render = markdown_write.render_paper
    made: list[str] = []

    def failing_render(paper, profile=None):
        made.append(paper.title)
        if len(made) == NOTES // 2:
            raise RuntimeError("failed midway")
        return real_render(paper, profile)

    monkeypatch.setattr(markdown_write, "render_paper", failing_render)
    with pytest.raises(RuntimeError, match="failed midway"):
        run(long_library, "export", "--md", "-o", str(target))
    assert target.read_text(encoding="utf-8") == "the old document\n"
    assert os.listdir(target.parent) == ["reading-notes.md"]  # no temporary file left


def test_check_of_an_unchanged_library_rewrites_no_note_cache_file(long_library, trusting_cache):
    assert run(long_library, "list", "--json").exit_code == 0  # the note cache: every note
    folder = NoteCache.for_library(os.path.realpath(long_library)).folder
    assert folder is not None
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert before
    result = run(long_library, "check")
    assert result.exit_code == 0, result.output
    assert "repaired" not in result.stderr
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before
