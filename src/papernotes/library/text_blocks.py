"""``list --json`` and ``export --md`` of every paper from the text kept per year folder
(``storage/caches/text_blocks_cache.py``): after an edit only the edited folder's changed
notes are read and rendered, and the other folders' text is written out as it was kept, in
pieces (never whole: 120 MB of JSON at 100,000 notes), as UTF-8 bytes.

Both outputs are their notes' texts in the library's order, which sorts by paper year first:
when each year folder holds the papers of one year, and no two folders the same year, the
output is each folder's notes ordered alone (``order.ranked``) and joined, newest year first.
A note's text depends on the note alone (``list --json``) or on the note and the publish
profile (``export --md``; a note holding a ``[[link]]`` depends on the papers it names: such
notes are never kept, see ``markdown_blocks.py``). So a kept block is used whole when its
folder's paths and stat keys are the scan's and the document order (a digest) and style are
as they were; in another folder each note whose stat key is the kept one gives its kept text
and the others are read and rendered. Whenever the result could differ from the full path's
— ``document.yaml`` that does not read, a folder holding papers of several years, two
folders of one year, more than ``MAX_READS`` notes to read — it gives up (None) and the
command takes the full path, which keeps the blocks anew (``BlocksKeeper``).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from itertools import compress, count
from operator import itemgetter
from typing import TYPE_CHECKING

from papernotes.errors import FileFormatError
from papernotes.library.list_blocks import order_digest
from papernotes.library.order import document_ranks, ranked
from papernotes.library.text_block_entries import MadeNote, joined_entries, span_array
from papernotes.model import Note, Problem
from papernotes.storage.caches.text_blocks_cache import BlockEntry, TextBlock
from papernotes.storage.note_format import NoteFormatError
from papernotes.storage.text_block_load import TextBlocksLoad, text_blocks_load

if TYPE_CHECKING:
    from papernotes.library.api import Library
    from papernotes.model import DocumentLayout
    from papernotes.storage.checked_file import CheckedSpan

MAX_READS = 200
"""Notes read at most; past that the full path (through the note cache) costs less."""
Render = Callable[[Note], str | None]
"""A note's text in the output; None when the output leaves it out. Raises ``NotKept`` when
its text depends on more than the note (a ``[[link]]``): then the full path is taken."""
_Plan = tuple[str, int, int, "TextBlock | None", "CheckedSpan | None", dict[str, BlockEntry]]
"""A folder, where its notes are in the scan, its block when used whole, its kept text, and
its kept entries (when made again)."""


class NotKept(Exception):
    """A note whose text cannot be kept alone: the kept blocks give up."""


NoteSpans = Callable[[], "tuple[array[int] | None, CheckedSpan | bytes]"]
"""Where each of a folder's notes (in the scan's order) has its text (``TextBlock.spans``;
None when the kept ones do not fit the scan) and the text (held open, or made now), for one
note's text at a time (``library/note_texts.py``)."""


class YearText:
    """One year folder's part of the output: its paper ``year``, how many notes it shows
    (``shown``), its text in pieces (``pieces``, read or made when asked for), its
    ``folder``, where its notes are in the scan (``start:end``) and where each one's text is
    (``spans``)."""

    def __init__(  # noqa: PLR0913 - one parameter per part
        self,
        year: int,
        shown: int,
        pieces: Callable[[], Iterator[bytes]],
        folder: str = "",
        where: tuple[int, int] = (0, 0),
        spans: NoteSpans | None = None,
    ) -> None:
        self.year, self.shown, self.pieces = year, shown, pieces
        self.folder, (self.start, self.end), self.spans = folder, where, spans


class KeptOutput:
    """An output from the kept blocks: the problems a load would give, the document's layout,
    the text of each year folder that shows a note, newest year first, and the paths of the
    scan it was made from (``found``)."""

    def __init__(
        self,
        problems: list[Problem],
        layout: DocumentLayout,
        years: list[YearText],
        spans: list[CheckedSpan],
        found: list[str],
    ) -> None:
        self.problems, self.layout, self.years = problems, layout, years
        self._spans, self.found = spans, found

    def close(self) -> None:
        """Close the kept texts not written out (none shown, or an output stopped half way)."""
        for span in self._spans:
            span.close()


Setup = Callable[["DocumentLayout"], "tuple[str, Render] | None"]
"""The style of an output and how a note is rendered in it, for a document's layout; None
when the output cannot come from kept blocks."""


