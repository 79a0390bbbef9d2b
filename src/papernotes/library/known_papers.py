"""What ``add`` checks a new paper against (the notes with its arXiv id, key, DOI or title,
and the citation keys in use) without building every note: ``add`` at 100,000 notes.

While the library's notes are not in memory, each note's identity row is read instead: its
path, key, arXiv id, DOI (case folded), normalised titles and digest, kept per year folder
by its file's stat as ``list``'s rows are (``storage/caches/list_rows_cache.py``, in a
folder of its own), so after an edit only the changed notes are read. The rows name the
candidates (every note sharing an arXiv id, key, DOI or normalised title with the paper);
those few notes alone are read from their files, checked against the digest of their row,
and ordered as the library orders its notes, so each answer is the one the notes in memory
give (``PaperIndex``; ``tests/library/test_known_papers.py`` compares them). Where rows are
not kept (caching off), the notes are in memory already (an import, the TUI after a load)
or a candidate changed since its row, the notes are loaded as before.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Container, Iterable
from typing import TYPE_CHECKING, Any

from papernotes.errors import FileFormatError
from papernotes.library.index import KeysTaken, PaperIndex, titles_of
from papernotes.library.order import in_order
from papernotes.model import Note, Paper
from papernotes.storage.library_folder import MISSING, folder_kind
from papernotes.storage.note_format import NoteFormatError

if TYPE_CHECKING:
    from papernotes.library.api import Library

ID_PATH, ID_KEY, ID_ARXIV, ID_DOI, ID_TITLES, ID_DIGEST = range(1, 7)
"""The places in an identity row, after its stat key."""


def identity_row(note: Note) -> tuple[Any, ...]:
    """What a paper is known by, for its note's kept row: path, key, arXiv id, folded DOI,
    normalised titles and, last as every kept row, the digest."""
    paper = note.paper
    titles = tuple(sorted(titles_of(paper)))
    return (note.path, paper.key, paper.arxiv, paper.doi.casefold(), titles, note.digest)


class KnownPapers:
    """The library's papers as ``add`` asks after them, from the notes in memory (loaded
    here if they are not). ``RowPapers`` answers the same from the identity rows."""

    def __init__(self, library: Library) -> None:
        self.library = library

    def refuse_unseen(self) -> None:
        """Refuse a write while a note cannot be read (``Library.refuse_unseen``)."""
        self.library.refuse_unseen()

    def match(self, paper: Paper) -> Note | None:
        """The first note with the same arXiv id, key or a same normalised title."""
        return self.library.match(paper)

    def candidates(self, paper: Paper) -> set[str]:
        """The paths of every note with the same arXiv id, key or a same normalised title."""
        return self.library._indexed().candidates(paper)

    def keys_taken(self, ignore: Note | None = None) -> Container[str]:
        """Every citation key in use, case folded; ``ignore``'s own use left out."""
        return self.library._indexed().keys_taken(ignore)

    def with_arxiv(self, arxiv: str) -> Note | None:
        """The first note whose arXiv id is ``arxiv`` (a base id)."""
        return next((n for n in self.library.notes_if_any() if n.paper.arxiv == arxiv), None)

    def with_doi(self, doi: str) -> Note | None:
        """The first note whose DOI is ``doi``, case aside."""
        folded = doi.casefold()
        return next(
            (n for n in self.library.notes_if_any() if n.paper.doi.casefold() == folded), None
        )


def known_papers(library: Library) -> KnownPapers:
    """What ``add`` checks against: the identity rows while the notes are not in memory and
    rows are kept, else the notes."""
    if library._notes is not None or library._index is not None:
        return KnownPapers(library)  # in memory, or indexed from the rows (an import)
    if folder_kind(library.root) == MISSING:
        return KnownPapers(library)
    store = library.store
    got = store.list_rows(None, identity_row, identities=True)  # the folder listed now
    if got is None:
        return KnownPapers(library)
    return RowPapers(library, got[0], list(store.unseen))


