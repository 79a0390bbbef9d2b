"""The main screen's view keys: focus, filter, sort, panes, the list/notes split, following
links, help and quit (``MainScreen``'s base class; the screen keeps the state they use)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from textual.actions import SkipAction
from textual.screen import Screen
from textual.widgets import Input, TabbedContent, TextArea

from papernotes.tui.paper_filter import SORT_LABELS, PaperFilter
from papernotes.tui.widgets.detail_view import DetailView
from papernotes.tui.widgets.filter_bar import FilterInput
from papernotes.tui.widgets.paper_list import PaperList
from papernotes.tui.widgets.year_nav import YearNavigator

if TYPE_CHECKING:
    from papernotes.tui.screens.link_actions import LinkActions
    from papernotes.tui.screens.mark_actions import MarkActions

SPLIT_STEPS = 10
"""The list and the lower pane share the height in tenths; ``-`` and ``+`` move the split."""


class MainViewActions(Screen[None]):
    """The ``action_*`` methods of ``MainScreen`` that change only what is shown."""

    if TYPE_CHECKING:  # MainScreen's, which these actions use
        filter: PaperFilter
        ready: bool
        split: int
        marks: MarkActions
        links: LinkActions

        def refresh_years(self) -> None: ...
        def refresh_list(self, keep: str | None = None) -> None: ...

    def action_focus_years(self) -> None:
        self.query_one(YearNavigator).focus()

    def action_focus_filter(self) -> None:
        """/ (a priority binding): focus the filter and select its text at once, so keys typed
        right after it go into the filter (``Widget.focus`` only schedules the focus, and the
        list would run them as its commands). In a text field ``/`` is typed as text."""
        if isinstance(self.focused, (Input, TextArea)):
            raise SkipAction()
        filter_input = self.query_one("#filter", FilterInput)
        self.set_focus(filter_input)
        filter_input.select_all()

    def action_clear_filter(self) -> None:
        """Esc: clear the marks if there are any, else the filter text."""
        if self.marks.clear():
            return
        filter_input = self.query_one("#filter", FilterInput)
        if filter_input.value:
            filter_input.value = ""
        self.query_one(PaperList).focus()

    def open_paper(self, path: str) -> None:
        """Put the cursor on the paper at ``path`` (the palette's paper hits), clearing the
        year and the filter text when they hide it."""
        papers = self.query_one(PaperList)
        if not papers.select_path(path):
            self.filter = replace(self.filter, year=None, query="", queue=False)
            self.query_one("#filter", FilterInput).value = ""
            self.refresh_years()
            self.refresh_list(keep=path)
        papers.focus()

    def action_follow_link(self, index: int) -> None:
        """A click on a paper in the detail view's links lines."""
        targets = self.query_one(DetailView).link_targets
        if 0 <= index < len(targets):
            self.links.follow(targets[index])

    def action_follow_links(self) -> None:
        self.links.choose()

    def action_link_back(self) -> None:
        self.links.back()

    def action_cycle_sort(self) -> None:
        self.filter = self.filter.next_sort()
        if self.ready:
            self.refresh_list()
        self.notify(f"Sorted by {SORT_LABELS[self.filter.sort]}.", timeout=2)

    def action_toggle_bibtex(self) -> None:
        lower = self.query_one(TabbedContent)
        lower.active = "tab-notes" if lower.active == "tab-bibtex" else "tab-bibtex"

    def action_maximise(self) -> None:
        """Show only the notes/BibTeX pane (``z``), or restore the layout."""
        self.toggle_class("-maximised")

    def action_toggle_years(self) -> None:
        self.toggle_class("-no-years")
        if self.has_class("-no-years") and self.query_one(YearNavigator).has_focus:
            self.query_one(PaperList).focus()

    def action_move_split(self, delta: int) -> None:
        self.split = max(2, min(SPLIT_STEPS - 2, self.split + delta))
        self._apply_split()

    def _apply_split(self) -> None:
        self.query_one(PaperList).styles.height = f"{self.split}fr"
        self.query_one(TabbedContent).styles.height = f"{SPLIT_STEPS - self.split}fr"

    def action_help(self) -> None:
        from papernotes.tui.screens.help_screen import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_quit(self) -> None:
        self.app.exit()
