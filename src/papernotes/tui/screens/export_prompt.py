"""Ask where to export the library, and in which format."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, RadioButton, RadioSet

FORMATS = (("md", "Markdown reading-notes document"), ("bib", "BibTeX (.bib)"))


class ExportPrompt(ModalScreen[tuple[str, Path] | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Export the whole library", classes="question")
            with RadioSet(id="format"):
                for i, (_, label) in enumerate(FORMATS):
                    yield RadioButton(label, value=i == 0)
            yield Input(placeholder="path, e.g. ~/reading-notes.md", id="path")
            yield Label("Enter writes the file, Esc cancels.", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.notify("Type the path of the file to write.", severity="warning")
            return
        index = self.query_one(RadioSet).pressed_index
        fmt = FORMATS[max(index, 0)][0]
        self.dismiss((fmt, Path(text).expanduser()))

    def action_cancel(self) -> None:
        self.dismiss(None)
