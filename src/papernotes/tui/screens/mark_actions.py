"""Marking rows and changing status, priority, rating and tags of the marked papers (or the
selected one). More than one paper asks once, then is written in a worker thread
(``library/bulk_set.py``), so the screen keeps answering while a thousand notes are saved."""

from __future__ import annotations

import gc
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

from papernotes.errors import user_message
from papernotes.gc_pause import gc_paused
from papernotes.library import bulk_set
from papernotes.library.paper_rows import PATH
from papernotes.library.row_notes import RowNotes
from papernotes.model import PRIORITIES, STATUSES, Note
from papernotes.tui.widgets.paper_list import PaperList

if TYPE_CHECKING:
    from textual.timer import Timer

    from papernotes.tui.screens.main_screen import MainScreen

PRIORITY_CYCLE = ("", *PRIORITIES)
"""What ``p`` steps through on one paper: none, high, medium, low."""
REPORTED = 3
"""Refused notes named after a bulk change (the report keeps no more of each kind: the
marked notes are read one at a time and let go once written)."""
COLLECT_EVERY_S = 1.0
"""How often the screen collects cyclic garbage while a bulk change is written. The worker
pauses the cyclic collector, and that is for the whole process: each paper the screen shows
meanwhile leaves some (its Markdown parser, ~0.3 MB), which piled up until the change ended
(+100 to +400 MB over a 10,000-note change at 100,000 notes, more the longer it took)."""


