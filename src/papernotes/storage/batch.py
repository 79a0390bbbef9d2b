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

from papernotes.storage.atomic import fsync_dir, new_temp_file

COMMIT_EVERY = 500
"""Pending files per flush: bounds what a crash can take back (import is idempotent)."""


class PendingWrites:
    def __init__(self) -> None:
        self._pending: list[tuple[str, Path]] = []
        self._names: dict[Path, set[str]] = {}  # folder -> stems waiting to appear there

    def __bool__(self) -> bool:
        return bool(self._pending)

    def add(self, path: Path, data: bytes) -> None:
        fd, tmp = new_temp_file(path)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        self._pending.append((tmp, path))
        self._names.setdefault(path.parent, set()).add(path.stem)
        if len(self._pending) >= COMMIT_EVERY:
            self.commit()

    def taken(self, folder: Path) -> set[str]:
        """Note names (without ``.md``) in ``folder`` that are written but not renamed yet."""
        return self._names.get(folder, set())

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

    def discard(self) -> None:
        for tmp, _ in self._pending:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        self._pending, self._names = [], {}
