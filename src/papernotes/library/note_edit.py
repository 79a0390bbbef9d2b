"""Editing a note in ``$EDITOR`` without overwriting anyone.

The editor works on a copy (``storage/edit_copy.py``). When it exits, the copy's text is
written back atomically under the library's lock, and only if the note on disk still holds
the bytes that were copied; if another writer changed, moved or removed the note meanwhile,
nothing is written and the edited text stays in the copy, whose path the error names.
The CLI (``edit``) and the TUI (``e``) both go through here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from papernotes.errors import ConflictError, InvalidInputError, PapernotesError
from papernotes.library.held_notes import remember, replace_held
from papernotes.storage.edit_copy import EditCopy as EditCopy  # for the UIs
from papernotes.storage.note_format import NoteFormatError, parse_note
from papernotes.text.controls import control_line, refuse_controls
from papernotes.text.utf8 import bad_byte, describe

if TYPE_CHECKING:
    from papernotes.library import Library
    from papernotes.model import Note


def start_edit(library: Library, rel: str) -> EditCopy:
    """A copy of the note file at ``rel``, as it is on disk now, for the editor to open."""
    return EditCopy.make(rel, library.store.note_bytes(rel))


def run_catching(run: Callable[[Path], None], path: Path) -> str | None:
    """``run(path)`` with every failure turned into its message (None when it succeeded).

    Nothing escapes, so this may run inside Textual's ``suspend()``, which never gives the
    screen back to the app when an exception crosses it.
    """
    try:
        run(path)
    except PapernotesError as exc:
        return str(exc)
    except KeyboardInterrupt:
        return "The editor was interrupted; nothing was changed."
    except Exception as exc:  # anything else the editor runner may raise
        return f"The editor could not be run ({exc or type(exc).__name__}); nothing was changed."
    return None


def abandon_edit(copy: EditCopy, failure: str) -> str:
    """After a failed editor run: nothing is written. The copy is removed unless the editor
    saved something into it; the message (returned) then says where that text is kept."""
    if not copy.changed():
        copy.discard()
        return failure
    return f"{failure.rstrip('.')}; the text it saved is kept in {copy.path}."


def finish_edit(library: Library, copy: EditCopy) -> Note | None:
    """Write the edited copy back over its note; None when the text is unchanged (nothing is
    written). Raises ``ConflictError`` (note changed, moved or removed meanwhile) or
    ``InvalidInputError`` (not UTF-8; the copy could not be read) with the copy kept, and
    ``InvalidInputError`` after writing a text that does not read as a note (as written)."""
    try:
        data = copy.edited()
    except OSError as exc:
        raise InvalidInputError(
            f"The edited copy {copy.path} cannot be read ({exc.strerror or exc}); "
            f"{copy.rel} was not changed."
        ) from None
    if data == copy.original:
        copy.discard()
        return None
    where = bad_byte(data)
    if where is not None:
        raise InvalidInputError(
            f"{copy.path} is not valid UTF-8 at {describe(where)}, so {copy.rel} was not "
            "changed; your edited text is kept in that file."
        )
    refuse_edited_controls(data.decode("utf-8"), copy)
    library.history.describe(f"edit {library.history.paper_name(copy.rel)}")
    try:
        library.store.write_if_unchanged(copy.rel, copy.original, data)
    except ConflictError as exc:
        raise ConflictError(
            f"{exc} while you were editing it, so nothing was written; "
            f"your edited text is kept in {copy.path}."
        ) from None
    except PapernotesError as exc:  # e.g. a note made read-only: refused, left as it is
        kept = f"{str(exc).rstrip('.')}; your edited text is kept in {copy.path}."
        raise type(exc)(kept) from None
    except OSError as exc:  # a full disk, a read-only folder: the old note is still there
        failed = exc.filename or copy.rel
        raise InvalidInputError(
            f"Cannot write {failed} ({exc.strerror or exc}), so {copy.rel} was not changed; "
            f"your edited text is kept in {copy.path}."
        ) from None
    copy.discard()
    return _links_resolved(library, library.reread(copy.rel))


def reread(library: Library, rel: str) -> Note:
    """The note at ``rel`` read again from disk after an outside edit, in place of the
    version ``library`` holds in memory (or added to them, if it did not read before)."""
    try:
        fresh = library.store.read(rel)
    except NoteFormatError as exc:
        raise InvalidInputError(
            f"{rel}:{exc.line}: {exc.message} (your edit is saved as written; fix it and run check)"
        ) from None
    held = next((n for n in library._notes or () if n.path == rel), None)
    if held is not None:
        replace_held(library, held, fresh)
    elif library._notes is not None:
        remember(library, fresh)  # a note that did not read before the edit
    return fresh


def _links_resolved(library: Library, note: Note) -> Note:
    """``note`` saved again when a link in the edited text names a paper by slug or arXiv
    id: the link then names it by key, as every other way of saving a note does."""
    from papernotes.library.paper_links import holds_links

    if not holds_links(note.paper):
        return note
    with library.writing():
        fresh = library.current(note)
        try:
            paper = library.validated(fresh.paper)
        except PapernotesError:
            return fresh  # an edit that is no valid paper stays as written (check reports it)
        if paper.notes == fresh.paper.notes and paper.body == fresh.paper.body:
            return fresh
        return library.save(fresh, replace(fresh.paper, notes=paper.notes, body=paper.body))


def edit_warnings(library: Library, note: Note) -> list[str]:
    """What an edit wrote that ``check`` would flag, or that leaves the note where it does not
    belong: a key, arXiv id or title another note has, a year that is not its folder's. The
    edit stays written (it is the user's text); the UIs show these as warnings."""
    from papernotes.model import normalize_title
    from papernotes.text.arxiv_ids import base_id

    paper, warnings = note.paper, []
    arxiv = (base_id(paper.arxiv) or paper.arxiv) if paper.arxiv else ""
    folder = note.path.split("/", 1)[0]
    if folder != str(paper.year):
        warnings.append(
            f"{note.path}: year {paper.year} is not its folder's ({folder}); the note stays "
            "where it is"
        )
    title = normalize_title(paper.title)
    for other in library.notes():
        if other.path == note.path:
            continue
        if paper.key and other.paper.key.casefold() == paper.key.casefold():
            warnings.append(f"{note.path}: key {paper.key!r} is also used by {other.path}")
        if arxiv and (base_id(other.paper.arxiv) or other.paper.arxiv) == arxiv:
            warnings.append(f"{note.path}: arXiv id {arxiv!r} is also used by {other.path}")
        if title and normalize_title(other.paper.title) == title:
            warnings.append(f"{note.path}: same title as {other.path}")
    return warnings


def refuse_edited_controls(text: str, copy: EditCopy) -> None:
    """Refuse an edited text holding a control character (``ESC``…), written raw or as a
    YAML escape (``"\\e"``) in a one-line field: ``list`` and ``show`` would print it."""
    why = control_line(text)
    why = f"{why[0].upper()}{why[1:]}; a terminal would run it." if why else ""
    if not why:
        try:
            refuse_controls(parse_note(text))
        except NoteFormatError:
            return  # written as it is, and reported, like any text that is no note
        except InvalidInputError as exc:
            why = str(exc)
    if why:
        raise InvalidInputError(
            f"{copy.path}: {why} {copy.rel} was not changed; your edited text is kept in that file."
        )


def edit_note(library: Library, rel: str, run: Callable[[Path], None]) -> Note | None:
    """Open the note at ``rel`` with ``run`` (the editor) on a copy, then ``finish_edit``."""
    copy = start_edit(library, rel)
    failure = run_catching(run, copy.path)
    if failure is not None:
        raise InvalidInputError(abandon_edit(copy, failure))
    return finish_edit(library, copy)