def kept_output(library: Library, variant: str, setup: Setup, joiner: bytes) -> KeptOutput | None:
    """The output ``variant`` (``json``, ``md``) of every note from the kept blocks where a
    folder did not change (``setup`` gives its style and how a note is rendered, ``joiner``
    joins the texts of a folder's notes); None to take the full path (then the library
    loads the notes from the same scan). Every kept text is checked before anything is
    given, so the output is never stopped half way by a damaged file."""
    got = kept_texts(library, variant, setup, joiner)
    return got if isinstance(got, KeptOutput) else None


def kept_texts(
    library: Library, variant: str, setup: Setup, joiner: bytes, max_reads: int = MAX_READS
) -> KeptOutput | bool:
    """``kept_output``, reading at most ``max_reads`` notes; instead of None, False when no
    folder's block is kept or more than ``max_reads`` notes changed since (the full path is
    to keep them again), True when it gave up for another reason."""
    if library._notes is not None:
        return True
    scan = library._scan or library.store.scan()
    library._scan = scan
    load = text_blocks_load(library.store, scan, variant)
    if load is None:
        return True
    try:
        layout, key = library.store.keyed_layout()
    except FileFormatError:  # reported by the full path
        return True
    digest = key if key is not None else order_digest(layout.order)  # as order_and_digest
    how = setup(layout)
    if digest is None or how is None:
        return True
    folders = _Folders(load, layout.order, digest, *how, joiner, max_reads)
    try:
        got = folders.made()
    except NotKept:
        got = None
    years = got[0] if got is not None else []
    if got is None or len({y.year for y in years}) < len(years):
        folders.close()  # two folders of one year: their papers ordered together
        return not folders.stale
    unread = got[1]
    load.finish(unread)
    library._listed = scan.problems + unread
    library._scan = None
    years.sort(key=lambda y: y.year, reverse=True)
    shown = [y for y in years if y.shown]
    return KeptOutput(scan.problems + unread, layout, shown, folders.spans, scan.found)


