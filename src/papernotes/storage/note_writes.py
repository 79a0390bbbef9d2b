"""The writing half of ``NoteStore``: every note written, moved or removed under the library's
lock (``NoteStore.locked``), atomically, and only when the file still holds what was read."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from papernotes.blake2 import blake2b
from papernotes.errors import ConflictError, InvalidInputError
from papernotes.model import DocumentLayout, Note, Paper
from papernotes.storage.atomic import atomic_write, fsync_dir, refuse_read_only
from papernotes.storage.document_file import LAYOUT_FILE, render_layout
from papernotes.storage.note_format import render_note
from papernotes.storage.regular_file import read_regular

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from papernotes.storage.batch import PendingWrites
    from papernotes.storage.note_folder import NoteFolder


def digest(data: bytes) -> str:
    """The digest of a file's bytes: what a write compares the file on disk with."""
    return blake2b(data, digest_size=16).hexdigest()


class NoteWrites:
    """``NoteStore``'s writes (its base class: they use its reading helpers and state)."""

    if TYPE_CHECKING:  # what the writes use of NoteStore
        root: Path
        folder: NoteFolder
        changed: list[str]
        _batch: PendingWrites | None

        def locked(self) -> AbstractContextManager[bool]: ...
        def path_of(self, rel: str) -> Path: ...
        def note_bytes(self, rel: str) -> bytes: ...
        def distrust_cache(self, rels: list[str]) -> None: ...
        def _settle(self, rel: str) -> None: ...

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
            batch = self._batch
            if batch is not None:  # ``year/slug.md``, made by ``_free_path``: a safe path
                year, name = rel.split("/")
                folder = batch.folder(self.root, year)
                if not batch.is_checked(folder):
                    self._writable(rel)
                batch.add_in(folder, name, data)
            else:
                atomic_write(self._writable(rel), data)
            return Note(paper=paper, path=rel, digest=digest(data))

    @contextmanager
    def batch(self, writer_process: bool = False) -> Iterator[None]:
        """Hold the lock and write new notes, and changed notes that keep their path, in bulk
        (``storage/batch.py``): all are on disk under their names when the block ends, after a
        few flushes instead of two per note. ``writer_process``: a big batch's files may be
        created by a child process (``temp_writer.py``), whose errors are learnt only at the
        next commit, so the first note that cannot be written ends the block (an import);
        without it each write's error is raised by that write (a bulk change refuses that
        note and goes on)."""
        with self.locked():
            if self._batch is not None:  # nested: the outer block commits
                yield
                return
            from papernotes.storage.batch import PendingWrites  # only writers: not at start-up

            self._batch = PendingWrites(writer_process)
            try:
                yield
                self._batch.commit()
            except BaseException:
                self._batch.commit()  # what single writes would have written by now
                raise
            finally:
                self._batch.close()
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
                self.changed.append(rel)  # committed by history like any other write
                return replace(note, paper=paper, digest=digest(data))
            # New bytes go in place first, then one rename moves the file: a crash in
            # between leaves one file (old or new content), never two copies of a paper.
            self._after_earlier_writes()
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
            self._after_earlier_writes()
            atomic_write(self._writable(rel), data)
            self.changed.append(rel)

    def delete(self, note: Note) -> None:
        with self.locked():
            self._check_unchanged(note)
            refuse_read_only(self.path_of(note.path))
            self._after_earlier_writes()
            self.path_of(note.path).unlink()
            self.changed.append(note.path)
            if self._batch is not None:
                self._batch.forget(self.path_of(note.path).parent)

    def delete_file(self, rel: str) -> None:
        """Delete the note file at ``rel`` without reading it (one that does not parse)."""
        with self.locked():
            path = self._writable(rel)
            refuse_read_only(path)
            self._after_earlier_writes()
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
        from papernotes.storage.caches.folder_listing import FolderListing

        kept = FolderListing.for_library(str(self.folder.real_root))  # (the unchanged years
        if not self.folder.temp_files(kept):  # hold none: 100,000 names not listed again)
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
            self._after_earlier_writes()
            atomic_write(self.root / LAYOUT_FILE, render_layout(layout).encode("utf-8"))
            self.changed.append(LAYOUT_FILE)

    def put_file(self, rel: str, data: bytes | None) -> None:
        """Give the library file ``rel`` (a note, ``document.yaml``, a setting file) the bytes
        ``data``, or remove it when None: how an undo puts back an earlier version."""
        with self.locked():
            path = self._writable(rel)
            self._after_earlier_writes()
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

    def _after_earlier_writes(self) -> None:
        """Before a write the batch does not hold back (a move, a deletion, the layout): the
        notes it holds are written (``PendingWrites.confirm``), or the error of the first that
        could not be is raised here, as one write at a time would have raised it earlier."""
        if self._batch is not None:
            self._batch.confirm()

    def confirm_batch(self) -> None:
        """Every note the current batch holds is written (renamed when the batch ends), or
        the error of the first that cannot be is raised now: before an import describes
        what it added."""
        self._after_earlier_writes()

    def flush_batch(self) -> None:
        """Give the notes the current batch holds their names now (before the folder is
        read whole in the middle of a batch)."""
        if self._batch:
            self._batch.commit()

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
                    "nothing was written there."
                )
            if batch is not None:
                batch.checked(path.parent)
        return path

    def _free_path(self, paper: Paper, slug: str | None = None) -> str:
        year = str(paper.year)
        if self._batch is not None:  # listed once per batch (storage/batch.py)
            taken = self._batch.taken(self._batch.folder(self.root, year))
        elif (self.root / year).is_dir():
            names = os.listdir(self.root / year)
            taken = {n.removesuffix(".md") for n in names if n.endswith(".md")}
        else:
            taken = set()
        from papernotes.storage.slugs import slugify, unique_slug  # only writers

        base = slugify(slug or paper.title)
        return f"{year}/{unique_slug(base, taken)}.md"

    def check_unchanged(self, note: Note) -> None:
        """Refuse (``ConflictError``) when ``note``'s file no longer has the bytes it was read
        from (call under the lock); the cached copy is dropped then, so a reload reads it."""
        self._check_unchanged(note)

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
