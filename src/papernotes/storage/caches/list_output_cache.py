"""The ``list`` output, kept until a note changes: a repeated ``list`` reads no note.

``papernotes list`` prints the same text until a note file or ``document.yaml`` changes,
so the text is kept in the user cache folder together with the folder state it was made
from (``note_cache.folder_state``: every note's path and stat) and the problems of that
load. The next run stats the folder, and when the state is the same it prints the kept
text without reading a note. Any difference, even a touched file, is a miss: the command
then works from the notes as usual and keeps its new result.

One file per output (``<library hash>.views/<hash of its name>``: the name says which
``list`` options made it), at most ``MAX_OUTPUTS`` per library, the least recently written
dropped first; a text over ``MAX_OUTPUT_BYTES`` is not kept (``list --json`` of a huge
library). The header names the papernotes version and the size and time of every module
of the package, so an upgraded or edited papernotes never prints an output an older one
made. Like the note cache, the files are plain ``marshal`` data behind a checksum (led by
the state, so a kept output of another state is refused before its megabytes are checked
and loaded); a bad one is a miss, and failing to write one never fails the command.
"""

from __future__ import annotations

import contextlib
import marshal
import os
from pathlib import Path
from time import time_ns

from papernotes import __version__
from papernotes.blake2 import blake2b
from papernotes.model import Problem
from papernotes.storage.caches.location import cache_path, python_version
from papernotes.storage.checked_file import (
    CACHE_TEMP_PREFIX,
    CheckedFileStream,
    clear_folder,
    read_checked,
    write_checked_parts,
)

OUTPUT_FORMAT = 2
MAX_OUTPUTS = 8
MAX_OUTPUT_BYTES = 64 * 2**20
STALE_TEMP_NS = 3600 * 10**9
"""A temporary file this old is no write in progress but one a killed process left."""
_MAGIC = b"papernotes view\n"  # the file format's name, unchanged
_PACKAGE = Path(__file__).parent.parent.parent


def header() -> bytes:
    """What an output file must start with: format, versions and a stamp of the package's code."""
    line = f"format {OUTPUT_FORMAT} papernotes {__version__} {python_version()} code {code_stamp()}"
    return _MAGIC + line.encode() + b"\n"


def code_stamp() -> str:
    """A digest of the path, size and time of every module of papernotes (one stat per module),
    folders after the modules beside them, each in name order, as ``os.walk`` lists them
    (``os.scandir`` here: a third less time, the same digest)."""
    stamp = blake2b(digest_size=8)

    def walk(folder: str) -> None:
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=_name)
        except OSError:
            return
        subfolders = []
        for entry in entries:
            if entry.name.endswith(".py"):
                with contextlib.suppress(OSError):
                    st = entry.stat()
                    stamp.update(f"{entry.path} {st.st_size} {st.st_mtime_ns}\n".encode())
            elif not entry.name.startswith((".", "__")) and _real_folder(entry):
                subfolders.append(entry.path)
        for subfolder in subfolders:
            walk(subfolder)

    walk(str(_PACKAGE))
    return stamp.hexdigest()


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def _real_folder(entry: os.DirEntry[str]) -> bool:
    """A folder ``os.walk`` descends into (a symlink to one it lists but does not enter)."""
    try:
        return entry.is_dir() and not entry.is_symlink()
    except OSError:
        return False


