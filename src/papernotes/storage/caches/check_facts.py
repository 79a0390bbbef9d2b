"""What ``check`` keeps between runs, so that a check after an edit parses only the files
whose bytes changed (``storage/check_load.py``, ``library/check_run.py``).

Two checked files per library (``checked_file.py``: a header naming the code, a CRC-32):

- ``<hash>.check``, the state: every note file's path (in scan order) with the digest of its
  bytes when last checked, the problem of each file that did not parse then, what the note
  cache held for each path (its stat key and digest, "marks") with the CRC and size of each
  note cache shard those marks were read from, and the last output (its problems and note
  count) with a digest of everything it was worked out from;
- ``<hash>.checkfacts``: each note's facts, as the library layer worked them out from the
  note (opaque here), with its path and the digest of the bytes they came from; the facts
  of the notes changed since it was written are in the state (a few).

Everything is keyed by content (a file's digest, a shard's CRC), never by a stat alone, and
the header names the size and time of every module whose code the facts or the output come
from: a missing, damaged, truncated or other-version file reads as None, and ``check`` then
reads every note as it did before keeping these.
"""

from __future__ import annotations

import marshal
import os
import struct
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from papernotes.blake2 import blake2b
from papernotes.storage.caches.location import cache_path
from papernotes.storage.caches.note_cache import STAT_KEY_SIZE
from papernotes.storage.caches.note_cache import header as note_cache_header
from papernotes.storage.checked_file import CheckedFileStream, read_checked, remove_checked

FACTS_FORMAT = 1
CODE_FILES = (
    "library/check_facts.py",
    "library/check_run.py",
    "library/checks.py",
    "library/order.py",
    "library/paper_links.py",
    "library/three_way.py",
    "library/index.py",
    "formats/bibtex/keys.py",
    "text/paper_links.py",
    "text/arxiv_ids.py",
    "text/titles.py",
    "storage/check_load.py",
    "storage/layout_yaml.py",
    "storage/document_file.py",
    "storage/note_folder.py",
)
"""The modules the facts and the kept output are worked out by (besides the note parser,
which the note cache's header names): editing one drops what was kept."""
_PACKAGE = Path(__file__).parent.parent.parent
_MAGIC = b"papernotes check facts\n"

CheckState = tuple[
    list[str],
    bytes,
    dict[str, tuple[int, str]],
    list[object],
    bytes,
    tuple[Any, ...],
    dict[str, Any],
    dict[str, Any],
    bytes,
]
"""Paths in scan order; their digests joined (32 hex digits each); the problem of each that
did not parse (line, message); each shard's ``(crc, size)`` or None (no file); the marks of
the paths joined (``MARK_SIZE`` bytes each); the last output: (digest of its inputs, its
problems as ``(path, line, message)`` tuples, the number of notes, what ``document.yaml``
was, the listing's problems); the facts of the notes
whose bytes changed since the facts file was written (path: (digest, facts)), so that an
edit rewrites this file alone; then, from ``<hash>.checkkeys`` (which names the state by a
random token it was written with): ``rows`` and ``forms``, the stat key of each year's file
of the kept ``list`` rows and search forms as this check left them
(``storage/check_load.py``); the paths' stat keys joined."""
KeptFacts = tuple[list[str], bytes, list[list[Any]]]
"""The facts file: paths, their digests joined, one list per fact (a note's at its place)."""


def header() -> bytes:
    """The note cache's header (parser, Paper fields, versions) and the check code's."""
    try:
        stats = [os.stat(_PACKAGE / name) for name in CODE_FILES]
    except OSError:
        stats = []
    code = " ".join(f"{st.st_size}:{st.st_mtime_ns}" for st in stats)
    code_hash = blake2b(code.encode(), digest_size=8).hexdigest()
    return _MAGIC + f"format {FACTS_FORMAT} code {code_hash}\n".encode() + note_cache_header()


