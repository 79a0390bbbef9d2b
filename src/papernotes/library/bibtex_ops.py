"""BibTeX on a library: citation keys and ``export --bib`` (CLI and TUI alike); ``import
FILE.bib`` is ``library/bib_import.py``.

Keys: every note gets one when it is added (``Library.add``); notes from before that get one
the first time they are exported (``assign_keys``), stored in the note so it never changes
behind the user's back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from papernotes.errors import DuplicateError, InvalidInputError
from papernotes.formats.bibtex.keys import check_key, identifier_problems, unique_key
from papernotes.formats.bibtex.venues import VenueTable
from papernotes.formats.bibtex.write import render_bibliography, render_entry
from papernotes.library import Library
from papernotes.library.names import key_clash
from papernotes.library.user_settings import venue_table
from papernotes.model import Note, Paper, Problem


class UnexportableError(InvalidInputError):
    """Notes whose key or arXiv id cannot be written to a .bib; nothing was exported."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        listed = "; ".join(f"{p.path}: {p.message}" for p in problems[:3])
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        super().__init__(
            f"Cannot export {listed}{more}. Fix the note (papernotes check lists every problem); "
            "nothing was written."
        )


# -- keys --------------------------------------------------------------------


def assign_keys(library: Library, notes: Iterable[Note] | None = None) -> list[Note]:
    """Give every note in ``notes`` (default: all) that has no key one, and store it.

    Returns the notes that changed. Each note file is replaced atomically.
    """
    wanted = [n for n in (library.notes() if notes is None else notes) if not n.paper.key]
    if not wanted:
        return []
    changed: list[Note] = []
    with library.writing(message="assign citation keys"):  # chosen against the folder as it is
        current = {n.path: n for n in library.notes()}
        taken = {n.paper.key.casefold() for n in current.values() if n.paper.key}
        for asked in wanted:
            note = current.get(asked.path)
            if note is None or note.paper.key:
                continue  # removed, or given a key by someone else meanwhile
            key = unique_key(note.paper, taken)
            taken.add(key.casefold())
            changed.append(library.save(note, replace(note.paper, key=key)))
    return changed


def set_key(library: Library, query: str, new_key: str) -> tuple[str, Note]:
    """Give the paper ``query`` names the key ``new_key``; its old key and the saved note.

    Refuses an invalid key, and one that names another paper: its key (ignoring case), slug,
    path, arXiv id or title. The paper is named, the check made and the note written under
    the library's lock, over the note as its file reads then (not the cache).
    """
    reason = check_key(new_key)
    if reason:
        raise InvalidInputError(f"{new_key!r} cannot be a citation key: {reason}.")
    with library.writing():
        library.refuse_unseen()
        note = library.current(library.find(query))
        clash = key_clash(library.notes(), note, new_key)
        if clash:
            raise DuplicateError(clash)
        old = note.paper.key
        if old == new_key:
            return old, note
        library.history.describe(f"key {old} -> {new_key}")
        saved = library.save(note, replace(note.paper, key=new_key))
        if old:  # every [[old]] follows, in the same locked batch
            from papernotes.library.paper_links import relink

            relinked = relink(library, old, new_key)  # (the paper itself, if it links to itself:
            saved = next((n for n in relinked if n.path == saved.path), saved)  # not stale)
        return old, library.current(saved)


# -- export ------------------------------------------------------------------


def bibtex_entry(paper: Paper) -> str:
    """``paper``'s entry as ``export --bib`` writes it: the TUI's preview and copy."""
    return render_entry(paper)


def select_notes(
    library: Library, papers: Iterable[str] = (), year: int | None = None, tag: str | None = None
) -> list[Note]:
    """The notes to export: those named (by key, slug, arXiv id, title), else all; then filtered."""
    chosen = library.select(year=year, tag=tag)
    names = list(papers)
    if not names:
        return chosen
    wanted = {library.find(name).path for name in names}
    return [n for n in chosen if n.path in wanted]


def export_bibtex(
    library: Library,
    notes: list[Note],
    *,
    with_notes: bool = False,
    ascii: bool = False,
    venues: VenueTable | None = None,
    keep_entries: bool = False,
    stat_keys: dict[str, bytes] | None = None,
) -> tuple[str, list[Note]]:
    """The .bib text for ``notes`` and the notes that were given a key (and saved) for it;
    with ``keep_entries``, each note's entry is taken from and kept in the entries cache
    (``library/bib_entries.py``): the same text, rendering only the notes that changed.
    ``stat_keys``: the stat key each note was read with (kept with its entry).

    Raises ``UnexportableError``, before writing anything, when a note's key or arXiv id is
    invalid (a hand edit): a .bib with ``@misc{bad key{,`` would break the user's document.
    """
    entries = None
    if keep_entries:
        from papernotes.library.bib_entries import KeptBibEntries

        entries = KeptBibEntries(library.store.caches().bib_entries())
    problems = [
        Problem(note.path, 0, message)
        for note in notes
        if entries is None or not entries.holds(note)
        for _field, message in identifier_problems(note.paper)
    ]
    if problems:
        raise UnexportableError(problems)
    assigned = assign_keys(library, notes)
    fresh = {n.path: n for n in assigned}
    notes = [fresh.get(n.path, n) for n in notes]
    if any(not n.paper.key for n in notes):  # changed on disk meanwhile: export what is there
        current = {n.path: n for n in library.notes()}
        notes = [current.get(n.path, n) for n in notes]
        entries = None  # notes read again, unchecked: none is kept as having passed the check
    papers = [n.paper for n in notes]
    if with_notes:  # links in the notes as the linked papers' titles
        from papernotes.library.link_export import bibtex_papers

        papers = bibtex_papers(library, papers)
    venues = venues or venue_table()
    if entries is not None:
        text = entries.render(
            notes,
            papers,
            with_notes=with_notes,
            ascii=ascii,
            venues=venues,
            all_paths={n.path for n in library.notes()},
            stat_keys={p: k for p, k in (stat_keys or {}).items() if p not in fresh},
        )
    else:
        text = render_bibliography(papers, with_notes=with_notes, ascii=ascii, venues=venues)
    return text, assigned