class _Folders:
    """The year folders of one output: kept, or made again from their kept entries and the
    notes read now."""

    def __init__(  # noqa: PLR0913
        self,
        load: TextBlocksLoad,
        order: Sequence[str],
        digest: bytes,
        style: str,
        render: Render,
        joiner: bytes,
        max_reads: int = MAX_READS,
    ) -> None:
        self.load, self.order, self.digest, self.style = load, order, digest, style
        self.render, self.joiner, self.max_reads = render, joiner, max_reads
        self.spans: list[CheckedSpan] = []
        self.stale = False
        """Set when no folder's block is kept, or too many notes changed since."""

    def close(self) -> None:
        for span in self.spans:
            span.close()

    def made(self) -> tuple[list[YearText], list[Problem]] | None:
        """Each folder's part and the problems of the notes that do not parse (scan order);
        None to give up. The notes to read are counted before any is read."""
        years: list[YearText] = []
        unread: list[Problem] = []
        plans: list[_Plan] = []
        cache, variant = self.load.cache, self.load.variant
        found, keys = self.load.scan.found, self.load.keys
        reads = 0
        for folder, start, end in self.load.groups:
            paths, joined = self.load.files(start, end)
            block = self.load.block(folder)
            if block is not None and block.style != self.style:
                block = None
            span = cache.text(folder, variant, block) if block is not None else None
            if span is None:
                block = None  # no block, or its text does not read: its notes are read again
            else:
                self.spans.append(span)
            same = block is not None and block.paths == paths and block.keys == joined
            if block is not None and span is not None and same and block.order == self.digest:
                if len(block.years) > 1:
                    return None  # a folder holding papers of other years
                plans.append((folder, start, end, block, span, {}))
                continue
            old = block.entry_map() if block is not None else {}
            reads += sum(
                1
                for rel, key in zip(found[start:end], keys[start:end], strict=True)
                if (entry := old.get(rel)) is None or entry[0] != key
            )
            if reads > self.max_reads:
                self.stale = True
                return None
            plans.append((folder, start, end, None, span, old))
        cache.save_intact()
        if not any(span is not None for _, _, _, _, span, _ in plans):
            self.stale = True  # a first output: the full path, through the note cache
            return None
        for folder, start, end, kept, span, old in plans:
            if kept is not None:
                assert span is not None
                unread += [Problem(*p) for p in kept.problems]
                if kept.years:
                    spans = partial(_kept_spans, kept, end - start, span)
                    where = (start, end)
                    years.append(
                        YearText(kept.years[0], kept.shown, span.pieces, folder, where, spans)
                    )
                continue
            part = self.remake(folder, start, end, old, span)
            if part is None:
                return None
            problems, year = part
            unread += problems
            if year is not None:
                years.append(year)
        return years, unread

    def remake(
        self,
        folder: str,
        start: int,
        end: int,
        old: dict[str, BlockEntry],
        span: CheckedSpan | None,
    ) -> tuple[list[Problem], YearText | None] | None:
        """The problems and part of a folder made again: the notes whose stat key is the
        kept one (in ``old``) keep their text (in ``span``), the others are read and
        rendered; None to give up."""
        found, keys = self.load.scan.found, self.load.keys
        made: list[MadeNote] = []
        problems: list[Problem] = []
        reused = False
        for index in range(start, end):
            rel, key = found[index], keys[index]
            entry = old.get(rel)
            if entry is not None and entry[0] == key:
                made.append((rel, key, entry[1], entry[2], entry[3], _slice(entry)))
                reused = True
                continue
            try:
                note = self.load.read(index)
            except NoteFormatError as exc:
                problems.append(Problem(rel, exc.line, exc.message))
                continue
            except OSError:
                return None  # gone or unreadable: the full path says so
            paper = note.paper
            text = _encoded(self.render(note))
            made.append((rel, key, paper.year, paper.added, paper.title, text))
        years = sorted({m[2] for m in made})
        if len(years) > 1:
            return None
        if span is not None and not reused:
            span.close()
        if not years:
            self._keep(folder, start, end, [], problems, b"")
            return problems, None
        ordered = ranked(made, self._ranks(made), itemgetter(0), itemgetter(2), _added_and_title)
        shown = sum(1 for m in ordered if m[5] is not None)
        old_span = span if reused else None
        kept: list[tuple[bytes, bytes]] = []

        def made_text() -> tuple[bytes, bytes]:  # made and kept once, when first asked for
            if not kept:
                old_text = b"".join(old_span.pieces()) if old_span is not None else b""
                kept.append(self._keep(folder, start, end, ordered, problems, old_text))
            return kept[0]

        def pieces() -> Iterator[bytes]:
            yield made_text()[0]

        def spans() -> tuple[array[int], bytes]:
            whole, spans = made_text()
            return span_array(spans), whole

        return problems, YearText(years[0], shown, pieces, folder, (start, end), spans)

    def _ranks(self, made: list[MadeNote]) -> dict[str, int]:
        """The document's ranks (``order.document_ranks``) of the notes ``made``: a
        dictionary of those alone when they are few, of the whole document else."""
        if len(made) > len(self.order) // 4:
            return document_ranks(self.order)
        wanted, order = {m[0] for m in made}, self.order
        return {order[i]: i for i in compress(count(), map(wanted.__contains__, order))}

    def _keep(  # noqa: PLR0913
        self,
        folder: str,
        start: int,
        end: int,
        ordered: list[MadeNote],
        problems: list[Problem],
        old_text: bytes,
    ) -> tuple[bytes, bytes]:
        """The text and spans (``TextBlock.spans``) of the notes ``ordered`` (a kept text: a
        slice of ``old_text``), kept with its block (a note changed too recently kept as one
        to read again)."""
        notes = [
            (rel, self.load.settled_key(key), year, added, title, text)
            for rel, key, year, added, title, text in ordered
        ]
        found = self.load.scan.found[start:end]
        entries, whole, shown, spans = joined_entries(notes, old_text, self.joiner, found)
        paths, keys = self.load.files(start, end)
        if notes and all(not key for _, key, *_ in notes):
            return whole, spans  # nothing settled: nothing worth keeping
        if self.load.racy(start, end):
            keys = b""  # never the scan's: the folder is made again, its racy notes read
        years = tuple(sorted({m[2] for m in ordered}))
        kept = [(p.path, p.line, p.message) for p in problems]
        block = TextBlock(
            paths, keys, self.digest, self.style, years, shown, kept, b"", 0, entries, spans
        )
        self.load.keep(folder, block, whole)
        return whole, spans


def _kept_spans(
    block: TextBlock, count: int, span: CheckedSpan
) -> tuple[array[int] | None, CheckedSpan]:
    """A kept folder's spans of its ``count`` notes and its text held open."""
    return block.spans_of(count), span


def _slice(entry: BlockEntry):  # type: ignore[no-untyped-def]
    """Where a kept note's text is in its folder's old text; None when left out."""
    return None if entry[4] < 0 else (entry[4], entry[5])


def _encoded(text: str | None) -> bytes | None:
    """``text`` in UTF-8; ``NotKept`` when it holds what UTF-8 cannot (a lone surrogate of an
    undecodable file name: the full path says what it says of it)."""
    if text is None:
        return None
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise NotKept from None


def _added_and_title(made: MadeNote) -> tuple[str, str]:
    """What orders notes the document does not order (as ``order.in_order``'s)."""
    return made[3], made[4].casefold()
