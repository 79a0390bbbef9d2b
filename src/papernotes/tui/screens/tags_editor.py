"""Edit a paper's tags: one line, comma-separated (Chinese commas work too)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from papernotes.tui.paper_form import split_tags


class TagsEditor(ModalScreen[tuple[str, ...] | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, tags: tuple[str, ...]) -> None:
        super().__init__()
        self.paper_title = title
        self.tags = tags

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Tags of {self.paper_title}", classes="question")
            yield Input(", ".join(self.tags), placeholder="distillation, 蒸馏", id="tags")
            yield Label("Enter saves, Esc cancels.", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(split_tags(event.value))

    def action_cancel(self) -> None:
        self.dismiss(None)
