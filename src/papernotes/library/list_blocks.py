"""The default ``list`` (no filter, order or output option) from the text kept per year folder
(``storage/caches/list_blocks_cache.py``): after an edit only the edited year's rows are
loaded, ordered and rendered, and the other years' text is printed as it was kept.

The library's order sorts by paper year first, so when each year folder holds the papers of
one year, and no two folders the same year, the whole text is each folder's text (its rows
ordered alone: ``order.ranked``) joined newest year first. A folder's text depends on its
rows, the document order (kept as a digest of it) and the name column (the widest name of
*all* rows): a block is used only when the three are as they were, and every folder whose
text cannot be used has its rows loaded (``storage/block_listing.py``) and is rendered
again. Whenever the result could differ from the full path's (``list_rows.listed_rows``) —
``document.yaml`` that does not read, a folder holding papers of several years, two folders
of one year, many rows missing — it gives up and ``list`` takes the full path.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import compress, count
from operator import itemgetter
from typing import TYPE_CHECKING

from papernotes.blake2 import blake2b
from papernotes.errors import FileFormatError
from papernotes.library.list_rows import PATH, WIDTH, YEAR, added_and_folded_title, list_row
from papernotes.library.order import document_ranks, ranked
from papernotes.model import Problem
from papernotes.storage.block_listing import BlocksLoad, blocks_load

if TYPE_CHECKING:
    from papernotes.library.api import Library
    from papernotes.storage.caches.list_blocks_cache import YearBlock

Row = tuple[object, ...]
_first = itemgetter(0)
Render = Callable[[list[Row], int], str]
"""The text of rows (ordered) with the name column this wide: their lines joined."""


def order_digest(order: Sequence[str]) -> bytes | None:
    """A digest of the document order; None when an entry holds a NUL (not told apart)."""
    try:
        joined = "\0".join(order)
    except TypeError:
        return None
    if joined.count("\0") != max(len(order) - 1, 0):
        return None
    return blake2b(joined.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def order_and_digest(library: Library) -> tuple[Sequence[str], bytes | None]:
    """The document order and a digest naming it (what a kept block was made with): the
    digest of ``document.yaml``'s bytes the store holds (nothing to work out: 100,000
    paths took 10 ms to hash), else ``order_digest``; ``FileFormatError`` as
    ``Library.layout``."""
    layout, key = library.store.keyed_layout()
    return layout.order, key if key is not None else order_digest(layout.order)


def folders_load(
    library: Library, variant: str, summaries: bool = False
) -> tuple[BlocksLoad, Sequence[str], bytes | None] | None:
    """The year folders' kept blocks (or ``summaries``) checked against a scan, and the
    document order and its digest (``order_and_digest``); None when the notes are held
    already, nothing is kept, or ``document.yaml`` does not read (the full path reports
    it)."""
    if library._notes is not None:
        return None
    scan = library._scan or library.store.scan()
    load = blocks_load(library.store, scan, variant, summaries=summaries)
    if load is None:
        return None
    try:
        return load, *order_and_digest(library)
    except FileFormatError:
        return None


def blocks_text(library: Library, render: Render, variant: str) -> str | None:
    """What the default ``list`` prints (``render``ed rows of every note, the library's order),
    from the kept blocks where a folder did not change; None to take the full path. The
    problems go where ``kept_rows`` puts them (``Library._listed``)."""
    loaded = folders_load(library, variant)
    if loaded is None:
        return None
    load, order, digest = loaded
    if digest is None:
        return None
    made = _Made(load, order)
    kept = {year: b for year, b in load.kept.items() if b.order == digest}
    if any(len(b.years) > 1 for b in kept.values()):
        return None  # a folder holding papers of other years: ordered among them
    if not made.add([year for year, _, _ in load.groups if year not in kept]):
        return None
    mixed = [year for year in made.rows if len(made.years[year]) > 1]
    if mixed:  # as above; kept so that the next list knows at once
        load.keep({year: made.block(year, digest, 0, "") for year in mixed})
        return None
    column = max([b.widest for b in kept.values()] + list(made.widest.values()), default=0)
    other_column = [year for year, b in kept.items() if b.years and b.column != column]
    if not made.add(other_column):
        return None
    blocks = {year: kept[year] for year in kept.keys() - made.rows.keys()}
    for year, (rows, _) in made.rows.items():
        blocks[year] = made.block(year, digest, column, render(rows, column) if rows else "")
    shown = sorted(((b.years[0], b.text) for b in blocks.values() if b.years), key=_first)
    if len({year for year, _ in shown}) < len(shown):
        return None  # two folders of one year: their papers ordered together
    unread = [Problem(*p) for year, _, _ in load.groups for p in blocks[year].problems]
    load.finish({year: blocks[year] for year in made.rows}, unread)
    library._listed = load.scan.problems + unread
    library._scan = None
    return "\n".join(text for _, text in reversed(shown))


class _Made:
    """The folders whose text is made now: their rows in order, problems, widest name and
    paper years."""

    def __init__(self, load: BlocksLoad, order: Sequence[str]) -> None:
        self.load, self.order = load, order
        self.rows: dict[str, tuple[list[Row], list[Problem]]] = {}
        self.widest: dict[str, int] = {}
        self.years: dict[str, tuple[int, ...]] = {}

    def add(self, years: list[str]) -> bool:
        """Load and order the rows of the folders ``years``; False when too many are missing
        (the full path loads every note instead)."""
        if not years:
            return True
        got = self.load.rows(years, list_row)
        if got is None:
            return False
        path, year = itemgetter(PATH), itemgetter(YEAR)
        rank = self.ranks([row[PATH] for rows, _ in got.values() for row in rows])
        for folder, (rows, problems) in got.items():
            rows = ranked(rows, rank, path, year, added_and_folded_title)
            self.rows[folder] = rows, problems
            self.widest[folder] = max(map(itemgetter(WIDTH), rows), default=0)
            self.years[folder] = tuple(sorted(set(map(year, rows))))
        return True

    def ranks(self, paths: list[str]) -> dict[str, int]:
        """The document's ranks (``order.document_ranks``) of ``paths``, which are all the
        rows ask for: a dictionary of those alone when they are few (one folder: a few
        thousand, the document's paths compared in C), of the whole document else."""
        if len(paths) > len(self.order) // 4:
            return document_ranks(self.order)
        wanted, order = set(paths), self.order
        return {order[i]: i for i in compress(count(), map(wanted.__contains__, order))}

    def block(self, folder: str, order: bytes, column: int, text: str) -> YearBlock:
        """The block of ``folder``, made now: ``text`` rendered with ``column``."""
        problems = self.rows[folder][1]
        widest, years = self.widest[folder], self.years[folder]
        return self.load.block(folder, order, column, widest, years, problems, text)
