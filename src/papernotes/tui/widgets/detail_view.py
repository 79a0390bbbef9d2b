"""The selected paper rendered as Markdown: facts, links, abstract and numbered notes.

Drawn by one ``Static`` holding Rich's Markdown renderable rather than Textual's
``Markdown`` widget, which mounts a widget per block: moving the cursor or typing in the
filter then costs a few milliseconds instead of a remount and relayout.
"""

from __future__ import annotations

from rich.markdown import Markdown
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from papernotes.model import Note
from papernotes.tui.detail_markdown import Marker, paper_markdown
from papernotes.tui.widgets.note_editor import NoteEditor

EMPTY = "*No paper selected.*"
SHORT_TERMINAL = 30
"""Below this many rows the notes come before the metadata (it has to be scrolled to)."""


class DetailView(VerticalScroll, can_focus=True):
    """Shows one note; ``source`` is the Markdown text on screen."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.source = EMPTY

    def compose(self) -> ComposeResult:
        yield Static(Markdown(EMPTY), id="detail-body")
        yield NoteEditor(id="note-editor")

    def show(self, note: Note | None, marker: Marker | None = None) -> None:
        """Show ``note``, with the spans ``marker`` finds in its texts marked."""
        editor = self.query_one(NoteEditor)
        taking_notes = self._keep_editor(editor, note)
        short = self.app.size.height < SHORT_TERMINAL
        self.source = (
            paper_markdown(
                note.paper, note.path, notes=not taking_notes, marker=marker, notes_first=short
            )
            if note
            else EMPTY
        )
        self.query_one("#detail-body", Static).update(Markdown(self.source, hyperlinks=True))
        if taking_notes and note is not None:
            editor.show(note)  # the notes are the editor's lines, under the rest
        else:
            self.scroll_home(animate=False)

    def _keep_editor(self, editor: NoteEditor, note: Note | None) -> bool:
        """Whether the note editor stays open for ``note``: only while it is the same paper."""
        if not editor.is_open:
            return False
        if note is None or editor.note is None or editor.note.path != note.path:
            editor.close()
            return False
        return True

    def take_notes(self, note: Note) -> None:
        """Open the note editor on ``note`` (``n``), the input focused for a new note."""
        editor = self.query_one(NoteEditor)
        editor.open(note)
        self.show(note)
        self.call_after_refresh(self.scroll_end, animate=False)
