"""The library API: what the CLI and the TUI both call.

A ``Library`` reads the notes folder once, answers queries from memory, and writes
through ``NoteStore`` (atomic, conflict-checked). Feature modules (arXiv linking,
BibTeX) work on a ``Library`` in the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Container, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from papernotes.errors import NO_PAPERS, InvalidInputError
from papernotes.library.index import PaperIndex
from papernotes.library.library_search import LibrarySearch
from papernotes.library.order import library_ordered
from papernotes.model import DocumentLayout, ImportReport, Note, Paper, Problem
from papernotes.storage.library_folder import LIBRARY, MISSING, OTHER, folder_kind
from papernotes.storage.library_lock import DEFAULT_LOCK_TIMEOUT, LockWait
from papernotes.storage.note_format import NoteFormatError
from papernotes.storage.store import NoteStore, Scan

# What the UIs take from here besides ``Library``: they never import ``storage`` themselves.
if TYPE_CHECKING:
    from papernotes.library.history_ops import History
    from papernotes.library.list_rows import QuickOutput
    from papernotes.library.paper_rows import PaperRows
    from papernotes.library.row_index import RowIndex
    from papernotes.library.search_forms import SearchForms

__all__ = ["DEFAULT_LOCK_TIMEOUT", "NO_PAPERS", "Library", "LockWait", "not_a_library", "today"]


def today() -> str:
    return dt.date.today().isoformat()


def not_a_library(root: Path) -> str:
    """The error for a folder that holds files but is not a papernotes library."""
    from papernotes.library import opening

    return opening.not_a_library(root)


class Library(LibrarySearch):
    """One notes folder, loaded into memory on first use."""

    def __init__(
        self, root: Path, store: NoteStore | None = None, lock_wait: LockWait | None = None
    ) -> None:
        self.root = Path(root)
        self.store = store or NoteStore(self.root, lock_wait)
        self._notes: list[Note] | None = None
        self._problems: list[Problem] = []
        self._forms: SearchForms | None = None  # made by the first search (forms)
        # built on first match() (from the identity rows: ``index_rows``), kept in step after
        self._index: PaperIndex | RowIndex | None = None
        self._slots: dict[str, int] | None = None  # path -> position in _notes
        self._scan: Scan | None = None  # a fresh listing for the next load (cached_output())
        self._unseen: list[str] = []  # folders and notes the last load could not read
        self._listed: list[Problem] | None = None  # the problems of the last list_rows()
        self._history: History | None = None  # made on the first write or history command
        self._rows: PaperRows | None = None  # the TUI's rows, told of each write (held_notes)
        self.store.after_writes = self._commit_writes

    @classmethod
    def open(cls, root: Path, lock_wait: LockWait | None = None) -> Library:
        """Open an existing library (or an empty folder); a missing folder, or one holding
        other files but no library, is a user error."""
        kind = folder_kind(Path(root))
        if kind in (MISSING, OTHER):
            from papernotes.library.opening import unopenable

            raise unopenable(root, kind)
        return cls(root, lock_wait=lock_wait)

    @classmethod
    def to_fill(cls, root: Path, lock_wait: LockWait | None = None) -> Library:
        """A library to import into: an existing one, or a missing or empty folder (made a
        library by ``store.init()``); a folder holding other files is a user error."""
        kind = folder_kind(Path(root))
        if kind == OTHER:
            from papernotes.library.opening import unopenable

            raise unopenable(root, kind)
        return cls(root, lock_wait=lock_wait)

    # -- reading ---------------------------------------------------------

    def notes(self) -> list[Note]:
        """All notes, newest year first, then in document order, then by date added and title."""
        if self._notes is None:
            return self._load()
        return self._notes

    def _load(self, from_disk: bool = False) -> list[Note]:
        """Reads the notes (from the cache unless ``from_disk``) and keeps them, ordered."""
        self.store.flush_batch()  # the notes a batch holds first given their names
        notes, problems = self.store.load(self._scan, from_disk=from_disk)
        self._scan = None
        self._notes, self._problems = library_ordered(self, notes, problems)
        self._unseen = list(self.store.unseen)
        return self._notes

    def problems(self) -> list[Problem]:
        self.notes()
        return list(self._problems)

    def reload(self) -> None:
        self._notes = self._listed = None
        self._index = self._slots = None

    def layout(self) -> DocumentLayout:
        """The document's layout; ``FileFormatError`` if ``document.yaml`` is bad."""
        return self.store.load_layout()

    def cached_output(
        self, name: str, make: Callable[[], str | None], quick: QuickOutput | None = None
    ) -> tuple[list[Problem], str]:
        """``make()`` and its load's problems, kept per folder state (``list_rows.py``)."""
        from papernotes.library.list_rows import cached_output

        return cached_output(self, name, make, quick)

    def scan_ahead(self) -> None:
        """List the folder now and begin stat-ing its notes in a child process, for the next
        read (``NoteStore.scan_ahead``): called by a program before it starts threads."""
        self._scan = self.store.scan_ahead()

    def list_rows(self) -> list[tuple[object, ...]] | None:
        """Every note's ``list`` row, from the kept rows (``list_rows.py``), or None."""
        from papernotes.library.list_rows import kept_rows

        return kept_rows(self)

    def note_at(self, rel: str) -> Note:
        """The note at ``rel``, held or read alone (``paper_rows.note_at``)."""
        from papernotes.library.paper_rows import note_at

        return note_at(self, rel)

    def find(self, query: str) -> Note:
        """The one note ``query`` names, by any rule (``names.find_readable``)."""
        from papernotes.library.names import find_readable

        notes = self.notes()  # read first: it lists the notes that cannot be read
        return find_readable(notes, self._unseen, query)

    def find_named(self, query: str) -> tuple[list[Problem], Note | None, list[Note] | None]:
        """``find(query)`` and its linking notes, from a kept index (``name_index_lookup.py``)."""
        from papernotes.library.name_index_lookup import find_named

        return find_named(self, query)

    def match(self, paper: Paper) -> Note | None:
        """The existing note for the same paper: same arXiv id, key, or normalised title."""
        return self._indexed().match(paper)

    def notes_named(self, name: str) -> list[Note]:
        """The notes whose key, slug or arXiv id is ``name`` (case aside): what a link names."""
        return self._indexed().named(name)

    def first_with(self, identities: Iterable[tuple[str, str]]) -> Note | None:
        """The first note with the first of ``identities`` any note has (``PaperIndex
        .first_path``: ``("arxiv" | "doi" | "key" | "title", value)``)."""
        index = self._indexed()
        path = index.first_path(identities)
        return index.note(path) if path else None

    def note_indexed(self, path: str) -> Note:
        """The note at ``path``, one ``first_with`` or ``match`` named."""
        return self._indexed().note(path)

    def keys_taken(self) -> Container[str]:
        """Every citation key in use, case folded: a live view, as the library writes."""
        return self._indexed().keys_taken()

    def index_rows(self) -> None:
        """Answer ``match``, ``notes_named`` and ``free_key`` from the identity rows while
        the notes are not in memory (``row_index.py``): an import into a big library holds
        only the notes it names and writes."""
        from papernotes.library.row_index import row_index

        self._index = row_index(self)

    def _indexed(self) -> PaperIndex | RowIndex:
        if self._index is None:
            self._index = PaperIndex(self.notes())
        return self._index

    def check(self) -> list[Problem]:
        """Every problem in the library (``checks.py``), every file read, not the cache."""
        return self.check_counted()[0]

    def check_counted(self, full: bool = False) -> tuple[list[Problem], int]:
        """``check()`` and the number of notes (``check_run.py``: only the files changed
        since the last check parsed; ``full``: every note parsed or verified, and held
        after); ``repaired()`` then lists the cached copies that disagreed."""
        from papernotes.library.check_run import checked

        return checked(self, full)

    def repaired(self) -> list[str]:
        """The notes whose copy in the library cache ``check()`` found stale, and replaced."""
        return list(self.store.repaired)

    # -- writing ---------------------------------------------------------

    @property
    def history(self) -> History:
        """The library's git history (``library/history_ops.py``): commits, log, undo."""
        if self._history is None:
            from papernotes.library.history_ops import History

            self._history = History(self)
        return self._history

    def _commit_writes(self, paths: list[str]) -> None:
        self.history.commit_changes(paths)

    @contextmanager
    def writing(
        self, batch: bool = False, message: str | None = None, writer_process: bool = False
    ) -> Iterator[None]:
        """Hold the library's lock with the folder read again (unless this program held the
        lock already): a uniqueness check made inside sees every write that another program
        finished, so a key, arXiv id, title or file name is checked and taken in one step.
        Every write of the library API goes through here. ``batch``: new notes are flushed
        to disk together when the block ends (``storage/batch.py``), for bulk changes;
        ``writer_process``: by a child process too, for imports (``NoteStore.batch``).
        With history on, the files written are committed when the outermost block ends, with
        ``message`` (the first one given) or one naming them (``library/history_ops.py``)."""
        with self.store.locked() as outermost:
            if outermost:
                self.reload()
                self.history.ready()
                self.history.message, self.history.trailers, self.history.saves = None, {}, []
            if message:
                self.history.describe(message)
            if batch:
                with self.store.batch(writer_process):
                    yield
            else:
                yield

    def current(self, note: Note) -> Note:
        """``note``'s file read now from disk, never the cache: what a write under
        ``writing()`` builds on. Where it differs from the copy in memory, the copy and the
        cache are corrected (a write that kept size and times leaves a stale cache entry).
        ``ConflictError`` when the note was moved or deleted."""
        with self.store.locked():
            try:
                fresh = self.store.read_current(note)
            except NoteFormatError as exc:
                raise InvalidInputError(
                    f"{note.path}:{exc.line}: {exc.message} (fix it; nothing was written)"
                ) from None
        if fresh.digest != note.digest:
            from papernotes.library.held_notes import replace_held

            replace_held(self, note, fresh)
        return fresh

    def add(self, paper: Paper, update: bool = False) -> Note:
        """Create a note; a paper already present is refused unless ``update``."""
        paper = self.validated(paper)
        # Duplicate check, key and file name are chosen under the lock, from the folder as
        # it is now: another process may have added papers since this one read it.
        from papernotes.library.note_writes import added

        with self.writing():
            note, existed = added(self, paper, update)
            verb = "update" if existed else "add"
            self.history.describe(f"{verb} {note.paper.key}: {note.paper.title}")
            return note

    def refuse_unseen(self) -> None:
        """Refuse a write while a note cannot be read (``note_writes.unseen_refusal``); the
        notes are loaded unless the identity rows answer (``index_rows``)."""
        unseen = getattr(self._index, "unseen", None) if self._notes is None else None
        if unseen is None:
            self.notes()
            unseen = self._unseen
        if unseen:
            from papernotes.library.note_writes import unseen_refusal

            raise unseen_refusal(unseen)

    def add_checked(self, paper: Paper, update: bool) -> Note:
        """``add`` inside ``writing()`` with ``paper`` valid (``note_writes.py``)."""
        from papernotes.library.note_writes import add_checked

        return add_checked(self, paper, update)

    def free_key(self, paper: Paper, ignore: Note | None = None) -> str:
        """A citation key for ``paper`` that no other note uses (``note_writes.py``)."""
        from papernotes.library.note_writes import free_key

        return free_key(self, paper, ignore)

    def save(self, note: Note, paper: Paper) -> Note:
        """Write ``paper`` over ``note``; refused if its file changed (``note_writes.py``)."""
        from papernotes.library.note_writes import save

        return save(self, note, paper)

    def reread(self, rel: str) -> Note:
        """The note at ``rel`` read again after an outside edit (``note_edit.reread``)."""
        from papernotes.library.note_edit import reread

        return reread(self, rel)

    def remove(self, note: Note) -> None:
        from papernotes.library.held_notes import forget

        self.store.delete(note)
        forget(self, note)

    def save_layout(self, layout: DocumentLayout) -> None:
        """Write ``document.yaml``."""
        self.store.save_layout(layout)

    # -- the folder itself -------------------------------------------------

    def init(self) -> str:
        """Make the folder a library (created if missing; files in it are left alone) and
        return what it was before: ``"missing"``, ``"empty"``, ``"library"`` (then nothing is
        written) or ``"other"``."""
        kind = folder_kind(self.root)
        if kind != LIBRARY:
            self.store.init()
        return kind

    def file_named(self, name: str) -> str | None:
        """``name`` as the path of a file in a year folder (``2020/bad.md``, ``.md`` optional)
        of any kind, without reading it; None if there is none. It may not read as a note."""
        return self.store.note_file(name, any_kind=True)

    def remove_file(self, rel: str, confirm: Callable[[], object] | None = None) -> None:
        """Delete the file at ``rel`` that does not read as a note (``unreadable_files.py``)."""
        from papernotes.library.unreadable_files import remove_file

        remove_file(self, rel, confirm)

    def remove_temp_files(self) -> list[str]:
        """Delete what writes killed midway left behind; the removed files' relative paths."""
        return self.store.remove_temp_files()

    def addable(self, paper: Paper, update: bool = False, look: bool = True) -> Paper:
        """``paper`` as ``add`` would write it, refused now as it would (``note_writes.py``)."""
        from papernotes.library.note_writes import addable

        return addable(self, paper, update, look)

    def notes_if_any(self) -> list[Note]:
        """``notes()``, or none while the folder does not exist yet (an add into a new folder
        checks its paper before it makes the folder)."""
        return [] if folder_kind(self.root) == MISSING else self.notes()

    def validated(self, paper: Paper) -> Paper:
        """``paper`` cleaned, checked and its links resolved (``validation.py``)."""
        from papernotes.library.validation import validated

        return validated(self, paper)

    # -- the Markdown document -------------------------------------------

    def import_markdown(self, text: str, source: str, dry_run: bool = False) -> ImportReport:
        """Add or update one note per paper of the document (``markdown_import.py``)."""
        from papernotes.library.markdown_import import import_markdown

        return import_markdown(self, text, source, dry_run)

    def export_markdown(self) -> str:
        """The whole library as the Markdown document (``link_export.py``)."""
        from papernotes.library.link_export import export_markdown

        return export_markdown(self)
