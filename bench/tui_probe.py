"""Drive the TUI headless on a library: print READY once the paper list is filled, then
time filter keystrokes and print them as JSON. Run by ``bench/run.py`` in its own process."""

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
    from papernotes.tui.app import build_app
    from papernotes.tui.widgets.paper_list import PaperList

    app = build_app(root)
    async with app.run_test(size=(120, 40)) as pilot:

        def paper_list() -> PaperList | None:
            found = app.screen.query(PaperList)
            return found.first() if found else None

        # Query the DOM until the list exists, then only look at its rows: a DOM query
        # every 2 ms would take CPU from the app loading the library (0.2 s at 100,000).
        papers = None
        while papers is None or not papers.notes:
            papers = papers or paper_list()
            await asyncio.sleep(0.002)
        await pilot.pause()
        print("READY", flush=True)
        await app.workers.wait_for_complete()
        await pilot.press("slash")
        await pilot.pause()
        papers = paper_list()
        updated: list[float] = []
        set_notes = papers.set_notes

        def timed_set_notes(*args, **kwargs):
            set_notes(*args, **kwargs)
            updated.append(time.perf_counter())

        papers.set_notes = timed_set_notes

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
        return {"keystrokes": timings, "pinyin": pinyin, "listed": len(papers.notes)}


def main() -> None:
    report = asyncio.run(probe(Path(sys.argv[1])))
    print(json.dumps(report), flush=True)


if __name__ == "__main__":
    main()
