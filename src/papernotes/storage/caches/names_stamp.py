"""Which kept name index ``show`` may use without stat-ing every note: the state it was kept
for (``note_cache.folder_state``) and the year folders' stamp (``NoteFolder.years_stamp``)
taken before the scan of that state.

While the year folders' stamp is the one kept, no note file was added, removed or renamed
since that scan (papernotes writes by atomic rename, so its own writes change a folder), and
``show`` reads the kept index of that state and the one note it names
(``library/name_index_lookup.py``). A note edited in place changes no folder: ``show`` checks the
note it shows, and every command that works out the folder's state (``NoteStore.state``, a
load) drops this file when the state is not the kept one, so the next ``show`` makes the
index again from every note.

One small file (``<library hash>.names``) behind a header naming the format and the
versions, and a checksum; a missing or damaged file is a miss, a failed write fails
nothing, ``PAPERNOTES_NO_CACHE=1`` turns it off.

Beside it (``<library hash>.namekeys``, read only when the year folders are not as stamped):
the paths and stat keys of the scan whose state is kept, led by that state, so that a
``show`` after a write works out the new state from the year folders that changed alone
(``library/name_index_years.py``).
"""

from __future__ import annotations

import marshal
import struct
from collections.abc import Callable
from pathlib import Path

from papernotes import __version__
from papernotes.storage.caches.location import cache_path, python_version
from papernotes.storage.checked_file import (
    read_checked,
    remove_checked,
    write_checked,
    write_checked_parts,
)

STAMP_FORMAT = 1
CHANGED = b""
"""The year folders' stamp of an index whose folder changed since (``settle``): it never
equals one (each ends with ``layout``), so only a ``show`` that stats every note uses it."""
_SIZES = struct.Struct("<QQ")
"""Before the paths and keys: the sizes of the library's path and of the paths, encoded."""
_MAGIC = b"papernotes names stamp\n"


def header() -> bytes:
    line = f"format {STAMP_FORMAT} papernotes {__version__} {python_version()}"
    return _MAGIC + line.encode() + b"\n"


class NamesStamp:
    """The kept (years stamp, state) of one library; every method swallows cache trouble."""

    def __init__(self, path: Path | None, real_root: str, keys_path: Path | None = None) -> None:
        self.path = path
        """``None`` when caching is off."""
        self.real_root = real_root
        self.keys_path = keys_path
        """The paths and stat keys of the stamped state (``write``'s ``scanned``)."""

    @classmethod
    def for_library(cls, real_root: str) -> NamesStamp:
        return cls(cache_path(real_root, ".names"), real_root, cache_path(real_root, ".namekeys"))

    def read(self) -> tuple[bytes, bytes] | None:
        """The kept years stamp and state; None when nothing usable is kept."""
        if self.path is None:
            return None
        payload = read_checked(self.path, header())
        if payload is None:
            return None
        try:
            root, stamp, state = marshal.loads(payload)
        except (ValueError, EOFError, TypeError):
            return None
        if root != self.real_root or not isinstance(stamp, bytes) or not isinstance(state, bytes):
            return None
        return stamp, state

    def write(
        self, stamp: bytes, state: bytes, scanned: tuple[list[str], bytes] | None = None
    ) -> bool:
        """Keep ``stamp`` and ``state`` and, if given, the paths and stat keys (joined) the
        state was worked out from (``scanned``; kept first, and led by their state, so that
        they are never taken for another state's); False on any failure."""
        if self.path is None:
            return False
        if scanned is not None and self.keys_path is not None:
            rels, keys = scanned  # in parts, never joined: 7 MB at 100,000 notes
            names = "\0".join(rels).encode("utf-8", "surrogatepass")
            root = self.real_root.encode("utf-8", "surrogatepass")
            sizes = _SIZES.pack(len(root), len(names))
            write_checked_parts(self.keys_path, header(), [state, sizes, root, names, keys])
            del names
        return write_checked(self.path, header(), marshal.dumps((self.real_root, stamp, state)))

    def read_scanned(self, state: bytes) -> tuple[list[str], bytes] | None:
        """The paths and the stat keys (joined) the kept ``state`` was worked out from; None
        when none are kept for that state."""
        if self.keys_path is None:
            return None
        payload = read_checked(self.keys_path, header(), leading=state)
        if payload is None or len(payload) < len(state) + _SIZES.size:
            return None
        root_size, names_size = _SIZES.unpack_from(payload, len(state))
        root_at = len(state) + _SIZES.size
        names_at = root_at + root_size
        keys_at = names_at + names_size
        try:
            root = bytes(payload[root_at:names_at]).decode("utf-8", "surrogatepass")
            text = bytes(payload[names_at:keys_at]).decode("utf-8", "surrogatepass")
        except UnicodeDecodeError:
            return None
        if root != self.real_root or keys_at > len(payload):
            return None
        return (text.split("\0") if text else []), bytes(payload[keys_at:])

    def settle(self, state_now: Callable[[], bytes | None]) -> None:
        """Unless the kept stamp is kept for ``state_now()`` (the folder's state just seen,
        None when unknown; worked out only when a stamp is kept), a note changed since the
        index was kept, maybe in place: the year folders' stamp is dropped (``CHANGED``),
        the state kept, so that ``show`` brings the index up to date from the notes whose
        stat changed (``library/name_index_update.py``, which stats every note) instead of
        trusting the year folders or making it from every note."""
        if self.path is None or not self.path.exists():  # one stat when nothing is kept
            return
        kept = self.read()
        if kept is None:
            remove_checked(self.path)
        elif kept[0] != CHANGED and kept[1] != state_now():
            self.write(CHANGED, kept[1])
