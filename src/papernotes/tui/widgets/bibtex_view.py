"""The selected paper's BibTeX entry, drawn only while its tab is showing."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widgets import Static

from papernotes.errors import PapernotesError
from papernotes.model import Note, Paper


def bibtex_entry(paper: Paper) -> str:
    """The entry as ``papernotes export`` writes it (the BibTeX module, imported on use)."""
    from papernotes.library.bibtex_ops import bibtex_entry as render

    return render(paper)


class BibtexView(VerticalScroll, can_focus=True):
    """Keeps the note it should show and renders it when it becomes visible."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.note: Note | None = None
        self.text = ""
        self._drawn: Note | None = None

    def compose(self):
        yield Static(id="bibtex-text")

    def show(self, note: Note | None, visible: bool) -> None:
        self.note = note
        if visible:
            self.draw()

    def draw(self) -> None:
        if self._drawn is self.note and self.text:
            return
        self._drawn = self.note
        static = self.query_one("#bibtex-text", Static)
        if self.note is None:
            self.text = ""
            static.update("No paper selected.")
            return
        try:
            self.text = bibtex_entry(self.note.paper)
        except (PapernotesError, ValueError) as exc:
            self.text = ""
            static.update(f"No BibTeX entry: {exc}")
            return
        from rich.syntax import Syntax  # pygments: only once the tab is opened

        static.update(Syntax(self.text, "bibtex", theme="ansi_dark", word_wrap=True))
