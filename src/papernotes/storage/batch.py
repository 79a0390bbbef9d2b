"""New note files written in bulk (an import) with a few disk flushes instead of two per file.

Each file is written to a temporary name in its folder; ``commit`` flushes them all to disk
with one ``sync``, renames each into place and syncs each folder once. As with single
``atomic_write`` calls, a note appears under its name only once its bytes are on disk; a
crash before the rename leaves only temporary files (``NoteStore.remove_temp_files``).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from papernotes.storage.atomic import fsync_dir, naming, new_file_mode, new_temp_file

COMMIT_EVERY = 500
"""Pending files per flush: bounds what a crash can take back (import is idempotent)."""


class PendingWrites:
    def __init__(self) -> None:
        self._pending: list[tuple[str, Path]] = []
        self._names: dict[Path, set[str]] = {}  # folder -> stems waiting to appear there
        # folder -> every note stem in it, listed once per batch and kept up to date with
        # what this batch writes: the batch holds the library lock, so no other papernotes
        # writes there meanwhile (``NoteStore`` calls ``forget`` when it moves or deletes)
        self._listed: dict[Path, set[str]] = {}
        self._checked: set[Path] = set()  # folders known to exist inside the library
        self._mode: int | None = None  # of new files: the umask is read once per batch

    def __bool__(self) -> bool:
        return bool(self._pending)

    def add(self, path: Path, data: bytes) -> None:
        """Write ``data`` for the new note ``path`` (a name no file has: ``taken`` knows)."""
        if self._mode is None:
            self._mode = new_file_mode()
        try:
            fd, tmp = new_temp_file(path, self._mode)
        except OSError as exc:
            raise naming(exc, path) from None
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
        except BaseException as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            if isinstance(exc, OSError):
                raise naming(exc, path) from None
            raise
        self._pending.append((tmp, path))
        self._names.setdefault(path.parent, set()).add(path.stem)
        if path.parent in self._listed:
            self._listed[path.parent].add(path.stem)
        if len(self._pending) >= COMMIT_EVERY:
            self.commit()

    def taken(self, folder: Path) -> set[str]:
        """Note names (without ``.md``) in ``folder``, on disk or written but not renamed yet."""
        listed = self._listed.get(folder)
        if listed is None:
            on_disk = set()
            if folder.is_dir():
                on_disk = {n.removesuffix(".md") for n in os.listdir(folder) if n.endswith(".md")}
            listed = self._listed[folder] = on_disk | self._names.get(folder, set())
        return listed

    def is_checked(self, folder: Path) -> bool:
        """True once ``checked(folder)`` was called in this batch."""
        return folder in self._checked

    def checked(self, folder: Path) -> None:
        """``folder`` exists and is inside the library (not a symlink leading out)."""
        self._checked.add(folder)

    def forget(self, folder: Path) -> None:
        """Something else changed ``folder``: list it again next time."""
        self._listed.pop(folder, None)
        self._checked.discard(folder)

    def commit(self) -> None:
        """Make every pending file durable, then give each its name."""
        pending, self._pending, self._names = self._pending, [], {}
        if not pending:
            return
        if hasattr(os, "sync"):
            os.sync()  # one flush for all of them (sync(2) waits for the writes on Linux)
        else:  # pragma: no cover - Windows
            for tmp, _ in pending:
                with open(tmp, "rb+") as handle:
                    os.fsync(handle.fileno())
        for tmp, path in pending:
            os.replace(tmp, path)
        for folder in {path.parent for _, path in pending}:
            fsync_dir(folder)
