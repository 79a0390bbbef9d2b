"""Changing a paper's numbered notes one line at a time: append, replace, remove, move.

The CLI (``note``) and the TUI's note input both go through ``change_notes``: one atomic
write under the library's lock, built on the note as it is on disk then. A bad number or an
empty text is refused before anything is written; with ``as_shown`` the write is also
refused when the note changed on disk since the caller showed it (the TUI), so a line
numbered on screen never lands on another line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from papernotes.errors import ConflictError, InvalidInputError

if TYPE_CHECKING:
    from papernotes.library import Library
    from papernotes.model import Note

NoteChange = Callable[[tuple[str, ...]], tuple[str, ...]]
"""From a paper's notes to its new notes; raises ``InvalidInputError`` to refuse."""


def note_text(text: str) -> str:
    """``text`` as one note (trimmed); an empty or blank text is refused."""
    cleaned = text.strip()
    if not cleaned:
        raise InvalidInputError("A note needs some text; nothing was written.")
    return cleaned


def _index(notes: tuple[str, ...], number: int) -> int:
    """The position of note ``number`` (counted from 1), or a one-sentence refusal."""
    if not 1 <= number <= len(notes):
        have = f"only {len(notes)} note{'s' if len(notes) != 1 else ''}" if notes else "no notes"
        raise InvalidInputError(
            f"There is no note {number}: the paper has {have}; nothing was written."
        )
    return number - 1


@dataclass(frozen=True)
class Append:
    """Add ``texts`` after the last note, in order."""

    texts: tuple[str, ...]

    def __call__(self, notes: tuple[str, ...]) -> tuple[str, ...]:
        if not self.texts:
            raise InvalidInputError("There is no note text to add; nothing was written.")
        return notes + tuple(note_text(t) for t in self.texts)


@dataclass(frozen=True)
class Replace:
    """Note ``number`` becomes ``text``."""

    number: int
    text: str

    def __call__(self, notes: tuple[str, ...]) -> tuple[str, ...]:
        at = _index(notes, self.number)
        return notes[:at] + (note_text(self.text),) + notes[at + 1 :]


@dataclass(frozen=True)
class Remove:
    """Note ``number`` goes; the ones after it move up a number."""

    number: int

    def __call__(self, notes: tuple[str, ...]) -> tuple[str, ...]:
        at = _index(notes, self.number)
        return notes[:at] + notes[at + 1 :]


@dataclass(frozen=True)
class Insert:
    """``text`` becomes note ``number`` (one past the last appends): undoes a ``Remove``."""

    number: int
    text: str

    def __call__(self, notes: tuple[str, ...]) -> tuple[str, ...]:
        at = _index((*notes, ""), self.number)
        return notes[:at] + (note_text(self.text),) + notes[at:]


@dataclass(frozen=True)
class Move:
    """Note ``number`` becomes note ``to``; the ones between shift by one."""

    number: int
    to: int

    def __call__(self, notes: tuple[str, ...]) -> tuple[str, ...]:
        at, to = _index(notes, self.number), _index(notes, self.to)
        rest = notes[:at] + notes[at + 1 :]
        return rest[:to] + (notes[at],) + rest[to:]


def change_notes(
    library: Library, note: Note, change: NoteChange, *, as_shown: bool = False
) -> Note:
    """Apply ``change`` to ``note``'s notes and write the paper back, in one atomic write
    under the lock, over the file as it is on disk now; the saved note is returned.

    ``as_shown``: refuse (``ConflictError``) when the file is no longer the one ``note``
    was read from. Either way ``Library.save`` refuses a file changed between its reading
    and the write, and a refused change writes nothing.
    """
    with library.writing():
        fresh = library.current(note)  # ConflictError when moved or deleted
        if as_shown and fresh.digest != note.digest:
            raise ConflictError(
                f"{note.path} changed on disk since it was shown; nothing was written "
                "(reload to see the new version)."
            )
        notes = change(fresh.paper.notes)
        if notes == fresh.paper.notes:
            return fresh
        library.history.describe(f"note {fresh.paper.key or fresh.path}: edit the notes")
        return library.save(fresh, replace(fresh.paper, notes=notes))


def numbered(notes: tuple[str, ...]) -> list[str]:
    """``1. first note`` … as printed and shown; a note's later lines indented under it."""
    lines = []
    for number, text in enumerate(notes, 1):
        first, *more = text.split("\n")
        prefix = f"{number}. "
        lines.append(prefix + first)
        lines += [" " * len(prefix) + line for line in more]
    return lines
