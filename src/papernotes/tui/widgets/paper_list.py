"""The list of papers: a line-API widget that renders only the rows on screen.

A ``DataTable`` measures every cell of every row when rows change (about a second at
10,000 rows), so the list draws its own lines instead: replacing the rows is a list
assignment, and each refresh formats only the visible rows. Columns are cut and padded
by terminal cells, so Chinese titles (two cells per character) keep the columns aligned.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from operator import indexOf, itemgetter
from typing import overload

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from papernotes.library.paper_rows import ARXIV, KEY, PATH, PRIORITY, STATUS, TITLE, VENUE, YEAR
from papernotes.tui.detail_markdown import Marker

Row = tuple[object, ...]
"""A paper's row (``library/paper_rows.py``): what the list shows, no ``Note``."""

# (header, width) of each column after the title, which takes what is left. When the title
# would get fewer than TITLE_WANTED cells, columns go in this order: the arXiv id, then the
# key, then the venue shrinks to its short name.
FIXED_COLUMNS = (("Venue", 12), ("Year", 4), ("Key", 16), ("arXiv", 10))
LAYOUTS = (
    FIXED_COLUMNS,
    FIXED_COLUMNS[:3],
    FIXED_COLUMNS[:2],
    (("Venue", 6), ("Year", 4)),
)
TITLE_WANTED = 36
MIN_TITLE = 12
GLYPH_HEADER = "   "
"""The glyph column before the title: mark, status, priority (one cell each)."""
PATH_OF = itemgetter(PATH)
MARK_GLYPH = "•"
STATUS_GLYPHS = {"unread": " ", "reading": "◐", "read": "✓"}
PRIORITY_GLYPHS = {"high": "↑", "medium": "→", "low": "↓", "": " "}


def glyphs(row: Row, marked: bool) -> str:
    """The row's glyph column: ``•`` when marked, the status (◐ reading, ✓ read) and the
    priority (↑ high, → medium, ↓ low); blank for unmarked, unread, no priority."""
    mark = MARK_GLYPH if marked else " "
    status, priority = str(row[STATUS]), str(row[PRIORITY])
    return mark + STATUS_GLYPHS.get(status, "?") + PRIORITY_GLYPHS.get(priority, "?")


def fit(text: str, width: int) -> str:
    """``text`` cut or padded to exactly ``width`` terminal cells, with an ellipsis if cut."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


def short_venue(venue: str) -> str:
    """The venue's short name: its first all-capitals word (``ICLR``), else its first word."""
    words = venue.split()
    acronym = next((w for w in words if sum(c.isupper() for c in w) >= 2), "")
    return acronym or (words[0] if words else "")


def layout_for(width: int) -> tuple[tuple[str, int], ...]:
    """The columns after the title for a list ``width`` cells wide: the title gets the space."""
    for columns in LAYOUTS:
        if title_width(width, columns) >= TITLE_WANTED:
            return columns
    return LAYOUTS[-1]


def title_width(width: int, columns: tuple[tuple[str, int], ...]) -> int:
    return width - sum(w for _, w in columns) - len(columns) - 2 - len(GLYPH_HEADER) - 1


def row_cells(row: Row, columns: int = len(FIXED_COLUMNS), short: bool = False) -> tuple[str, ...]:
    """The title and the first ``columns`` other cells (the venue's short name if ``short``)."""
    venue = str(row[VENUE])
    venue = short_venue(venue) if short else venue
    title = " ".join(str(row[TITLE]).split())
    cells = (title, venue, str(row[YEAR]), str(row[KEY]), str(row[ARXIV]))
    return cells[: columns + 1]


