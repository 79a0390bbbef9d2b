"""The kept search forms of one year folder in memory (``YearForms``, and ``YearSpellings``
for the pinyin spellings): joined strings and byte strings with offsets, as
``search_forms_cache`` reads and writes them (the big ones mapped from the file), so a load
makes no object per note until one is asked for, and none per field."""

from __future__ import annotations

import os
from array import array
from collections.abc import Iterable
from itertools import accumulate
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from papernotes.storage.caches.mapped_file import Section as Bytes
    from papernotes.storage.caches.mapped_file import Writable

    Ends = array[int] | memoryview
    """Field ends: an ``array`` made in memory, a view of the file's section when read."""

KEY_SIZE = 40
TOKEN_SIZE = 16
UNKNOWN = bytes(KEY_SIZE)
"""The stat key of forms made from bytes whose file's stat is not known: used by digest only
(no file has inode and device 0)."""

Forms = tuple[str, bytes, bool, bytes]
"""A note's forms as a search among notes in memory uses them: the digest of its bytes, its
folded search text in UTF-8, whether every field of it folded to as many characters as it
has, and where each field ends in that text (``search_hits.field_ends``)."""
Entry = tuple[str, bytes, str, bytes, bool, bytes, bytes, bytes]
"""A note's kept entry: path, stat key, digest, folded text, aligned, field ends, text, and
its ``list`` row but the path, marshalled."""
KeptProblem = tuple[str, bytes, int, str]
"""A note that does not parse: its path, its file's stat key, the line and the message."""
Spelling = tuple[str, str]
"""The digest of a note's bytes and the pinyin spelling of its folded text."""
KeptForms = dict[str, Forms]
"""Path -> the forms of the note there."""
KeptSpellings = dict[str, Spelling]


def starts_of(lengths: Iterable[int]) -> array[int]:
    """Where each of texts of ``lengths`` starts once they are joined by newlines, and one
    past the end of the last one (so text ``i`` is ``joined[starts[i] : starts[i + 1] - 1]``)."""
    return array("I", accumulate((n + 1 for n in lengths), initial=0))


