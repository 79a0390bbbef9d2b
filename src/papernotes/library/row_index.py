"""``PaperIndex`` from the identity rows: what an import into a big library matches against.

An import asks the index once per paper (the note of the same paper, the notes a link names,
the keys in use), so ``RowPapers``'s scan of every row per question would cost O(N²). This
index is built once from the identity rows (``known_papers.py``: path, key, arXiv id, DOI,
titles, digest per note) into dictionaries, and holds no note it has not been asked for: the
few notes a question names are read from their files, each checked against its row's digest
and ordered as the library orders its notes, as ``RowPapers`` does. The notes the import
writes are held as ``PaperIndex`` holds them, after every other note. A note found not to be
what its row says (changed under the same stat) sends every answer to the notes: pending
writes are flushed, the folder loaded and a ``PaperIndex`` made of it (``_fall_back``).
``tests/library/test_row_index.py`` compares every answer with a ``PaperIndex``'s.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from operator import itemgetter
from typing import TYPE_CHECKING, Any, TypeVar

from papernotes.errors import FileFormatError
from papernotes.library.index import KeysTaken, PaperIndex, link_names, titles_of
from papernotes.library.known_papers import ID_DIGEST, ID_KEY, ID_PATH, identity_row
from papernotes.library.order import ordered
from papernotes.model import Note, Paper
from papernotes.storage.note_format import NoteFormatError
from papernotes.text.arxiv_ids import base_id

if TYPE_CHECKING:
    from papernotes.library.api import Library

_Paths = str | set[str]
"""One path, or several: most names name one note, and a set costs 200 bytes."""
T = TypeVar("T")
_KINDS = ("arxiv", "doi", "key", "name", "title")
HELD = 1024
"""Notes held at most, the last read or written: an import's pending writes (500 at most,
``storage/batch.py``) among them, so naming one rarely flushes the batch early."""


class _StaleRow(Exception):
    """A note is not what its row says: the notes answer from now on."""


class RowIndex:
    """``PaperIndex``'s answers from each note's identity, the notes read when named."""

    def __init__(self, library: Library, rows: Iterable[tuple[Any, ...]], unseen: list[str]):
        self.library = library
        self.unseen = unseen
        # path -> (key, arXiv id, folded DOI, titles, digest): every note's identity
        self._ids: dict[str, tuple[Any, ...]] = {}
        self._held: dict[str, Note] = {}  # the notes read or written last (HELD at most)
        self._placed: dict[str, tuple[str, int, str, str]] = {}  # a rows' note's place
        self._rank: dict[str, int] = {}  # path -> place after the rows' notes (new ones)
        self._next = 0
        # kind ("arxiv", "doi", "key", "name", "title") -> value -> the notes' paths
        self._by: dict[str, dict[str, _Paths]] = {kind: {} for kind in _KINDS}
        self._folded_keys: Counter[str] = Counter()
        self._seq: dict[str, int] = {}  # path -> place in the scan (a load's first order)
        for seq, row in enumerate(rows):
            self._seq[row[ID_PATH]] = seq
            self._put(row[ID_PATH], row[ID_KEY : ID_DIGEST + 1])

    # -- kept in step with the library's writes (``held_notes.py``) --------

    def add(self, note: Note, rank: int | None = None) -> None:
        """Know ``note``, new here, after every other note (or back at its place: -1, a
        rows' note's, as it was first read)."""
        if rank is not None and rank < 0:
            self._placed.setdefault(note.path, _place(note))
        else:
            self._placed.pop(note.path, None)
            self._rank[note.path] = self._next if rank is None else rank
            self._next += rank is None
        self._put(note.path, identity_row(note)[ID_KEY - 1 :])
        self._hold(note)

    def remove(self, note: Note) -> int | None:
        """Forget the note at ``note.path``; its place (-1: among the rows' notes)."""
        path = note.path
        found = self._ids.pop(path, None)
        if found is None:
            return None
        self._held.pop(path, None)
        self._unindex(path, found)
        return self._rank.pop(path, -1)

    def replace(self, old: Note, new: Note) -> None:
        """``new`` takes ``old``'s place when it kept its path, else goes last."""
        if old.path in self._ids and old.path not in self._rank:  # a rows' note: its place
            self._placed.setdefault(old.path, _place(old))  # as it was (never read here)
        rank = self.remove(old)
        self.add(new, rank if new.path == old.path else None)

    # -- ``PaperIndex``'s questions ----------------------------------------

    def match(self, paper: Paper) -> Note | None:
        return self._ask(lambda index: index.match(paper), lambda: self._matched(paper))

    def candidates(self, paper: Paper) -> set[str]:
        return self._ask(lambda index: index.candidates(paper), lambda: self._candidates(paper))

    def named(self, name: str) -> list[Note]:
        return self._ask(lambda index: index.named(name), lambda: self._named(name))

    def first_path(self, identities: Iterable[tuple[str, str]]) -> str:
        return self._ask(
            lambda index: index.first_path(identities), lambda: self._first_path(identities)
        )

    def note(self, path: str) -> Note:
        return self._ask(lambda index: index.note(path), lambda: self._notes([path])[0])

    def keys_taken(self, ignore: Note | None = None) -> KeysTaken:
        if self._fallen():
            return self.library._indexed().keys_taken(ignore)
        ignored = ""
        if ignore is not None and ignore.paper.key:
            found = self._ids.get(ignore.path)
            if found is not None and found[-1] == ignore.digest:  # the note indexed
                ignored = ignore.paper.key.casefold()
        return KeysTaken(self._folded_keys, ignored)

    def digests(self) -> dict[str, str]:
        """Each note's path and digest."""
        return {path: found[-1] for path, found in self._ids.items()}

    # -- answers from the identities ------------------------------------------

    def _candidates(self, paper: Paper) -> set[str]:
        paths: set[str] = set()
        for identity in _paper_identities(paper):
            paths |= self._paths(identity)
        return paths

    def _matched(self, paper: Paper) -> Note | None:
        paths = self._candidates(paper)
        return self._notes(paths)[0] if paths else None

    def _named(self, name: str) -> list[Note]:
        paths = self._paths(("name", name.casefold()))
        arxiv = base_id(name)
        if arxiv:
            paths |= self._paths(("name", arxiv.casefold()))
        return self._notes(paths)

    def _first_path(self, identities: Iterable[tuple[str, str]]) -> str:
        for identity in identities:
            paths = self._paths(identity)
            if paths:
                return paths.pop() if len(paths) == 1 else self._notes(paths)[0].path
        return ""

    def _paths(self, identity: tuple[str, str]) -> set[str]:
        found = self._by[identity[0]].get(identity[1])
        if found is None:
            return set()
        return {found} if isinstance(found, str) else set(found)

    def _notes(self, paths: Iterable[str]) -> list[Note]:
        """The notes at ``paths`` in the library's order: the rows' notes as the library
        orders them (each placed as it was first read), then the ones written here."""
        notes = {path: self._read(path) for path in paths}
        new = sorted((p for p in notes if p in self._rank), key=self._rank.__getitem__)
        places = [self._placed[p] for p in notes if p not in self._rank]
        if len(places) > 1:  # equals in the library's order stay in the scan's order
            places.sort(key=lambda place: self._seq.get(place[0], -1))
            try:
                order = self.library.layout().order
            except FileFormatError:  # as Library._load: ordered without the document's order
                order = ()
            places = ordered(places, order, itemgetter(0), itemgetter(1), itemgetter(2, 3))
        return [notes[place[0]] for place in places] + [notes[p] for p in new]

    def _read(self, path: str) -> Note:
        """The note at ``path``: held, else read from its file, as its identity says it is
        (else ``_StaleRow``); a note this import wrote and holds no more is read too (its
        batch given its names first when it is still pending: ``NoteStore.read``)."""
        note = self._held.get(path)
        if note is not None:
            return note
        try:
            note = self.library.store.read(path)
        except (OSError, NoteFormatError):
            raise _StaleRow from None
        if note.digest != self._ids[path][-1]:
            raise _StaleRow
        if path not in self._rank:
            self._placed.setdefault(path, _place(note))
        self._hold(note)
        return note

    def _hold(self, note: Note) -> None:
        """Hold ``note`` among the last ``HELD`` read or written (a dict keeps its order)."""
        held = self._held
        held.pop(note.path, None)
        held[note.path] = note
        if len(held) > HELD:
            del held[next(iter(held))]

    # -- the dictionaries ---------------------------------------------------

    def _put(self, path: str, found: tuple[Any, ...]) -> None:
        """Index the note at ``path`` by its identity (key, arXiv id, DOI, titles, digest)."""
        old = self._ids.get(path)
        if old is not None:
            self._unindex(path, old)
        self._ids[path] = key, arxiv, doi, titles, _ = tuple(found)
        self._index(path, key, arxiv, doi, titles)

    def _unindex(self, path: str, found: tuple[Any, ...]) -> None:
        key, arxiv, doi, titles, _ = found
        self._index(path, key, arxiv, doi, titles, put=False)

    def _index(
        self, path: str, key: str, arxiv: str, doi: str, titles: Iterable[str], put: bool = True
    ) -> None:
        slug = path.rsplit("/", 1)[-1].removesuffix(".md")
        names = [("name", name) for name in link_names(key, slug, arxiv)]
        pairs = [("key", key), ("arxiv", arxiv), ("doi", doi), *names]
        pairs += [("title", title) for title in titles]
        for kind, value in pairs:
            if value:
                (_put if put else _take)(self._by[kind], value, path)
        if key:
            folded = key.casefold()
            self._folded_keys[folded] += 1 if put else -1
            if self._folded_keys[folded] <= 0:
                del self._folded_keys[folded]

    # -- falling back to the notes -------------------------------------------

    def _fallen(self) -> bool:
        return self.library._index is not self

    def _ask(self, of_index: Callable[[PaperIndex], T], of_rows: Callable[[], T]) -> T:
        if not self._fallen():
            try:
                return of_rows()
            except _StaleRow:
                self._fall_back()
        index = self.library._indexed()
        assert isinstance(index, PaperIndex)  # made of the notes once the rows are let go
        return of_index(index)

    def _fall_back(self) -> None:
        """The rows are let go: the writes pending are given their names, and the notes
        loaded and indexed (a note that does not read refuses the write now, as a load's
        would: another program broke it since its row was made)."""
        library = self.library
        library.store.flush_batch()
        library._notes = library._index = library._slots = None
        library._indexed()
        library.refuse_unseen()


def _place(note: Note) -> tuple[str, int, str, str]:
    """What orders a note among the others (``order.in_order``): path, year, date added
    and folded title."""
    return note.path, note.paper.year, note.paper.added, note.paper.title.casefold()


def _paper_identities(paper: Paper) -> list[tuple[str, str]]:
    """What ``PaperIndex.candidates`` matches a paper by: arXiv id, key, normalised titles."""
    found = [("arxiv", paper.arxiv), ("key", paper.key)]
    found += [("title", title) for title in titles_of(paper)]
    return [identity for identity in found if identity[1]]


def _put(by: dict[str, _Paths], value: str, path: str) -> None:
    found = by.get(value)
    if found is None:
        by[value] = path
    elif isinstance(found, str):
        if found != path:
            by[value] = {found, path}
    else:
        found.add(path)


def _take(by: dict[str, _Paths], value: str, path: str) -> None:
    found = by.get(value)
    if found == path:
        del by[value]
    elif isinstance(found, set):
        found.discard(path)
        if len(found) == 1:
            by[value] = found.pop()


def row_index(library: Library) -> RowIndex | None:
    """The library's identity rows made a ``RowIndex`` (with the notes that do not read),
    when its notes are not in memory and rows are kept; else None."""
    if library._notes is not None or library._index is not None:
        return None
    got = library.store.list_rows(None, identity_row, identities=True)
    if got is None:
        return None
    return RowIndex(library, got[0], list(library.store.unseen))


__all__ = ["PaperIndex", "RowIndex", "row_index"]
