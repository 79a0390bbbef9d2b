"""The notes folder on disk: ``<root>/<year>/<slug>.md`` plus ``document.yaml``.

This is the only code that reads or writes the library. Every write is atomic, and a
write refuses when the file changed on disk since it was read (the writes are in
``storage/note_writes.py``; here: reading, the state of the folder, listing).
"""

from __future__ import annotations

import contextlib
import os
import stat
from bisect import bisect_left
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from papernotes.errors import ConflictError, FileFormatError, NotFoundError, PapernotesError
from papernotes.model import DocumentLayout, Note, Problem
from papernotes.storage.caches import LibraryCaches
from papernotes.storage.caches.folder_listing import FolderListing
from papernotes.storage.caches.note_cache import (
    LayoutEntry,
    StatKey,
    is_gone,
    stat_keys_started,
)
from papernotes.storage.document_file import (
    LAYOUT_FILE,
    LayoutFormatError,
    layout_from_data,
    parse_layout,
)
from papernotes.storage.library_lock import LockWait, holding
from papernotes.storage.note_folder import (
    NoteFolder,
    Scan,
    is_temp_file,
    stat_key_or_none,
)
from papernotes.storage.note_format import NoteFormatError, field_line, parse_note
from papernotes.storage.note_loads import NoteLoads
from papernotes.storage.note_writes import NoteWrites, digest
from papernotes.storage.regular_file import read_regular

if TYPE_CHECKING:
    from filelock import BaseFileLock

    from papernotes.storage.batch import PendingWrites
    from papernotes.storage.caches.list_output_cache import ListOutputCache

LOCK_FILE = ".papernotes.lock"
__all__ = ["NoteStore", "Scan", "digest", "is_temp_file"]


