"""The command palette (ctrl+p) lists the main screen's actions by name."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from papernotes.tui.actions import ACTIONS, key_label


class PaperCommands(Provider):
    """Every action of the main screen, runnable by name; does nothing on other screens."""

    def _commands(self):
        from papernotes.tui.screens.main_screen import MainScreen

        screen = self.screen
        if not isinstance(screen, MainScreen):
            return
        for action in ACTIONS:
            name = f"{action.label} ({key_label(action.key)})"
            yield name, partial(screen.run_action, action.action), action.help

    async def discover(self) -> Hits:
        for name, run, help_text in self._commands():
            yield DiscoveryHit(name, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, run, help_text in self._commands():
            score = max(matcher.match(name), matcher.match(help_text))
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, help=help_text)
