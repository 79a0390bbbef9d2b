"""New note files written in bulk (an import) with a few disk flushes instead of two per file.

Each file is written to a temporary name in its folder; ``commit`` flushes them all to disk
with one ``sync``, renames each into place and syncs each folder once. As with single
``atomic_write`` calls, a note appears under its name only once its bytes are on disk; a
crash before the rename leaves only temporary files (``NoteStore.remove_temp_files``).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from papernotes.storage.atomic import TEMP_PREFIX, TEMP_SUFFIX, fsync_dir, naming, new_file_mode

if TYPE_CHECKING:
    from papernotes.storage.temp_writer import TempFileWriter

COMMIT_EVERY = 500
"""Pending files per flush: bounds what a crash can take back (import is idempotent)."""
WRITER_AFTER = 64
"""Files a batch writes itself before a child process creates the rest (``temp_writer.py``):
a small bulk change never pays for starting one."""


class PendingWrites:
    def __init__(self, writer_process: bool = False) -> None:
        self._pending: list[tuple[str, Path, str]] = []  # (temporary file, folder, name)
        # Folders are keyed by their real path (``_key``): a year folder that is a symlink to
        # another year folder is the same folder, so a name pending in one is taken in both
        self._real: dict[Path, str] = {}
        self._names: dict[str, set[str]] = {}  # folder -> stems waiting to appear there
        # folder -> every note stem in it, listed once per batch and kept up to date with
        # what this batch writes: the batch holds the library lock, so no other papernotes
        # writes there meanwhile (``NoteStore`` calls ``forget`` when it moves or deletes)
        self._listed: dict[str, set[str]] = {}
        self._checked: set[Path] = set()  # folders known to exist inside the library
        self._mode: int | None = None  # of new files: the umask is read once per batch
        self._made: set[Path] = set()  # folders made (or found) for temporary files
        self._token = secrets.token_hex(4)  # temporary names: .papernotes-TOKEN-N.tmp
        self._count = 0
        self._writes = 0  # files added in this batch
        self._writer: TempFileWriter | None = None
        self._writer_tried = not writer_process  # only a batch that stops at an error
        # (an import) may hand its files to a child: its errors are learnt at the commit
        self._handed: list[tuple[bytes, int | None]] = []  # given to the child, unconfirmed
        self._folders: dict[str, Path] = {}  # ``folder()``'s Paths

    def __bool__(self) -> bool:
        return bool(self._pending)

    def add(self, path: Path, data: bytes, mode: int | None = None) -> None:
        """Write ``data`` for the new note ``path`` (a name no file has: ``taken`` knows), or,
        given the existing file's ``mode``, to replace the note at ``path`` (a bulk change).
        From the ``WRITER_AFTER``-th file on, a child process creates the temporary files
        (``temp_writer.py``) while this one goes on; ``commit`` waits for it."""
        self.add_in(path.parent, path.name, data, mode)

    def folder(self, root: Path, name: str) -> Path:
        """``root / name``, one Path per folder in a batch (a new Path costs, and its hash)."""
        folder = self._folders.get(name)
        if folder is None:
            folder = self._folders[name] = root / name
        return folder

    def add_in(self, folder: Path, name: str, data: bytes, mode: int | None = None) -> None:
        """``add`` for the file ``name`` in ``folder``."""
        if self._writes == WRITER_AFTER and not self._writer_tried:
            from papernotes.storage.temp_writer import TempFileWriter

            self._writer_tried = True
            self._writer = TempFileWriter.start()
        self._writes += 1
        stem = _stem(name)
        if self._writer is not None:
            tmp = self._temp_name(folder, name)
            self._pending.append((tmp, folder, name))  # first: ``_confirm`` then knows it
            self._handed.append((data, mode))
            self._writer.write(tmp, self._mode_of(mode), data)
        else:
            tmp = self._write_here(folder, name, data, mode)
            self._pending.append((tmp, folder, name))
        key = self._key(folder)
        self._names.setdefault(key, set()).add(stem)
        listed = self._listed.get(key)
        if listed is not None:
            listed.add(stem)
        if len(self._pending) >= COMMIT_EVERY:
            self.commit()

    def _write_here(self, folder: Path, name: str, data: bytes, mode: int | None) -> str:
        """Write ``data`` to a new temporary file for ``folder / name`` in this process; its
        name. An error names ``folder / name``, and leaves no temporary file."""
        try:
            fd, tmp = self._new_temp_file(folder, mode)
        except OSError as exc:
            raise naming(exc, folder / name) from None
        try:
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
            finally:
                os.close(fd)
        except BaseException as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            if isinstance(exc, OSError):
                raise naming(exc, folder / name) from None
            raise
        return tmp

    def _mode_of(self, mode: int | None) -> int:
        """``mode``, or the mode a new note gets (the umask is read once per batch)."""
        if mode is None:
            if self._mode is None:
                self._mode = new_file_mode()
            mode = self._mode
        return mode

    def _temp_name(self, folder: Path, name: str) -> str:
        """The next temporary name in ``folder`` (made if missing), for the child to create
        for the note ``name``: an error making the folder names that note."""
        if folder not in self._made:
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise naming(exc, folder / name) from None
            self._made.add(folder)
        self._count += 1
        return os.path.join(folder, f"{TEMP_PREFIX}{self._token}-{self._count}{TEMP_SUFFIX}")

    def _confirm(self) -> None:
        """Wait until the child wrote every file handed to it. Where it did not (an error, or
        it died), it is ended and the rest written here, as without it: an error names the
        first note that cannot be written and nothing after it is kept (``commit`` renames
        what came before). The temporary files of the notes it did not confirm are removed
        (a killed child may have left some)."""
        writer = self._writer
        if writer is None or not self._handed:
            return
        try:
            written = writer.written()
        except BaseException:  # interrupted while waiting: trust nothing unconfirmed
            writer.broken = True
            raise
        handed, self._handed = self._handed, []
        if written == len(handed):
            return
        if written > len(handed):  # more than asked: the records were misread, trust none
            written = -1
        self._writer = None
        writer.close()  # from here on it writes nothing
        first = len(self._pending) - len(handed) + max(written, 0)
        rest = self._pending[first:]
        del self._pending[first:]
        for tmp, folder, name in rest:
            self._names.get(self._key(folder), set()).discard(_stem(name))
            with contextlib.suppress(OSError):  # what a killed child may have left
                os.unlink(tmp)
        for (_tmp, folder, name), (data, mode) in zip(rest, handed[max(written, 0) :], strict=True):
            tmp = self._write_here(folder, name, data, mode)
            self._pending.append((tmp, folder, name))
            self._names.setdefault(self._key(folder), set()).add(_stem(name))

    def confirm(self) -> None:
        """Every file handed to the child is written, or the error of the first it could not
        write is raised (after writing here those before it; ``commit`` renames them)."""
        self._confirm()

    def close(self) -> None:
        """End the child process, if one was started (the batch is over)."""
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.close()

    def _new_temp_file(self, folder: Path, mode: int | None = None) -> tuple[int, str]:
        """A new temporary file in ``folder`` (``(fd, name)``) with the mode a new note gets:
        ``atomic.new_temp_file`` without ``mkstemp``'s cost (a third of a bulk import's
        writing time), named by a per-batch random token and a counter (``O_EXCL``: never
        an existing file; a clash draws a new token). ``mode``: an existing note's, kept."""
        mode = self._mode_of(mode)
        if folder not in self._made:
            folder.mkdir(parents=True, exist_ok=True)
            self._made.add(folder)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
        flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        while True:
            self._count += 1
            tmp = os.path.join(folder, f"{TEMP_PREFIX}{self._token}-{self._count}{TEMP_SUFFIX}")
            try:
                fd = os.open(tmp, flags, 0o600)
            except FileExistsError:
                self._token = secrets.token_hex(4)
                continue
            with contextlib.suppress(OSError):  # e.g. file systems without permissions
                os.fchmod(fd, mode)
            return fd, tmp

    def holds(self, path: Path) -> bool:
        """True when ``path`` is written but not renamed into place yet."""
        return path.stem in self._names.get(self._key(path.parent), ())

    def taken(self, folder: Path) -> set[str]:
        """Note names (without ``.md``) in ``folder``, on disk or written but not renamed yet."""
        key = self._key(folder)
        listed = self._listed.get(key)
        if listed is None:
            on_disk = set()
            if folder.is_dir():
                on_disk = {n.removesuffix(".md") for n in os.listdir(folder) if n.endswith(".md")}
            listed = self._listed[key] = on_disk | self._names.get(key, set())
        return listed

    def _key(self, folder: Path) -> str:
        """``folder``'s real path, found once per batch (the batch holds the lock: no other
        papernotes changes what the library's folders are meanwhile)."""
        key = self._real.get(folder)
        if key is None:
            key = self._real[folder] = os.path.realpath(folder)
        return key

    def is_checked(self, folder: Path) -> bool:
        """True once ``checked(folder)`` was called in this batch."""
        return folder in self._checked

    def checked(self, folder: Path) -> None:
        """``folder`` exists and is inside the library (not a symlink leading out)."""
        self._checked.add(folder)

    def forget(self, folder: Path) -> None:
        """Something else changed ``folder``: list it again next time."""
        self._listed.pop(self._key(folder), None)
        self._real.pop(folder, None)
        self._checked.discard(folder)

    def commit(self) -> None:
        """Make every pending file durable, then give each its name: those the child wrote,
        and, when it could not write one, those before it (then the error is raised)."""
        try:
            self._confirm()
        finally:
            self._rename_pending()

    def _rename_pending(self) -> None:
        """Sync and rename the pending files but those the child has not confirmed yet."""
        kept = len(self._pending) - len(self._handed)
        pending, self._pending = self._pending[:kept], self._pending[kept:]
        self._names = {}
        for _tmp, folder, name in self._pending:
            self._names.setdefault(self._key(folder), set()).add(_stem(name))
        if not pending:
            return
        if hasattr(os, "sync"):
            os.sync()  # one flush for all of them (sync(2) waits for the writes on Linux)
        else:  # pragma: no cover - Windows
            for tmp, _, _ in pending:
                with open(tmp, "rb+") as handle:
                    os.fsync(handle.fileno())
        for tmp, folder, name in pending:
            os.replace(tmp, os.path.join(folder, name))
        for folder in {folder for _, folder, _ in pending}:
            fsync_dir(folder)


def _stem(name: str) -> str:
    """``Path(name).stem`` for a note's file name, without making a Path."""
    return name[:-3] if name.endswith(".md") else Path(name).stem
