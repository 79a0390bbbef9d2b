"""Links between papers for the TUI's rows (``library/paper_rows.py``): the papers a link
names and the notes holding links, found without building every note, so showing a paper's
links does not load the library (``paper_links`` does it from every note).

A name resolves as ``index.PaperIndex.named`` resolves it (the key, slug or arXiv id, case
aside, and an arXiv id in any version), from an index of the rows made on the first link
followed; the notes holding links are those whose folded text holds ``[[`` (a superset:
full-width brackets fold to it), checked again on their notes (``paper_links.holds_links``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from papernotes.library.paper_links import holds_links
from papernotes.library.paper_rows import ARXIV, KEY, slug
from papernotes.model import Note
from papernotes.text.arxiv_ids import base_id

if TYPE_CHECKING:
    from papernotes.library.paper_rows import PaperRows

LINK_OPENING = b"[["


class RowNames:
    """The rows by what a link may name them by, case-folded (built once per load)."""

    def __init__(self, rows: PaperRows) -> None:
        self.rows = rows
        self.source = rows.rows
        self.by_name: dict[str, list[int]] = {}
        for i, row in enumerate(rows.rows):
            for name in {n.casefold() for n in (str(row[KEY]), slug(row), str(row[ARXIV])) if n}:
                self.by_name.setdefault(name, []).append(i)

    def named(self, name: str) -> list[Note]:
        """The notes whose key, slug or arXiv id is ``name`` (case aside), in order."""
        found = set(self.by_name.get(name.casefold(), ()))
        arxiv = base_id(name)
        if arxiv:
            found |= set(self.by_name.get(arxiv.casefold(), ()))
        return self.rows.notes_at(sorted(found))


def names_of(rows: PaperRows, held: RowNames | None) -> RowNames:
    """``held`` if it was made from the rows as they are, else a new one."""
    return held if held is not None and held.source is rows.rows else RowNames(rows)


def linking_notes(rows: PaperRows) -> list[Note]:
    """The notes holding links, in the library's order, each read alone."""
    rows.fill_texts()
    texts = rows.texts
    holding = texts.holding(LINK_OPENING, [i for i in range(len(texts)) if texts.known(i)])
    return [note for note in rows.notes_at(holding) if holds_links(note.paper)]
