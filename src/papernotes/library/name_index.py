"""The name index's text: each note's path, digest, folded key, arXiv id, normalised title,
links and mark, one part per kind and one line per note, made from the notes
(``name_index``, ``index_text``) and searched in place (``NameIndex``). Kept per state of
the notes folder and answered from by ``library/name_index_lookup.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from papernotes.library.name_columns import MARK, mark, order_mark
from papernotes.model import normalize_title
from papernotes.text.arxiv_ids import base_id

if TYPE_CHECKING:
    from papernotes.library.api import Library

INDEX_NAME = "name index 6"
"""The kept output's name (``Library.cached_output``); a new layout of the index, a new name."""

_PARTS: tuple[str, ...] = ("paths", "digests", "keys", "arxiv", "titles", "links", "marks")
_PARTS += ("order", "folded paths", "rows")
_SEPARATOR = "\n\0\n"
"""Between two parts: every line of every part lies between two line breaks."""
_SAME = "="
"""The "folded paths" part when folding changes no path (never a path: no ``/``)."""
_ROW = 17
"""A line of "rows": where the note's path and digest start (two 8-digit hex offsets)."""
HOLDS_LINKS = "\t"
"""The "links" line of a note holding links that name no paper (``part_empty("links")``:
no note holds a link)."""
_UNUSABLE = ""
"""The index of a library with a name holding a line break: never used (``find`` answers)."""


def name_index(library: Library) -> str:
    """The names of the library's notes as text: ten parts (paths, digests, folded keys,
    arXiv ids, normalised titles, the paths of the papers each note links to, tab-joined
    (``HOLDS_LINKS`` for a note whose links name none), each note's ``mark``, the
    folded paths, and where each note's path and digest start), each one line per note in the
    library's order, and "order", one line: ``order_mark`` of the document's order. Lines
    are searched in place (``str.find`` within a part), which is far faster than decoding a
    mapping, or even splitting the text, at 100,000 notes."""
    return index_text(name_columns(library))


def name_columns(library: Library) -> list[list[str]]:
    """The first eight parts of ``name_index``, one value per note each ("order": one)."""
    from papernotes.errors import FileFormatError
    from papernotes.library.paper_links import holds_links, links_to

    notes = library.notes()
    try:
        order = library.layout().order
    except FileFormatError:  # ordered without it (``order.library_ordered``)
        order = ()
    return [
        [n.path for n in notes],
        [n.digest for n in notes],
        [n.paper.key.casefold() for n in notes],
        [n.paper.arxiv for n in notes],
        [normalize_title(n.paper.title) for n in notes],
        [
            "\t".join(t.path for t in links_to(library, n)) or HOLDS_LINKS
            if holds_links(n.paper)
            else ""
            for n in notes
        ],
        [mark(n.paper.key, n.paper.year, n.paper.added, n.paper.title) for n in notes],
        [order_mark(order)],
    ]


def index_text(columns: list[list[str]]) -> str:
    """The index of the first eight parts, ``columns`` (one value per note each; emptied
    here, each as soon as it is joined); the folded paths and the rows are worked out here."""
    paths, digests = columns[0], columns[1]
    folded = [path.casefold() for path in paths]  # folded once here, not by every show
    columns.append([_SAME] if folded == paths else folded)
    del folded
    if any("\n" in value or "\0" in value for column in columns for value in column):
        return _UNUSABLE
    starts = zip(_starts(paths), _starts(digests), strict=True)
    columns.append([f"{path:08x}{digest:08x}" for path, digest in starts])
    del paths, digests, starts
    parts = ["\n"]
    for at, column in enumerate(columns):  # each part joined, its list let go, then one copy:
        parts += ("\n".join(column), _SEPARATOR)  # the text is made once, not three times
        columns[at] = []  # (at 100,000 notes: about 40 MB fewer at the peak of a cold show)
    parts[-1] = "\n"
    return "".join(parts)


def _starts(lines: list[str]) -> list[int]:
    """Where each of ``lines``, joined by line breaks, starts in their text."""
    starts, at = [], 0
    for line in lines:
        starts.append(at)
        at += len(line) + 1
    return starts


