"""Which mapped cache files were found intact since the machine started, so that a search
checks each year's forms file once per boot and version, not on every run (the checksums of
130 MB of forms are 0.05 s at 100,000 notes).

A cache file's bytes can come to differ from the ones its checksum was computed over only by
a write, which changes its stat key (size, mtime_ns, ctime_ns, inode, device: every cache
write renames a new file into place, and a write in place changes its ctime), or by a crash
(a file renamed into place before its data reached the disk may read as zeros once the
machine is back up). So a file with the stat key it had when its checksum was checked, in
the same boot of the machine, holds the bytes that were checked. Kept per library
(``<hash>.intact``): the boot's id (Linux: ``/proc/sys/kernel/random/boot_id``) and each
checked file's name and stat key. A key too recent to identify the bytes (``is_racy``: a
coarse clock may give a later write the same times) is never kept. Without a boot id (other
systems) nothing is kept and every read checks; like every cache file this one may be
missing or damaged, and then every file is checked again. The kept ``list --json`` and
``export --md`` texts (``text_blocks_cache``) are checked the same way, in a file of their own
(``<hash>.textintact``: two caches writing one file would drop each other's names).
"""

from __future__ import annotations

import marshal
import time
from pathlib import Path

from papernotes.storage.caches.location import cache_path
from papernotes.storage.caches.note_cache import StatKey, is_racy
from papernotes.storage.checked_file import read_checked, write_checked

_HEAD = b"papernotes intact cache files\nformat 1\n"
BOOT_ID = Path("/proc/sys/kernel/random/boot_id")


def boot_id() -> str | None:
    """This boot of the machine's id; None where there is none."""
    try:
        return BOOT_ID.read_text(encoding="ascii").strip() or None
    except (OSError, UnicodeDecodeError):
        return None


class IntactFiles:
    """The cache files of one library checked intact in this boot (see the module's
    docstring); every method swallows cache trouble."""

    def __init__(self, path: Path | None, real_root: str) -> None:
        self.path = path
        """``None`` when caching is off."""
        self.real_root = real_root
        self._boot: str | None = None
        self._known: dict[str, StatKey] | None = None
        self._unsaved = False

    @classmethod
    def for_library(cls, real_root: str) -> IntactFiles:
        return cls(cache_path(real_root, ".intact"), real_root)

    def key(self, name: str) -> StatKey | None:
        """The stat key file ``name`` had when it was found intact in this boot, if it was."""
        return self._read().get(name)

    def found(self, name: str, key: StatKey | None, later: bool = False) -> None:
        """File ``name`` is intact with stat key ``key`` (None: it is not known to be, or it
        is gone): kept unless racy. ``later``: written by ``save`` (several files found in
        one run, one write)."""
        known = self._read()
        if key is not None and (self._boot is None or is_racy(key, time.time_ns())):
            key = None
        if known.get(name) == key:
            return
        if key is None:
            known.pop(name, None)
        else:
            known[name] = key
        self._unsaved = True
        if not later:
            self.save()

    def save(self) -> None:
        """Write what ``found`` learnt since the last write, if anything."""
        if not self._unsaved:
            return
        self._unsaved = False
        if self.path is not None and self._boot is not None and self._known is not None:
            data = marshal.dumps((self.real_root, self._boot, self._known))
            write_checked(self.path, _HEAD, data)

    def _read(self) -> dict[str, StatKey]:
        if self._known is not None:
            return self._known
        self._known, self._boot = {}, boot_id()
        if self.path is None or self._boot is None:
            return self._known
        payload = read_checked(self.path, _HEAD)
        if payload is None:
            return self._known
        try:
            root, boot, known = marshal.loads(payload)
        except (ValueError, EOFError, TypeError):
            return self._known
        if root == self.real_root and boot == self._boot and isinstance(known, dict):
            self._known = {
                name: key
                for name, key in known.items()
                if isinstance(name, str) and isinstance(key, bytes)
            }
        return self._known
