"""The command palette (ctrl+p): the main screen's actions by name, and papers found by the
library's search (every spelling of a query: traditional, full-width, pinyin)."""

from __future__ import annotations

from functools import partial

from rich.text import Text
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


PALETTE_PAPERS = 20
"""Papers the palette offers for a query, in the library's order."""


class PaperFinder(Provider):
    """Papers matching the query as ``search`` finds them, the match marked; choosing one
    shows it in the list (the year and filter cleared if they hide it)."""

    async def search(self, query: str) -> Hits:
        from papernotes.tui.screens.main_screen import MainScreen

        screen = self.screen
        if not isinstance(screen, MainScreen) or not screen.ready or not query.strip():
            return
        library, rows = screen.library, screen.rows
        parsed = library.query(query)
        found = rows.matching(query, range(len(rows.rows)))[:PALETTE_PAPERS]
        for rank, note in enumerate(rows.notes_at(found)):
            title = Text(note.paper.title)
            for start, end in library.spans(parsed, note.paper.title):
                title.stylize("bold reverse", start, end)
            where = f"{note.paper.year} · {note.paper.key or note.slug}"
            yield Hit(
                0.9 - rank / 100,
                title,
                partial(screen.open_paper, note.path),
                text=note.paper.title,
                help=f"Open paper ({where})",
            )