class MarkActions:
    """The main screen's marks and the changes made to the marked rows; the screen's
    ``action_*`` methods call these."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.writing = False
        """A bulk change is being written in the worker: a second one waits its turn."""
        self._collecting: Timer | None = None
        """While a bulk change is written: collects garbage every ``COLLECT_EVERY_S``."""

    @property
    def papers(self) -> PaperList:
        return self.screen.query_one(PaperList)

    # -- marks ---------------------------------------------------------------

    def toggle(self) -> None:
        """Mark or unmark the selected row and move to the next one."""
        papers = self.papers
        path = papers.highlighted_path
        if path is None:
            return
        papers.marked ^= {path}
        papers.cursor += 1
        papers.refresh()
        self.show_count()

    def mark_all(self) -> None:
        """Mark every row the list shows (its year or queue and its filter)."""
        papers = self.papers
        papers.marked |= {str(row[PATH]) for row in papers.rows}
        papers.refresh()
        self.show_count()

    def clear(self) -> bool:
        """Unmark every row; False when none was marked."""
        papers = self.papers
        if not papers.marked:
            return False
        papers.marked = set()
        papers.refresh()
        self.show_count()
        return True

    def show_count(self) -> None:
        marked = len(self.papers.marked)
        if marked:
            self.screen.notify(f"{marked} marked (esc clears).", timeout=2)

    def targets(self) -> Sequence[Note]:
        """The marked notes still in the library, in library order (each read when the
        change reaches it, in the worker), else the selected one."""
        marked = self.papers.marked
        if marked:
            rows = self.screen.rows
            return RowNotes(rows, [i for i, r in enumerate(rows.rows) if r[PATH] in marked])
        note = self.screen.note_actions.selected()
        return [] if note is None else [note]

    # -- changes -------------------------------------------------------------

    def status(self) -> None:
        notes = self.ready_targets()
        if len(notes) == 1 and not self.papers.marked:
            self.screen.note_actions.action_cycle_status()
        elif notes:
            choices = [(s, s) for s in STATUSES]
            self.ask(notes, f"Status of {len(notes)} papers:", choices, "status")

    def priority(self) -> None:
        notes = self.ready_targets()
        if len(notes) == 1 and not self.papers.marked:
            now = notes[0].paper.priority
            following = PRIORITY_CYCLE[(PRIORITY_CYCLE.index(now) + 1) % len(PRIORITY_CYCLE)]
            self.apply(notes, bulk_set.Change(priority=following))
        elif notes:
            choices = [(p, p) for p in PRIORITIES] + [("none", "none")]
            self.ask(notes, f"Priority of {len(notes)} papers:", choices, "priority")

    def rate(self, stars: int) -> None:
        notes = self.ready_targets()
        if len(notes) == 1 and not self.papers.marked:
            same = notes[0].paper.rating == stars  # the same key again clears it
            self.apply(notes, bulk_set.Change(rating=0 if same else stars))
        elif notes:
            from papernotes.tui.screens.confirm import ConfirmScreen

            def done(yes: bool | None) -> None:
                if yes:
                    self.apply(notes, bulk_set.Change(rating=stars))

            question = f"Rate {len(notes)} papers {stars} of 5?"
            self.screen.app.push_screen(ConfirmScreen(question, "Rate"), done)

    def tags(self) -> None:
        notes = self.ready_targets()
        if len(notes) == 1 and not self.papers.marked:
            self.screen.note_actions.action_tags()
        elif notes:
            from papernotes.tui.screens.queue_dialogs import TagChangeScreen

            def done(typed: str | None) -> None:
                if typed and typed.strip():
                    with self.screen.note_actions.reporting("change tags"):
                        self.apply(notes, bulk_set.make_change(tags=typed.split()))

            self.screen.app.push_screen(TagChangeScreen(f"Tags of {len(notes)} papers:"), done)

    def ready_targets(self) -> Sequence[Note]:
        if self.writing:
            self.screen.notify("Still writing the last change…", severity="warning")
            return []
        if not self.screen.ready:
            self.screen.notify("Still loading the library…", severity="warning")
            return []
        return self.targets()

    def ask(self, notes: Sequence[Note], question: str, choices: list[tuple[str, str]], field: str):
        """One question for many papers: the answer chosen is the confirmation."""
        from papernotes.tui.screens.queue_dialogs import ChoiceScreen

        def done(value: str | None) -> None:
            if value is not None:
                self.apply(notes, bulk_set.make_change(**{field: value}))

        self.screen.app.push_screen(ChoiceScreen(question, choices), done)

    def apply(self, notes: Sequence[Note], change: bulk_set.Change) -> None:
        """Write ``change`` to ``notes``: one paper at once, more in a worker thread."""
        if len(notes) == 1:
            with self.screen.note_actions.reporting("save"):
                self.done(bulk_set.apply(self.screen.library, notes, change))
            return
        self.writing = True
        self._collecting = self.screen.set_interval(COLLECT_EVERY_S, collect_garbage)
        self.screen.notify(f"Writing {len(notes)} papers…", timeout=2)
        self.screen.run_worker(
            partial(self.write, notes, change),
            name="bulk set",
            group="bulk",
            exclusive=True,
            exit_on_error=False,
            thread=True,
        )

    def write(self, notes: Sequence[Note], change: bulk_set.Change) -> None:
        """In the worker: write, then report on the UI thread."""
        app = self.screen.app
        # No automatic collection meanwhile (they came every few notes, each holding the GIL
        # at 100,000 notes); the screen collects its garbage itself (``COLLECT_EVERY_S``).
        try:
            with gc_paused():
                report = bulk_set.apply(self.screen.library, notes, change, kept=REPORTED)
        except Exception as exc:  # a failure is a notification, never a crash
            message = user_message(exc) or f"{type(exc).__name__}: {exc}"
            app.call_from_thread(self.failed, message)
            return
        app.call_from_thread(self.done, report)

    def written(self) -> None:
        """The worker is done (its pause of the collector is over)."""
        self.writing = False
        if self._collecting is not None:
            self._collecting.stop()
            self._collecting = None

    def failed(self, message: str) -> None:
        self.written()
        self.screen.after_change()
        self.screen.notify(message, title="Could not save", severity="error", timeout=10)

    def done(self, report: bulk_set.SetReport) -> None:
        self.written()
        keep = self.papers.highlighted_path
        self.screen.after_change(keep=keep)
        if report.counts["changed"] == 1 and not report.refused and not report.unchanged:
            before, after = report.changed[0]
            self.screen.notify(bulk_set.describe(before.paper, after) or "Saved.", timeout=3)
        else:
            self.screen.notify(report.summary() + ".", timeout=4)
        for note, reason in report.refused[:REPORTED]:
            self.screen.notify(f"{note.path}: {reason}", severity="warning", timeout=10)


def collect_garbage() -> None:
    """One full collection: a few milliseconds at 100,000 notes (the loaded rows are frozen
    out of its sight, ``MainScreen.settled``); the worker's own pause is left as it is."""
    gc.collect()
