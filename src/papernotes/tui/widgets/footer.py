"""A ``Footer`` that rebuilds its keys only when the keys it would show have changed.

Textual's footer recomposes on every change of the screen's bindings (each focus change),
remounting a widget per key and restyling each one: five times while the main screen
starts, a fifth of the time to the first screen. The keys shown depend only on the
shown bindings (and whether each is enabled), so this one rebuilds once for a burst of
changes, and not at all when the shown keys are the same.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class SteadyFooter(Footer):
    """Same look and behaviour as ``Footer``; skips recomposing to identical keys."""

    def __init__(self, *children: Widget, **options) -> None:
        super().__init__(*children, **options)
        self._composed: tuple | None = None
        self._pending = False

    def _shown_keys(self, screen: Screen) -> tuple:
        palette = self.app.COMMAND_PALETTE_BINDING
        return (
            self.compact,
            self.show_command_palette,
            tuple(
                (binding, enabled, tooltip)
                for _, binding, enabled, tooltip in screen.active_bindings.values()
                if binding.show or binding.key == palette
            ),
        )

    def compose(self) -> ComposeResult:
        self._composed = self._shown_keys(self.screen) if self._bindings_ready else None
        for widget in super().compose():
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                # bound to our ``compact`` on mount; starting from its own default (compact)
                # would restyle each key twice
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget

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
