"""The selected paper rendered as Markdown: facts, links, abstract and numbered notes."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown

from papernotes.model import Note
from papernotes.tui.detail_markdown import paper_markdown

EMPTY = "*No paper selected.*"


class DetailView(VerticalScroll, can_focus=True):
    """Shows one note; links are handed to the screen (only http(s) ones get opened)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.source = EMPTY

    def compose(self) -> ComposeResult:
        yield Markdown(EMPTY, open_links=False)

    def show(self, note: Note | None) -> None:
        self.source = paper_markdown(note.paper, note.path) if note else EMPTY
        self.query_one(Markdown).update(self.source)
        self.scroll_home(animate=False)
