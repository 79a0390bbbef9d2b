"""The papernotes terminal app (built by ``tui.start.build_app``, for the CLI and tests)."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from textual import on
from textual.app import App

from papernotes.library import Library
from papernotes.tui.commands import PaperCommands, PaperFinder
from papernotes.tui.screens.main_screen import MainScreen

if TYPE_CHECKING:
    from papernotes.library.arxiv_ops import ArxivClient
    from papernotes.library.venue_ops import PoliteClient


class PapernotesApp(App[None]):
    """Browse, search, add and edit reading notes on one library folder."""

    CSS_PATH = "papernotes.tcss"
    TITLE = "papernotes"
    COMMANDS = App.COMMANDS | {PaperCommands, PaperFinder}
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library
        self.sub_title = library.root.name
        self._arxiv_client: ArxivClient | None = None
        self._web_client: PoliteClient | None = None
        self._collector_paused = False

    def on_load(self) -> None:
        """Pause the cyclic garbage collector until the library is read: starting the app
        builds many lasting objects (styles, widgets) and no garbage, and collections among
        them took about 5% of the time to the first screen."""
        self._collector_paused = gc.isenabled()
        gc.disable()

    @on(MainScreen.LoadEnded)
    def collect_again(self) -> None:
        """The library is read (or could not be): collect garbage again."""
        if self._collector_paused:
            self._collector_paused = False
            gc.enable()

    def on_unmount(self) -> None:
        self.collect_again()  # the app ended before the library was read

    def arxiv_client(self) -> ArxivClient:
        """One client for the whole session, so requests to arXiv stay 3 s apart."""
        if self._arxiv_client is None:
            from papernotes.library.arxiv_ops import session_client

            self._arxiv_client = session_client()
        return self._arxiv_client

    def web_client(self) -> PoliteClient:
        """One polite client for the session (S2, DBLP, Crossref requests stay spaced)."""
        if self._web_client is None:
            from papernotes.library.venue_ops import web_client

            self._web_client = web_client()
        return self._web_client

    def get_default_screen(self) -> MainScreen:
        return MainScreen(self.library)
