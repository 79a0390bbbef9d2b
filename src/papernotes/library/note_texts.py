"""Each chosen note's text from the text kept per year folder (``library/text_blocks.py``), in
any order and any selection: ``list --json`` with a filter or an order, ``queue --json`` and
``search --json`` write the ``list --json`` item of each paper they print from there (and
``list --format`` reads the fields rows do not hold from it) instead of building every note
and encoding it again (at 100,000 notes 1 to 4.4 s, 214 to 279 MB).

A folder's block holds each of its notes' text and where it starts and ends, in scan order
(its spans); a note's text depends on the note alone, so the text of any note of a folder
made from the scan the rows were chosen from is that note's item. Only the places are held;
the texts are read from the files held open (checked, ``checked_file.CheckedSpan``) as they
are written out, runs of notes that follow each other in a folder's text read at once.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator, Sequence
from itertools import count as count_up
from itertools import repeat
from operator import add
from typing import TYPE_CHECKING

from papernotes.gc_pause import gc_paused
from papernotes.library.list_rows import PATH, Row, listed_rows
from papernotes.library.text_blocks import MAX_READS, KeptOutput, Setup, kept_texts
from papernotes.storage.caches.text_blocks_cache import SPAN_CODE

if TYPE_CHECKING:
    from papernotes.library.api import Library
    from papernotes.library.chosen_blocks import Pick
    from papernotes.model import Problem
    from papernotes.storage.checked_file import CheckedSpan

READ_SHARE = 20
"""Notes read at most to bring the folders' texts up to date: one in this many (reading and
rendering a note costs less than building all of them: the full path)."""

Places = tuple["list[CheckedSpan | _MadeText]", list[int], list[int]]
"""Where each note's text is: its folder's text (held open, or made now), start and end, in
three lists (no object per note)."""


class ChosenTexts:
    """The texts of the notes ``paths`` (in that order) from ``kept`` (every folder's text
    as the scan has it: ``text_blocks.kept_texts``); ``places`` is None when a note has no
    kept text (then the caller builds the notes). ``close`` lets the files go."""

    def __init__(
        self, kept: KeptOutput, paths: Sequence[str] = (), at: list[int] | None = None
    ) -> None:
        """``at``: the notes' places in the scan, instead of their ``paths``."""
        self.kept = kept
        self.places = note_places(kept, paths) if at is None else places_at(kept, at)

    @property
    def empty(self) -> bool:
        """Whether no note is chosen."""
        return self.places is None or not self.places[0]

    def close(self) -> None:
        self.kept.close()

    def items(self) -> Iterator[bytes]:
        """Each note's text, one at a time, in the order asked for."""
        assert self.places is not None
        for source, start, end in zip(*self.places, strict=True):
            yield source.read(start, end)

    def joined(self, joiner: bytes, size: int = 2**20) -> Iterator[bytes]:
        """The texts joined by ``joiner`` in pieces of about ``size`` bytes; a run of notes
        that follow each other in a folder's text (joined there by ``joiner`` too) is read
        in one piece."""
        assert self.places is not None
        gap = len(joiner)
        parts: list[bytes] = []
        held = 0
        run: tuple[CheckedSpan | _MadeText, int, int] | None = None
        for place in zip(*self.places, strict=True):
            if run is not None:
                source, start, end = run
                if place[0] is source and place[1] == end + gap and end - start < size:
                    run = (source, start, place[2])
                    continue
                parts.append(source.read(start, end))
                parts.append(joiner)
                held += end - start + gap
                if held >= size:
                    yield b"".join(parts)
                    parts, held = [], 0
            run = place
        if run is not None:
            parts.append(run[0].read(run[1], run[2]))
        if parts:
            yield b"".join(parts)


