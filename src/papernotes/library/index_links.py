"""Links answered from the name index (``library/name_index.py``) and the few notes they
involve, read alone: ``links KEY`` at 100,000 notes without loading every note, and a
changed note's line of the index's links part made again (``name_index_update``).

Which paper a link names is ``paper_links.link_target``'s rule over every note: the notes
whose key, slug or arXiv id is the link's name, or its arXiv id (case aside), and among
them the one whose key it is exactly, else the only one. The index holds each note's
folded key, folded path and arXiv id, so the notes a name gives are found in its text; the
exact keys, needed only when a name gives several notes, are read from those notes. A note
read is used only while its bytes are the indexed ones (``StaleIndex`` otherwise: the
caller answers from every note).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from papernotes.library.paper_links import (
    LinkUse,
    holds_links,
    link_names_of,
    link_target,
    linked,
    target_among,
    uses_in,
)
from papernotes.model import Note, Problem
from papernotes.text.arxiv_ids import base_id

if TYPE_CHECKING:
    from papernotes.library.api import Library
    from papernotes.library.name_index import NameIndex


class StaleIndex(Exception):
    """A note of the index cannot be read, or no longer holds the indexed bytes."""


class IndexedNotes:
    """The notes of a name index, each read from its file when first needed and used only
    if it holds the indexed bytes; ``fresh``: notes (by line) read already, whose new bytes
    the index does not hold yet (``name_index_update``)."""

    def __init__(self, library: Library, index: NameIndex, fresh: dict[int, Note] | None = None):
        self.library, self.index = library, index
        self._read: dict[int, Note] = dict(fresh or {})
        self._arxiv_folded: bool | None = None

    def at(self, number: int) -> Note:
        """The note of line ``number``."""
        from papernotes.storage.note_format import NoteFormatError

        note = self._read.get(number)
        if note is None:
            ((path, digest),) = self.index.rows({number})
            try:
                note = self.library.store.read(path)
            except (OSError, NoteFormatError) as exc:
                raise StaleIndex(path) from exc
            if note.digest != digest:
                raise StaleIndex(path)
            self._read[number] = note
        return note

    def named_lines(self, name: str) -> list[int]:
        """The lines of the notes whose key, slug or arXiv id is ``name``, or its arXiv id,
        case aside (``index.named_paths``), in the library's order."""
        names = {name.casefold()}
        arxiv = base_id(name)
        if arxiv:
            names.add(arxiv.casefold())
        index = self.index
        found: set[int] = set()
        for folded in names:
            found |= index.lines("keys", folded)
            if "/" not in folded:  # a slug: the file's name, a path's last part
                found |= index.lines("folded paths", f"/{folded}.md", ending=True)
            found |= self._arxiv_lines(folded)
        return sorted(found)

    def _arxiv_lines(self, folded: str) -> set[int]:
        if self._arxiv_folded is None:
            part = "\n".join(self.index.part_lines("arxiv"))
            self._arxiv_folded = part == part.casefold()
        if self._arxiv_folded:  # (an old arXiv id may hold capitals: math.GT/0309136)
            return self.index.lines("arxiv", folded)
        lines = enumerate(self.index.part_lines("arxiv"))
        return {n for n, arxiv in lines if arxiv and arxiv.casefold() == folded}

    def named(self, name: str) -> list[Note]:
        """``Library.notes_named``: the notes ``name`` gives, read."""
        return [self.at(n) for n in self.named_lines(name)]

    def target_path(self, name: str) -> str | None:
        """The path of the note a link naming ``name`` names; the notes are read only when
        the name gives several (their exact keys decide)."""
        lines = self.named_lines(name)
        if len(lines) == 1:
            return self.index.rows({lines[0]})[0][0]
        found = target_among([self.at(n) for n in lines], name, _key_of)
        return None if found is None else found.path


def links_line(notes: IndexedNotes, note: Note) -> str:
    """``note``'s line of the index's links part (``name_index.name_columns``)."""
    from papernotes.library.name_index import HOLDS_LINKS

    if not holds_links(note.paper):
        return ""
    return "\t".join(linked(note.paper, note.path, notes.target_path, str)) or HOLDS_LINKS


def links_answer(
    library: Library, problems: list[Problem], text: str, query: str
) -> tuple[Note, list[LinkUse], list[LinkUse]] | None:
    """``links QUERY`` from the index ``text``: the note, the links in it and the links to it
    in every note (``paper_links.outgoing``, ``incoming``), when the index names one note by
    an exact rule (as ``name_index_lookup._answer``) and every note read holds the indexed bytes;
    else None (the caller reads every note)."""
    from papernotes.library.name_index import NameIndex
    from papernotes.library.name_index_lookup import one_named

    found = one_named(text, query, problems, NameIndex.exact_lines)
    if found is None:
        return None
    index, named = found
    notes = IndexedNotes(library, index)
    (own,) = named
    try:
        note = notes.at(own)
        out = uses_in(library, note, notes.named)
        lines = index.linking_lines(note.path)
        if _links_itself(note, notes.named):  # the index leaves a note's own links out
            lines.add(own)
        into = [
            use
            for number in sorted(lines)
            for use in uses_in(library, notes.at(number), notes.named)
            if use.target is not None and use.target.path == note.path
        ]
    except StaleIndex:
        return None
    return note, out, into


def _links_itself(note: Note, named: Callable[[str], list[Note]]) -> bool:
    return any(
        (target := link_target(named, name)) is not None and target.path == note.path
        for name in link_names_of(note.paper)
    )


def _key_of(note: Note) -> str:
    return note.paper.key


def kept_links(library: Library, query: str) -> tuple[Note, list[LinkUse], list[LinkUse]] | None:
    """``links_answer`` from the kept name index (made, or brought up to date, as ``show``
    does: ``name_index_lookup.answered_from_index``); None: the caller reads every note. Every
    note is stat-ed (0.4 s at 100,000 notes): a note edited in place by another program
    (as nano or VS Code save) to link to the paper changes no year folder, and "Linked
    from" must not leave it out."""
    from papernotes.library.name_index_lookup import answered_from_index

    return answered_from_index(library, query, links_answer, every_stat=True)[1]