class ListOutputCache:
    """The kept ``list`` outputs of one library; every method swallows cache trouble and
    reports a miss."""

    def __init__(self, folder: Path | None, real_root: str) -> None:
        self.folder = folder
        """``None`` when caching is off."""
        self.real_root = real_root
        self._header: bytes | None = None

    @classmethod
    def for_library(cls, real_root: str) -> ListOutputCache:
        return cls(cache_path(real_root, ".views"), real_root)

    def header(self) -> bytes:
        if self._header is None:  # the code stamp stats every module: once is enough
            self._header = header()
        return self._header

    def read(self, name: str, state: bytes) -> tuple[list[Problem], str] | None:
        """The problems and text kept for ``name`` at ``state``; None when there are none."""
        path = self._path(name)
        if path is None:
            return None
        payload = read_checked(path, self.header(), leading=state)
        if payload is None:
            return None
        try:
            root, kept_name, kept_state, problems, text = marshal.loads(payload[len(state) :])
            if (root, kept_name, kept_state) != (self.real_root, name, state):
                return None
            if not isinstance(text, str):
                return None
            return [Problem(*problem) for problem in problems], text
        except (ValueError, EOFError, TypeError):
            return None

    def write(self, name: str, state: bytes, problems: list[Problem], text: str) -> bool:
        """Keep ``text`` and ``problems`` for ``name`` at ``state``; False on any failure."""
        path = self._path(name)
        if path is None:
            return False
        kept = [(p.path, p.line, p.message) for p in problems]
        try:  # led by the state, not joined to it: one copy of the text's bytes, not two
            data = marshal.dumps((self.real_root, name, state, kept, text))
        except (ValueError, TypeError):
            return False
        if len(state) + len(data) > MAX_OUTPUT_BYTES:
            return False
        if not write_checked_parts(path, self.header(), [state, data]):
            return False
        self._prune(keep=path)
        return True

    def writer(
        self, name: str, state: bytes, problems: list[Problem], chars: int = 0
    ) -> KeptOutputWriter | None:
        """``write`` for a text given in pieces (never joined); None when caching is off or
        the text, ``chars`` long (``len``), would be too long to keep: its UTF-8 bytes are at
        least as many (at 100,000 notes ``export --bib --with-notes`` is 84 MB: encoding and
        writing 64 MB of it to throw away was 0.2 s)."""
        path = self._path(name)
        if path is None or chars > MAX_OUTPUT_BYTES:
            return None
        return KeptOutputWriter(self, path, (self.real_root, name, state, problems))

    def clear(self) -> None:
        """Drop every kept output of this library: a note changed without its stat changing."""
        clear_folder(self.folder)

    def _path(self, name: str) -> Path | None:
        if self.folder is None:
            return None
        return self.folder / blake2b(name.encode("utf-8", "surrogatepass")).hexdigest()[:32]

    def _prune(self, keep: Path) -> None:
        """Delete all but the ``MAX_OUTPUTS`` most recently written outputs (and ``keep``), and
        temporary files left by killed writes (not those of writes in progress)."""
        try:
            entries = [e for e in os.scandir(self.folder) if e.is_file()]
            entries.sort(key=lambda e: e.stat().st_mtime_ns, reverse=True)
        except OSError:
            return
        outputs = [e for e in entries if not e.name.startswith(CACHE_TEMP_PREFIX)]
        stale = time_ns() - STALE_TEMP_NS
        dropped = outputs[MAX_OUTPUTS:] + [
            e
            for e in entries
            if e.name.startswith(CACHE_TEMP_PREFIX) and e.stat().st_mtime_ns < stale
        ]
        for entry in dropped:
            if entry.path != str(keep):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


class KeptOutputWriter:
    """Keeps a text given in pieces as ``ListOutputCache.write`` keeps a whole one (the same
    file, read by ``read``), each piece written to a temporary file as it comes: the
    ``marshal`` data is laid out by hand (format 2, which has no back-references) so that
    the text's length is written last. A text over ``MAX_OUTPUT_BYTES`` is not kept."""

    def __init__(
        self,
        cache: ListOutputCache,
        path: Path,
        parts: tuple[str, str, bytes, list[Problem]],
    ) -> None:
        root, name, state, problems = parts
        kept = [(p.path, p.line, p.message) for p in problems]
        self.cache, self.path = cache, path
        self.stream: CheckedFileStream | None = CheckedFileStream(path, cache.header())
        try:
            head = b"".join(marshal.dumps(part, 2) for part in (root, name, state, kept))
        except (ValueError, TypeError):
            self.discard()
            return
        self.length_at = len(state) + 5 + len(head) + 1  # after the tuple's and text's types
        self._add(state + b"(" + (5).to_bytes(4, "little") + head + b"u" + bytes(4))

    def add(self, piece: str) -> None:
        self._add(piece.encode("utf-8", "surrogatepass"))

    def _add(self, data: bytes) -> None:
        stream = self.stream
        if stream is not None:
            stream.add(data)
            if stream.size > MAX_OUTPUT_BYTES:
                self.discard()

    def finish(self) -> bool:
        """Put the kept text in place; False when it is not kept."""
        stream = self.stream
        if stream is None:
            return False
        text_bytes = stream.size - self.length_at - 4
        stream.patch(self.length_at, text_bytes.to_bytes(4, "little"))
        self.stream = None
        if not stream.finish():
            return False
        self.cache._prune(keep=self.path)
        return True

    def discard(self) -> None:
        if self.stream is not None:
            self.stream.discard()
            self.stream = None
