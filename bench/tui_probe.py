"""Drive the TUI headless on a library: print READY once the paper list is filled and drawn,
then time filter keystrokes and print them as JSON. Run by ``bench/run.py`` in its own process.

READY is printed as soon as the screen has drawn a row of the filled list (and, in the same
update, the selected paper's detail): that is what the user sees. The work the app does
after it in the background (folding every note's search text, finding the notes that link
to others) is waited for before the keystrokes are timed.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

KEYS = ["蒸", "馏", "escape", "slash", "r", "o", "b", "u", "s", "t"]
PINYIN_KEYS = ["escape", "slash", *"zhengliu"]
"""A pinyin query typed after the others (``zhengli`` and ``zhengliu`` match as pinyin)."""


async def probe(root: Path) -> dict:
    try:  # as ``papernotes tui``: the app built before Textual is imported
        from papernotes.tui.start import build_app
    except ImportError:  # older code
        from papernotes.tui.app import build_app
    app = build_app(root)
    from papernotes.tui.widgets.paper_list import PaperList

    drawn: list[int] = []
    render_line = PaperList.render_line

    def listed(papers: PaperList) -> list:
        return papers.rows if hasattr(papers, "rows") else papers.notes  # new or old code

    def noted_render_line(self: PaperList, y: int):
        if y >= 1 and listed(self) and not drawn:
            drawn.append(len(listed(self)))  # a row of the filled list is being drawn
        return render_line(self, y)

    PaperList.render_line = noted_render_line  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:

        def paper_list() -> PaperList | None:
            found = app.screen.query(PaperList)
            return found.first() if found else None

        # Poll the flag, not the DOM: a DOM query every 2 ms would take CPU from the app
        # loading the library.
        while not drawn:
            await asyncio.sleep(0.002)
        print("READY", flush=True)
        first_screen_cpu = time.process_time()  # every thread's, since the process started
        PaperList.render_line = render_line  # type: ignore[method-assign]
        await pilot.pause()
        await app.workers.wait_for_complete()  # the search text folded, the links found
        await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        papers = paper_list()
        updated: list[float] = []
        name = "set_rows" if hasattr(papers, "set_rows") else "set_notes"
        set_rows = getattr(papers, name)

        def timed_set_rows(*args, **kwargs):
            set_rows(*args, **kwargs)
            updated.append(time.perf_counter())

        setattr(papers, name, timed_set_rows)

        async def typed(keys: list[str]) -> list[float]:
            timings = []
            for key in keys:
                updated.clear()
                start = time.perf_counter()
                await pilot.press(key)  # returns once the app has handled the key
                await pilot.pause()
                if key not in ("escape", "slash") and updated:
                    # from the key press to the list holding the new rows (only the visible
                    # rows are drawn, on the next refresh)
                    timings.append(updated[-1] - start)
            return timings

        timings = await typed(KEYS)
        pinyin = await typed(PINYIN_KEYS)
        bulk, answering = await bulk_status_change(app, pilot)
        return {
            "keystrokes": timings,
            "pinyin": pinyin,
            "listed": len(listed(papers)),
            "bulk": bulk,
            "answering": answering,
            "first_screen_cpu": first_screen_cpu,
        }


BULK_FILTER = "year:2018..2020"
"""About a tenth of a generated library (30 years): 1,000 rows at 10,000 notes."""


async def bulk_status_change(app, pilot) -> tuple[float, float]:
    """Mark every row of ``BULK_FILTER`` (V), set the next status on all of them (s, then the
    choice), and time it until the change is written and the list redrawn; meanwhile press
    down or up now and then and keep the slowest answer (the UI must stay responsive)."""
    from papernotes.model import STATUSES

    await pilot.press("escape", "escape", "slash", *BULK_FILTER, "enter")
    await pilot.pause()
    status = app.screen.current.paper.status
    wanted = STATUSES[(STATUSES.index(status) + 1) % len(STATUSES)]
    await pilot.press("V", "s")
    await pilot.pause()
    await pilot.press(*["down"] * STATUSES.index(wanted))
    start = time.perf_counter()
    await pilot.press("enter")
    slowest = 0.0
    marks = app.screen.marks
    keys = iter(["down", "up"] * 10_000)
    while marks.writing:
        slowest = max(slowest, await answered(app, next(keys)))
        await asyncio.sleep(0.05)
    while marks.writing:  # the change ended when a key was answered: wait for its report
        await asyncio.sleep(0.01)
    await pilot.pause()
    return time.perf_counter() - start, slowest


async def answered(app, key: str) -> float:
    """Seconds until the app has handled ``key`` (the highlighted paper moved), the key sent
    as a terminal's is. Not ``pilot.press``: it then waits until the process is idle
    (Textual's ``wait_for_idle``, which sleeps up to 1 s twice while any thread of the
    process computes, as the bulk change's worker does), which is no wait of the user's."""
    from textual import events

    papers = app.screen.marks.papers
    before = papers.highlighted_path
    start = time.perf_counter()
    app.post_message(events.Key(key, None))
    while papers.highlighted_path == before and app.screen.marks.writing:
        await asyncio.sleep(0.001)
    return time.perf_counter() - start


def main() -> None:
    report = asyncio.run(probe(Path(sys.argv[1])))
    print(json.dumps(report), flush=True)


if __name__ == "__main__":
    main()
