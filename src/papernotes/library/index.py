"""The library's notes indexed by arXiv id, citation key and normalised title.

``Library.match`` and ``Library.free_key`` ask this instead of scanning every note, so an
import of N papers costs O(N), not O(N²). Answers are exactly what a scan in the library's
order would give: among several notes that match, the earliest one wins.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

from papernotes.model import Note, Paper, normalize_title
from papernotes.text.arxiv_ids import base_id


def names_of(note: Note) -> set[str]:
    """What a link may name a note by, case-folded: its key, slug and arXiv id."""
    return link_names(note.paper.key, note.slug, note.paper.arxiv)


def link_names(key: str, slug: str, arxiv: str) -> set[str]:
    """``names_of`` a note of this key, slug and arXiv id."""
    return {n.casefold() for n in (key, slug, arxiv) if n}


def named_paths(by_name: dict[str, set[str]], name: str) -> set[str]:
    """The paths ``by_name`` (each ``names_of`` of a note: the paths of the notes it names)
    gives ``name``: its own, and its arXiv id's if it holds one (a prefix or version)."""
    paths = set(by_name.get(name.casefold(), ()))
    arxiv = base_id(name)
    if arxiv:
        paths |= by_name.get(arxiv.casefold(), set())
    return paths


def titles_of(paper: Paper) -> set[str]:
    """The normalised titles a paper is matched by (a title of punctuation only matches none)."""
    return {normalize_title(t) for t in (paper.title, paper.arxiv_title) if t} - {""}


class PaperIndex:
    """Notes by what identifies a paper; kept in step by the library as it writes."""

    def __init__(self, notes: Iterable[Note]) -> None:
        self._rank: dict[str, int] = {}  # path -> order stamp (the library's order)
        self._notes: dict[str, Note] = {}
        self._titles: dict[str, set[str]] = {}  # path -> its normalised titles
        self._by_arxiv: dict[str, set[str]] = {}
        self._by_key: dict[str, set[str]] = {}
        self._by_doi: dict[str, set[str]] = {}  # case folded
        self._by_title: dict[str, set[str]] = {}
        self._by_name: dict[str, set[str]] = {}  # folded key, slug or arXiv id -> paths
        self._folded_keys: Counter[str] = Counter()
        self._next = 0
        for note in notes:
            self.add(note)

    def add(self, note: Note, rank: int | None = None) -> None:
        """Index ``note`` after every other note (or at ``rank``)."""
        if rank is None:
            rank, self._next = self._next, self._next + 1
        paper = note.paper
        self._rank[note.path] = rank
        self._notes[note.path] = note
        titles = self._titles[note.path] = titles_of(paper)
        if paper.arxiv:
            self._by_arxiv.setdefault(paper.arxiv, set()).add(note.path)
        if paper.key:
            self._by_key.setdefault(paper.key, set()).add(note.path)
            self._folded_keys[paper.key.casefold()] += 1
        if paper.doi:
            self._by_doi.setdefault(paper.doi.casefold(), set()).add(note.path)
        for title in titles:
            self._by_title.setdefault(title, set()).add(note.path)
        for name in names_of(note):
            self._by_name.setdefault(name, set()).add(note.path)

    def remove(self, note: Note) -> int | None:
        """Forget the note at ``note.path``; returns its order stamp."""
        old = self._notes.pop(note.path, None)
        if old is None:
            return None
        paper = old.paper
        _discard(self._by_arxiv, paper.arxiv, note.path)
        _discard(self._by_key, paper.key, note.path)
        _discard(self._by_doi, paper.doi.casefold(), note.path)
        if paper.key:
            self._folded_keys[paper.key.casefold()] -= 1
            if self._folded_keys[paper.key.casefold()] <= 0:
                del self._folded_keys[paper.key.casefold()]
        for title in self._titles.pop(note.path):
            _discard(self._by_title, title, note.path)
        for name in names_of(old):
            _discard(self._by_name, name, note.path)
        return self._rank.pop(note.path)

    def replace(self, old: Note, new: Note) -> None:
        """``new`` takes ``old``'s place in the order when it kept its path, else goes last."""
        rank = self.remove(old)
        self.add(new, rank if new.path == old.path else None)

    def match(self, paper: Paper) -> Note | None:
        """The first note with the same arXiv id, the same key, or a same normalised title."""
        paths = self.candidates(paper)
        if not paths:
            return None
        return self._notes[min(paths, key=self._rank.__getitem__)]

    def candidates(self, paper: Paper) -> set[str]:
        """The paths of every note with the same arXiv id, key, or a same normalised title."""
        paths: set[str] = set()
        if paper.arxiv:
            paths |= self._by_arxiv.get(paper.arxiv, set())
        if paper.key:
            paths |= self._by_key.get(paper.key, set())
        for title in titles_of(paper):
            paths |= self._by_title.get(title, set())
        return paths

    def first_path(self, identities: Iterable[tuple[str, str]]) -> str:
        """The path of the first note with the first of ``identities`` (``("arxiv" | "doi"
        | "key" | "title", value)``, a DOI case folded, a title normalised) that any note
        has; "" when none has one."""
        by = {"arxiv": self._by_arxiv, "doi": self._by_doi, "key": self._by_key}
        by["title"] = self._by_title
        for kind, value in identities:
            paths = by[kind].get(value)
            if paths:
                return min(paths, key=self._rank.__getitem__)
        return ""

    def note(self, path: str) -> Note:
        """The note at ``path`` (one this index holds)."""
        return self._notes[path]

    def named(self, name: str) -> list[Note]:
        """The notes whose key, slug or arXiv id is ``name`` (ignoring case), in order."""
        paths = named_paths(self._by_name, name)
        return [self._notes[p] for p in sorted(paths, key=self._rank.__getitem__)]

    def keys_taken(self, ignore: Note | None = None) -> KeysTaken:
        """Every citation key in use, case-folded; ``ignore``'s own use of its key left out."""
        ignored = ""
        if ignore is not None and ignore.paper.key and self._notes.get(ignore.path) is ignore:
            ignored = ignore.paper.key.casefold()
        return KeysTaken(self._folded_keys, ignored)


class KeysTaken:
    """A live view of the keys in use, without copying them for every new key."""

    def __init__(self, counts: Counter[str], ignored: str) -> None:
        self._counts = counts
        self._ignored = ignored

    def __contains__(self, folded: object) -> bool:
        if not isinstance(folded, str):
            return False
        return self._counts.get(folded, 0) > (1 if folded == self._ignored else 0)

    def __iter__(self) -> Iterator[str]:
        return (key for key in self._counts if key in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _discard(index: dict[str, set[str]], value: str, path: str) -> None:
    if not value:
        return
    paths = index.get(value)
    if paths is not None:
        paths.discard(path)
        if not paths:
            del index[value]
