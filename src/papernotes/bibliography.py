"""BibTeX on a library: citation keys, ``export --bib`` and ``import FILE.bib`` (CLI and TUI alike).

Keys: every note gets one when it is added (``Library.add``); notes from before that get one
the first time they are exported (``assign_keys``), stored in the note so it never changes
behind the user's back. Import merges an entry into the note for the same paper (arXiv id,
DOI, normalised title), filling only what the note lacks; otherwise it adds a new note.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from papernotes.citekeys import check_key, unique_key
from papernotes.errors import DuplicateError, InvalidInputError
from papernotes.formats.bibtex_write import BIBTEX_EXTRA, bibtex_fields, render_bibliography
from papernotes.library import Library
from papernotes.model import Note, Paper, Problem, normalize_title
from papernotes.venues import VenueTable


@dataclass(frozen=True)
class BibImportReport:
    """What a .bib import did (or, for a dry run, would do)."""

    added: tuple[str, ...] = ()
    merged: tuple[str, ...] = ()
    """Notes an entry was merged into (changed or not)."""
    changed: tuple[str, ...] = ()
    """The merged notes that gained something."""
    skipped: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = field(default_factory=tuple)

    def summary(self) -> str:
        text = f"{len(self.added)} added, {len(self.merged)} merged, {len(self.skipped)} skipped"
        if self.problems:
            text += f", {len(self.problems)} problem(s) reported"
        return text


# -- keys --------------------------------------------------------------------


def assign_keys(library: Library, notes: Iterable[Note] | None = None) -> list[Note]:
    """Give every note in ``notes`` (default: all) that has no key one, and store it.

    Returns the notes that changed. Each note file is replaced atomically.
    """
    changed = []
    for note in list(library.notes() if notes is None else notes):
        if not note.paper.key:
            current = next((n for n in library.notes() if n.path == note.path), note)
            changed.append(
                library.save(current, replace(current.paper, key=library.free_key(current.paper)))
            )
    return changed


def set_key(library: Library, query: str, new_key: str) -> Note:
    """Give the paper ``query`` names the key ``new_key``; refuses invalid and taken keys."""
    reason = check_key(new_key)
    if reason:
        raise InvalidInputError(f"{new_key!r} cannot be a citation key: {reason}.")
    note = library.find(query)
    for other in library.notes():
        if other.path != note.path and other.paper.key.casefold() == new_key.casefold():
            raise DuplicateError(f"The key {new_key!r} is already used by {other.path}.")
    if note.paper.key == new_key:
        return note
    return library.save(note, replace(note.paper, key=new_key))


# -- export ------------------------------------------------------------------


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
) -> tuple[str, list[Note]]:
    """The .bib text for ``notes`` and the notes that were given a key (and saved) for it."""
    assigned = assign_keys(library, notes)
    fresh = {n.path: n for n in assigned}
    papers = [fresh.get(n.path, n).paper for n in notes]
    text = render_bibliography(
        papers, with_notes=with_notes, ascii=ascii, venues=venues or VenueTable.load()
    )
    return text, assigned


# -- import ------------------------------------------------------------------


def import_bibtex(
    library: Library,
    text: str,
    source: str,
    *,
    dry_run: bool = False,
    venues: VenueTable | None = None,
) -> BibImportReport:
    """Merge or add one note per valid entry; broken entries are reported and skipped."""
    from papernotes.formats.bibtex_read import entry_to_paper, parse_bibtex

    venues = venues or VenueTable.load()
    parsed = parse_bibtex(text, source)
    problems = list(parsed.problems)
    skipped = [f"line {p.line}" for p in parsed.problems]
    added: list[str] = []
    merged: list[str] = []
    changed: list[str] = []
    claimed: dict[str, str] = {}  # note path (or pending title) -> entry key that claimed it
    taken = {n.paper.key.casefold() for n in library.notes() if n.paper.key}
    pending: list[Paper] = []  # new papers of a dry run, so later entries can match them
    for entry in parsed.entries:
        try:
            paper = entry_to_paper(entry, venues)
        except ValueError as exc:
            problems.append(Problem(source, entry.line, f"entry {entry.key!r} {exc}; skipped"))
            skipped.append(entry.key)
            continue
        existing = find_match(library.notes(), paper)
        target = existing.path if existing else _pending_match(pending, paper)
        if target and target in claimed:
            problems.append(
                Problem(
                    source,
                    entry.line,
                    f"entry {entry.key!r} is the same paper as entry {claimed[target]!r}; skipped",
                )
            )
            skipped.append(entry.key)
            continue
        if existing is not None:
            claimed[existing.path] = entry.key
            merged.append(existing.path)
            new = merge_entry(existing.paper, paper, taken)
            if new != existing.paper:
                changed.append(existing.path)
                if not dry_run:
                    library.save(existing, new)
                taken.add(new.key.casefold())
            continue
        if check_key(paper.key) or paper.key.casefold() in taken:
            old_key = paper.key
            paper = replace(paper, key=unique_key(paper, taken))
            why = "is not a valid key" if check_key(old_key) else "is already used in the library"
            if old_key:
                problems.append(
                    Problem(source, entry.line, f"{old_key!r} {why}; the paper gets {paper.key!r}")
                )
        taken.add(paper.key.casefold())
        if dry_run:
            claimed[f"new:{len(pending)}"] = entry.key
            pending.append(paper)
            added.append(f"{paper.year}: {paper.title} [{paper.key}]")
        else:
            path = library.add(paper).path
            claimed[path] = entry.key
            added.append(path)
    return BibImportReport(
        tuple(added),
        tuple(merged),
        tuple(changed),
        tuple(skipped),
        tuple(sorted(problems, key=lambda p: p.line)),
    )


def find_match(notes: Iterable[Note], paper: Paper) -> Note | None:
    """The note for the same paper: same arXiv id, same DOI, or same normalised title."""
    titles = {normalize_title(t) for t in (paper.title, paper.arxiv_title) if t}
    doi = paper.doi.casefold()
    by_title = None
    for note in notes:
        other = note.paper
        if paper.arxiv and other.arxiv == paper.arxiv:
            return note
        if doi and other.doi.casefold() == doi:
            return note
        if by_title is None and titles & {
            normalize_title(t) for t in (other.title, other.arxiv_title) if t
        }:
            by_title = note
    return by_title


def _pending_match(pending: list[Paper], paper: Paper) -> str:
    """For a dry run: the name of an earlier entry's would-be note that is the same paper."""
    found = find_match((Note(p, f"new:{i}") for i, p in enumerate(pending)), paper)
    return found.path if found else ""


def merge_entry(old: Paper, new: Paper, taken: set[str]) -> Paper:
    """``old`` with the gaps filled from a .bib entry: what the user wrote always wins."""
    key = old.key
    if not key and new.key and not check_key(new.key) and new.key.casefold() not in taken:
        key = new.key
    extra = bibtex_fields(old)
    for name, value in bibtex_fields(new).items():
        extra.setdefault(name, value)
    if extra != bibtex_fields(old):
        others = tuple((k, v) for k, v in old.extra if k != BIBTEX_EXTRA)
        old_extra = others + ((BIBTEX_EXTRA, extra),)
    else:
        old_extra = old.extra
    return replace(
        old,
        key=key,
        venue=old.venue or new.venue,
        arxiv=old.arxiv or new.arxiv,
        authors=old.authors or new.authors,
        primary_category=old.primary_category or new.primary_category,
        doi=old.doi or new.doi,
        abstract=old.abstract or new.abstract,
        notes=old.notes or new.notes,
        extra=old_extra,
    )
