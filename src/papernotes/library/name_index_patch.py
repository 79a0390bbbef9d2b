"""The kept name index with a few changed notes written over their lines: what both ways of
bringing it up to date after a write or an edit (``name_index_update``: from ``list``'s
rows; ``name_index_years``: from the changed year folders) do once they know which notes
changed. The paths must be the index's (no note added, removed or renamed).

A changed note keeps its line (its place in the library's order) while its ``mark``'s year
and its date added and folded title are the indexed ones, or its year is and it is one of
the papers ``document.yaml`` orders (whose place is its year and its rank there alone). Its digest,
folded key, arXiv id, normalised title and mark are written over the old ones (the offsets
in "rows" are from the start of the paths' and digests' parts, which no line of another
part moves); then its "links" line is made again over the new index
(``index_links.links_line``). When a name changed (a folded key, an arXiv id, or a key in
its case), a link of any note may name another paper now: every note holding a link is
read (at most ``MOST_LINKING``, each with its indexed bytes) and its line made again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from papernotes.model import Note, normalize_title

if TYPE_CHECKING:
    from papernotes.library.api import Library
    from papernotes.library.name_index import NameIndex

MOST_LINKING = 2000
"""Past this many notes holding links, a changed name has the index made from every note."""

_NAMED = ("keys", "arxiv", "titles")


def with_changes(library: Library, index: NameIndex, changed: list[str]) -> str | None:
    """The text of ``index`` with the notes at the paths ``changed``, read now, written over
    theirs; None when the index must be made from every note: a note cannot be read, a
    name holds a line break, a note may have moved in the order, a note that a link names
    (or, after a name changed, that holds a link) no longer holds its indexed bytes."""
    from papernotes.storage.note_format import NoteFormatError

    fresh: dict[int, Note] = {}
    patches: list[tuple[int, int, str]] = []
    renamed = False  # a name a link may name a paper by
    ordered: list[frozenset[str]] = []  # the paths the document orders, once read
    for rel in changed:
        lines = index.lines("paths", rel)
        if len(lines) != 1:
            return None
        (number,) = lines
        try:
            note = library.store.read(rel)
        except (OSError, NoteFormatError):
            return None
        written = _written_over(library, index, number, note, ordered)
        if written is None:
            return None
        patches += written[0]
        renamed = renamed or written[1]
        fresh[number] = note
    return _with_links(library, _patched(index.text, patches), fresh, renamed)


def _written_over(
    library: Library, index: NameIndex, number: int, note: Note, ordered: list[frozenset[str]]
) -> tuple[list[tuple[int, int, str]], bool] | None:
    """The spans of line ``number`` to write ``note``'s digest, names and mark over, and
    whether a name a link names a paper by changed; None when the note may move in the
    order or a name holds a line break."""
    from papernotes.library.name_columns import PLACE, YEAR, mark

    paper = note.paper
    names = (paper.key.casefold(), paper.arxiv, normalize_title(paper.title))
    if any("\n" in name or "\0" in name for name in names):
        return None
    new_mark, old_mark = mark(paper.key, paper.year, paper.added, paper.title), index.mark(number)
    if new_mark[YEAR:PLACE] != old_mark[YEAR:PLACE]:
        return None  # another year: it moves
    if new_mark[PLACE:] != old_mark[PLACE:]:
        if not ordered:
            ordered.append(_document_paths(library))
        if note.path not in ordered[0]:  # placed by its date added and title: it may move
            return None
    patches: list[tuple[int, int, str]] = []
    renamed = new_mark[:YEAR] != old_mark[:YEAR]  # the key in its case
    for part, name in zip(_NAMED, names, strict=True):
        start, end = index.line_span(part, number)
        if index.text[start:end] != name:
            patches.append((start, end, name))
            renamed = renamed or part != "titles"
    if new_mark != old_mark:
        patches.append((*index.mark_span(number), new_mark))
    start, end = index.digest_span(number)
    if end - start != len(note.digest):
        return None
    patches.append((start, end, note.digest))
    return patches, renamed


def _with_links(library: Library, text: str, fresh: dict[int, Note], renamed: bool) -> str | None:
    """The index ``text`` (the changed notes, ``fresh`` by line, written over) with their
    "links" lines made again, and every note's holding a link when a name changed."""
    from papernotes.library.index_links import IndexedNotes, StaleIndex, links_line
    from papernotes.library.name_index import NameIndex

    try:
        index = NameIndex(text)
    except ValueError:
        return None
    again = set(fresh)
    if renamed:
        linking = {n for n, line in enumerate(index.part_lines("links")) if line}
        if len(linking) > MOST_LINKING:
            return None
        again |= linking
    notes = IndexedNotes(library, index, fresh)
    patches = []
    try:
        for number in sorted(again):
            line = links_line(notes, notes.at(number))
            start, end = index.line_span("links", number)
            if text[start:end] != line:
                patches.append((start, end, line))
    except StaleIndex:
        return None  # a note changed that the caller did not see (in place): every note
    return _patched(text, patches)


def _document_paths(library: Library) -> frozenset[str]:
    """The paths ``document.yaml`` orders, from its parse the note cache keeps while its stat
    holds (parsing it is most of a second at 100,000 papers); none when it does not read
    (the index was made, and the caller checked, with the order it has)."""
    from time import time_ns

    from papernotes.storage.document_file import LayoutFormatError, layout_from_data
    from papernotes.storage.row_listing import load_layout

    store = library.store
    _, data = load_layout(store, store.caches().real_root, time_ns())
    try:
        return frozenset(layout_from_data(data[1]).order) if data is not None else frozenset()
    except LayoutFormatError:
        return frozenset()


def _patched(text: str, patches: list[tuple[int, int, str]]) -> str:
    """``text`` with each span (start, end) replaced by its new text; none overlap."""
    if not patches:
        return text
    pieces: list[str] = []
    done = 0
    for start, end, new in sorted(patches):
        pieces += (text[done:start], new)
        done = end
    pieces.append(text[done:])
    return "".join(pieces)
