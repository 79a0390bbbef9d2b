"""A ``Footer`` that rebuilds its keys only when the keys it would show have changed.

Textual's footer recomposes on every change of the screen's bindings (each focus change),
remounting a widget per key and restyling each one: five times while the main screen
starts, a fifth of the time to the first screen. The keys shown depend only on the
shown bindings (and whether each is enabled), so this one rebuilds once for a burst of
changes, and not at all when the shown keys are the same.

Keys that do not fit the width are left out (the help screen and ctrl+p list them all),
the first listed first, but ``? Help`` and ``q Quit`` are always shown.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

ALWAYS_SHOWN = ("help", "quit")
"""Actions whose keys the footer shows at any width."""


def key_width(key: FooterKey) -> int:
    """Cells a compact key takes: key, space, description and the margin after it."""
    return cell_len(key.key_display) + 1 + cell_len(key.description) + 1


def keys_that_fit(keys: list[FooterKey], width: int) -> list[FooterKey]:
    """The keys always shown, then as many others as fit in ``width``, in their order."""
    kept = {id(k) for k in keys if k.action in ALWAYS_SHOWN}
    used = sum(key_width(k) for k in keys if id(k) in kept)
    for key in keys:
        if id(key) not in kept and used + key_width(key) <= width:
            kept.add(id(key))
            used += key_width(key)
    return [k for k in keys if id(k) in kept]


class SteadyFooter(Footer):
    """Same look and behaviour as ``Footer``; skips recomposing to identical keys."""

    def __init__(self, *children: Widget, **options) -> None:
        super().__init__(*children, **options)
        self._composed: tuple | None = None
        self._pending = False

    def _shown_keys(self, screen: Screen) -> tuple:
        palette = self.app.COMMAND_PALETTE_BINDING
        return (
            self._width(),
            self.compact,
            self.show_command_palette,
            tuple(
                (binding, enabled, tooltip)
                for _, binding, enabled, tooltip in screen.active_bindings.values()
                if binding.show or binding.key == palette
            ),
        )

    def _width(self) -> int:
        return self.size.width or self.app.size.width

    def compose(self) -> ComposeResult:
        self._composed = self._shown_keys(self.screen) if self._bindings_ready else None
        widgets = list(super().compose())
        keys = [w for w in widgets if isinstance(w, FooterKey)]
        shown = {id(k) for k in keys_that_fit(keys, self._width())}
        self.styles.grid_size_columns = len(shown)
        for widget in widgets:
            if isinstance(widget, FooterKey):
                if id(widget) not in shown:
                    continue
                # bound to our ``compact`` on mount; starting from its own default (compact)
                # would restyle each key twice
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget

    def on_resize(self, event: events.Resize) -> None:
        if self._bindings_ready:
            self.bindings_changed(self.screen)

    def bindings_changed(self, screen: Screen) -> None:
        # Footer.bindings_changed, but at most one rebuild pending and none to the same keys
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if self._pending or self._shown_keys(screen) == self._composed:
            return
        self._pending = True
        self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._pending = False
        await self.recompose()
