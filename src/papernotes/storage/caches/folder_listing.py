"""The note files of each year folder, kept with the folder's stat: a scan lists only the
year folders that changed (``NoteFolder.scan``).

Adding, removing or renaming a file in a folder changes the folder's mtime and ctime (and a
``chmod`` its ctime), so while a year folder's stat is the one it had when it was listed,
its note files are the ones listed then. Kept per year folder: the stat key of the folder
(``note_cache.stat_key``: size, mtime_ns, ctime_ns, inode, device), taken BEFORE it was
listed, and the relative paths of its note files. A folder is kept only when its listing
was plain: a real folder (not a symlink) whose ``.md`` entries are all regular files (no
symlink, FIFO or folder among them, no problem at all), changed at least the racy margin
(``note_cache.RACY_MARGIN_NS``) before the scan started, so that a later change shows in a
coarse timestamp too. Edits of a note's bytes do not change the listing; the per-file stats
that follow every scan catch them. The library folder itself is listed on every scan (a
few entries).

Like the other caches: one ``marshal`` file (``<library hash>.listing``) behind a header
naming the format, the versions and the code that lists folders, and a checksum; a missing
or damaged file is a miss, a failed write fails nothing, ``PAPERNOTES_NO_CACHE=1`` turns it
off. Every entry is checked against its own folder's stat, so entries written by different
processes are each right or unused.
"""

from __future__ import annotations

import marshal
import os
from pathlib import Path

from papernotes import __version__
from papernotes.storage.caches.location import cache_path, python_version
from papernotes.storage.checked_file import read_checked, write_checked

LISTING_FORMAT = 1
_MAGIC = b"papernotes folder listing\n"  # the file format's name, unchanged
_PACKAGE = Path(__file__).parent.parent.parent
LISTING_FILES = ("storage/note_folder.py", "storage/caches/folder_listing.py")
"""The modules deciding what a listing holds: their size and time are in the header, so an
edited papernotes never reuses what older code listed."""

YearListing = tuple[bytes, str]
"""A year folder's stat key and its note files' relative paths, joined by NULs (never in a
file name): one string loads far faster than a list of 100,000."""


def header() -> bytes:
    """What a listing file must start with to be read."""
    try:
        stats = [os.stat(_PACKAGE / name) for name in LISTING_FILES]
    except OSError:  # e.g. imported from a zip: the versions alone must do
        stats = []
    code = " ".join(f"{st.st_size}:{st.st_mtime_ns}" for st in stats)
    line = f"format {LISTING_FORMAT} papernotes {__version__} {python_version()} code {code}"
    return _MAGIC + line.encode() + b"\n"


class FolderListing:
    """The kept listings of one library's year folders; every method swallows cache trouble
    and reports a miss."""

    def __init__(self, path: Path | None, real_root: str) -> None:
        self.path = path
        """``None`` when caching is off."""
        self.real_root = real_root
        self.read_years: dict[str, YearListing] = {}
        """What ``read()`` returned: ``write`` skips an unchanged listing."""

    @classmethod
    def for_library(cls, real_root: str) -> FolderListing:
        return cls(cache_path(real_root, ".listing"), real_root)

    def read(self) -> dict[str, YearListing]:
        """Year folder name -> its kept listing; empty when nothing usable is kept."""
        if self.path is None:
            return {}
        payload = read_checked(self.path, header())
        if payload is None:
            return {}
        try:
            root, years = marshal.loads(payload)
        except (ValueError, EOFError, TypeError):
            return {}
        if root != self.real_root or not isinstance(years, dict):
            return {}
        if not all(_is_listing(value) for value in years.values()):
            return {}
        self.read_years = years
        return years

    def write(self, years: dict[str, YearListing]) -> bool:
        """Keep ``years`` (replacing everything kept) unless it is what was read; False on
        any failure or when nothing needed writing."""
        if self.path is None or years == self.read_years:
            return False
        try:
            payload = marshal.dumps((self.real_root, years))
        except (ValueError, TypeError):
            return False
        return write_checked(self.path, header(), payload)


def _is_listing(value: object) -> bool:
    return (
        isinstance(value, tuple)
        and len(value) == 2
        and isinstance(value[0], bytes)
        and isinstance(value[1], str)
    )


def split_listing(joined: str) -> list[str]:
    """The relative paths a ``YearListing`` holds."""
    return joined.split("\0") if joined else []
