"""The main screen's "Find published version" (``v``): ``papernotes venue`` for the marked
rows (else the selected paper), its requests in a worker thread with progress
notifications, the write on the UI thread; a different venue is changed only once the user
confirms it."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from papernotes.model import Note

if TYPE_CHECKING:
    from papernotes.library.venue_ops import VenuePlan, VenueReport
    from papernotes.tui.screens.note_actions import NoteActions


class VenueActions:
    """Looks papers' published versions up for the main screen (through ``NoteActions``)."""

    def __init__(self, actions: NoteActions) -> None:
        self.actions = actions

    def action_find_published(self, notes: list[Note]) -> None:
        """Look up ``notes``: the marked rows, else the selected one."""
        if not notes:
            return
        what = notes[0].paper.title if len(notes) == 1 else f"{len(notes)} papers"
        self.actions.notify(f"Looking for the published version of {what}…", timeout=3)
        self.find(notes)

    def find(self, notes: list[Note]) -> None:
        """Look ``notes`` up in a worker (``fetch``); one lookup runs at a time."""
        self.actions.screen.run_worker(
            partial(self.fetch, notes),
            name="venue",
            group="venue",
            exclusive=True,
            exit_on_error=False,
            thread=True,
        )

    def fetch(self, notes: list[Note]) -> None:
        """Every request, here in the worker; progress and the result go to the UI thread."""
        from papernotes.library.venue_ops import plan_venues

        app = self.actions.app

        def progress(index: int, total: int, note: Note) -> None:
            if total > 1:
                app.call_from_thread(
                    self.actions.notify, f"Looking up {index + 1}/{total}: {note.slug}", timeout=2
                )

        try:
            plan = plan_venues(notes, http=app.web_client(), progress=progress)
        except Exception as exc:  # network, unreadable answers: a notification
            message = str(exc) or type(exc).__name__
            app.call_from_thread(
                self.actions.notify,
                message,
                title="Lookup failed",
                severity="error",
                timeout=10,
            )
            return
        app.call_from_thread(self.confirm_then_write, plan)

    def confirm_then_write(self, plan: VenuePlan) -> None:
        """Ask about each different venue found (``ConfirmScreen``), then write."""
        from papernotes.library.venue_ops import conflicts
        from papernotes.tui.screens.confirm import ConfirmScreen

        pending = conflicts(plan)
        confirmed: set[str] = set()

        def ask(index: int) -> None:
            if index == len(pending):
                self.write(plan, confirmed)
                return
            note, found = pending[index]

            def answered(yes: bool | None) -> None:
                if yes:
                    confirmed.add(note.path)
                ask(index + 1)

            question = (
                f"{note.paper.title}: the note says {note.paper.venue!r}; {found.source} says "
                f"{found.label()!r}. Change the venue?"
            )
            self.actions.app.push_screen(ConfirmScreen(question, "Change"), answered)

        ask(0)

    def write(self, plan: VenuePlan, confirmed: set[str]) -> None:
        from papernotes.library.venue_ops import apply_venues

        with self.actions.reporting("save the venue"):  # changed on disk meanwhile: refused
            self.written(apply_venues(self.actions.library, plan, confirmed=confirmed))

    def written(self, report: VenueReport) -> None:
        if not report.results:
            return
        self.actions.screen.after_change(keep=report.results[0].path)
        for result in report.results:
            found = result.published
            if result.status == "updated" and found is not None:
                self.actions.notify(f"Published: {found.label()} ({found.source}).", timeout=5)
            elif result.status in ("unchanged", "kept") and found is not None:
                self.actions.notify(
                    f"{found.label()} ({found.source}): {result.status}.", timeout=5
                )
            elif result.status == "ambiguous":
                names = "; ".join(c.label() for c in result.candidates[:3])
                self.actions.notify(
                    f"Ambiguous: {result.reason} ({names}).", severity="warning", timeout=10
                )
            else:
                self.actions.notify(f"Not found: {result.reason}.", severity="warning", timeout=10)
