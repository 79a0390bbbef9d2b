"""Naming a paper without building every note: ``show KEY`` at 10,000 notes.

``find_note`` (``library/names.py``) needs every note's key, arXiv id and title, so a plain
``show`` loads the whole library. This module keeps, per state of the notes folder (every
note's path and stat, through ``Library.cached_output``: the machinery that keeps ``list``'s
output), an index of those names: each note's path and digest, and the paths each folded
key, arXiv id and normalised title belong to. While no note file changed, a name the exact
rules give to exactly one note is answered from the index and that one note, read from its
file (and used only if its bytes are the ones indexed). Anything else (no exact match, two
papers, a note that changed under us) is left to the full ``find_note``, so the answer is
always the one it gives (``tests/library/test_name_index.py`` compares them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from papernotes.model import Note, Problem, normalize_title
from papernotes.text.arxiv_ids import base_id

if TYPE_CHECKING:
    from papernotes.library.api import Library

INDEX_NAME = "name index 3"
"""The kept output's name (``Library.cached_output``); a new layout of the index, a new name."""

_PARTS = ("paths", "digests", "keys", "arxiv", "titles", "links", "folded paths")
_UNUSABLE = ""
"""The index of a library with a name holding a line break: never used (``find`` answers)."""


def name_index(library: Library) -> str:
    """The names of the library's notes as text: seven parts (paths, digests, folded keys,
    arXiv ids, normalised titles, the paths of the papers each note links to, tab-joined, and
    the folded paths), each one line per note in the library's order, split by NULs. Lines
    are searched as text (``str.find``), which is far faster than decoding a mapping."""
    from papernotes.library.paper_links import holds_links, links_to

    notes = library.notes()
    columns = (
        [n.path for n in notes],
        [n.digest for n in notes],
        [n.paper.key.casefold() for n in notes],
        [n.paper.arxiv for n in notes],
        [normalize_title(n.paper.title) for n in notes],
        [
            "\t".join(t.path for t in links_to(library, n)) if holds_links(n.paper) else ""
            for n in notes
        ],
        [n.path.casefold() for n in notes],  # folded once here, not by every show
    )
    parts = ["\n".join(column) for column in columns]
    if any("\n" in value or "\0" in value for column in columns for value in column):
        return _UNUSABLE
    return "\0".join(parts)


class NameIndex:
    """A ``name_index`` text, searched line by line."""

    def __init__(self, text: str) -> None:
        parts = text.split("\0")
        if len(parts) != len(_PARTS):
            raise ValueError("not a name index")
        self._parts = dict(zip(_PARTS, parts, strict=True))
        self._texts: dict[str, str] = {}
        self._split: dict[str, list[str]] = {}

    def _text(self, part: str) -> str:
        """``part`` between line breaks, made once (at 100,000 notes a part is megabytes)."""
        if part not in self._texts:
            self._texts[part] = "\n" + self._parts[part] + "\n"
        return self._texts[part]

    def _lines_of(self, part: str) -> list[str]:
        """The lines of ``part``, split once."""
        if part not in self._split:
            self._split[part] = self._parts[part].split("\n")
        return self._split[part]

    def lines(self, part: str, value: str, *, ending: bool = False) -> set[int]:
        """The numbers of the lines of ``part`` equal to ``value`` (or ending with it)."""
        text = self._text(part)
        needle = (value if ending else "\n" + value) + "\n"
        skip = 0 if ending else 1  # the line break before the line
        found: list[int] = []
        at = text.find(needle)
        while at >= 0:
            found.append(at + skip)
            at = text.find(needle, at + 1)
        return _line_numbers(text, found)

    def exact(self, name: str) -> list[tuple[str, str]]:
        """The notes (path, digest) ``name`` names by an exact rule of
        ``names.exact_matches`` (key, path or slug, arXiv id, title), in the library's order."""
        name = name.strip()
        folded = name.casefold()
        if not folded or "\n" in folded or "\0" in folded:
            raise ValueError("not a name the index can look up")
        found = self.lines("keys", folded)
        if "/" in folded:
            found |= self.lines("folded paths", folded) | self.lines("folded paths", f"{folded}.md")
        else:
            found |= self.lines("folded paths", f"/{folded}.md", ending=True)
        arxiv = base_id(name)
        if arxiv:
            found |= self.lines("arxiv", arxiv)
        wanted = normalize_title(name)
        if wanted:
            found |= self.lines("titles", wanted)
        return self._rows(found)

    def _rows(self, numbers: set[int]) -> list[tuple[str, str]]:
        if not numbers:
            return []
        paths, digests = self._lines_of("paths"), self._lines_of("digests")
        return [(paths[number], digests[number]) for number in sorted(numbers)]

    def linking(self, path: str) -> list[tuple[str, str]]:
        """The notes (path, digest) that link to the note at ``path``, in the library's
        order."""
        text = self._text("links")  # each line: the linked paths, tab-joined
        if not path or "\t" in path:
            lines = enumerate(text[1:-1].split("\n"))
            return self._rows({n for n, t in lines if t and path in t.split("\t")})
        found: list[int] = []
        at = text.find(path)
        while at >= 0:
            if text[at - 1] in "\n\t" and text[at + len(path)] in "\n\t":  # a whole path
                found.append(at)
            at = text.find(path, at + 1)
        return self._rows(_line_numbers(text, found))


def _line_numbers(text: str, positions: list[int]) -> set[int]:
    """The numbers of the lines at the ascending character ``positions`` of ``text``, which
    starts with a line break (line 0 follows it); counted once through the text."""
    numbers: set[int] = set()
    breaks, counted = 0, 0
    for at in positions:
        breaks += text.count("\n", counted, at)
        counted = at
        numbers.add(breaks - 1)
    return numbers


def find_named(
    library: Library, query: str
) -> tuple[list[Problem], Note | None, list[Note] | None]:
    """The problems of the library's load, the note ``query`` names and the notes linking to
    it, when the kept index settles it (one exact match, whose file and those of the notes
    linking to it still hold the indexed bytes); else the note is None and the caller asks
    ``Library.find`` (which then reads every note). On a miss the index is made from the
    loaded notes, and the answer is ``find``'s."""
    from papernotes.storage.note_format import NoteFormatError

    built: list[bool] = []

    def make() -> str:
        built.append(True)
        return name_index(library)

    problems, text = library.cached_output(INDEX_NAME, make)
    if built or not query.strip():
        return problems, None, None  # the notes are read already: find() answers at no cost
    try:
        index = NameIndex(text)
        named = index.exact(query)
    except ValueError:
        return problems, None, None
    if len(named) != 1:
        return problems, None, None
    read: list[Note] = []
    for path, indexed in named + index.linking(named[0][0]):
        try:
            note = library.store.read(path)
        except (OSError, NoteFormatError):
            return problems, None, None
        if note.digest != indexed:
            return problems, None, None  # changed since the state was taken: find() reads all
        read.append(note)
    return problems, read[0], read[1:]
