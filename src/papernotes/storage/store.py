"""The notes folder on disk: ``<root>/<year>/<slug>.md`` plus ``document.yaml``.

This is the only code that reads or writes the library. Every write is atomic, and a
write refuses when the file changed on disk since it was read.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from hashlib import blake2b
from pathlib import Path
from typing import TYPE_CHECKING

from papernotes.errors import ConflictError, FileFormatError, InvalidInputError, NotFoundError
from papernotes.model import DocumentLayout, Note, Paper, Problem
from papernotes.storage.atomic import atomic_write, fsync_dir, refuse_read_only
from papernotes.storage.caches import LibraryCaches
from papernotes.storage.caches.folder_listing import FolderListing
from papernotes.storage.caches.note_cache import (
    LayoutEntry,
    NoteCacheLoad,
    StatKey,
    folder_state,
    stat_keys,
)
from papernotes.storage.document_file import (
    LAYOUT_FILE,
    LayoutFormatError,
    layout_from_data,
    parse_layout,
    render_layout,
)
from papernotes.storage.library_lock import LockWait, holding
from papernotes.storage.note_folder import (
    CANNOT_READ,
    NoteFolder,
    Scan,
    is_temp_file,
    stat_key_or_none,
)
from papernotes.storage.note_format import (
    NoteFormatError,
    field_line,
    load_yaml,
    parse_note,
    render_note,
)
from papernotes.storage.regular_file import NotRegularFileError, read_regular

if TYPE_CHECKING:
    from filelock import BaseFileLock

    from papernotes.storage.batch import PendingWrites
    from papernotes.storage.caches.list_output_cache import ListOutputCache
    from papernotes.storage.caches.list_rows_cache import Row, RowMaker

LOCK_FILE = ".papernotes.lock"
__all__ = ["NoteStore", "Scan", "digest", "is_temp_file"]


def digest(data: bytes) -> str:
    return blake2b(data, digest_size=16).hexdigest()


class NoteStore:
    """Reads and writes the note files of one library folder."""

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
        self.unseen: list[str] = []
        """What the last ``load()`` could not read though it may hold papers: folders and
        files that cannot be read, notes with a front matter that does not parse
        (``Library.refuse_unseen``)."""

    # -- reading ---------------------------------------------------------

    def exists(self) -> bool:
        return self.root.is_dir()

    def read(self, rel: str) -> Note:
        """Read one note; raises ``NoteFormatError`` for a malformed file."""
        self._settle(rel)
        data = read_regular(self.path_of(rel))
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise NoteFormatError(line, "the file is not valid UTF-8") from None
        return Note(paper=parse_note(text), path=rel, digest=digest(data))

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

    def distrust_cache(self, rels: list[str]) -> None:
        """Forget the cached copies of the notes at ``rels`` (``LibraryCaches.forget``)."""
        self.caches().forget(rels)
        self._seen = None

    def scan(self) -> Scan:
        """The note files in the folder now (listed, not yet read); the year folders unchanged
        since an earlier scan are not listed again (``storage/caches/folder_listing.py``)."""
        try:
            return self.folder.scan(FolderListing.for_library(str(self._real_root)))
        except FileNotFoundError:
            raise NotFoundError(f"There is no library at {self.root}.") from None

    def load(
        self, scan: Scan | None = None, *, from_disk: bool = False
    ) -> tuple[list[Note], list[Problem]]:
        """Every note that reads; every one that does not becomes a ``Problem``. ``scan``
        (fresh from ``scan()``) saves listing and stat-ing the folder a second time.

        Unchanged files come from the note cache (``storage/caches/note_cache.py``), which is
        checked against each file's stat and rebuilt from the files whenever it is unusable.
        ``from_disk`` reads every file instead, and repairs the entries that disagreed with
        their file (listed in ``repaired``).
        """
        scan = scan or self.scan()
        cache = self.caches().notes
        load = NoteCacheLoad(cache, str(self._real_root), scan.started_ns, verify=from_disk)
        notes, unread = load.notes(scan.found, scan.prefix, self.read, scan.keys)
        self._layout_data = load.layout_data(self.root / LAYOUT_FILE, load_yaml)
        load.finish()
        self.repaired = load.repaired
        self.unseen = [p.path for p in scan.problems if p.message.startswith(CANNOT_READ)]
        self.unseen += [p.path for p in unread if _may_hold_a_paper(self.path_of(p.path))]
        if load.repaired:  # the note cache is rewritten already; the kept outputs are not
            self.caches().forget_outputs([])
        if from_disk:  # a row may have been made from a read that check would repair now
            self.caches().list_rows().clear()
        self._seen = None
        if load.stats_settled:  # the state is worked out only if asked for: most commands do not
            self._seen = (scan.rels(), load.keys, load.layout_key, scan.problems)
        return notes, scan.problems + unread

    def list_rows(
        self, scan: Scan | None, row_of: RowMaker
    ) -> tuple[list[Row], list[Problem]] | None:
        """Every note's ``list`` row and the problems, as ``load`` would see them, from the
        kept rows where a file did not change (``storage/row_listing.py``); None when rows
        are not kept."""
        from papernotes.storage.row_listing import list_rows

        return list_rows(self, scan or self.scan(), row_of)

    def remember_load(
        self,
        scan: Scan,
        keys: list[StatKey],
        layout: NoteCacheLoad,
        layout_data: LayoutEntry | None,
        unread: list[Problem],
        settled: bool,
    ) -> None:
        """Know what a ``load(scan)`` that saw ``keys`` would have left here (a load of rows,
        ``storage/row_listing.py``): the layout read, the unseen notes, the folder state."""
        self._layout_data = layout_data
        self.repaired = []
        self.unseen = [p.path for p in scan.problems if p.message.startswith(CANNOT_READ)]
        self.unseen += [p.path for p in unread if _may_hold_a_paper(self.path_of(p.path))]
        self._seen = (scan.rels(), keys, layout.layout_key, scan.problems) if settled else None

    def loaded_state(self) -> bytes | None:
        """The ``state()`` the last ``load()`` saw; None when some file's stat did not settle
        what was read (changed too recently, unreadable), or after a write."""
        if self._seen is None:
            return None
        rels, keys, layout_key, problems = self._seen
        known = self._state_of
        if known is not None and known[0] == (rels, keys, layout_key, problems):
            return known[1]  # what state() worked out for this very scan
        return folder_state(rels, keys, layout_key, problems)

    def state(self, scan: Scan) -> bytes | None:
        """What a ``load(scan)`` would see, from stats alone (``note_cache.folder_state``): it
        differs from an earlier ``loaded_state()`` when a note file or ``document.yaml`` was
        added, removed, moved or changed since (an equal state says nothing changed, given
        the racy rule ``loaded_state`` applies). None when a file cannot be stat-ed."""
        try:  # kept on the scan: a load of the same scan uses the same values
            keys = stat_keys(scan.prefix, scan.found)
        except OSError:
            return None
        scan.keys = keys  # not DirEntry.stat(): each entry would keep its stat (50 MB at 100k)
        layout_key = stat_key_or_none(self.root / LAYOUT_FILE)
        state = folder_state(scan.rels(), keys, layout_key, scan.problems)
        self._state_of = ((scan.rels(), keys, layout_key, scan.problems), state)
        return state

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

    def load_layout(self) -> DocumentLayout:
        """``document.yaml``'s layout (empty when there is none); ``FileFormatError``
        (``document.yaml:LINE: message``) when it cannot be read or used."""
        path = self.root / LAYOUT_FILE
        seen = self._layout_data
        if seen is not None and stat_key_or_none(path) == seen[0]:
            try:
                return layout_from_data(seen[1])
            except LayoutFormatError:
                pass  # read and parsed again below, to name the line
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
            return DocumentLayout()
        try:
            return parse_layout(data.decode("utf-8"))
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise FileFormatError(LAYOUT_FILE, line, "the file is not valid UTF-8") from None
        except LayoutFormatError as exc:
            raise FileFormatError(LAYOUT_FILE, exc.line, exc.message) from None

    # -- writing ---------------------------------------------------------

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

    def init(self) -> None:
        """Create the folder if needed and mark it as a library (``storage/library_folder.py``)."""
        from papernotes.storage.library_folder import mark_library

        mark_library(self.root)

    def create(self, paper: Paper) -> Note:
        """Write a new note under its year with a slug no other note of that year has."""
        with self.locked():
            rel = self._free_path(paper)
            data = render_note(paper).encode("utf-8")
            self.changed.append(rel)
            if self._batch is not None:
                self._batch.add(self._writable(rel), data)
            else:
                atomic_write(self._writable(rel), data)
            return Note(paper=paper, path=rel, digest=digest(data))

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Hold the lock and write new notes, and changed notes that keep their path, in bulk
        (``storage/batch.py``): all are on disk under their names when the block ends, after a
        few flushes instead of two per note."""
        with self.locked():
            if self._batch is not None:  # nested: the outer block commits
                yield
                return
            from papernotes.storage.batch import PendingWrites  # only writers: not at start-up

            self._batch = PendingWrites()
            try:
                yield
                self._batch.commit()
            except BaseException:
                self._batch.commit()  # what single writes would have written by now
                raise
            finally:
                self._batch = None

    def update(self, note: Note, paper: Paper) -> Note:
        """Replace ``note`` with ``paper``; moves the file when the year changed."""
        with self.locked():
            self._check_unchanged(note)
            data = render_note(paper).encode("utf-8")
            rel = note.path
            if note.path.split("/", 1)[0] != str(paper.year):
                rel = self._free_path(paper, slug=note.slug)
            if rel == note.path and self._batch is not None:  # a bulk change: flushed together
                path = self._writable(rel)
                status = os.stat(path)
                refuse_read_only(path, status)
                self._batch.add(path, data, mode=status.st_mode & 0o7777)
                return replace(note, paper=paper, digest=digest(data))
            # New bytes go in place first, then one rename moves the file: a crash in
            # between leaves one file (old or new content), never two copies of a paper.
            atomic_write(self._writable(note.path), data)
            self.changed += [note.path, rel]
            if rel != note.path:
                if self._batch is not None:  # the folders a bulk import listed change
                    self._batch.forget(self.path_of(rel).parent)
                    self._batch.forget(self.path_of(note.path).parent)
                target = self._writable(rel)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(self.path_of(note.path), target)
                fsync_dir(target.parent)
                fsync_dir(self.path_of(note.path).parent)
            return replace(note, paper=paper, path=rel, digest=digest(data))

    def note_bytes(self, rel: str) -> bytes:
        """The bytes of the note file at ``rel`` as they are on disk now (no cache, no parsing);
        ``NotRegularFileError`` for a FIFO or the like, which is never waited on."""
        self._settle(rel)
        return read_regular(self.path_of(rel))

    def write_if_unchanged(self, rel: str, expected: bytes, data: bytes) -> None:
        """Replace the note at ``rel`` with ``data`` only if it still holds ``expected``, checked
        and written under the lock: text edited on a copy never overwrites another writer."""
        with self.locked():
            try:
                current = self.note_bytes(rel)
            except FileNotFoundError:
                raise ConflictError(f"{rel} was moved or removed") from None
            if current != expected:
                raise ConflictError(f"{rel} was changed on disk")
            atomic_write(self._writable(rel), data)
            self.changed.append(rel)

    def delete(self, note: Note) -> None:
        with self.locked():
            self._check_unchanged(note)
            refuse_read_only(self.path_of(note.path))
            self.path_of(note.path).unlink()
            self.changed.append(note.path)
            if self._batch is not None:
                self._batch.forget(self.path_of(note.path).parent)

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

    def delete_file(self, rel: str) -> None:
        """Delete the note file at ``rel`` without reading it (one that does not parse)."""
        with self.locked():
            path = self._writable(rel)
            refuse_read_only(path)
            self.changed.append(rel)
            if os.path.isdir(path) and not os.path.islink(path):  # a folder named ``x.md``
                try:
                    os.rmdir(path)  # only when empty: never a user's files
                except OSError as exc:
                    if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                        raise
                    raise InvalidInputError(
                        f"{rel} is a folder holding files, so it was left as it is; "
                        "remove or rename it yourself."
                    ) from None
                return
            path.unlink()  # a symlink itself, never what it points to

    def remove_temp_files(self) -> list[str]:
        """Delete the temporary files of writes that were killed; their relative paths.

        Safe because it holds the lock every writer holds: no write is in progress.
        Only the library folder and its year folders are looked at.
        """
        if not self.folder.temp_files():
            return []  # the usual case: no lock taken, so a read-only library checks fine
        removed: list[str] = []
        try:
            with self.locked():
                for rel in self.folder.temp_files():
                    os.unlink(self.root / rel)
                    removed.append(rel)
        except OSError:  # a read-only library: the rest stay, as harmless as before
            pass
        return removed

    def save_layout(self, layout: DocumentLayout) -> None:
        with self.locked():
            atomic_write(self.root / LAYOUT_FILE, render_layout(layout).encode("utf-8"))
            self.changed.append(LAYOUT_FILE)

    def put_file(self, rel: str, data: bytes | None) -> None:
        """Give the library file ``rel`` (a note, ``document.yaml``, a setting file) the bytes
        ``data``, or remove it when None: how an undo puts back an earlier version."""
        with self.locked():
            path = self._writable(rel)
            if data is None:
                if os.path.lexists(path):
                    refuse_read_only(path)
                    path.unlink()
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(path, data)
            self.changed.append(rel)
            if self._batch is not None:
                self._batch.forget(path.parent)

    def file_bytes(self, rel: str) -> bytes | None:
        """The bytes of the library file ``rel`` now (None when there is none)."""
        try:
            return read_regular(self.path_of(rel))
        except FileNotFoundError:
            return None

    # -- helpers ---------------------------------------------------------

    def path_of(self, rel: str) -> Path:
        """The absolute path of a relative note path, refusing anything outside the library."""
        return self.folder.path_of(rel)

    def note_file(self, name: str, any_kind: bool = False) -> str | None:
        """``name`` as the relative path of an existing note file, else None (``NoteFolder``)."""
        return self.folder.note_file(name, any_kind)

    def _writable(self, rel: str) -> Path:
        """``path_of(rel)``, refusing a folder that is a symlink leading outside the library."""
        path = self.path_of(rel)
        batch = self._batch
        if batch is not None and batch.is_checked(path.parent):
            return path  # checked earlier in this batch, which holds the lock
        if path.parent.exists():
            if not self.folder.inside(str(path.parent)):
                raise InvalidInputError(
                    f"{rel.split('/')[0]} leads outside the library (a symlink); "
                    "nothing was written."
                )
            if batch is not None:
                batch.checked(path.parent)
        return path

    def _free_path(self, paper: Paper, slug: str | None = None) -> str:
        year = str(paper.year)
        folder = self.root / year
        if self._batch is not None:  # listed once per batch (storage/batch.py)
            taken = self._batch.taken(folder)
        elif folder.is_dir():
            taken = {n.removesuffix(".md") for n in os.listdir(folder) if n.endswith(".md")}
        else:
            taken = set()
        from papernotes.storage.slugs import slugify, unique_slug  # only writers

        base = slugify(slug or paper.title)
        return f"{year}/{unique_slug(base, taken)}.md"

    def check_unchanged(self, note: Note) -> None:
        """Refuse (``ConflictError``) when ``note``'s file no longer has the bytes it was read
        from (call under the lock); the cached copy is dropped then, so a reload reads it."""
        self._check_unchanged(note)

    def _settle(self, rel: str) -> None:
        """Give pending notes their names first when ``rel`` is one of them (``batch``)."""
        if self._batch and self._batch.holds(self.path_of(rel)):
            self._batch.commit()

    def _check_unchanged(self, note: Note) -> None:
        self._settle(note.path)
        try:
            current = read_regular(self.path_of(note.path))
        except FileNotFoundError:
            raise ConflictError(
                f"{note.path} was moved or deleted since it was read; reload and try again."
            ) from None
        if note.digest and digest(current) != note.digest:
            self.distrust_cache([note.path])  # written meanwhile, or the cache was stale
            raise ConflictError(
                f"{note.path} changed on disk since it was read; reload it and try again "
                "(nothing was written)."
            )


def _may_hold_a_paper(path: Path) -> bool:
    """Whether a note file that did not read may hold a paper's fields: it cannot be read,
    or it opens a front matter (``---``). A FIFO or a plain text file (a diary) does not."""
    try:
        data = read_regular(path)
    except NotRegularFileError:
        return False
    except OSError:
        return True
    return data.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].strip() == b"---"