class ListedRows(Sequence[Row]):
    """The rows at the positions ``shown`` of every row, in that order, without a list of
    them (making one per keystroke took a tenth of it at 100,000 rows)."""

    __slots__ = ("_every", "_shown")

    def __init__(self, every: Sequence[Row] = (), shown: Sequence[int] = ()) -> None:
        self._every, self._shown = every, shown

    def __len__(self) -> int:
        return len(self._shown)

    @overload
    def __getitem__(self, index: int) -> Row: ...
    @overload
    def __getitem__(self, index: slice) -> list[Row]: ...
    def __getitem__(self, index: int | slice) -> Row | list[Row]:
        if isinstance(index, slice):
            return list(map(self._every.__getitem__, self._shown[index]))
        return self._every[self._shown[index]]

    def __iter__(self) -> Iterator[Row]:
        return map(self._every.__getitem__, self._shown)

    def kept_at(self, before: Sequence[Row], index: int) -> int | None:
        """Where the row listed at ``index`` of ``before`` is listed here (-1: not listed),
        found by its position among every row (a scan of integers, not of paths); None when
        ``before`` lists other rows than these."""
        if not isinstance(before, ListedRows) or before._every is not self._every:
            return None
        try:
            return indexOf(self._shown, before._shown[index])
        except (ValueError, IndexError):
            return -1


def position(rows: Sequence[Row], path: str) -> int:
    """The index of the row at ``path`` in ``rows``, -1 if absent (looked for in C, up to
    the first match: at 100,000 rows a filter keystroke spends a few milliseconds on it)."""
    try:
        return indexOf(map(PATH_OF, rows), path)
    except ValueError:
        return -1


