"""What the note editor's keys write: append, edit, delete (with undo) and move note lines.

Each is one locked atomic write through ``library.note_lines`` on the note as it was shown:
a note changed on disk meanwhile is refused and a notification offers to reload.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.markup import escape

from papernotes.errors import ConflictError, user_message
from papernotes.library.note_lines import (
    Append,
    Insert,
    Move,
    NoteChange,
    Remove,
    Replace,
    change_notes,
)
from papernotes.model import Note

if TYPE_CHECKING:
    from papernotes.tui.screens.main_screen import MainScreen
    from papernotes.tui.widgets.note_editor import NoteEditor


class NoteLineActions:
    """The main screen's writes of single note lines; ``undo`` remembers the last deletion."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.undo: tuple[str, int, str] | None = None
        """(note path, number, text) of the last deleted line, for ``undo_delete``."""

    def write(self, editor: NoteEditor, change: NoteChange, doing: str) -> Note | None:
        """Apply ``change`` to the note the editor shows; the saved note, or None (notified)."""
        shown = editor.note
        if shown is None:
            return None
        try:
            saved = change_notes(self.screen.library, shown, change, as_shown=True)
        except ConflictError as exc:
            self.screen.notify(
                f"{escape(str(exc))} [@click=screen.reload]Reload[/] (ctrl+r) to see it.",
                title=f"Could not {doing}",
                severity="error",
                timeout=15,
                markup=True,
            )
            return None
        except Exception as exc:
            message = user_message(exc)
            if message is None:
                raise
            self.screen.notify(
                message, title=f"Could not {doing}", severity="error", timeout=10, markup=False
            )
            return None
        self.screen.after_change(keep=saved.path)
        return saved

    def submitted(self, editor: NoteEditor, number: int | None, text: str) -> None:
        if number is None:
            if not text.strip():
                return  # Enter on an empty input: nothing to save, nothing to say
            done = self.write(editor, Append((text,)), "add the note")
        else:
            done = self.write(editor, Replace(number, text), "save the note")
        if done is not None:
            editor.saved()

    def deleted(self, editor: NoteEditor, number: int) -> None:
        shown = editor.note
        if shown is None:
            return
        text = shown.paper.notes[number - 1]
        if self.write(editor, Remove(number), "delete the note") is None:
            return
        self.undo = (shown.path, number, text)
        editor.select_line(number)
        self.screen.notify(
            f"Deleted note {number}. [@click=screen.undo_note_delete]Undo[/] (ctrl+z)",
            timeout=10,
            markup=True,
        )

    def moved(self, editor: NoteEditor, number: int, to: int) -> None:
        if self.write(editor, Move(number, to), "move the note") is not None:
            editor.select_line(to)

    def undo_delete(self, editor: NoteEditor) -> None:
        """Put the last deleted line back at its number, if its paper is the one shown."""
        if self.undo is None:
            self.screen.notify("Nothing to undo.", timeout=3)
            return
        path, number, text = self.undo
        if editor.note is None or editor.note.path != path:
            self.screen.notify(
                f"The deleted note was on {path}; open its notes to undo.", severity="warning"
            )
            return
        number = min(number, len(editor.note.paper.notes) + 1)
        if self.write(editor, Insert(number, text), "undo") is not None:
            self.undo = None
            editor.select_line(number)
            self.screen.notify(f"Note {number} is back.", timeout=3)
