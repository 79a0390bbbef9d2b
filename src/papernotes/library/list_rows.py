"""``list`` from kept rows: each note's row holds what ``list`` orders, filters and prints by,
so after an edit ``list`` reads rows (``storage/caches/list_rows_cache.py``) instead of
building every note, and only the changed notes are parsed.

A row is ``(stat key, path, year, added, title, name, name width, shown title, venue, key,
tags, status, priority, rating, read_on, arxiv, digest)`` (the last two for the TUI's rows,
``library/paper_rows.py``): the name (key, else slug), shown title and venue
with their control characters made visible (the shown title is the title itself when it has
none: one string, written once). The filters and orders here give what
``Library.select`` and ``reading_queue.filtered_notes``/``sorted_notes`` give for the same
notes (``tests/storage/test_list_rows_cache.py`` compares every option with a run without
caches).

Here too are the outputs kept per state of the folder (``Library.cached_output``,
``storage/caches/list_output_cache.py``): ``list``'s printed text, and the same way the name
index, BibTeX export and completions, given back without a note being read while no note
file and no ``document.yaml`` changed. Both work on a ``Library``'s held listing (``_scan``)
and the problems of its last ``list_rows()`` (``_listed``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import compress
from operator import itemgetter, neg
from sys import intern
from typing import TYPE_CHECKING, Any

from papernotes.errors import FileFormatError
from papernotes.library.order import ordered
from papernotes.library.reading_queue import QUEUE_STATUSES, descending_day, priority_rank
from papernotes.model import Note, Problem
from papernotes.text.columns import display_width
from papernotes.text.controls import visible_controls

if TYPE_CHECKING:
    from papernotes.library.api import Library
    from papernotes.storage.store import Scan

Row = tuple[Any, ...]
STAT, PATH, YEAR, ADDED, RAW_TITLE, NAME, WIDTH, TITLE, VENUE = range(9)
KEY, TAGS, STATUS, PRIORITY, RATING, READ_ON, ARXIV, DIGEST = range(9, 17)


def list_row(note: Note) -> tuple[Any, ...]:
    """The row of ``note`` without its stat key (the store puts that first)."""
    paper = note.paper
    name = visible_controls(paper.key or note.slug)
    return (  # values many notes share interned: one string each, kept once and loaded once
        note.path,
        paper.year,
        intern(paper.added),
        paper.title,
        name,
        display_width(name),
        visible_controls(paper.title),
        intern(visible_controls(paper.venue)),
        paper.key,
        tuple(map(intern, paper.tags)),
        intern(paper.status),
        intern(paper.priority),
        paper.rating,
        intern(paper.read_on),
        paper.arxiv,
        note.digest,
    )


def rows_of(notes: Iterable[Note]) -> list[Row]:
    """The rows of ``notes`` (no stat key: ``b""``), for printing notes held in memory."""
    return [(b"", *list_row(note)) for note in notes]


def listed_rows(library: Library, scan: Any) -> tuple[list[Row], list[Problem]] | None:
    """Every note's row in the library's order (``Library.notes``'s: each year folder's kept
    order where it can, ``kept_order.py``) and the problems a load gives; None when rows are
    not kept."""
    from papernotes.library.kept_order import folder_ordered

    got = library.store.list_rows(scan, list_row)
    if got is None:
        return None
    rows, problems, folders = got
    key: bytes | None = None
    try:
        layout, key = library.store.keyed_layout()
        order: Sequence[str] = layout.order
    except FileFormatError as exc:  # as Library._load: ordered without the document's order
        order = ()
        problems = [Problem(exc.path, exc.line, exc.message), *problems]
    kept = folder_ordered(library.store, rows, folders, order, key)
    if kept is not None:
        return kept, problems
    return ordered(rows, order, itemgetter(PATH), itemgetter(YEAR), added_and_folded_title), (
        problems
    )


def added_and_folded_title(row: Row) -> tuple[str, str]:
    """What orders rows the document does not order (as ``order.in_order``'s for notes)."""
    return row[ADDED], row[RAW_TITLE].casefold()


def selected_rows(
    rows: list[Row], year: int | None, tag: str | None, fold: Callable[[str], str] | None
) -> list[Row]:
    """The rows of ``year`` tagged ``tag`` compared folded, as ``Library.select``."""
    if year is not None:
        rows = [r for r in rows if r[YEAR] == year]
    if not tag or fold is None:
        return rows
    wanted = fold(tag)
    tags_of = list(map(itemgetter(TAGS), rows))
    # Each set of tags once (a year file holds one tuple per set): no call per row.
    tagged = {tags: any(wanted == fold(t) for t in tags) for tags in set(tags_of)}
    return list(compress(rows, map(tagged.__getitem__, tags_of)))


def filtered_rows(
    rows: Iterable[Row], statuses: Iterable[str], priorities: Iterable[str], rating_min: int
) -> list[Row]:
    """As ``reading_queue.filtered_notes``."""
    wanted_status = set(statuses)
    wanted_priority = {"" if p == "none" else p for p in priorities}
    return [
        r
        for r in rows
        if (not wanted_status or r[STATUS] in wanted_status)
        and (not wanted_priority or r[PRIORITY] in wanted_priority)
        and r[RATING] >= rating_min
    ]


_SORTS: dict[str, tuple[int, Callable[[Any], Any] | None, bool]] = {
    "year": (YEAR, neg, False),
    "added": (ADDED, descending_day, True),
    "title": (RAW_TITLE, str.casefold, False),
    "priority": (PRIORITY, priority_rank, True),
    "rating": (RATING, neg, True),
    "read_on": (READ_ON, descending_day, True),
}
"""As ``reading_queue._SORT_KEYS``: the field, the key made of it, and whether rows without
the value come last."""


def sorted_rows(rows: Iterable[Row], by: str, reverse: bool = False) -> list[Row]:
    """As ``reading_queue.sorted_notes``."""
    index, make_key, valued_only = _SORTS[by]
    rows = list(rows)
    valued = [r for r in rows if r[index]] if valued_only else rows
    missing = [r for r in rows if not r[index]] if valued_only else []
    field = itemgetter(index)
    days_alike = make_key is descending_day and len(set(map(len, map(field, valued)))) < 2
    if make_key is neg or days_alike:
        # The same order, compared in C: turned around, a number's key or a day's (all of
        # one length) is the field itself, and a sort turned around keeps ties in order.
        valued.sort(key=field, reverse=not reverse)
        return valued + missing
    key = field if make_key is None else (lambda r: make_key(field(r)))
    valued.sort(key=key, reverse=reverse)
    return valued + missing


def sort_key(by: str) -> Callable[[Row], tuple[Any, ...]]:
    """What places a row in ``sorted_rows(rows, by)`` (not reversed): its key, and the rows
    without the value after all others (when they come last)."""
    index, make_key, valued_only = _SORTS[by]

    def key(row: Row) -> tuple[Any, ...]:
        value = row[index]
        if valued_only and not value:
            return (1,)
        return (0, value if make_key is None else make_key(value))

    return key


def narrowed(
    statuses: Iterable[str], priorities: Iterable[str], rating_min: int | None, sort: str | None
) -> bool:
    """Whether ``chosen_rows`` filters by status, priority and rating (``filtered_rows``)."""
    return bool(statuses or priorities or rating_min or sort)


def chosen_rows(  # noqa: PLR0913 - list's options, one each
    rows: list[Row],
    year: int | None,
    tag: str | None,
    fold: Callable[[str], str] | None,
    statuses: Iterable[str],
    priorities: Iterable[str],
    rating_min: int | None,
    sort: str | None,
    reverse: bool,
) -> list[Row]:
    """The rows ``list`` prints with these options, in its order (as ``list`` from notes:
    ``Library.select``, then ``filtered_notes`` and ``sorted_notes`` when asked)."""
    rows = selected_rows(rows, year, tag, fold)
    if narrowed(statuses, priorities, rating_min, sort) or reverse:
        rows = filtered_rows(rows, statuses, priorities, rating_min or 0)
        if sort or reverse:
            rows = sorted_rows(rows, sort or "year", reverse)
    return rows


def queue_rows(rows: Iterable[Row]) -> list[Row]:
    """As ``reading_queue.queue_notes``: unread and reading papers, reading first, then by
    priority, then oldest added (none last), then by title; ``queue`` from the kept rows."""
    waiting = [r for r in rows if r[STATUS] in QUEUE_STATUSES]
    # The same order as one sort by that tuple, in stable sorts from the last part to the
    # first, each by a key C compares fast (70,000 rows at 100,000 notes).
    waiting.sort(key=lambda r: r[RAW_TITLE].casefold())
    waiting.sort(key=itemgetter(ADDED))
    status = {name: rank * 64 for rank, name in enumerate(QUEUE_STATUSES)}
    first = {p: priority_rank(p) * 2 for p in {r[PRIORITY] for r in waiting}}  # a few values
    waiting.sort(key=lambda r: status[r[STATUS]] + first[r[PRIORITY]] + (not r[ADDED]))
    return waiting


QuickOutput = Callable[["Scan", bytes], tuple[list[Problem], str, bool] | None]
"""Makes a kept output from the folder's listing and state without loading the notes."""


def cached_output(
    library: Library, name: str, make: Callable[[], str | None], quick: QuickOutput | None = None
) -> tuple[list[Problem], str]:
    """``make()`` (text worked out from the notes) and the problems of the load it read,
    kept per state of the folder: while no note file and no ``document.yaml`` changed,
    the same ``name`` gets them back without a note being read. ``quick(scan, state)``,
    tried first when nothing is kept, may give the same without loading the notes: their
    problems, the text, and whether it may be kept for ``state``; None to load them.
    ``make()`` gives None when it wrote a text too long to keep itself: then nothing is
    kept and the text is empty."""
    problems, text, _ = output_and_state(library, name, make, quick)
    return problems, text


def output_and_state(
    library: Library, name: str, make: Callable[[], str | None], quick: QuickOutput | None = None
) -> tuple[list[Problem], str, bytes | None]:
    """``cached_output``, and the folder state the output is kept for (None: not kept)."""
    store = library.store
    outputs = store.list_output_cache()
    library._listed = None
    if outputs.folder is not None and library._notes is None:
        scan = store.scan()
        state = store.state(scan)
        kept = outputs.read(name, state) if state is not None else None
        if kept is not None:
            return *kept, state
        made = quick(scan, state) if quick is not None and state is not None else None
        if made is not None:
            problems, text, settled = made
            if settled and state is not None and outputs.write(name, state, problems, text):
                return problems, text, state
            return problems, text, None
        library._scan = scan  # make() reads the notes: from this listing, not a second one
    try:
        made_text = make()
    finally:
        library._scan = None
    if library._notes is None and library._listed is not None:  # make() read list_rows()
        problems = list(library._listed)
    else:
        problems = library.problems()
    if made_text is None:  # written already, too long to keep
        return problems, "", None
    text = made_text
    loaded = store.loaded_state()  # None if a file was too fresh or unreadable
    if loaded is not None and outputs.write(name, loaded, problems, text):
        return problems, text, loaded
    return problems, text, None


def kept_rows(library: Library) -> list[tuple[object, ...]] | None:
    """Every note's ``list`` row in the library's order, from the kept rows where a file
    did not change (``library/list_rows.py``); None when rows are not kept or the notes
    are in memory already (use ``notes()``)."""
    if library._notes is not None:
        return None
    got = listed_rows(library, library._scan)
    if got is None:
        return None
    library._scan = None
    rows, library._listed = got
    return rows
