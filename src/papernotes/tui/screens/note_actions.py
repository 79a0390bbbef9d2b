"""What the main screen's keys do to notes: add, edit, link, tags, status, open, copy,
export, delete, reload. Every failure becomes a notification; network work runs in workers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, cast

from textual.app import SuspendNotSupported
from textual.notifications import SeverityLevel

from papernotes.errors import user_message
from papernotes.library.editor import run_editor
from papernotes.library.note_edit import (
    abandon_edit,
    edit_warnings,
    finish_edit,
    run_catching,
    start_edit,
)
from papernotes.model import STATUSES, Note, Paper
from papernotes.text.urls import is_browsable

if TYPE_CHECKING:
    from papernotes.library import Library
    from papernotes.library.arxiv_links import LinkPlan, LinkReport
    from papernotes.library.arxiv_ops import ArxivClient
    from papernotes.library.note_edit import EditCopy
    from papernotes.tui.app import PapernotesApp
    from papernotes.tui.screens.main_screen import MainScreen


class NoteActions:
    """The main screen's actions on notes, kept apart from what the screen shows: it holds
    the screen and uses its ``library``, ``current``, ``filter``, ``draft`` and
    ``after_change``; the screen's ``action_*`` methods call these."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen

    @property
    def library(self) -> Library:
        return self.screen.library

    @property
    def app(self) -> PapernotesApp:
        return cast("PapernotesApp", self.screen.app)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
    ) -> None:
        self.screen.notify(message, title=title, severity=severity, timeout=timeout)

    # -- helpers -----------------------------------------------------------

    def selected(self) -> Note | None:
        """The highlighted note, or None with a notification saying why."""
        if not self.screen.ready:
            self.notify("Still loading the library…", severity="warning")
            return None
        note = self.screen.current
        if note is None:
            self.notify("No paper selected.", severity="warning")
        return note

    @contextmanager
    def reporting(self, doing: str) -> Iterator[None]:
        """Turn a user-facing error into an error notification."""
        try:
            yield
        except Exception as exc:
            message = user_message(exc)
            if message is None:
                raise
            self.notify(message, title=f"Could not {doing}", severity="error", timeout=10)

    def latest(self, note: Note) -> Note | None:
        """The library's current version of ``note`` (it may have been saved meanwhile)."""
        return self.screen.rows.listed(note)

    def save_paper(self, note: Note, paper: Paper, message: str) -> None:
        with self.reporting("save"):
            saved = self.library.save(note, paper)
            self.screen.after_change(keep=saved.path)
            self.notify(message, timeout=3)

    def open_in_browser(self, url: str) -> None:
        if not is_browsable(url):
            self.notify(f"Not a web address, not opened: {url}", severity="warning")
            return
        self.app.open_url(url)
        self.notify(f"Opening {url}", timeout=3)

    # -- adding and editing ------------------------------------------------

    def action_add(self) -> None:
        screen = self.screen
        if not screen.ready:
            self.notify("Still loading the library…", severity="warning")
            return
        from papernotes.tui.screens.add_paper import AddPaperScreen

        def done(result: Note | dict[str, str] | None) -> None:
            if isinstance(result, Note):
                screen.draft = None
                if screen.filter.year not in (None, result.paper.year):
                    screen.filter = replace(screen.filter, year=result.paper.year)
                screen.after_change(keep=result.path)
                self.notify(f"Added {result.path}.", timeout=4)
            else:
                screen.draft = result

        year = screen.filter.year or dt.date.today().year  # the year browsed, else this one
        self.app.push_screen(AddPaperScreen(self.library, draft=screen.draft, year=year), done)

    def action_edit(self) -> None:
        """Edit a copy in ``$EDITOR`` with the terminal handed over, then write it back
        (``note_edit.py``): a conflict keeps the edited text aside and says where."""
        note = self.selected()
        if note is None:
            return
        with self.reporting("edit"):
            copy = start_edit(self.library, note.path)
            self.edited(copy, self.run_editor_outside(copy.path))

    def run_editor_outside(self, path: Path) -> str | None:
        """Run the editor on ``path`` outside the app; its failure as a message, else None.

        Nothing may be raised inside ``suspend()``: Textual only gives the screen back to the
        app when the block ends normally (a blank screen and echoed keys otherwise).
        """
        try:
            with self.app.suspend():
                failure = run_catching(run_editor, path)
        except SuspendNotSupported:  # no terminal to hand over (tests, web)
            failure = run_catching(run_editor, path)
        return failure

    def edited(self, copy: EditCopy, failure: str | None) -> None:
        """After the editor: a failure is an error notification and writes nothing; else the
        copy is written back over the note, unless it is unchanged."""
        if failure is not None:
            self.notify(
                abandon_edit(copy, failure), title="Could not edit", severity="error", timeout=10
            )
            return
        with self.reporting("edit"):
            fresh = finish_edit(self.library, copy)
            if fresh is None:
                self.notify(f"No changes to {copy.rel}.", timeout=3)
                return
            self.screen.after_change(keep=fresh.path)
            self.notify(f"Saved {fresh.path}.", timeout=3)
            for warning in edit_warnings(self.library, fresh):
                self.notify(warning, severity="warning", timeout=8)

    def action_tags(self) -> None:
        note = self.selected()
        if note is None:
            return
        from papernotes.tui.screens.tags_editor import TagsEditor

        def done(tags: tuple[str, ...] | None) -> None:
            current = self.latest(note)
            if tags is not None and current is not None:
                self.save_paper(current, replace(current.paper, tags=tags), "Tags saved.")

        self.app.push_screen(TagsEditor(note.paper.title, note.paper.tags), done)

    def action_cycle_status(self) -> None:
        note = self.selected()
        if note is None:
            return
        status = STATUSES[(STATUSES.index(note.paper.status) + 1) % len(STATUSES)]
        self.save_paper(note, replace(note.paper, status=status), f"Status: {status}.")

    # -- arXiv ---------------------------------------------------------------

    def action_link(self) -> None:
        note = self.selected()
        if note is None:
            return
        what = f"arXiv:{note.paper.arxiv}" if note.paper.arxiv else "arXiv by title"
        self.notify(f"Looking up {what}…", timeout=3)
        self.link(note, self.app.arxiv_client())

    def link(self, note: Note, client: ArxivClient) -> None:
        """Look ``note`` up in a worker thread (``fetch_link``)."""
        self.screen.run_worker(
            partial(self.fetch_link, note, client),
            name="link",
            group="arxiv",
            exclusive=True,
            exit_on_error=False,
            thread=True,
        )

    def fetch_link(self, note: Note, client: ArxivClient) -> None:
        """Fetch here, in the worker; write on the UI thread (``write_links``), over the
        library's latest version of the note, so a status or tag change meanwhile is kept."""
        from papernotes.library.arxiv_links import plan_links

        try:
            plan = plan_links(self.library, [note], client=client)
        except Exception as exc:  # network, parsing: a notification
            self.app.call_from_thread(self.link_failed, str(exc) or type(exc).__name__)
            return
        self.app.call_from_thread(self.write_link, plan)

    def write_link(self, plan: LinkPlan) -> None:
        from papernotes.library.arxiv_links import write_links

        listed = (self.screen.rows.listed(note) for note, _, _ in plan.planned)
        seen = {note.path: note for note in listed if note is not None}
        with self.reporting("link"):  # a note changed on disk by another program: refused
            self.linked(write_links(self.library, plan, seen))

    def link_failed(self, message: str) -> None:
        self.notify(message, title="arXiv lookup failed", severity="error", timeout=10)

    def linked(self, report: LinkReport) -> None:
        result = report.results[0] if report.results else None
        if result is None:
            return
        self.screen.after_change(keep=result.path)
        if result.status == "skipped":
            names = "; ".join(f"{c.paper.title} ({c.paper.arxiv})" for c in result.candidates[:3])
            more = f" Closest: {names}." if names else ""
            self.notify(f"Not linked: {result.reason}.{more}", severity="warning", timeout=10)
        else:
            self.notify(f"arXiv:{result.arxiv}: {result.status}.", timeout=4)

    def action_open_arxiv(self) -> None:
        note = self.selected()
        if note is not None:
            if note.paper.arxiv:
                self.open_in_browser(f"https://arxiv.org/abs/{note.paper.arxiv}")
            else:
                self.notify("This paper has no arXiv id.", severity="warning")

    def action_open_code(self) -> None:
        note = self.selected()
        if note is not None:
            if note.paper.code:
                self.open_in_browser(note.paper.code)
            else:
                self.notify("This paper has no code URL.", severity="warning")

    # -- BibTeX and export ---------------------------------------------------

    def action_copy_bibtex(self) -> None:
        note = self.selected()
        if note is None:
            return
        from papernotes.tui.widgets.bibtex_view import bibtex_entry

        with self.reporting("copy"):
            self.app.copy_to_clipboard(bibtex_entry(note.paper))
            self.notify(f"Copied the BibTeX entry of {note.paper.title}.", timeout=3)

    def action_export(self) -> None:
        if not self.screen.ready:
            return
        from papernotes.tui.screens.confirm import ConfirmScreen
        from papernotes.tui.screens.export_prompt import ExportPrompt

        def chosen(result: tuple[str, Path] | None) -> None:
            if result is None:
                return
            fmt, path = result
            if path.exists():
                self.app.push_screen(
                    ConfirmScreen(f"{path} exists. Replace it?", confirm="Replace"),
                    lambda yes: self.export_to(fmt, path) if yes else None,
                )
            else:
                self.export_to(fmt, path)

        self.app.push_screen(ExportPrompt(), chosen)

    def export_to(self, fmt: str, path: Path) -> None:
        from papernotes.library.files import write_export

        with self.reporting("export"):
            if fmt == "md":
                text = self.library.export_markdown()
            else:
                from papernotes.library.bibtex_ops import export_bibtex

                text, keyed = export_bibtex(self.library, self.library.notes())
                if keyed:  # notes without a citation key were given one and saved
                    self.screen.after_change()
            write_export(self.library.root, path, text)
            self.notify(f"Wrote {len(self.library.notes())} papers to {path}.", timeout=5)

    # -- deleting and reloading ----------------------------------------------

    def action_delete(self) -> None:
        note = self.selected()
        if note is None:
            return
        from papernotes.tui.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                with self.reporting("delete"):
                    self.library.remove(note)
                    self.screen.after_change()
                    self.notify(f"Deleted {note.path}.", timeout=4)

        question = f"Delete {note.path}?\n\n{note.paper.title}"
        self.app.push_screen(ConfirmScreen(question, confirm="Delete"), answered)

    # -- history (git) --------------------------------------------------------

    def action_undo_change(self) -> None:
        """``u``: revert the last papernotes change, as a new commit."""
        if not self.screen.ready:
            return
        with self.reporting("undo"):
            undone = self.library.history.undo()
            self.screen.after_change()
            self.notify(f"Undid: {undone.subject}", timeout=5)

    def action_paper_history(self) -> None:
        """``h``: the selected paper's changes, newest first."""
        note = self.selected()
        if note is None:
            return
        with self.reporting("show the history"):
            entries = self.library.history.log(note.path, limit=12)
            if not entries:
                self.notify(f"No history for {note.path} (turn it on: 'papernotes git on').")
                return
            lines = [f"{e.date[:16].replace('T', ' ')}  {e.author}  {e.subject}" for e in entries]
            self.notify(
                "\n".join(lines), title=f"History of {note.paper.key or note.path}", timeout=15
            )

    def action_reload(self) -> None:
        if not self.screen.ready:
            return
        self.screen.ready = False
        self.library.reload()
        self.notify("Reloading from disk…", timeout=2)
        self.screen.load()