class NoteStore(NoteLoads, NoteWrites):
    """Reads and writes the note files of one library folder (the loads of every note:
    ``NoteLoads``, ``storage/note_loads.py``; the writes: ``NoteWrites``,
    ``storage/note_writes.py``)."""

    def __init__(self, root: Path, lock_wait: LockWait | None = None) -> None:
        self.root = Path(root)
        self.lock_wait = lock_wait or LockWait()  # how long a write waits for another writer
        self.folder = NoteFolder(self.root)
        self._real_root = self.folder.real_root
        self._caches: LibraryCaches | None = None
        # one FileLock per store, so nested locked() calls re-enter it
        self._lock: BaseFileLock | None = None
        self._batch: PendingWrites | None = None  # new notes waiting for one flush (import)
        self._layout_data: LayoutEntry | None = None  # (stat key, YAML) seen by the last load()
        self._layout_made: tuple[LayoutEntry, DocumentLayout] | None = None  # made of that
        # folder_state() arguments of the last load()
        self._seen: tuple[list[str], list[StatKey], StatKey | None, list[Problem]] | None = None
        self._state_of: tuple[tuple[object, ...], bytes] | None = None  # the last state()
        self.repaired: list[str] = []
        """The notes whose cached copy the last ``load(from_disk=True)`` found stale."""
        self.changed: list[str] = []
        """The files (relative paths) written, moved or removed under the lock now held."""
        self.after_writes: Callable[[list[str]], None] | None = None
        """Called with ``changed`` when the outermost lock is released after writes, still
        holding it (the library commits them to git there: ``library/history_ops.py``)."""
        self.scanned_plain = False
        """Whether the last ``scan()`` found only real year folders of regular note files
        (``Scan.plain``): only then may ``show`` trust the year folders' stamp."""
        self.unseen: list[str] = []
        """What the last ``load()`` could not read though it may hold papers: folders and
        files that cannot be read, notes with a front matter that does not parse
        (``Library.refuse_unseen``)."""
        self.loaded_scan: Scan | None = None
        """The listing the last ``load`` read: not the one it was given when notes vanished
        meanwhile and it listed the folder again."""
        self.read_paths: list[str] = []
        """The notes ``read`` from their files since the last ``scan`` (relative paths, in
        turn), for ``read_as_scanned``."""

    # -- reading ---------------------------------------------------------

    def exists(self) -> bool:
        return self.root.is_dir()

    def read(self, rel: str) -> Note:
        """Read one note; raises ``NoteFormatError`` for a malformed file."""
        self._settle(rel)
        self.read_paths.append(rel)
        return _note_of(rel, read_regular(self.folder.file_of(rel)))

    def read_as_scanned(self, scan: Scan) -> bool:
        """Whether every note ``read`` since the last ``scan()`` (``scan``) still has the stat
        key ``scan`` gave it: then each was read as the scan found it, however many times and
        by whichever part of an output. An output joined from several kept parts (the papers
        a search found and their kept texts) asks this before it prints: a note saved while
        the parts were made may have been read before and after, and would be printed half
        old, half new."""
        keys, found = scan.keys, scan.found
        if keys is None:
            return False
        for rel in set(self.read_paths):
            i = bisect_left(found, rel)
            if i == len(found) or found[i] != rel:
                return False
            if stat_key_or_none(self.path_of(rel)) != keys[i]:
                return False
        return True

    def read_changed(self, rel: str, known: str) -> Note | None:
        """``read``, or None when the file's bytes have the digest ``known``: their parse
        is known already (``check`` parses only the notes whose bytes changed)."""
        self._settle(rel)
        data = read_regular(self.folder.file_of(rel))
        data_digest = digest(data)
        return None if data_digest == known else _note_of(rel, data, data_digest)

    def vanished(self, rel: str, exc: OSError) -> bool:
        """``note_cache.is_gone`` for the note at ``rel``: deleted or moved meanwhile."""
        return is_gone(str(self.path_of(rel)), exc)

    def read_current(self, note: Note) -> Note:
        """``note``'s file as it reads now, from disk and never the cache: what a write under
        the lock builds on. ``ConflictError`` when it was moved or deleted; when its bytes are
        not the ones ``note`` was read from, the cache's copy of it is dropped."""
        try:
            fresh = self.read(note.path)
        except FileNotFoundError:
            raise ConflictError(
                f"{note.path} was moved or deleted since it was read; reload and try again."
            ) from None
        except NoteFormatError:
            self.distrust_cache([note.path])
            raise
        if fresh.digest != note.digest:
            self.distrust_cache([note.path])
        return fresh

    def caches(self) -> LibraryCaches:
        """This library's caches in the user cache folder (``storage/caches/``)."""
        if self._caches is None:
            self._caches = LibraryCaches(str(self._real_root))
        return self._caches

    def kept_notes(self, digests: dict[str, str]) -> dict[str, Note]:
        """The notes at the paths of ``digests`` as the note cache keeps them for exactly
        that digest (the content they were listed with), without reading their files; a
        path missing from the answer must be read (``read``)."""
        return self.caches().notes.notes_of(str(self._real_root), digests)

    def kept_note_groups(self, paths: list[str], most: int) -> list[list[int]]:
        """The positions of ``paths`` in groups to ask ``kept_notes`` for one at a time:
        each reads the note cache's files once and holds about ``most`` notes
        (``shards.shard_groups``)."""
        from papernotes.storage.caches.shards import shard_groups

        if self.caches().notes.folder is None:  # nothing kept: in their order
            return [list(range(len(paths)))]
        return shard_groups(paths, most)

    def distrust_cache(self, rels: list[str]) -> None:
        """Forget the cached copies of the notes at ``rels`` (``LibraryCaches.forget``)."""
        self.caches().forget(rels)
        self._seen = None

    def scan(self) -> Scan:
        """The note files in the folder now (listed, not yet read); the year folders unchanged
        since an earlier scan are not listed again (``storage/caches/folder_listing.py``)."""
        try:
            scan = self.folder.scan(FolderListing.for_library(str(self._real_root)))
        except FileNotFoundError:
            raise NotFoundError(f"There is no library at {self.root}.") from None
        self.scanned_plain = scan.plain
        self.read_paths = []  # (read_as_scanned: the reads since this scan)
        return scan

    def scan_ahead(self) -> Scan | None:
        """``scan()``, with the stat of every file begun now in a child process where that is
        safe (``split_stat.started_stat_keys``): for a program about to start threads (the
        TUI), whose first read of this scan then finds the stats taken meanwhile. None when
        the folder cannot be listed now: that read lists it again and reports why."""
        try:
            scan = self.scan()
        except (OSError, PapernotesError):
            return None
        scan.keys_later = stat_keys_started(scan.prefix, scan.found)
        return scan

    def years_stamp(self) -> bytes | None:
        """The year folders' names and stats now (``NoteFolder.years_stamp``)."""
        return self.folder.years_stamp()

    def list_output_cache(self) -> ListOutputCache:
        """The ``list`` outputs of this library, kept per ``state()``
        (``storage/caches/list_output_cache.py``)."""
        return self.caches().list_output()

    def field_line(self, rel: str, name: str) -> int:
        """The line of ``name:`` in the front matter of the note at ``rel`` (1 if not found)."""
        try:
            lines = read_regular(self.path_of(rel)).decode("utf-8").splitlines()
        except (OSError, UnicodeDecodeError, ValueError):
            return 1
        if not lines or lines[0].lstrip("\ufeff").strip() != "---":
            return 1
        return field_line(lines, name, default=1)

    def held_layout(self) -> LayoutEntry | None:
        """``document.yaml``'s entry (stat key, parsed YAML, digest) the last load saw."""
        return self._layout_data

    def load_layout(self) -> DocumentLayout:
        """``document.yaml``'s layout (empty when there is none); ``FileFormatError``
        (``document.yaml:LINE: message``) when it cannot be read or used."""
        return self.keyed_layout()[0]

    def keyed_layout(self) -> tuple[DocumentLayout, bytes | None]:
        """``load_layout``, and what names the layout: the digest of the bytes it was parsed
        from, as the last load kept them (``LayoutEntry``; ``b""``: no file), so one key is
        one layout for this code; None when the file was read here (not named)."""
        path = self.root / LAYOUT_FILE
        seen = self._layout_data
        if seen is not None and stat_key_or_none(path) == seen[0]:
            made = self._layout_made
            if made is not None and made[0][::2] == seen[::2]:  # the same stat key and bytes
                return made[1], seen[2]  # asked again (rows, then texts)
            try:
                layout = layout_from_data(seen[1])
            except LayoutFormatError:
                pass  # read and parsed again below, to name the line
            else:
                self._layout_made = (seen, layout)  # frozen: shared safely
                return layout, seen[2]
        try:
            data = read_regular(path)
        except FileNotFoundError:
            data = None
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise FileFormatError(LAYOUT_FILE, 0, f"cannot be read ({reason})") from None
        finally:  # stat after reading: a change made before the read shows in the stat
            if self._seen is not None and stat_key_or_none(path) != self._seen[2]:
                self._seen = None  # created, changed or deleted since the notes were loaded
        if data is None:
            return DocumentLayout(), b""
        try:
            return parse_layout(data.decode("utf-8")), None
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise FileFormatError(LAYOUT_FILE, line, "the file is not valid UTF-8") from None
        except LayoutFormatError as exc:
            raise FileFormatError(LAYOUT_FILE, exc.line, exc.message) from None

    def note_bytes(self, rel: str) -> bytes:
        """The bytes of the note file at ``rel`` as they are on disk now (no cache, no parsing);
        ``NotRegularFileError`` for a FIFO or the like, which is never waited on."""
        self._settle(rel)
        return read_regular(self.path_of(rel))

    def file_state(self, rel: str) -> tuple[int, bytes] | None:
        """What the file at ``rel`` is now, without parsing or following it: its kind, and a
        regular file's bytes (a FIFO is never read); None when there is none. A delete of a
        broken note compares it before and after the user confirms."""
        path = self.path_of(rel)
        try:
            mode = os.lstat(path).st_mode
            data = read_regular(path) if stat.S_ISREG(mode) else b""
        except FileNotFoundError:
            return None
        return stat.S_IFMT(mode), data

    def file_bytes(self, rel: str) -> bytes | None:
        """The bytes of the library file ``rel`` now (None when there is none)."""
        try:
            return read_regular(self.path_of(rel))
        except FileNotFoundError:
            return None

    # -- the lock ------------------------------------------------------

    @contextmanager
    def locked(self) -> Iterator[bool]:
        """Hold the library's lock: one writer at a time picks names and writes.

        Re-entrant; yields True on the outermost entry, when a caller holding data read
        before the lock should read the folder again (another process may have written).
        Waits at most ``lock_wait.timeout`` seconds, then raises ``LockTimeoutError``.
        """
        from filelock import FileLock

        self._seen = None  # what a write changes is not what the last load saw
        if self._lock is not None and self._lock.is_locked:
            yield False  # already held here (the lock is per thread): re-entry costs nothing
            return
        self.root.mkdir(parents=True, exist_ok=True)
        if self._lock is None:
            self._lock = FileLock(str(self.root / LOCK_FILE))
        outermost = not self._lock.is_locked
        try:
            with holding(self._lock, self.root, self.lock_wait):
                self.changed = []
                try:
                    yield outermost
                except BaseException:
                    with contextlib.suppress(Exception):  # the first error is the one to tell
                        self._report_changes()
                    raise
                self._report_changes()
        finally:
            self._seen = None  # nor is a load made while writes were pending (batch())

    def _report_changes(self) -> None:
        changed, self.changed = self.changed, []
        if changed and self.after_writes is not None:
            self.after_writes(list(dict.fromkeys(changed)))

    # -- helpers ---------------------------------------------------------

    def path_of(self, rel: str) -> Path:
        """The absolute path of a relative note path, refusing anything outside the library."""
        return self.folder.path_of(rel)

    def note_file(self, name: str, any_kind: bool = False) -> str | None:
        """``name`` as the relative path of an existing note file, else None (``NoteFolder``)."""
        return self.folder.note_file(name, any_kind)

    def _settle(self, rel: str) -> None:
        """Give pending notes their names first when ``rel`` is one of them (``batch``)."""
        if self._batch and self._batch.holds(self.path_of(rel)):
            self._batch.commit()


def _note_of(rel: str, data: bytes, data_digest: str | None = None) -> Note:
    """The note the bytes ``data`` of the file at ``rel`` hold; ``NoteFormatError`` if none."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise NoteFormatError(line, "the file is not valid UTF-8") from None
    return Note(paper=parse_note(text), path=rel, digest=data_digest or digest(data))
