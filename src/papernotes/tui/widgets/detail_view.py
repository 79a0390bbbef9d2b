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
from papernotes.tui.detail_markdown import paper_markdown

EMPTY = "*No paper selected.*"


class DetailView(VerticalScroll, can_focus=True):
    """Shows one note; ``source`` is the Markdown text on screen."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.source = EMPTY

    def compose(self) -> ComposeResult:
        yield Static(Markdown(EMPTY), id="detail-body")

    def show(self, note: Note | None) -> None:
        self.source = paper_markdown(note.paper, note.path) if note else EMPTY
        self.query_one("#detail-body", Static).update(Markdown(self.source, hyperlinks=True))
        self.scroll_home(animate=False)
