"""Adding and saving notes (``Library.addable``, ``add_checked``, ``free_key``, ``save``):
a paper already in the library is refused before anything is typed or written, and checked
again under the lock, where a paper matching a note is merged into it and a new one gets a
free key and the day; a save stamps the day a paper became read and notes the history."""

from __future__ import annotations

from collections.abc import Container, Set
from dataclasses import replace
from typing import TYPE_CHECKING

from papernotes.errors import DuplicateError, InvalidInputError
from papernotes.library.held_notes import remember, replace_held
from papernotes.library.known_papers import KnownPapers, known_papers
from papernotes.library.reading_queue import stamp_read_on
from papernotes.model import Note, Paper, merge_paper
from papernotes.storage.library_folder import MISSING, folder_kind

if TYPE_CHECKING:
    from papernotes.library.api import Library


def addable(library: Library, paper: Paper, update: bool, look: bool) -> Paper:
    """``paper`` as ``add`` would write it, refused now as ``add`` would refuse it (not
    valid; with ``look``, already in the library unless ``update``): checked before the
    folder is made or notes are typed, so a refused add costs neither. ``add`` checks
    again under the lock (``look=False`` spares reading the library twice)."""
    paper = library.validated(paper)
    if look and not update and folder_kind(library.root) != MISSING:
        existing = known_papers(library).match(paper)
        if existing is not None:
            raise DuplicateError(f"{paper.title!r} is already in the library as {existing.path}.")
    return paper


def unseen_refusal(unseen: list[str]) -> InvalidInputError:
    """The error refusing a write whose uniqueness check cannot see the whole library:
    while a folder or note (``unseen``) cannot be read or does not parse, a paper, key or
    title it holds could be taken twice."""
    first, more = unseen[0], len(unseen) - 1
    also = f" (and {more} more)" if more else ""
    what = "does not read as a note" if first.endswith(".md") else "cannot be read"
    return InvalidInputError(
        f"{first}{also} {what}, so whether this paper, key or title is already "
        "in the library cannot be checked and nothing was written; fix or remove it "
        "('papernotes check' lists the problems)."
    )


def add_checked(library: Library, paper: Paper, update: bool) -> Note:
    """``add`` inside ``writing()`` with ``paper`` valid: a paper already present is refused
    unless ``update``, then merged into its note (refused if it matches two notes); a new
    note gets the day it was added and a free key."""
    return added(library, paper, update)[0]


def added(library: Library, paper: Paper, update: bool) -> tuple[Note, bool]:
    """``add_checked``, and whether the paper was in the library (merged into its note).
    Checked against the notes in memory, else against the identity rows
    (``known_papers.py``): an ``add`` at 100,000 notes builds none of them."""
    from papernotes.library.api import today

    known = known_papers(library)
    known.refuse_unseen()
    existing = known.match(paper)
    if existing and not update:
        raise DuplicateError(f"{paper.title!r} is already in the library as {existing.path}.")
    if existing:
        others = sorted(known.candidates(paper) - {existing.path})
        if others:  # checked here, under the lock: merging would give two notes one id
            raise DuplicateError(
                f"{paper.title!r} (its title, key or arXiv id) matches {existing.path} and "
                f"{', '.join(others)}; nothing was written."
            )
        merged = merge_paper(existing.paper, paper)
        if not merged.key:
            merged = replace(merged, key=_free_key(known, merged, existing))
        return library.save(existing, merged), True
    day = today()
    paper = stamp_read_on(None, paper, day)
    if not paper.added or not paper.key:
        when = paper.added or day
        paper = replace(paper, added=when, key=paper.key or _free_key(known, paper, None))
    note = library.store.create(paper)
    remember(library, note)
    return note, False


def _free_key(known: KnownPapers, paper: Paper, ignore: Note | None) -> str:
    """``free_key`` among the keys ``known`` holds (its unseen notes refused already)."""
    from papernotes.formats.bibtex.keys import unique_key

    return unique_key(paper, known.keys_taken(ignore))


def free_key(
    library: Library, paper: Paper, ignore: Note | None, reserved: Set[str] = frozenset()
) -> str:
    """A citation key for ``paper`` that no other note uses (``formats.bibtex.keys``), nor
    any of the case-folded ``reserved`` keys (an import keeps them for the papers its links
    name)."""
    # pulls in pypinyin lazily; not on `list`
    from papernotes.formats.bibtex.keys import unique_key

    library.refuse_unseen()
    taken = library._indexed().keys_taken(ignore)
    return unique_key(paper, _TakenOrReserved(taken, reserved) if reserved else taken)


class _TakenOrReserved:
    """The keys in use and the reserved ones, as one container of case-folded keys."""

    def __init__(self, taken: Container[str], reserved: Set[str]) -> None:
        self.taken = taken
        self.reserved = reserved

    def __contains__(self, folded: object) -> bool:
        return folded in self.reserved or folded in self.taken


def save(library: Library, note: Note, paper: Paper) -> Note:
    """Write ``paper`` over ``note``; refuses if the file changed since it was read."""
    from papernotes.library.api import today

    paper = stamp_read_on(note.paper, paper, today())  # the day it first became read
    paper = library.validated(paper)
    history = library.history
    history.saved(note.paper, paper)  # the commit's words: noted before the lock's end
    try:
        saved = library.store.update(note, paper)
    except BaseException:
        history.unsaved()
        raise
    replace_held(library, note, saved)
    return saved
