"""Naming a paper without building every note: ``show KEY`` at 10,000 notes.

``find_note`` (``library/names.py``) needs every note's key, arXiv id and title, so a plain
``show`` loads the whole library. This module keeps, per state of the notes folder (every
note's path and stat, through ``Library.cached_output``: the machinery that keeps ``list``'s
output), an index of those names (``library/name_index.py``): each note's path and digest,
and the paths each folded key, arXiv id and normalised title belong to. While no note file
changed, a name the exact rules give to exactly one note is answered from the index and
that one note, read from its file (and used only if its bytes are the ones indexed).
Anything else (no exact match, two papers, a note that changed under us) is left to the full
``find_note``, so the answer is the one it gives (``tests/library/test_name_index.py``
compares them).

Without even a stat per note (0.4 s at 100,000 notes): while the year folders are as they
were when the index was kept (``storage/caches/names_stamp.py``), no note file was added,
removed or renamed, and the index is used with the same checks of the notes read. The one
case this cannot see: another note edited in place so that it also bears the name, until a
command that reads every note drops the stamp (docs/architecture.md, "The names stamp").
"""

from __future__ import annotations

from collections.abc import Callable, Sized
from typing import TYPE_CHECKING, TypeVar

from papernotes.library.name_index import INDEX_NAME, NameIndex, index_text, name_columns
from papernotes.model import Note, Problem

if TYPE_CHECKING:
    from papernotes.library.api import Library
    from papernotes.storage.note_folder import Scan

A = TypeVar("A")
N = TypeVar("N", bound=Sized)


def find_named(
    library: Library, query: str
) -> tuple[list[Problem], Note | None, list[Note] | None]:
    """The problems of the library's load, the note ``query`` names and the notes linking to
    it, when the kept index settles it (one exact match, whose file and those of the notes
    linking to it still hold the indexed bytes); else the note is None and the caller asks
    ``Library.find`` (which then reads every note)."""
    problems, answer = answered_from_index(library, query, _answer)
    return answer or (problems, None, None)


def answered_from_index(
    library: Library,
    query: str,
    answer: Callable[[Library, list[Problem], str, str], A | None],
    every_stat: bool = False,
) -> tuple[list[Problem], A | None]:
    """The problems of the library's load and ``answer(library, problems, index text,
    query)``, None when it gives none (the caller then reads every note).

    First from the index kept while the year folders are unchanged (``years_index``: no note
    stat-ed; not with ``every_stat``, for an answer a note edited in place must not be
    missed from), then from the index kept for the folder's state (every note stat-ed); on
    a miss the index is made from the loaded notes, and the answer is ``find``'s."""
    if query.strip() and not every_stat:
        kept = years_index(library)
        found = answer(library, *kept, query) if kept is not None else None
        if kept is not None and found is not None:
            return kept[0], found
    from papernotes.library.list_rows import output_and_state

    store = library.store
    stamp = store.years_stamp()  # before the scan: a later add, rm or rename changes it
    built: list[bool] = []

    def make() -> str:
        built.append(True)
        if query.strip():  # every note handed over a shard at a time, none held
            from papernotes.library.name_columns import streamed_name_columns

            streamed = streamed_name_columns(library)
            if streamed is not None:
                columns, library._listed = streamed
                return index_text(columns)
        columns = name_columns(library)
        if query.strip():  # answered from the index: every note let go before its text is
            loaded = library.problems()  # made and kept (at 100,000 notes they take 180 MB)
            library.reload()
            library._listed = loaded  # the load's problems, as output_and_state takes them
        return index_text(columns)

    kept_stamp = store.caches().names_stamp().read()

    def quick(scan: Scan, state: bytes) -> tuple[list[Problem], str, bool] | None:
        from papernotes.library.name_index_update import updated_index

        return updated_index(library, scan, kept_stamp) if kept_stamp is not None else None

    problems, text, state = output_and_state(library, INDEX_NAME, make, quick)
    if stamp is not None and state is not None and store.scanned_plain:  # (a symlinked note
        scanned = store.scanned_for(state)  # may change and no folder with it)
        store.caches().names_stamp().write(stamp, state, scanned)
    if not query.strip():
        return problems, None  # the notes are read already: find() answers at no cost
    return problems, answer(library, problems, text, query)


def years_index(library: Library) -> tuple[list[Problem], str] | None:
    """The kept index and its load's problems, if the year folders are as they were when it
    was kept (``storage/caches/names_stamp.py``): no note file added, removed or renamed
    since. A note edited in place is not seen here: ``_answer`` checks the notes it reads.
    When a few year folders changed, the index brought up to date from their notes alone
    (``library/name_index_years.py``), if it can be."""
    store = library.store
    kept = store.caches().names_stamp().read()
    if kept is None:
        return None
    if store.years_stamp() != kept[0]:
        from papernotes.library.name_index_years import refreshed_index

        return refreshed_index(library, kept)
    return store.list_output_cache().read(INDEX_NAME, kept[1])


def one_named(
    text: str,
    query: str,
    problems: list[Problem],
    lookup: Callable[[NameIndex, str], N],
) -> tuple[NameIndex, N] | None:
    """The index ``text`` and what ``lookup`` finds of ``query`` in it, when that is one
    note (an exact rule) and no note that cannot be read has ``query`` as its path or slug
    (``find_readable`` refuses such a name); None otherwise, or when it is no index."""
    try:
        index = NameIndex(text)
        named = lookup(index, query)
    except ValueError:
        return None
    if len(named) != 1:
        return None
    if problems:
        from papernotes.library.names import unreadable_named

        if unreadable_named([p.path for p in problems], query):
            return None
    return index, named


def _answer(
    library: Library, problems: list[Problem], text: str, query: str
) -> tuple[list[Problem], Note, list[Note]] | None:
    """The note ``query`` names and the notes linking to it, from the index ``text``, if it
    names one note by an exact rule, no note that cannot be read by its path or slug, and
    that note and those linking to it still hold the indexed bytes; else None."""
    from papernotes.storage.note_format import NoteFormatError

    found = one_named(text, query, problems, NameIndex.exact)
    if found is None:
        return None
    index, named = found
    read: list[Note] = []
    for path, indexed in named + index.linking(named[0][0]):
        try:
            note = library.store.read(path)
        except (OSError, NoteFormatError):
            return None
        if note.digest != indexed:
            return None  # changed since the index was made: find() reads all
        read.append(note)
    return problems, read[0], read[1:]
