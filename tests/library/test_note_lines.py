"""The note-line changes shared by the CLI's ``note`` and the TUI's note editor."""

from __future__ import annotations

import pytest

from papernotes.errors import ConflictError, InvalidInputError
from papernotes.library import Library
from papernotes.library.note_lines import Append, Insert, Move, Remove, Replace, change_notes

NOTES = ("a", "b", "c", "d")


@pytest.mark.parametrize("number", range(1, 5))
@pytest.mark.parametrize("to", range(1, 5))
def test_a_move_puts_note_n_at_m_and_the_reverse_move_undoes_it(number, to):
    moved = Move(number, to)(NOTES)
    assert moved[to - 1] == NOTES[number - 1]
    assert sorted(moved) == sorted(NOTES)
    assert Move(to, number)(moved) == NOTES


@pytest.mark.parametrize("number", range(1, 5))
def test_inserting_a_removed_note_at_its_number_undoes_the_removal(number):
    assert Insert(number, NOTES[number - 1])(Remove(number)(NOTES)) == NOTES


@pytest.mark.parametrize(
    "change", [Remove(0), Remove(5), Replace(5, "x"), Move(1, 5), Move(-1, 1), Insert(6, "x")]
)
def test_a_number_out_of_range_is_refused(change):
    with pytest.raises(InvalidInputError, match="There is no note"):
        change(NOTES)


@pytest.mark.parametrize("change", [Append(("ok", " ")), Append(()), Replace(1, "\n")])
def test_an_empty_text_is_refused(change):
    with pytest.raises(InvalidInputError):
        change(NOTES)


def test_a_change_as_shown_is_refused_once_the_note_changed_on_disk(seed_library):
    library = Library(seed_library)
    shown = library.find("tinybert")
    path = seed_library / shown.path
    path.write_text(path.read_text(encoding="utf-8") + "5. elsewhere\n", encoding="utf-8")
    changed = path.read_bytes()
    with pytest.raises(ConflictError, match="changed on disk since it was shown"):
        change_notes(library, shown, Append(("mine",)), as_shown=True)
    assert path.read_bytes() == changed
    saved = change_notes(library, shown, Append(("mine",)))  # the CLI: builds on the disk
    assert saved.paper.notes[-2:] == ("elsewhere", "mine")