class RowPapers(KnownPapers):
    """``KnownPapers`` from the identity rows of every note that reads, in scan order, and
    the notes that cannot be read (``unseen``). Once a note is found not to be what its row
    says, the rows are let go and every answer is the notes' (``_fall_back``)."""

    def __init__(self, library: Library, rows: list[tuple[Any, ...]], unseen: list[str]) -> None:
        super().__init__(library)
        self.rows: list[tuple[Any, ...]] | None = rows
        self.unseen = unseen

    def refuse_unseen(self) -> None:
        if self.rows is None:
            super().refuse_unseen()
        elif self.unseen:
            from papernotes.library.note_writes import unseen_refusal

            raise unseen_refusal(self.unseen)

    def match(self, paper: Paper) -> Note | None:
        index = self._index(paper)
        return super().match(paper) if index is None else index.match(paper)

    def candidates(self, paper: Paper) -> set[str]:
        index = self._index(paper)
        return super().candidates(paper) if index is None else index.candidates(paper)

    def keys_taken(self, ignore: Note | None = None) -> Container[str]:
        if self.rows is None:
            return super().keys_taken(ignore)
        counts = Counter(row[ID_KEY].casefold() for row in self.rows if row[ID_KEY])
        ignored = ""
        if ignore is not None and ignore.paper.key:  # its key, as its row holds it
            row = next((r for r in self.rows if r[ID_PATH] == ignore.path), None)
            if row is not None and row[ID_KEY] == ignore.paper.key:
                ignored = ignore.paper.key.casefold()
        return KeysTaken(counts, ignored)

    def with_arxiv(self, arxiv: str) -> Note | None:
        return self._first(lambda row: row[ID_ARXIV] == arxiv, lambda n: n.paper.arxiv == arxiv)

    def with_doi(self, doi: str) -> Note | None:
        folded = doi.casefold()
        return self._first(
            lambda row: row[ID_DOI] == folded, lambda n: n.paper.doi.casefold() == folded
        )

    def _index(self, paper: Paper) -> PaperIndex | None:
        """The index of the notes sharing an arXiv id, key or normalised title with
        ``paper``, in the library's order; None when one of them changed since its row
        (or one did before): the notes answer."""
        if self.rows is None:
            return None
        titles = titles_of(paper)
        arxiv, key = paper.arxiv, paper.key
        notes = self._notes(
            row
            for row in self.rows
            if (arxiv and row[ID_ARXIV] == arxiv)
            or (key and row[ID_KEY] == key)
            or not titles.isdisjoint(row[ID_TITLES])
        )
        return None if notes is None else PaperIndex(notes)

    def _first(
        self, picks: Callable[[tuple[Any, ...]], bool], holds: Callable[[Note], bool]
    ) -> Note | None:
        """The first note in the library's order whose row ``picks`` (read from its file,
        ``holds`` checked on it); the notes' answer when one changed since its row."""
        notes = None if self.rows is None else self._notes(filter(picks, self.rows))
        if notes is None:
            notes = self.library.notes_if_any()
        return next(filter(holds, notes), None)

    def _notes(self, rows: Iterable[tuple[Any, ...]]) -> list[Note] | None:
        """The notes of ``rows`` read from their files, in the library's order; None when
        one cannot be read or is not the bytes its row was made from (``_fall_back``)."""
        notes = []
        for row in rows:
            try:
                note = self.library.store.read(row[ID_PATH])
            except (OSError, NoteFormatError):
                note = None
            if note is None or note.digest != row[ID_DIGEST]:
                self._fall_back()
                return None
            notes.append(note)
        if len(notes) < 2:
            return notes
        try:
            order = self.library.layout().order
        except FileFormatError:  # as Library._load: ordered without the document's order
            order = ()
        return in_order(notes, order)

    def _fall_back(self) -> None:
        """A note is not what its row says (changed since, under the same stat or in a
        race): the rows are let go and every later answer is the notes'. They are loaded
        now, and a note that does not read refuses the paper at once, as ``add`` refuses
        it after a load (the check already made from the rows saw it readable)."""
        self.rows = None
        self.library.refuse_unseen()