class CheckFactsCache:
    """The two files ``check`` keeps for one library (paths None: caching is off)."""

    def __init__(
        self, real_root: str, state: Path | None, facts: Path | None, keys: Path | None = None
    ) -> None:
        self.real_root = real_root
        self.state_path, self.facts_path, self.keys_path = state, facts, keys
        self._header: bytes | None = None
        self.nonce = b""
        """The token of the state last read (its keys file names it)."""

    @classmethod
    def for_library(cls, real_root: str) -> CheckFactsCache:
        state, facts = cache_path(real_root, ".check"), cache_path(real_root, ".checkfacts")
        return cls(real_root, state, facts, cache_path(real_root, ".checkkeys"))

    def head(self) -> bytes:
        if self._header is None:
            self._header = header()
        return self._header

    def read_state(self) -> CheckState | None:
        """The kept state, or None when there is none that reads whole and fits."""
        value = self._read(self.state_path)
        apart = self._read(self.keys_path)  # (rewritten alone when only stats changed)
        if value is None or len(value) != 8 or apart is None or len(apart) != 3:
            return None
        rels, digests, problems, shards, marks, output, delta, nonce = value
        kept_nonce, more, keys = apart
        if not (
            isinstance(nonce, bytes)
            and nonce == kept_nonce
            and isinstance(rels, list)
            and isinstance(digests, bytes)
            and len(digests) == 32 * len(rels)
            and isinstance(problems, dict)
            and isinstance(shards, list)
            and isinstance(marks, bytes)
            and len(marks) == MARK_SIZE * len(rels)
            and isinstance(output, tuple)
            and len(output) == 5
            and isinstance(delta, dict)
            and isinstance(more, dict)
            and isinstance(more.get("rows"), dict)
            and isinstance(more.get("forms"), dict)
            and isinstance(keys, bytes)
            and len(keys) == STAT_KEY_SIZE * len(rels)
        ):
            return None
        self.nonce = nonce
        return rels, digests, problems, shards, marks, output, delta, more, keys

    def read_facts(self) -> KeptFacts | None:
        """The notes' kept facts, with the paths and the digests of the bytes they came from."""
        value = self._read(self.facts_path)
        if value is None or len(value) < 2:
            return None
        rels, digests, *columns = value
        if not (
            isinstance(rels, list)
            and isinstance(digests, bytes)
            and len(digests) == 32 * len(rels)
            and all(isinstance(c, list) and len(c) == len(rels) for c in columns)
        ):
            return None
        return rels, digests, columns

    def write_state(self, state: tuple[Any, ...]) -> bool:
        """Keep ``state`` (a ``CheckState``, its byte strings maybe ``Joined``): all but its
        last two parts in the state file with a new token, those in the keys file with it."""
        nonce = os.urandom(16)
        if not self._write(self.state_path, [*state[:7], nonce]):
            return False
        self.nonce = nonce
        return self.write_keys(state[7], state[8])

    def write_keys(self, outputs: dict[str, Any], keys: bytes | Joined) -> bool:
        """Keep the paths' stat keys and the outputs' file keys for the state last read or
        written (a touch of a note changes these alone: 4 MB at 100,000 notes, not 17)."""
        if not self.nonce:
            return False
        return self._write(self.keys_path, [self.nonce, outputs, keys])

    def write_facts(self, facts: tuple[list[str], bytes | Joined, list[list[Any]]]) -> bool:
        rels, digests, columns = facts
        return self._write(self.facts_path, [rels, digests, *columns])

    def clear(self) -> None:
        for path in (self.state_path, self.facts_path, self.keys_path):
            if path is not None:
                remove_checked(path)

    def read_facts_of(self, wanted: list[str]) -> dict[str, tuple[bytes, tuple[Any, ...]]] | None:
        """The kept facts of the notes at ``wanted`` (those the facts file holds), with the
        digest of the bytes they came from: the whole file read and its checksum checked,
        but only the paths and the pieces holding these notes unpacked (an edit of one
        note: 30 ms and no 90 MB of every note's facts). None when the file does not read."""
        spans = self._spans(self.facts_path)
        if spans is None:
            return None
        payload, values = spans
        try:
            if len(values) < 3 or _load(payload, values[0][1][0]) != self.real_root:
                return None
            rels: list[Any] = []
            for span in values[1][1]:
                rels += _load(payload, span)
            asked = set(wanted)
            where = {rel: i for i, rel in enumerate(rels) if rel in asked}
            digests = b"".join(_load(payload, span) for span in values[2][1])  # (3 MB)
            found: dict[str, tuple[bytes, tuple[Any, ...]]] = {}
            for rel, i in where.items():
                row = tuple(
                    _load(payload, pieces[i // _PIECE])[i % _PIECE] for _, pieces in values[3:]
                )
                found[rel] = (digests[32 * i : 32 * i + 32], row)
        except (ValueError, EOFError, TypeError, IndexError, struct.error):
            return None
        return found

    def _spans(self, path: Path | None) -> tuple[memoryview, list[Any]] | None:
        """The payload kept at ``path`` (checked) and where each value's pieces are in it
        (``(kind, [(start, size), …])``), no piece unpacked; None when it does not read."""
        framed = self._framed_file(path)
        if framed is None:
            return None
        payload, spans = framed
        try:
            values: list[Any] = []
            at = 0
            while at < len(spans):
                kind, count = _load(payload, spans[at])
                values.append((kind, spans[at + 1 : at + 1 + count]))
                at += 1 + count
        except (ValueError, EOFError, TypeError, struct.error):
            return None
        return payload, values

    def _framed_file(self, path: Path | None) -> tuple[memoryview, list[tuple[int, int]]] | None:
        """The payload kept at ``path`` (checked) and where each value ``_write`` put in it
        is (``_framed``); None when it does not read."""
        if path is None:
            return None
        payload = read_checked(path, self.head())
        if payload is None:
            return None
        spans = _framed(payload)
        return None if spans is None else (payload, spans)

    def _read(self, path: Path | None) -> list[Any] | None:
        """The values kept at ``path`` (``_write``), or None."""
        framed = self._framed_file(path)
        if framed is None:
            return None
        payload, spans = framed
        try:
            parts = [marshal.loads(payload[at : at + size]) for at, size in spans]
        except (ValueError, EOFError, TypeError):
            return None
        values = _joined(parts)
        if values is None:
            return None
        if not values or values[0] != self.real_root:
            return None
        return values[1:]

    def _write(self, path: Path | None, values: list[Any]) -> bool:
        """Keep ``values`` at ``path``: the library's path and each value marshalled apart,
        each after its length (no value of every note's facts at once: 27 MB at 100,000
        notes, twice that while ``marshal`` grows it)."""
        if path is None:
            return False
        stream = CheckedFileStream(path, self.head())
        try:
            for value in [self.real_root, *values]:
                for piece in _pieces(value):  # each made when written: no copy of all
                    data = marshal.dumps(piece)
                    stream.add(_SIZE.pack(len(data)))
                    stream.add(data)
                    del data, piece
        except (ValueError, TypeError):
            stream.discard()
            return False
        return stream.finish()


_SIZE = struct.Struct("<Q")


def _framed(payload: memoryview | bytes) -> list[tuple[int, int]] | None:
    """Where each value ``_write`` put in ``payload`` is (start, size), each after its
    length; None when a length runs past the end."""
    spans: list[tuple[int, int]] = []
    at = 0
    try:
        while at < len(payload):
            (size,) = _SIZE.unpack_from(payload, at)
            at += _SIZE.size
            if at + size > len(payload):
                return None
            spans.append((at, size))
            at += size
    except struct.error:
        return None
    return spans


_PIECE = 8192
"""Items of a list marshalled at a time (a column of 100,000 titles at once: 8 MB, and
``marshal`` grows its buffer by doubling)."""


class Joined:
    """Byte strings (or ASCII strings) written as the one byte string they make joined, a
    piece at a time: read back, it is that byte string (3 to 7 MB at 100,000 notes, never
    made whole by the check that writes it)."""

    def __init__(self, items: Sequence[bytes] | Sequence[str]) -> None:
        self.items = items

    def pieces(self) -> Iterator[bytes]:
        for at in range(0, len(self.items), _PIECE):
            some = self.items[at : at + _PIECE]
            yield b"".join(some) if some and isinstance(some[0], bytes) else "".join(some).encode()  # type: ignore[arg-type]


def _pieces(value: Any) -> Iterator[Any]:
    """``value`` in the pieces it is written in, after ``(kind, count)``: a list in lists of
    ``_PIECE`` items, bytes in pieces of ``_PIECE`` × 128 bytes, anything else whole."""
    if isinstance(value, Joined):
        yield "bytes", -(-len(value.items) // _PIECE)
        yield from value.pieces()
    elif isinstance(value, (list, bytes)):
        size = _PIECE if isinstance(value, list) else _PIECE * 128
        kind = "list" if isinstance(value, list) else "bytes"
        yield kind, -(-len(value) // size)
        for at in range(0, len(value), size):
            yield value[at : at + size]
    else:
        yield "value", 1
        yield value


def _load(payload: memoryview, span: tuple[int, int]) -> Any:
    """The value marshalled at ``span`` (start, size) of ``payload``."""
    return marshal.loads(payload[span[0] : span[0] + span[1]])


def _joined(parts: list[Any]) -> list[Any] | None:
    """The values ``_write`` wrote as ``parts`` (each ``(kind, count)``, then its ``count``
    pieces); None when they do not fit that."""
    values: list[Any] = []
    at = 0
    while at < len(parts):
        head = parts[at]
        if not (isinstance(head, tuple) and len(head) == 2 and isinstance(head[1], int)):
            return None
        kind, count = head
        pieces = parts[at + 1 : at + 1 + count]
        at += 1 + count
        if len(pieces) != count:
            return None
        if kind == "value" and count == 1:
            values.append(pieces[0])
        elif kind == "list" and all(isinstance(piece, list) for piece in pieces):
            joined: list[Any] = []
            for piece in pieces:
                joined += piece
            values.append(joined)
        elif kind == "bytes" and all(isinstance(piece, bytes) for piece in pieces):
            values.append(b"".join(pieces))
        else:
            return None
    return values


MARK_SIZE = STAT_KEY_SIZE + 32
"""A path's mark: the note cache entry's stat key and its digest (32 hex digits; for an
entry holding a problem, ``!`` and 31 hex digits of the problem's digest), or zero bytes
when the note cache holds no entry for the path."""
NO_MARK = bytes(MARK_SIZE)


def problem_mark(line: int, message: str) -> bytes:
    """The digest part of the mark of an entry, or a file, whose problem is ``(line, message)``."""
    text = f"{line}\0{message}".encode("utf-8", "surrogatepass")
    return b"!" + blake2b(text, digest_size=16).hexdigest().encode()[:31]
