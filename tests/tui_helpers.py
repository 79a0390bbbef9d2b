"""Helpers for the terminal UI tests: start the app on a library and read what it shows."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from textual.geometry import Region

from papernotes.library.paper_rows import TITLE
from papernotes.tui.app import PapernotesApp
from papernotes.tui.start import build_app
from papernotes.tui.widgets.paper_list import PaperList

SIZE = (120, 40)


def pilot_test(test):
    """Run an ``async def`` test with asyncio (no pytest async plugin is installed)."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))

    return run


async def ready(app: PapernotesApp, pilot) -> None:
    """Wait until the library is loaded and the screen has settled: no worker is left
    running after a pause (a worker may be started by a callback run after a refresh, such
    as the scan for links, so one wait is not enough on a loaded machine)."""
    while True:
        await app.workers.wait_for_complete()
        await pilot.pause()
        if all(worker.is_finished for worker in app.workers):
            return


async def search_prepared(app: PapernotesApp, pilot, within: float = 20.0) -> bool:
    """Wait (at most ``within`` seconds) until the screen's background worker has made every
    row's search text ready; True when it did. The worker starts after the first refresh, so
    ``ready`` may return before it even began (a loaded machine showed this)."""
    rows = app.screen.rows
    loop = asyncio.get_running_loop()
    end = loop.time() + within
    while rows.texts.unknown or rows._han is None:
        if loop.time() > end:
            return False
        await app.workers.wait_for_complete()
        await pilot.pause(0.02)
    return True


@asynccontextmanager
async def running(
    root: Path, size: tuple[int, int] = SIZE
) -> AsyncIterator[tuple[PapernotesApp, object]]:
    """The app on the library at ``root``, headless at ``size``, once it is ``ready``."""
    app = build_app(root)
    async with app.run_test(size=size) as pilot:
        await ready(app, pilot)
        yield app, pilot


async def press(pilot, *keys: str) -> None:
    """Press ``keys`` and let the app handle what they started."""
    await pilot.press(*keys)
    await pilot.pause()


def listed_titles(app: PapernotesApp) -> list[str]:
    return [str(r[TITLE]) for r in app.screen.query_one(PaperList).rows]


def count_text(app: PapernotesApp) -> str:
    return str(app.screen.query_one("#count").render())


def notifications(app: PapernotesApp, severity: str | None = None) -> list[str]:
    return [n.message for n in app._notifications if severity is None or n.severity == severity]


async def type_text(pilot, text: str) -> None:
    """Type ``text`` key by key (Chinese characters included)."""
    await pilot.press(*["space" if c == " " else c for c in text])


def widget_text(widget) -> str:
    """The text a widget draws (all of it, not only what is scrolled into view)."""
    region = Region(0, 0, widget.size.width, widget.size.height)
    return "\n".join(strip.text for strip in widget.render_lines(region))
