"""``papernotes note``: appending, editing, removing and moving numbered notes from the shell."""

from __future__ import annotations

from pathlib import Path

import pytest

from papernotes.library import Library
from tests.helpers import folder_bytes, run

TINYBERT = "2020/tinybert.md"


def notes_of(root: Path, rel: str = TINYBERT) -> tuple[str, ...]:
    return Library(root).store.read(rel).paper.notes


def test_note_with_no_text_prints_the_numbered_notes(seed_library):
    result = run(seed_library, "note", "TinyBERT")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 4
    assert [line.split(". ", 1)[0] for line in lines] == ["1", "2", "3", "4"]
    assert lines[0] == "1. " + notes_of(seed_library)[0]


def test_note_appends_each_text_as_the_next_numbered_note_and_prints_them(seed_library):
    before = notes_of(seed_library)
    result = run(seed_library, "note", "tinybert", "蒸馏的新想法：只蒸馏注意力", "second thought")
    assert result.exit_code == 0, result.stderr
    assert notes_of(seed_library) == (*before, "蒸馏的新想法：只蒸馏注意力", "second thought")
    assert result.stdout.splitlines()[-2:] == ["5. 蒸馏的新想法：只蒸馏注意力", "6. second thought"]
    text = (seed_library / TINYBERT).read_text(encoding="utf-8")
    assert "5. 蒸馏的新想法：只蒸馏注意力\n6. second thought\n" in text


def test_note_dash_appends_one_note_per_line_of_stdin(seed_library):
    before = notes_of(seed_library)
    result = run(seed_library, "note", "tinybert", "-", "--quiet", input="first\n\n2. 第二条\n")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""  # --quiet
    assert notes_of(seed_library) == (*before, "first", "第二条")


def test_note_edit_replaces_note_n(seed_library):
    before = notes_of(seed_library)
    result = run(seed_library, "note", "tinybert", "--edit", "2", "预训练阶段：改写")
    assert result.exit_code == 0, result.stderr
    assert notes_of(seed_library) == (before[0], "预训练阶段：改写", *before[2:])
    assert "2. 预训练阶段：改写" in result.stdout.splitlines()


def test_note_rm_removes_note_n_and_the_rest_renumber(seed_library):
    before = notes_of(seed_library)
    result = run(seed_library, "note", "tinybert", "--rm", "1")
    assert result.exit_code == 0, result.stderr
    assert notes_of(seed_library) == before[1:]
    assert result.stdout.splitlines()[0] == "1. " + before[1]
    assert len(result.stdout.splitlines()) == 3


def test_note_move_makes_note_n_note_m(seed_library):
    a, b, c, d = notes_of(seed_library)
    assert run(seed_library, "note", "tinybert", "--move", "4", "1", "-q").exit_code == 0
    assert notes_of(seed_library) == (d, a, b, c)
    assert run(seed_library, "note", "tinybert", "--move", "1", "3", "-q").exit_code == 0
    assert notes_of(seed_library) == (a, b, d, c)


def test_new_numbering_shows_at_once_in_the_markdown_export_and_bibtex_with_notes(seed_library):
    a, b, c, d = notes_of(seed_library)
    run(seed_library, "note", "tinybert", "--move", "4", "1", "-q")
    markdown = run(seed_library, "export", "--md").stdout
    assert f"1. {d}" in markdown and f"2. {a}" in markdown
    bibtex = run(seed_library, "export", "--bib", "--with-notes").stdout
    assert bibtex.index(d) < bibtex.index(a)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--edit", "5", "text"),
            "There is no note 5: the paper has only 4 notes; nothing was written.",
        ),
        (("--rm", "0"), "There is no note 0: the paper has only 4 notes; nothing was written."),
        (
            ("--move", "1", "9"),
            "There is no note 9: the paper has only 4 notes; nothing was written.",
        ),
        (("--edit", "1", "   "), "A note needs some text; nothing was written."),
        (("",), "A note needs some text; nothing was written."),
        (("fine", " "), "A note needs some text; nothing was written."),
    ],
)
def test_a_bad_number_or_an_empty_text_is_one_sentence_and_writes_nothing(
    seed_library, args, message
):
    before = folder_bytes(seed_library)
    result = run(seed_library, "note", "tinybert", *args)
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {message}"
    assert folder_bytes(seed_library) == before


def test_empty_stdin_is_refused_and_writes_nothing(seed_library):
    before = folder_bytes(seed_library)
    result = run(seed_library, "note", "tinybert", "-", input="\n  \n")
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: Standard input holds no note; nothing was written."
    assert folder_bytes(seed_library) == before


@pytest.mark.parametrize(
    ("paper", "message"),
    [
        ("no such paper", "No paper matches 'no such paper'"),
        ("bert", "'bert' matches 5 papers"),
    ],
)
def test_a_paper_naming_nothing_or_several_is_one_sentence_and_writes_nothing(
    seed_library, paper, message
):
    before = folder_bytes(seed_library)
    result = run(seed_library, "note", paper, "a note")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {message}")
    assert len(result.stderr.strip().splitlines()) == 1
    assert folder_bytes(seed_library) == before


@pytest.mark.parametrize(
    "args",
    [
        ("--edit", "1", "--rm", "2"),
        ("--edit", "1"),
        ("--edit", "1", "a", "b"),
        ("--rm", "1", "text"),
        ("-", "text"),
    ],
)
def test_options_that_do_not_go_together_are_a_usage_error(seed_library, args):
    before = folder_bytes(seed_library)
    result = run(seed_library, "note", "tinybert", *args)
    assert result.exit_code == 2
    assert folder_bytes(seed_library) == before


def test_a_paper_without_notes_says_so(seed_library):
    run(seed_library, "add", "--year", "2022", "--title", "Empty paper", "--note", "x")
    run(seed_library, "note", "Empty paper", "--rm", "1")
    result = run(seed_library, "note", "Empty paper")
    assert result.exit_code == 0
    assert "has no notes yet" in result.stderr


def test_a_note_changed_on_disk_between_read_and_write_is_never_overwritten(
    seed_library, monkeypatch
):
    """The write builds on the file as it is under the lock; a change slipped in between that
    read and the write (as another writer ignoring the lock would) is refused, not lost."""
    from papernotes.storage.store import NoteStore

    original = NoteStore.read_current

    def read_then_someone_writes(self, note):
        fresh = original(self, note)
        path = self.root / note.path
        path.write_text(
            path.read_text(encoding="utf-8") + "5. written meanwhile\n", encoding="utf-8"
        )
        return fresh

    monkeypatch.setattr(NoteStore, "read_current", read_then_someone_writes)
    result = run(seed_library, "note", "tinybert", "mine")
    assert result.exit_code == 1
    assert "changed on disk" in result.stderr
    monkeypatch.undo()
    assert notes_of(seed_library)[-1] == "written meanwhile"