class YearForms:
    """The kept forms of the notes of one year folder (see the module's docstring): a list
    of paths and byte strings with offsets, so a load makes one object per note (its path)
    and none per field; the big ones are mapped from the file (``mapped_file``)."""

    __slots__ = (
        "joined_paths",
        "keys",
        "joined_digests",
        "folded",
        "folded_starts",
        "aligned",
        "ends",
        "ends_starts",
        "texts",
        "text_starts",
        "joined_rows",
        "row_starts",
        "problems",
        "token",
        "_digests",
        "_paths",
    )

    def __init__(  # noqa: PLR0913 - the parts of the file, one each
        self,
        paths: str | list[str],
        keys: bytes,
        joined_digests: str,
        folded: Bytes,
        folded_starts: array[int],
        aligned: bytes,
        ends: Ends,
        ends_starts: array[int],
        texts: Bytes,
        text_starts: array[int],
        rows: tuple[Bytes, array[int]],
        problems: list[KeptProblem],
        token: bytes | None = None,
    ) -> None:
        self._paths = paths if isinstance(paths, list) else None
        self.joined_paths = paths if isinstance(paths, str) else "\0".join(paths)
        """The paths joined by NULs (never in a file name): ``paths`` splits them when asked,
        ``holds`` compares them with a scan's at once."""
        self.keys, self.joined_digests = keys, joined_digests
        """The digests joined by newlines (``digests`` splits them when asked)."""
        self.folded, self.folded_starts, self.aligned = folded, folded_starts, aligned
        self.ends, self.ends_starts = ends, ends_starts
        """Every note's field ends (``search_hits.field_ends``) in one array, note ``i``'s
        from ``ends_starts[i]`` to ``ends_starts[i + 1]``."""
        self.texts, self.text_starts = texts, text_starts
        self.joined_rows, self.row_starts = rows
        """Each note's ``list`` row but its path (``library/list_rows.py``), marshalled, all
        joined (``row``): loaded only for a paper found."""
        self.problems = problems
        """The notes of the year that do not parse: path, stat key, line and message."""
        self.token = os.urandom(TOKEN_SIZE) if token is None else token
        """Random bytes made with these forms and written with them: forms that hold the
        same token are the same forms (what the kept search answers are keyed by,
        ``search_answers``)."""
        self._digests: list[str] | None = None

    @classmethod
    def of(
        cls,
        entries: list[Entry],
        problems: list[KeptProblem] | None = None,
        token: bytes | None = None,
    ) -> YearForms:
        """The year holding ``entries`` (and ``problems``); ``token``: that of forms known
        to hold the same (a new one when not given)."""
        folded = [e[3] for e in entries]
        texts = [e[6] for e in entries]
        rows = [e[7] for e in entries]
        ends = array("I", b"".join(e[5] for e in entries))
        counts = (len(e[5]) // ends.itemsize for e in entries)
        return cls(
            [e[0] for e in entries],
            b"".join(e[1] for e in entries),
            "\n".join(e[2] for e in entries),
            b"\n".join(folded),
            starts_of(map(len, folded)),
            bytes(e[4] for e in entries),
            ends,
            array("I", accumulate(counts, initial=0)),
            b"\n".join(texts),
            starts_of(map(len, texts)),
            (b"\n".join(rows), starts_of(map(len, rows))),
            problems or [],
            token,
        )

    @property
    def paths(self) -> list[str]:
        """The notes' relative paths, in scan order."""
        if self._paths is None:
            joined = self.joined_paths
            self._paths = joined.split("\0") if joined else []
        return self._paths

    def holds(self, paths: list[str]) -> bool:
        """Whether these are the forms of exactly ``paths``, in that order; if so, those are
        the strings ``paths`` gives from now on (none is made from the file)."""
        if self._paths is not None:
            return self._paths == paths
        if "\0".join(paths) != self.joined_paths:
            return False
        self._paths = paths
        return True

    @property
    def digests(self) -> list[str]:
        """The digest of the bytes each note's forms were made from."""
        if self._digests is None:
            self._digests = self.joined_digests.split("\n") if self.joined_paths else []
        return self._digests

    def key(self, i: int) -> bytes:
        return self.keys[i * KEY_SIZE : (i + 1) * KEY_SIZE]

    def folded_of(self, i: int) -> bytes:
        return self.folded[self.folded_starts[i] : self.folded_starts[i + 1] - 1]

    def text_of(self, i: int) -> bytes:
        return self.texts[self.text_starts[i] : self.text_starts[i + 1] - 1]

    def row(self, i: int) -> bytes:
        """Note ``i``'s ``list`` row but its path, marshalled."""
        return self.joined_rows[self.row_starts[i] : self.row_starts[i + 1] - 1]

    def entry(self, i: int, key: bytes | None = None) -> Entry:
        """Entry ``i`` (with the stat key ``key`` instead of its own, if given)."""
        return (
            self.paths[i],
            self.key(i) if key is None else key,
            self.digests[i],
            self.folded_of(i),
            bool(self.aligned[i]),
            self.ends_of(i),
            self.text_of(i),
            self.row(i),
        )

    def ends_of(self, i: int) -> bytes:
        return self.ends[self.ends_starts[i] : self.ends_starts[i + 1]].tobytes()

    def forms(self, i: int) -> Forms:
        return (self.digests[i], self.folded_of(i), bool(self.aligned[i]), self.ends_of(i))

    def payload(self) -> tuple[object, ...]:
        """What the year's file holds but its big byte strings (``sections``)."""
        return (
            self.joined_paths,
            self.keys,
            self.joined_digests,
            self.folded_starts.tobytes(),
            self.aligned,
            self.ends_starts.tobytes(),
            self.text_starts.tobytes(),
            self.row_starts.tobytes(),
            self.problems,
            self.token,
        )

    def sections(self) -> list[Writable]:
        """The big byte strings of the year's file, each mapped when read."""
        ends = self.ends if isinstance(self.ends, memoryview) else memoryview(self.ends)
        return [self.folded, self.texts, ends.cast("B"), self.joined_rows]

    @classmethod
    def from_payload(cls, data: object, sections: list[Bytes]) -> YearForms | None:
        """The year a file holds: ``payload()``'s parts and its ``sections()``."""
        if not (isinstance(data, tuple) and len(data) == 10 and len(sections) == 4):
            return None
        paths, keys, digests, folded_at, aligned, ends_at, text_at, rows_at, problems = data[:9]
        token = data[9]
        if not (isinstance(token, bytes) and len(token) == TOKEN_SIZE):
            return None
        folded, texts, ends, rows = sections
        if not (isinstance(paths, str) and isinstance(problems, list) and isinstance(keys, bytes)):
            return None
        n = paths.count("\0") + 1 if paths else 0
        if not (len(keys) == n * KEY_SIZE and isinstance(aligned, bytes) and len(aligned) == n):
            return None
        if not (isinstance(digests, str) and digests.count("\n") == max(n - 1, 0)):
            return None
        if len(ends) % 4:
            return None
        all_ends = memoryview(ends).cast("I")  # (a mapped section: not copied)
        ends_starts = read_starts(ends_at, len(all_ends) - 1, n)  # ends: no newline between
        starts = read_starts(folded_at, len(folded), n)
        text_starts = read_starts(text_at, len(texts), n)
        row_starts = read_starts(rows_at, len(rows), n)
        if starts is None or text_starts is None or ends_starts is None or row_starts is None:
            return None
        return cls(
            paths,
            keys,
            digests,
            folded,
            starts,
            aligned,
            all_ends,
            ends_starts,
            texts,
            text_starts,
            (rows, row_starts),
            problems,
            token,
        )


def read_starts(data: object, length: int, n: int) -> array[int] | None:
    """``data`` as the starts of ``n`` texts joined into ``length`` characters, if it is."""
    if not isinstance(data, bytes):
        return None
    starts = array("I")
    try:
        starts.frombytes(data)
    except ValueError:
        return None
    end = length + 1 if n else 0  # no text: nothing joined, no newline past its end
    if len(starts) != n + 1 or starts[0] != 0 or starts[-1] != end or (not n and length > 0):
        return None
    return starts


class YearSpellings:
    """The kept pinyin spellings of the notes of one year folder: their paths (joined by
    NULs) and the digests of the bytes they were made from (joined by newlines), compared
    with a year's forms at once, and the spellings as UTF-8 (ASCII: ``;``, ``,``, ``|`` and
    toneless syllables) joined by newlines (a spelling holds none), mapped from the file,
    with where each starts: a pinyin query matches them as bytes, copying nothing."""

    __slots__ = ("joined_paths", "joined_digests", "spelled", "starts", "_paths", "_digests")

    def __init__(self, paths: str, digests: str, spelled: Bytes, starts: array[int]) -> None:
        self.joined_paths, self.joined_digests = paths, digests
        self.spelled, self.starts = spelled, starts
        self._paths: list[str] | None = None
        self._digests: list[str] | None = None

    @classmethod
    def of(cls, entries: list[tuple[str, str, str]]) -> YearSpellings:
        """The year holding ``(path, digest, spelling)`` entries."""
        spellings = [e[2].encode("utf-8", "surrogatepass") for e in entries]
        spelled, starts = b"\n".join(spellings), starts_of(map(len, spellings))
        paths, digests = "\0".join(e[0] for e in entries), "\n".join(e[1] for e in entries)
        return cls(paths, digests, spelled, starts)

    @property
    def paths(self) -> list[str]:
        if self._paths is None:
            self._paths = self.joined_paths.split("\0") if self.joined_paths else []
        return self._paths

    @property
    def digests(self) -> list[str]:
        if self._digests is None:
            self._digests = self.joined_digests.split("\n") if self.joined_paths else []
        return self._digests

    def spelling(self, i: int) -> str:
        found = self.spelled[self.starts[i] : self.starts[i + 1] - 1]
        return found.decode("utf-8", "surrogatepass")

    def payload(self) -> tuple[str, str, bytes]:
        """What the year's file holds but the spellings (its one section)."""
        return self.joined_paths, self.joined_digests, self.starts.tobytes()

    @classmethod
    def from_payload(cls, data: object, sections: list[Bytes]) -> YearSpellings | None:
        """The year a file holds: ``payload()``'s parts and the spellings."""
        if not (isinstance(data, tuple) and len(data) == 3 and len(sections) == 1):
            return None
        paths, digests, starts = data
        if not (isinstance(paths, str) and isinstance(digests, str)):
            return None
        n = paths.count("\0") + 1 if paths else 0
        if digests.count("\n") != max(n - 1, 0) or (not paths and digests):
            return None
        found = read_starts(starts, len(sections[0]), n)
        return None if found is None else cls(paths, digests, sections[0], found)