class NameIndex:
    """A ``name_index`` text, searched in place."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._spans: dict[str, tuple[int, int]] = {}
        at = 1  # after the first line break
        for part in _PARTS:
            end = text.find(_SEPARATOR, at)
            end = len(text) - 1 if end < 0 else end
            self._spans[part] = (at, end)
            at = end + len(_SEPARATOR)
        rows_start, rows_end = self._spans["rows"]
        paths_start, paths_end = self._spans["paths"]
        lines = text.count("\n", paths_start, paths_end) + 1
        if (
            not text.startswith("\n")
            or not text.endswith("\n")
            or at != len(text) + len(_SEPARATOR) - 1
            or rows_end - rows_start != lines * _ROW - 1
            or self._spans["marks"][1] - self._spans["marks"][0] != lines * (MARK + 1) - 1
        ):
            raise ValueError("not a name index")
        if text[slice(*self._spans["folded paths"])] == _SAME:
            self._spans["folded paths"] = self._spans["paths"]

    def lines(self, part: str, value: str, *, ending: bool = False) -> set[int]:
        """The numbers of the lines of ``part`` equal to ``value`` (or ending with it)."""
        text, (start, end) = self._text, self._spans[part]
        needle = (value if ending else "\n" + value) + "\n"
        skip = 0 if ending else 1  # the line break before the line
        found: list[int] = []
        at = text.find(needle, start - 1, end + 1)
        while at >= 0:
            found.append(at + skip)
            at = text.find(needle, at + 1, end + 1)
        return _line_numbers(text, start, found)

    def exact(self, name: str) -> list[tuple[str, str]]:
        """The notes (path, digest) ``name`` names by an exact rule of
        ``names.exact_matches`` (key, path or slug, arXiv id, title), in the library's order."""
        return self.rows(self.exact_lines(name))

    def exact_lines(self, name: str) -> set[int]:
        """The numbers of the lines of the notes ``exact`` gives."""
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
        return found

    def rows(self, numbers: set[int]) -> list[tuple[str, str]]:
        """The path and digest of each of the lines ``numbers``, in their order."""
        return self._rows(numbers)

    def _rows(self, numbers: set[int]) -> list[tuple[str, str]]:
        text = self._text
        rows = self._spans["rows"][0]
        paths, digests = self._spans["paths"][0], self._spans["digests"][0]
        found = []
        for number in sorted(numbers):
            row = rows + number * _ROW
            path = paths + int(text[row : row + 8], 16)
            digest = digests + int(text[row + 8 : row + 16], 16)
            found.append(
                (text[path : text.index("\n", path)], text[digest : text.index("\n", digest)])
            )
        return found

    def part_lines(self, part: str) -> list[str]:
        """Every line of ``part``, one per note."""
        return self._text[slice(*self._spans[part])].split("\n")

    def part_empty(self, part: str) -> bool:
        """Whether every line of ``part`` is empty."""
        start, end = self._spans[part]
        return self._text.count("\n", start, end) == end - start

    def line(self, part: str, number: int) -> str:
        """Line ``number`` of ``part`` (``line_span``)."""
        return self._text[slice(*self.line_span(part, number))]

    def line_span(self, part: str, number: int) -> tuple[int, int]:
        """Where line ``number`` of ``part`` lies in the text: its start found by halving,
        each step a count of the line breaks before it (a line's value is looked up, not
        every line equal to it)."""
        text, (start, end) = self._text, self._spans[part]
        low, high = start, end  # the first position after ``number`` line breaks of the part
        while low < high:
            middle = (low + high) // 2
            if text.count("\n", start, middle) < number:
                low = middle + 1
            else:
                high = middle
        return low, text.index("\n", low)

    def mark(self, number: int) -> str:
        """Line ``number`` of "marks"."""
        return self._text[slice(*self.mark_span(number))]

    def mark_span(self, number: int) -> tuple[int, int]:
        """Where line ``number`` of "marks" lies (every line ``MARK`` long: no search)."""
        start = self._spans["marks"][0] + number * (MARK + 1)
        return start, start + MARK

    def order(self) -> str:
        """The "order" part: ``order_mark`` of the document's order the index was made with."""
        return self._text[slice(*self._spans["order"])]

    @property
    def text(self) -> str:
        """The index's text."""
        return self._text

    def digest_span(self, number: int) -> tuple[int, int]:
        """Where the digest of line ``number`` lies in the text."""
        text = self._text
        row = self._spans["rows"][0] + number * _ROW
        start = self._spans["digests"][0] + int(text[row + 8 : row + 16], 16)
        return start, text.index("\n", start)

    def linking(self, path: str) -> list[tuple[str, str]]:
        """The notes (path, digest) that link to the note at ``path``, in the library's
        order."""
        return self._rows(self.linking_lines(path))

    def linking_lines(self, path: str) -> set[int]:
        """The numbers of the lines of the notes that link to the note at ``path``."""
        text, (start, end) = self._text, self._spans["links"]  # a line: paths, tab-joined
        if not path or "\t" in path or "\n" in path:
            lines = enumerate(text[start:end].split("\n"))
            return {n for n, t in lines if t and path in t.split("\t")}
        found: list[int] = []
        at = text.find(path, start, end)
        while at >= 0:
            if text[at - 1] in "\n\t" and text[at + len(path)] in "\n\t":  # a whole path
                found.append(at)
            at = text.find(path, at + 1, end)
        return _line_numbers(text, start, found)


def _line_numbers(text: str, start: int, positions: list[int]) -> set[int]:
    """The numbers of the lines at the ascending character ``positions`` of the part of
    ``text`` that starts at ``start``; counted once through the part."""
    numbers: set[int] = set()
    line, counted = 0, start
    for at in positions:
        line += text.count("\n", counted, at)
        counted = at
        numbers.add(line)
    return numbers
