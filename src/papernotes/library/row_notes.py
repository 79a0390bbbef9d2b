"""The notes of the TUI's marked rows (``library/paper_rows.py``), read as a bulk change
writes them (``library/bulk_set.py``): from the parsed-notes cache where it holds the row's
digest, else from the file, a few hundred at a time."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, overload

from papernotes.library.paper_rows import DIGEST, PATH
from papernotes.model import Note

if TYPE_CHECKING:
    from papernotes.library.paper_rows import PaperRows

NOTES_AT_ONCE = 250
"""About how many marked rows' kept notes are asked of the note cache at once (``RowNotes``)."""


class RowNotes(Sequence[Note]):
    """The notes of some rows, read when iterated (``notes_at`` reads them all at once):
    the TUI counts the marked rows at once, and a worker thread reads and writes them."""

    def __init__(self, rows: PaperRows, chosen: list[int]) -> None:
        self.rows, self.chosen = rows, chosen

    def __len__(self) -> int:
        return len(self.chosen)

    @overload
    def __getitem__(self, index: int) -> Note: ...
    @overload
    def __getitem__(self, index: slice) -> list[Note]: ...
    def __getitem__(self, index: int | slice) -> Note | list[Note]:
        if isinstance(index, slice):
            return self.rows.notes_at(self.chosen[index])
        return self.rows.library.note_at(str(self.rows.rows[self.chosen[index]][PATH]))

    def __iter__(self) -> Iterator[Note]:
        """The notes as listed: those the note cache keeps for the row's digest built from
        it (no file read or parsed), the others read from their file one at a time, skipping
        any gone since it was listed. Each has its row's digest, so a write over a file
        changed since it was listed is refused (as ``listed`` does for one note). The kept
        notes are asked for a group of about ``NOTES_AT_ONCE`` rows at a time, grouped by the
        note cache's files (``NoteStore.kept_note_groups``: each file read once), so a bulk
        change writing each note as it comes holds no more than that many; more marked rows
        than that come group after group, in the library's order within each."""
        rows, chosen = self.rows.rows, self.chosen
        store = self.rows.library.store
        paths = [str(rows[i][PATH]) for i in chosen]
        for group in store.kept_note_groups(paths, NOTES_AT_ONCE):
            yield from self._notes_of([chosen[at] for at in group])

    def _notes_of(self, chosen: list[int]) -> Iterator[Note]:
        rows = self.rows.rows
        kept = self.rows.library.store.kept_notes(
            {str(rows[i][PATH]): str(rows[i][DIGEST]) for i in chosen}
        )
        for i in chosen:
            note = kept.pop(str(rows[i][PATH]), None)
            if note is None:
                read = self.rows.notes_at([i])
                if not read:
                    continue
                note = read[0]
                if note.digest != rows[i][DIGEST]:  # changed since listed: refused when saved
                    note = replace(note, digest=str(rows[i][DIGEST]))
            yield note
