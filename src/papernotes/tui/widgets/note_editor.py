"""Taking notes in the detail view: the paper's notes as lines to select, and one input.

``n`` opens it under the notes with the input focused: Enter appends the typed note and
keeps the input open for the next one, Esc closes. ``up`` from the input selects the note
lines; there Enter edits the selected line in the input, Delete deletes it, ctrl+up and
ctrl+down move it. The widget only posts messages; the screen writes (``NoteActions``).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from papernotes.model import Note

APPEND_PROMPT = "New note {number}: Enter saves it, ↑ selects a line, Esc closes"
EDIT_PROMPT = "Note {number}: Enter saves, Esc cancels"


class NoteLineList(OptionList):
    """The numbered notes; the keys act on the highlighted one."""

    BINDINGS = [
        Binding("delete", "delete_line", "Delete note", show=False),
        Binding("ctrl+up", "move_line(-1)", "Move up", show=False),
        Binding("ctrl+down", "move_line(1)", "Move down", show=False),
        Binding("escape", "close", "Close notes", show=False),
        Binding("n", "append", "New note", show=False),
    ]

    def editor(self) -> NoteEditor:
        return self.query_ancestor(NoteEditor)

    def action_delete_line(self) -> None:
        if self.highlighted is not None:
            self.post_message(NoteEditor.Deleted(self.editor(), self.highlighted + 1))

    def action_move_line(self, step: int) -> None:
        if self.highlighted is None:
            return
        to = self.highlighted + step
        if 0 <= to < self.option_count:
            self.post_message(NoteEditor.Moved(self.editor(), self.highlighted + 1, to + 1))

    def action_close(self) -> None:
        self.editor().close()

    def action_append(self) -> None:
        self.editor().start_append()

    def action_cursor_down(self) -> None:
        if self.highlighted is not None and self.highlighted == self.option_count - 1:
            self.editor().start_append()  # down past the last line: back to a new note
        else:
            super().action_cursor_down()


class NoteInput(Input):
    """The one-line input: a new note, or the selected one being edited."""

    BINDINGS = [
        Binding("escape", "leave", "Close", show=False),
        Binding("up", "to_lines", "Select a note", show=False),
    ]

    def action_leave(self) -> None:
        editor = self.query_ancestor(NoteEditor)
        if editor.editing is not None:
            editor.select_line(editor.editing)  # cancel the edit, back to its line
        else:
            editor.close()

    def action_to_lines(self) -> None:
        editor = self.query_ancestor(NoteEditor)
        editor.select_line(editor.editing or len(editor.lines))


class NoteEditor(Vertical):
    """The notes of ``note`` as lines, and the input; hidden until ``open``."""

    class Submitted(Message):
        """``text`` typed: a new note (``number`` None) or the new text of note ``number``."""

        def __init__(self, editor: NoteEditor, number: int | None, text: str) -> None:
            super().__init__()
            self.editor, self.number, self.text = editor, number, text

    class Deleted(Message):
        def __init__(self, editor: NoteEditor, number: int) -> None:
            super().__init__()
            self.editor, self.number = editor, number

    class Moved(Message):
        def __init__(self, editor: NoteEditor, number: int, to: int) -> None:
            super().__init__()
            self.editor, self.number, self.to = editor, number, to

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.note: Note | None = None
        self.editing: int | None = None
        """The number of the note being edited in the input; None for a new note."""
        self.display = False

    @property
    def lines(self) -> tuple[str, ...]:
        return self.note.paper.notes if self.note is not None else ()

    def compose(self) -> ComposeResult:
        yield Label("Notes", classes="notes-heading")
        yield NoteLineList(id="note-lines")
        yield NoteInput(id="note-input")

    @property
    def is_open(self) -> bool:
        return bool(self.display)

    def open(self, note: Note) -> None:
        """Show ``note``'s lines with the input focused for a new note."""
        self.display = True
        self.show(note)
        self.start_append()

    def close(self) -> None:
        self.display = False
        self.note, self.editing = None, None
        self.query_one(NoteInput).value = ""
        self.post_message(self.Closed(self))

    class Closed(Message):
        def __init__(self, editor: NoteEditor) -> None:
            super().__init__()
            self.editor = editor

    def show(self, note: Note) -> None:
        """Redraw the lines from ``note`` (as saved now), the highlight kept where it was."""
        self.note = note
        lines = self.query_one(NoteLineList)
        kept = lines.highlighted
        lines.clear_options()
        lines.add_options(
            Option(f"{number}. {text}") for number, text in enumerate(note.paper.notes, 1)
        )
        if kept is not None and lines.option_count:
            lines.highlighted = min(kept, lines.option_count - 1)
        self._prompt()

    def _prompt(self) -> None:
        field = self.query_one(NoteInput)
        if self.editing is None:
            field.border_title = APPEND_PROMPT.format(number=len(self.lines) + 1)
        else:
            field.border_title = EDIT_PROMPT.format(number=self.editing)

    def start_append(self) -> None:
        field = self.query_one(NoteInput)
        if self.editing is not None:
            field.value = ""
        self.editing = None
        self._prompt()
        field.focus()

    def select_line(self, number: int) -> None:
        """Highlight note ``number`` (counted from 1) and focus the lines."""
        self.editing = None
        self._prompt()
        lines = self.query_one(NoteLineList)
        if lines.option_count:
            lines.highlighted = max(0, min(number, lines.option_count) - 1)
            lines.focus()

    def saved(self) -> None:
        """After a save: a new note's input is emptied for the next; an edit returns to its line."""
        if self.editing is None:
            self.query_one(NoteInput).value = ""
        else:
            self.select_line(self.editing)

    @on(OptionList.OptionSelected, "#note-lines")
    def _edit_line(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.editing = event.option_index + 1
        field = self.query_one(NoteInput)
        field.value = self.lines[event.option_index]
        self._prompt()
        field.focus()

    @on(Input.Submitted, "#note-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Submitted(self, self.editing, event.value))
