"""The filter box and the "N of M" count above the list."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Label


class FilterInput(Input):
    """Esc clears the filter and hands focus back to the list."""

    BINDINGS = [Binding("escape", "clear_filter", "Clear filter", show=False)]
    on_typed: Callable[[str], object] | None = None
    """Told of each new value at once, in the key's own handling: the ``Changed`` message
    reaches the screen only after the box was laid out and drawn again, so the list would
    be drawn twice per key (at 100,000 rows that redraw cost as much as the filter)."""

    def watch_value(self, value: str) -> None:
        if self.on_typed is not None:
            self.on_typed(value)

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
