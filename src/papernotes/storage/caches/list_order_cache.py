"""Each year folder's notes in the library's order, kept, so that after an edit ``list`` and
the outputs of chosen papers order only the edited folder's rows again (at 100,000 notes
ordering every row was a tenth of a second of each of them).

Beside the kept rows (``list_rows_cache.py``), one file per library
(``<hash of the library's path>.order``) holding, per year folder: the token of the folder's
kept rows (``YearRows.token``: a token names one list of rows), the key of the document it
was ordered by (``NoteStore.keyed_layout``: the digest of ``document.yaml``'s bytes), the
paper year all its rows have, and the order: the place in the folder's rows (those of notes
that parse, in scan order) of each row in the library's order, as 32-bit numbers. An entry
is used only for the same rows token and document key, so a changed note (its folder's rows
written again, under a new token) or a changed document orders again; what
``library/list_order.py`` does with them is tested against a run without caches. The
header is the kept rows' (the note cache's header and the code stamp of every module) and
this file's format. A missing, damaged or other-code file reads as no entry; a failed write
fails nothing; entries written by two processes are each right for their own key.
"""

from __future__ import annotations

import marshal
from array import array
from pathlib import Path

from papernotes.storage.checked_file import read_checked, write_checked

ORDER_FORMAT = 1
FolderOrder = tuple[bytes, bytes, int, bytes]
"""A folder's kept order: its rows' token, the document key, the year of every row, and the
places (``array("i")`` bytes)."""


class ListOrderCache:
    """The kept orders of one library's year folders (``path`` None: caching is off); every
    method swallows cache trouble."""

    def __init__(self, path: Path | None, real_root: str, header: bytes) -> None:
        self.path = path
        self.real_root = real_root
        self.header = header + f"order format {ORDER_FORMAT}\n".encode()

    def read(self) -> dict[str, FolderOrder]:
        """Year folder -> its kept order; empty when nothing usable is kept."""
        if self.path is None:
            return {}
        payload = read_checked(self.path, self.header)
        if payload is None:
            return {}
        try:
            root, folders = marshal.loads(payload)
        except (ValueError, EOFError, TypeError):
            return {}
        if root != self.real_root or not isinstance(folders, dict):
            return {}
        return {
            name: entry
            for name, entry in folders.items()
            if isinstance(name, str) and _is_order(entry)
        }

    def write(self, folders: dict[str, FolderOrder]) -> bool:
        """Keep ``folders`` (replacing every entry); False on any failure."""
        if self.path is None:
            return False
        try:
            payload = marshal.dumps((self.real_root, folders))
        except (ValueError, TypeError):
            return False
        return write_checked(self.path, self.header, payload)


def places(entry: FolderOrder) -> array[int]:
    """The places an entry holds."""
    kept = array("i")
    kept.frombytes(entry[3])
    return kept


def _is_order(entry: object) -> bool:
    if not (isinstance(entry, tuple) and len(entry) == 4):
        return False
    token, key, year, kept = entry
    return (
        isinstance(token, bytes)
        and isinstance(key, bytes)
        and isinstance(year, int)
        and isinstance(kept, bytes)
        and len(kept) % array("i").itemsize == 0
    )