def chosen_texts(
    library: Library,
    choose: Callable[[list[Row]], list[Row]],
    variant: str,
    setup: Setup,
    joiner: bytes,
    pick: Pick | None = None,
) -> tuple[list[Problem], list[Row], ChosenTexts] | bool:
    """The problems a load reports, the rows ``choose`` picks of every note's kept row (in
    the library's order) and their notes' texts in ``variant`` from the kept blocks (the
    changed folders made again: ``text_blocks.kept_texts``). With ``pick`` (what ``choose``
    picks, folder by folder), the papers come from each folder's kept picks when they can
    (``chosen_blocks.py``: no row of an unchanged folder loaded) and no row is given.
    Else False when no block is kept at all (a first output: the full path is to keep
    them), True when the rows or blocks cannot serve (caching off, a folder of several
    years…: the full path)."""
    scan = library._scan or library.store.scan()
    library._scan = scan
    placed = None
    if pick is not None:
        from papernotes.library.chosen_blocks import chosen_places

        with gc_paused(freeze=True):
            placed = chosen_places(library, pick)
    chosen: list[Row] = []
    if placed is not None:
        problems, at = placed
    else:
        with gc_paused(freeze=True):  # as for kept_rows: held to the end, never collected
            got = listed_rows(library, scan)
        if got is None:
            return True
        rows, problems = got
        chosen = choose(rows)
        del rows, got
        at = None
    library._scan = scan
    most = max(MAX_READS, len(scan.found) // READ_SHARE)
    kept = kept_texts(library, variant, setup, joiner, most)
    if not isinstance(kept, KeptOutput):
        return kept
    library._listed = problems  # as kept_rows leaves them, for the kept output
    texts = ChosenTexts(kept, [row[PATH] for row in chosen], at)
    if texts.places is None or not library.store.read_as_scanned(scan):
        texts.close()  # (a note saved meanwhile, read for its row and for its text: the
        return True  # full path reads each note once)
    return problems, chosen, texts


def note_places(kept: KeptOutput, paths: Sequence[str]) -> Places | None:
    """Where the text of each of ``paths`` is in ``kept``, in that order; None when one has
    none (no block of its folder, or a note it leaves out). Each folder's spans are laid out
    in the scan's order, so a path's place is found by its index in the scan: arrays, lists
    and ``map`` only, no object made per note but for those chosen (at 100,000 notes the
    entries' tuples and a dictionary of places were 0.1 s more, a number for each note's
    start and end 0.02 s more)."""
    found = kept.found
    with gc_paused():  # a dictionary of every path, none in a cycle
        index = dict(zip(found, count_up()))
        try:
            at = list(map(index.__getitem__, paths))
        except KeyError:  # not in the scan
            return None
    return places_at(kept, at)


def places_at(kept: KeptOutput, at: list[int]) -> Places | None:
    """``note_places`` of the notes at ``at`` in the scan (``kept.found``)."""
    found = kept.found
    if at and not 0 <= min(at) <= max(at) < len(found):
        return None
    spans = array(SPAN_CODE, [-1]) * (2 * len(found))  # each note's start and end
    sources: list[CheckedSpan | _MadeText | None] = [None] * len(found)
    # Few papers chosen (under one in 8): only their folders' spans are laid out (and the
    # folders made again, if changed); else every folder is shown and the set is not worth it.
    few = len(at) < len(found) // 8
    wanted = {found[i].partition("/")[0] for i in at} if few else None
    for year in kept.years:
        if year.spans is None or (wanted is not None and year.folder not in wanted):
            continue
        held, text = year.spans()
        count = year.end - year.start
        if held is None or len(held) != 2 * count:
            return None
        spans[2 * year.start : 2 * year.end] = held
        source = text if not isinstance(text, bytes) else _MadeText(text)
        sources[year.start : year.end] = repeat(source, count)
    with gc_paused():
        chosen = list(map(sources.__getitem__, at))
        if None in chosen:
            return None
        twice = list(map(add, at, at))
        first = list(map(spans.__getitem__, twice))
        if first and min(first) < 0:
            return None
        last = list(map(spans.__getitem__, map(add, twice, repeat(1))))
        return chosen, first, last  # type: ignore[return-value]


class _MadeText:
    """A folder's text made now, read as a kept one is (``CheckedSpan.read``)."""

    def __init__(self, text: bytes) -> None:
        self.text = text

    def read(self, start: int, end: int) -> bytes:
        return self.text[start:end]
