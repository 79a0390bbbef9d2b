"""A ``Library``'s notes in memory kept in step with its writes, so a command that writes
and reads again (the TUI, bulk imports) never loads the folder twice: the ordered list (a
saved note keeps its place in its year), the path → position slots, the name index and the
search forms, each updated only where it was built; and the TUI's rows (``paper_rows.py``),
told of each write."""

from __future__ import annotations

from typing import TYPE_CHECKING

from papernotes.model import Note

if TYPE_CHECKING:
    from papernotes.library.api import Library


def remember(library: Library, note: Note) -> None:
    """``note``, new to the library, held at the end of its notes."""
    if library._rows is not None:
        library._rows.noted(None, note)
    _remember(library, note)


def _remember(library: Library, note: Note) -> None:
    if library._notes is not None:
        if library._slots is not None:
            library._slots[note.path] = len(library._notes)
        library._notes.append(note)
    if library._index is not None:
        library._index.add(note)


def replace_held(library: Library, old: Note, new: Note) -> None:
    """``new`` takes ``old``'s place, so a saved note keeps its position in its year."""
    if library._rows is not None:
        library._rows.noted(old, new)
    if old.path != new.path:
        _forget(library, old)
        _remember(library, new)
        return
    if library._notes is not None:
        if library._slots is None:
            library._slots = {n.path: i for i, n in enumerate(library._notes)}
        slot = library._slots.get(old.path)
        if slot is not None:
            library._notes[slot] = new
    if library._forms is not None:
        library._forms.forget(old.path)
    if library._index is not None:  # from the notes, or the rows (no notes held)
        library._index.replace(old, new)


def forget(library: Library, note: Note) -> None:
    """``note``, removed, no longer held."""
    if library._rows is not None:
        library._rows.noted(note, None)
    _forget(library, note)


def _forget(library: Library, note: Note) -> None:
    if library._notes is not None:
        library._notes = [n for n in library._notes if n.path != note.path]
    library._slots = None
    if library._forms is not None:
        library._forms.forget(note.path)
    if library._index is not None:
        library._index.remove(note)
