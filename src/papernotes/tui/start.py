"""``build_app``, the TUI's entry point: the library is opened and its notes' stat begun
before Textual is imported, so that the stat runs on the other core while Textual loads.

This module imports no Textual at its top (``tests/tui/test_tui_start.py`` checks it).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from papernotes.library import Library
from papernotes.library.api import DEFAULT_LOCK_TIMEOUT, LockWait

if TYPE_CHECKING:
    from papernotes.tui.app import PapernotesApp


def build_app(root: Path, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> PapernotesApp:
    """The app on the library at ``root`` (which must exist); a write waits at most
    ``lock_timeout`` seconds for another papernotes, then fails with a notification.

    The notes are listed and their stat begun in a forked child first (``scan_ahead``): a
    fork is safe only before Textual starts its threads, and begun before Textual is even
    imported, the stat of 100,000 notes is done by the time the screen asks for the rows.
    """
    library = Library.open(Path(root), LockWait(timeout=lock_timeout))
    library.scan_ahead()
    from papernotes.tui.app import PapernotesApp

    return PapernotesApp(library)
