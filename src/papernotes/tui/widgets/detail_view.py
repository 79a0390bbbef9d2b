"""The selected paper rendered as Markdown: facts, links, abstract and numbered notes.

Drawn by one ``Static`` holding Rich's Markdown renderable rather than Textual's
``Markdown`` widget, which mounts a widget per block: moving the cursor or typing in the
filter then costs a few milliseconds instead of a remount and relayout.
"""

from __future__ import annotations

from rich.markdown import Markdown
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.markup import escape
from textual.widgets import Static

from papernotes.library.paper_links import label as link_label
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
        self.links_text = ""
        """The links lines on screen (Textual markup)."""
        self.link_targets: list[str] = []
        """The paths of the linked papers, in the order the links lines show them."""

    def compose(self) -> ComposeResult:
        links = Static("", id="detail-links", markup=True)  # above the text: always in view
        links.display = False
        yield links
        yield Static(Markdown(EMPTY), id="detail-body")
        yield NoteEditor(id="note-editor")

    def show(
        self,
        note: Note | None,
        marker: Marker | None = None,
        links: tuple[list[Note], list[Note]] = ([], []),
    ) -> None:
        """Show ``note``, with the spans ``marker`` finds in its texts marked, and the papers
        it links to and that link to it (``links``), each a link to click."""
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
        self.show_links(*links)
        if taking_notes and note is not None:
            editor.show(note)  # the notes are the editor's lines, under the rest
        else:
            self.scroll_home(animate=False)

    def show_links(self, links_to: list[Note], linked_from: list[Note]) -> None:
        """The "Links to" and "Linked from" lines; clicking a paper goes to it
        (``MainScreen.action_follow_link``). Hidden when there are none."""
        self.link_targets = [n.path for n in (*links_to, *linked_from)]
        rows, at = [], 0
        for caption, notes in (("Links to", links_to), ("Linked from", linked_from)):
            if notes:
                shown = []
                for note in notes:
                    shown.append(f"[@click=screen.follow_link({at})]{escape(link_label(note))}[/]")
                    at += 1
                rows.append(f"[b]{caption}:[/b] " + " · ".join(shown))
        text = "\n".join(rows)
        if text == self.links_text:
            return  # no update, no relayout: most papers have no links
        self.links_text = text
        box = self.query_one("#detail-links", Static)
        box.update(text)
        box.display = bool(rows)

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
