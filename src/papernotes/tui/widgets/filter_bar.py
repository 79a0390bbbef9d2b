"""The filter box and the "N of M" count above the list."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Label


class FilterInput(Input):
    """Esc clears the filter and hands focus back to the list."""

    BINDINGS = [Binding("escape", "clear_filter", "Clear filter", show=False)]

    class Cleared(Message):
        pass

    def action_clear_filter(self) -> None:
        self.value = ""
        self.post_message(self.Cleared())


class FilterBar(Horizontal):
    def compose(self) -> ComposeResult:
        yield FilterInput(
            placeholder="/ filter: title, notes, authors, venue, tags",
            id="filter",
            select_on_focus=False,  # ``/`` selects it at once, before the keys typed after it
        )
        yield Label("", id="count")

    def show_count(self, shown: int, total: int, sort_label: str) -> None:
        self.query_one("#count", Label).update(f"{shown} of {total} · by {sort_label}")
