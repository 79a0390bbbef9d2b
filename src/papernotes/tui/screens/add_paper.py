"""The add-paper form: validated fields, ctrl+s saves, Fetch fills empty fields from arXiv.

What the user typed is never lost: a failed save or fetch leaves every field as it was,
and Esc hands the typed values back to the main screen, which offers them next time.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, TextArea

from papernotes.errors import PapernotesError, user_message
from papernotes.library import Library
from papernotes.model import Note, Paper
from papernotes.text.arxiv_ids import base_id
from papernotes.tui.paper_form import FIELDS, FormError, paper_from_form

if TYPE_CHECKING:
    from papernotes.library.arxiv_ops import ArxivClient
    from papernotes.tui.app import PapernotesApp

PLACEHOLDERS = {
    "year": "2024",
    "title": "DeBERTa: Decoding-enhanced BERT with Disentangled Attention",
    "venue": "ICLR",
    "code": "https://github.com/…",
    "arxiv": "2006.03654 or an arxiv.org link",
    "tags": "distillation, 蒸馏",
}
LABELS = {
    "year": "Year",
    "title": "Title",
    "venue": "Venue",
    "code": "Code URL",
    "arxiv": "arXiv id",
    "tags": "Tags",
    "notes": "Notes (one per line)",
}


class AddPaperScreen(Screen[Note | dict[str, str] | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("ctrl+f", "fetch", "Fetch from arXiv"),
        Binding("escape", "cancel", "Cancel (keeps what you typed)"),
    ]

    def __init__(
        self, library: Library, draft: dict[str, str] | None = None, year: int | None = None
    ) -> None:
        super().__init__()
        self.library = library
        # a cancelled form's values come back as typed; else the Year is the one browsed
        self.initial = draft or ({"year": str(year)} if year else {})
        self.default_year = "" if draft else self.initial.get("year", "")
        """The Year offered, not typed: Fetch replaces it with arXiv's year."""
        self.fetched: Paper | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="form"):
            with Grid(id="fields"):
                for name in FIELDS[:-1]:
                    yield Label(LABELS[name], classes="field-label")
                    if name == "arxiv":
                        with Horizontal(id="arxiv-row"):
                            yield self._input(name)
                            yield Button("Fetch", id="fetch")
                    else:
                        yield self._input(name)
            yield Label(LABELS["notes"], classes="field-label")
            yield TextArea(self.initial.get("notes", ""), id="field-notes", soft_wrap=True)
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel (esc)", id="cancel")
        yield Footer()

    def _input(self, name: str) -> Input:
        return Input(
            self.initial.get(name, ""),
            placeholder=PLACEHOLDERS[name],
            id=f"field-{name}",
            type="integer" if name == "year" else "text",
            max_length=4 if name == "year" else 0,
        )

    def on_mount(self) -> None:
        self.sub_title = "Add a paper"
        self.query_one("#field-year", Input).focus()

    # -- values ------------------------------------------------------------

    def values(self) -> dict[str, str]:
        """Every field as typed."""
        values = {name: self.query_one(f"#field-{name}", Input).value for name in FIELDS[:-1]}
        values["notes"] = self.query_one("#field-notes", TextArea).text
        return values

    def set_value(self, name: str, value: str) -> None:
        if name == "notes":
            self.query_one("#field-notes", TextArea).text = value
        else:
            self.query_one(f"#field-{name}", Input).value = value

    # -- saving --------------------------------------------------------------

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        try:
            paper = paper_from_form(self.values())
        except FormError as exc:
            self.notify(str(exc), title="Not saved", severity="error")
            self.query_one(f"#field-{exc.field}").focus()
            return
        try:
            note = self._add(paper)
        except (PapernotesError, OSError) as exc:
            message = user_message(exc) or str(exc)
            self.notify(message, title="Not saved", severity="error", timeout=10)
            return
        self.dismiss(note)

    def _add(self, paper: Paper) -> Note:
        """Add ``paper``; with an arXiv id by the rules ``add --arxiv`` follows
        (``library/arxiv_add.py``), with what Fetch brought and no request on this thread."""
        if not paper.arxiv:
            return self.library.add(paper)
        from papernotes.library.arxiv_add import add_from_arxiv, plan_arxiv_add

        plan = plan_arxiv_add(self.library, paper, fetched=self.fetched)
        return add_from_arxiv(self.library, paper, plan)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        values = self.values()
        typed = dict(values, year="") if values["year"] == self.default_year else values
        self.dismiss(values if any(v.strip() for v in typed.values()) else None)

    # -- fetching from arXiv ---------------------------------------------------

    @on(Button.Pressed, "#fetch")
    def action_fetch(self) -> None:
        text = self.query_one("#field-arxiv", Input).value
        arxiv = base_id(text)
        if not arxiv:
            self.notify("Type an arXiv id first (e.g. 2006.03654).", severity="warning")
            self.query_one("#field-arxiv", Input).focus()
            return
        self._busy(True)
        self.fetch(arxiv, cast("PapernotesApp", self.app).arxiv_client())

    def _busy(self, busy: bool) -> None:
        button = self.query_one("#fetch", Button)
        button.disabled = busy
        button.label = "Fetching…" if busy else "Fetch"

    @work(thread=True, exclusive=True, exit_on_error=False, group="fetch")
    def fetch(self, arxiv: str, client: ArxivClient) -> None:
        try:
            from papernotes.library.arxiv_ops import fetch_paper

            fetched = fetch_paper(arxiv, client=client)
        except Exception as exc:  # network, unreadable answer, anything: a notification
            self.app.call_from_thread(self.fetch_failed, str(exc) or type(exc).__name__)
            return
        self.app.call_from_thread(self.fill, fetched)

    def fetch_failed(self, message: str) -> None:
        self._busy(False)
        self.notify(message, title="arXiv lookup failed", severity="error", timeout=10)

    def fill(self, fetched: Paper) -> None:
        """Fill the fields the user left empty; keep the rest of arXiv's data for saving."""
        self._busy(False)
        self.fetched = replace(fetched, arxiv=base_id(fetched.arxiv) or fetched.arxiv)
        values = self.values()
        offered = {"title": fetched.title, "year": str(fetched.year) if fetched.year else ""}
        if values["year"] == self.default_year:  # offered, not typed: arXiv knows better
            values["year"] = ""
        filled = [name for name, value in offered.items() if value and not values[name].strip()]
        for name in filled:
            self.set_value(name, offered[name])
        names = ", ".join(LABELS[n].lower() for n in filled) or "no empty fields"
        self.notify(f"Fetched arXiv:{self.fetched.arxiv}; filled {names}.", timeout=4)
