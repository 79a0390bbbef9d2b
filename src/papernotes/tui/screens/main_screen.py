"""The main screen: years on the left, the paper list, and the selected paper below.

Widgets post messages; this screen keeps what is selected and filtered and talks to the
library. The papers are light rows (``library/paper_rows.py``), read in a thread so the
screen shows at once even for a large library; a full note is read only for the paper shown
or acted on, and every row's search text is read (or folded) in a thread after the list is
on screen. The actions on notes live in ``NoteActions``, the view keys in
``MainViewActions`` (its base class).
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from dataclasses import replace
from functools import partial

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Header, OptionList, TabbedContent, TabPane

from papernotes.gc_pause import gc_paused
from papernotes.library import Library
from papernotes.library.paper_rows import PaperRows
from papernotes.model import Note
from papernotes.tui.actions import bindings
from papernotes.tui.detail_markdown import Marker
from papernotes.tui.paper_filter import SORT_LABELS, PaperFilter
from papernotes.tui.screens.link_actions import LinkActions
from papernotes.tui.screens.main_view_actions import SPLIT_STEPS, MainViewActions
from papernotes.tui.screens.mark_actions import MarkActions
from papernotes.tui.screens.note_actions import NoteActions
from papernotes.tui.screens.note_line_actions import NoteLineActions
from papernotes.tui.screens.venue_actions import VenueActions
from papernotes.tui.widgets.bibtex_view import BibtexView
from papernotes.tui.widgets.detail_view import DetailView
from papernotes.tui.widgets.filter_bar import FilterBar, FilterInput
from papernotes.tui.widgets.footer import SteadyFooter
from papernotes.tui.widgets.note_editor import NoteEditor
from papernotes.tui.widgets.paper_list import ListedRows, PaperList
from papernotes.tui.widgets.year_nav import YearNavigator

SHORT = 30
"""Below this many rows the screen drops its header and puts notes before metadata."""


class MainScreen(MainViewActions):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (SHORT, "-tall")]
    BINDINGS = [
        *bindings(),
        Binding("escape", "clear_filter", "Clear filter", show=False),
        Binding("ctrl+z", "undo_note_delete", "Undo note deletion", show=False),
        Binding("ctrl+r", "reload", "Reload", show=False),
    ]

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library
        self.rows = PaperRows(library)
        """Every paper as a light row (``library/paper_rows.py``): the list and the filter
        work on these; a full note is read only for the paper shown or acted on."""
        self._note: Note | None = None
        """The note of the highlighted row, read once (``current``)."""
        self.filter = PaperFilter()
        self.ready = False
        self.draft: dict[str, str] | None = None
        """What the user typed in a cancelled add form, offered again next time."""
        self._base: tuple[tuple[object, ...], int, Sequence[int]] | None = None
        """The year, queue, sort and field filters last applied, the size of their selection
        and their ``PaperFilter.base`` (the rows the words are looked for in)."""
        self.note_actions = NoteActions(self)
        """What the keys do to notes (``note_actions.py``); the ``action_*`` below call it."""
        self.venue_actions = VenueActions(self.note_actions)
        """"Find published version" (``venue_actions.py``)."""
        self.note_lines = NoteLineActions(self)
        """What the note editor writes (``note_line_actions.py``)."""
        self.marks = MarkActions(self)
        """Marked rows and the changes made to them (``mark_actions.py``)."""
        self._marking: tuple[str, Marker | None] = ("", None)
        """The filter text and what marks its matches in the list and the detail view."""
        self.split = SPLIT_STEPS // 2
        """Tenths of the height the list gets (the rest is the notes pane)."""
        self.links = LinkActions(self)
        """Following links between papers (``link_actions.py``)."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            yield YearNavigator(id="years")
            with Vertical(id="main"):
                yield FilterBar(id="filter-bar")
                yield PaperList(id="papers")
                with TabbedContent(id="lower"):
                    with TabPane("Notes", id="tab-notes"):
                        yield DetailView(id="detail")
                    with TabPane("BibTeX", id="tab-bibtex"):
                        yield BibtexView(id="bibtex")
        # compact, and ctrl+p left to the help screen: every action fits in 120 columns
        yield SteadyFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self._apply_split()
        self.query_one(FilterBar).show_count(0, 0, "loading…")
        self.query_one(PaperList).focus()
        self.query_one("#filter", FilterInput).on_typed = self.filter_typed
        self.load()

    # -- loading -----------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def load(self) -> None:
        """Read every paper's row off the UI thread (no note is built: the kept ``list``
        rows, only the changed notes parsed).

        The cyclic garbage collector is paused while the rows are built (at 100,000 notes it
        otherwise walks the new objects again and again), and once they are drawn what is
        loaded is frozen out of its sight (``settled``): rows hold no cycles, reference
        counting frees them.
        """
        try:
            with gc_paused():
                self.rows.load()
        except Exception as exc:  # any failure is shown, never a crash
            self.app.call_from_thread(
                self.notify, f"Cannot load the library: {exc}", severity="error"
            )
            self.post_message(self.LoadEnded())  # the app collects garbage again
            return
        self.app.call_from_thread(self.loaded)

    class LoadEnded(Message):
        """The library was read (or could not be): the app's start-up is over."""

    def loaded(self) -> None:
        self.ready = True
        self.redraw()
        self.call_after_refresh(self.settled)
        problems = self.rows.problems
        if problems:
            more = (
                f" (and {len(problems) - 1} more; run 'papernotes check')"
                if len(problems) > 1
                else ""
            )
            self.notify(
                f"Skipped unreadable notes: {problems[0]}{more}", severity="warning", timeout=10
            )

    def settled(self) -> None:
        """The loaded rows are drawn: they are moved out of the garbage collector's sight
        (``gc.freeze``, 40 ms at 100,000 notes, after the first screen instead of before
        it), and the app collects garbage again."""
        gc.freeze()
        self.post_message(self.LoadEnded())

    @work(thread=True, exclusive=True, exit_on_error=False, group="search")
    def prepare_search(self) -> None:
        """Read every row's folded search text (kept, or folded now for a changed note) and
        gather the Chinese characters for pinyin queries, off the UI thread, so the first
        keystroke scans bytes only."""
        with gc_paused():
            self.rows.prepare()

    # -- what is shown -----------------------------------------------------

    @property
    def current(self) -> Note | None:
        """The note of the highlighted row, read when first asked (None if it cannot be)."""
        path = self.query_one(PaperList).highlighted_path
        if path is None:
            return None
        if self._note is None or self._note.path != path:
            try:
                self._note = self.library.note_at(path)
            except Exception:  # removed or unreadable since it was listed
                return None
        return self._note

    def refresh_years(self) -> None:
        rows = self.rows
        self.query_one(YearNavigator).show_counts(
            len(rows.rows), rows.year_counts(), self.filter.year, rows.queued(), self.filter.queue
        )

    def refresh_list(self, keep: str | None = None) -> None:
        """Apply year, filter text and sort; the cursor stays on ``keep`` (or the current paper)."""
        papers = self.query_one(PaperList)
        if keep is None:
            keep = papers.highlighted_path
        wanted = self.filter
        key = (wanted.year, wanted.queue, wanted.sort, wanted.fields)
        if self._base is None or self._base[0] != key:
            selection = wanted.selection(self.rows)
            self._base = (key, len(selection), wanted.base(self.rows, selection))
        _, total, base = self._base
        shown = wanted.within(self.rows, base)
        listed = ListedRows(self.rows.rows, shown)
        papers.set_rows(listed, keep=keep, marker=self.marker())
        self.query_one(FilterBar).show_count(len(shown), total, SORT_LABELS[self.filter.sort])

    def after_change(self, keep: str | None = None) -> None:
        """Redraw after the library changed (add, save, delete, reload): the rows saved by
        this program were changed in place; after any other change they are read again
        (only the changed notes' files), the folded texts of the others kept."""
        self.rows.refresh()
        self.redraw(keep)

    def redraw(self, keep: str | None = None) -> None:
        """Draw the years, the list and the detail from the rows as they are; fold the new
        rows' search texts in the background."""
        self._base = None
        self._note = None
        self.links.forget()
        self.refresh_years()
        self.refresh_list(keep=keep)
        self.show_detail(self.current)
        self.call_after_refresh(self.prepare_search)

    def marker(self) -> Marker | None:
        """What marks the filter's matches (None with no filter text); parsed once per text."""
        text = self.filter.words  # the field filters (status:read…) mark nothing
        if not text.strip():
            return None
        if self._marking[0] != text:
            self._marking = (text, partial(self.library.spans, self.library.query(text)))
        return self._marking[1]

    def show_detail(self, note: Note | None) -> None:
        links = self.links.shown(note) if note is not None else ([], [])
        self.query_one(DetailView).show(note, self.marker(), links)
        lower = self.query_one(TabbedContent)
        self.query_one(BibtexView).show(note, visible=lower.active == "tab-bibtex")

    # -- messages from the widgets -----------------------------------------

    @on(YearNavigator.YearChosen)
    def _year_chosen(self, event: YearNavigator.YearChosen) -> None:
        self.filter = replace(self.filter, year=event.year, queue=event.queue)
        if self.ready:
            self.refresh_list()

    @on(OptionList.OptionSelected, "#years")
    def _year_entered(self) -> None:
        self.query_one(PaperList).focus()

    @on(FilterInput.Changed, "#filter")
    def _filter_changed(self, event: FilterInput.Changed) -> None:
        self.filter_typed(event.value)  # applied already, when the box told of it at once

    def filter_typed(self, value: str) -> None:
        """The filter box holds ``value``: list what it finds (once per value)."""
        if value == self.filter.query:
            return
        self.filter = replace(self.filter, query=value)
        if self.ready:
            shown = self.current
            self.refresh_list()
            if self.current is shown:  # else the list's Highlighted message redraws it
                self.show_detail(shown)  # the marks follow the filter text

    @on(FilterInput.Submitted, "#filter")
    @on(FilterInput.Cleared)
    def _filter_done(self) -> None:
        self.query_one(PaperList).focus()

    @on(PaperList.Highlighted)
    def _highlighted(self, event: PaperList.Highlighted) -> None:
        self.show_detail(self.current)

    @on(TabbedContent.TabActivated, "#lower")
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "tab-bibtex":
            self.query_one(BibtexView).draw()

    @on(NoteEditor.Submitted)
    def _note_submitted(self, event: NoteEditor.Submitted) -> None:
        self.note_lines.submitted(event.editor, event.number, event.text)

    @on(NoteEditor.Deleted)
    def _note_deleted(self, event: NoteEditor.Deleted) -> None:
        self.note_lines.deleted(event.editor, event.number)

    @on(NoteEditor.Moved)
    def _note_moved(self, event: NoteEditor.Moved) -> None:
        self.note_lines.moved(event.editor, event.number, event.to)

    @on(NoteEditor.Closed)
    def _notes_closed(self) -> None:
        self.show_detail(self.current)
        self.query_one(PaperList).focus()

    # -- actions on notes (``NoteActions``) --------------------------------

    def action_take_notes(self) -> None:
        """Open the note editor under the selected paper's notes (``n``)."""
        note = self.note_actions.selected()
        if note is None:
            return
        self.query_one(TabbedContent).active = "tab-notes"
        self.query_one(DetailView).take_notes(note)

    def action_undo_note_delete(self) -> None:
        self.note_lines.undo_delete(self.query_one(NoteEditor))

    def action_add(self) -> None:
        self.note_actions.action_add()

    def action_edit(self) -> None:
        self.note_actions.action_edit()

    def action_tags(self) -> None:
        self.marks.tags()

    def action_cycle_status(self) -> None:
        self.marks.status()

    def action_priority(self) -> None:
        self.marks.priority()

    def action_rate(self, stars: int) -> None:
        self.marks.rate(stars)

    def action_toggle_mark(self) -> None:
        self.marks.toggle()

    def action_mark_all(self) -> None:
        self.marks.mark_all()

    def action_stats(self) -> None:
        from papernotes.library.reading_stats import stats_text
        from papernotes.tui.screens.queue_dialogs import StatsScreen

        self.app.push_screen(StatsScreen(stats_text(self.library.notes())))

    def action_link(self) -> None:
        self.note_actions.action_link()

    def action_find_published(self) -> None:
        self.venue_actions.action_find_published(list(self.marks.ready_targets()))

    def action_open_arxiv(self) -> None:
        self.note_actions.action_open_arxiv()

    def action_open_code(self) -> None:
        self.note_actions.action_open_code()

    def action_copy_bibtex(self) -> None:
        self.note_actions.action_copy_bibtex()

    def action_export(self) -> None:
        self.note_actions.action_export()

    def action_delete(self) -> None:
        self.note_actions.action_delete()

    def action_reload(self) -> None:
        self.note_actions.action_reload()

    def action_undo_change(self) -> None:
        self.note_actions.action_undo_change()

    def action_paper_history(self) -> None:
        self.note_actions.action_paper_history()

    # -- view actions: ``MainViewActions`` (``main_view_actions.py``) --------

    def on_resize(self) -> None:
        if self.ready:
            self.show_detail(self.current)