class PaperList(ScrollView, can_focus=True):
    """Papers with a cursor; posts ``Highlighted`` whenever the paper under it changes."""

    COMPONENT_CLASSES = {
        "paper-list--header",
        "paper-list--cursor",
        "paper-list--match",
        "paper-list--marked",
    }
    BINDINGS = [
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "edge(0)", "First", show=False),
        Binding("end", "edge(1)", "Last", show=False),
    ]
    DEFAULT_CSS = """
    PaperList { overflow-x: hidden; }
    PaperList > .paper-list--header { text-style: bold; }
    PaperList > .paper-list--cursor { background: $accent 40%; }
    PaperList:focus > .paper-list--cursor { background: $accent; color: $text; }
    PaperList > .paper-list--match { text-style: bold reverse; }
    PaperList > .paper-list--marked { text-style: bold; color: $warning; }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Highlighted(Message):
        """The paper under the cursor changed (``row`` is None when the list is empty)."""

        def __init__(self, row: Row | None) -> None:
            super().__init__()
            self.row = row

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: Sequence[Row] = ListedRows()
        """The rows listed (``library/paper_rows.py``), in display order."""
        self.marker: Marker | None = None
        """Marks the filter's matches in each title (None: nothing to mark)."""
        self.marked: set[str] = set()
        """Paths of the rows the user marked (space, V): kept across filters and sorts."""
        self._shown: Row | None = None

    @property
    def highlighted(self) -> Row | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    @property
    def highlighted_path(self) -> str | None:
        row = self.highlighted
        return None if row is None else str(row[PATH])

    def set_rows(
        self, rows: Sequence[Row], keep: str | None = None, marker: Marker | None = None
    ) -> None:
        """Show ``rows``, the spans ``marker`` finds in each title marked; the
        cursor stays on the row at path ``keep`` when it is still listed."""
        index = 0 if keep is None else max(0, self._place_of(rows, keep))
        self.rows = rows
        self.marker = marker
        self.virtual_size = Size(self.size.width, len(rows) + 1)
        self.cursor = index
        self.refresh()

    def _place_of(self, rows: Sequence[Row], path: str) -> int:
        """The index of the row at ``path`` in ``rows`` (-1 if absent): at once when it is
        the highlighted row."""
        if path == self.highlighted_path and isinstance(rows, ListedRows):
            kept = rows.kept_at(self.rows, self.cursor)
            if kept is not None:
                return kept
        return position(rows, path)

    def select_path(self, path: str) -> bool:
        index = position(self.rows, path)
        if index < 0:
            return False
        self.cursor = index
        return True

    # -- cursor ------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.rows) - 1))

    def watch_cursor(self, value: int) -> None:
        self._scroll_to_cursor()
        self.refresh()
        row = self.highlighted
        if row is not self._shown:
            self._shown = row
            self.post_message(self.Highlighted(row))

    def _visible_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_to_cursor(self) -> None:
        top, rows = self.scroll_offset.y, self._visible_rows()
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + rows:
            self.scroll_to(y=self.cursor - rows + 1, animate=False, immediate=True)

    def action_move(self, delta: int) -> None:
        self.cursor += delta

    def action_page(self, direction: int) -> None:
        self.cursor += direction * self._visible_rows()

    def action_edge(self, end: int) -> None:
        self.cursor = len(self.rows) - 1 if end else 0

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and offset.y >= 1:
            self.cursor = self.scroll_offset.y + offset.y - 1

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)

    # -- drawing -----------------------------------------------------------

    def title_cells(self) -> int:
        """Cells the title column gets at the list's current width."""
        width = self.scrollable_content_region.width
        return max(MIN_TITLE, title_width(width, layout_for(width)))

    def venue_cells(self) -> int:
        """Cells the venue column gets at the list's current width."""
        return layout_for(self.scrollable_content_region.width)[0][1]

    def shown_columns(self) -> list[str]:
        """The headers drawn at the list's current width (the title first)."""
        return ["Title", *(name for name, _ in layout_for(self.scrollable_content_region.width))]

    def _widths(self, width: int) -> list[int]:
        """The title's cells and each shown column's at ``width``."""
        columns = layout_for(width)
        return [max(MIN_TITLE, title_width(width, columns)), *(w for _, w in columns)]

    def _strip(self, cells: tuple[str, ...], style: Style, width: int, lead: str) -> Strip:
        widths = self._widths(width)
        text = f" {lead} " + " ".join(fit(c, w) for c, w in zip(cells, widths, strict=True))
        strip = Strip([Segment(text, style)], cell_len(text))
        return strip.crop_extend(0, width, style)

    def _marked_strip(self, cells: tuple[str, ...], style: Style, width: int, lead: str) -> Strip:
        """A row whose title has the filter's matches marked (``paper-list--match``), after
        the glyph column ``lead``."""
        widths = self._widths(width)
        spans = self.marker(cells[0]) if self.marker is not None else []
        if not spans:
            return self._strip(cells, style, width, lead)
        title = Text(cells[0], end="")
        mark = self.get_component_rich_style("paper-list--match", partial=True)
        for start, end in spans:
            title.stylize(mark, start, end)
        title.truncate(widths[0], overflow="ellipsis", pad=True)
        rest = " " + " ".join(fit(c, w) for c, w in zip(cells[1:], widths[1:], strict=True))
        segments = [Segment(f" {lead} ", style)]
        segments += [
            Segment(seg.text, style + seg.style if seg.style else style)
            for seg in title.render(self.app.console)
        ]
        segments.append(Segment(rest, style))
        strip = Strip(segments)
        return strip.crop_extend(0, width, style)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            header = base + self.get_component_rich_style("paper-list--header")
            names = ("Title", *(name for name, _ in layout_for(width)))
            return self._strip(names, header, width, GLYPH_HEADER)
        index = self.scroll_offset.y + y - 1
        if index >= len(self.rows):
            return Strip.blank(width, base)
        style = base
        row = self.rows[index]
        marked = row[PATH] in self.marked
        if marked:
            style = base + self.get_component_rich_style("paper-list--marked")
        if index == self.cursor:
            style = style + self.get_component_rich_style("paper-list--cursor")
        columns = layout_for(width)
        cells = row_cells(row, len(columns), short=columns is LAYOUTS[-1])
        return self._marked_strip(cells, style, width, glyphs(row, marked))
