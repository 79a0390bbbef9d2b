"""Following links between papers in the main screen: a click on a linked paper in the
detail view or ``g`` goes to it, ``backspace`` (or ``alt+left``) comes back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from papernotes.library.paper_links import label, linked_from, links_to
from papernotes.library.row_links import RowNames, linking_notes, names_of
from papernotes.model import Note
from papernotes.tui.screens.link_picker import LinkPicker

if TYPE_CHECKING:
    from papernotes.tui.screens.main_screen import MainScreen


class LinkActions:
    """The link history of one screen, and the notes holding links (found once per change of
    the library, so moving the cursor does not scan every note; for the detail view, after
    the screen is drawn, so the first screen does not wait for a scan of every note)."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.history: list[str] = []
        """The papers links were followed from, latest last."""
        self._linking: list[Note] | None = None
        self._generation = 0
        """Counts the library's changes: a scan started before one is not kept."""
        self._scanning = False
        self._names: RowNames | None = None

    def named(self, name: str) -> list[Note]:
        """The notes a link's ``name`` names, from the screen's rows (no full load)."""
        self._names = names_of(self.screen.rows, self._names)
        return self._names.named(name)

    def forget(self) -> None:
        """The library changed: find the notes holding links again when next asked."""
        self._linking = None
        self._generation += 1
        self._scanning = False

    def shown(self, note: Note) -> tuple[list[Note], list[Note]]:
        """``of(note)`` for the detail view, without waiting for a scan of every note: until
        the notes holding links are found (in the background, then the detail is drawn again)
        the papers linking to ``note`` are left out."""
        if self._linking is None:
            self._scan_soon()
            return links_to(self.screen.library, note, self.named), []
        return self.of(note)

    def _scan_soon(self) -> None:
        if not self._scanning:
            self._scanning = True
            self.screen.call_after_refresh(self._start_scan, self._generation)

    def _start_scan(self, generation: int) -> None:
        if generation == self._generation:
            self.screen.run_worker(
                lambda: self._scan(generation),
                group="links",
                exclusive=True,
                exit_on_error=False,
                thread=True,
            )

    def _scan(self, generation: int) -> None:
        """In a worker thread: find the notes holding links (the rows whose text holds
        ``[[``, each read alone), then draw the detail again with the papers linking to it."""
        found = linking_notes(self.screen.rows)
        self.screen.app.call_from_thread(self._scanned, generation, found)

    def _scanned(self, generation: int, found: list[Note]) -> None:
        if generation == self._generation:  # else the library changed: a later scan finds them
            self._linking = found
            self.screen.show_detail(self.screen.current)

    def of(self, note: Note) -> tuple[list[Note], list[Note]]:
        """The papers ``note`` links to, and those that link to it."""
        library = self.screen.library
        if self._linking is None:
            self._linking = linking_notes(self.screen.rows)
        return links_to(library, note, self.named), linked_from(
            library, note, self._linking, self.named
        )

    def follow(self, path: str) -> None:
        """Go to the linked paper at ``path``, remembering where from."""
        current = self.screen.current
        if current is not None and current.path != path:
            self.history.append(current.path)
        self.screen.open_paper(path)

    def choose(self) -> None:
        """``g``: go to the one linked paper, or pick among several."""
        note = self.screen.current
        if note is None:
            return
        out, into = self.of(note)
        choices = [(f"→ {label(n)}  {n.paper.title}", n.path) for n in out]
        choices += [(f"← {label(n)}  {n.paper.title}", n.path) for n in into]
        if not choices:
            self.screen.notify("This paper has no links: write [[key]] in a note to link one.")
        elif len(choices) == 1:
            self.follow(choices[0][1])
        else:
            self.screen.app.push_screen(
                LinkPicker(choices), lambda path: self.follow(path) if path else None
            )

    def back(self) -> None:
        """Back to the paper the last followed link came from (skipping removed ones)."""
        while self.history:
            path = self.history.pop()
            if self.screen.rows.position(path) >= 0:
                self.screen.open_paper(path)
                return
        self.screen.notify("No link to go back along.")
