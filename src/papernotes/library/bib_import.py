"""``import FILE.bib`` on a library (CLI and TUI alike).

Import merges an entry into the note for the same paper (arXiv id, DOI, normalised title),
filling only what the note lacks; otherwise it adds a new note.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from papernotes.errors import InvalidInputError
from papernotes.formats.bibtex.keys import check_key, unique_key
from papernotes.formats.bibtex.venues import VenueTable
from papernotes.formats.bibtex.write import BIBTEX_EXTRA, ENTRY_TYPE, bibtex_fields
from papernotes.library import Library
from papernotes.library.user_settings import venue_table
from papernotes.model import Paper, Problem, normalize_title
from papernotes.text.controls import refuse_controls

if TYPE_CHECKING:
    from papernotes.formats.bibtex.read import ParsedBib


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


def import_bibtex(
    library: Library,
    text: str,
    source: str,
    *,
    dry_run: bool = False,
    venues: VenueTable | None = None,
) -> BibImportReport:
    """Merge or add one note per valid entry; broken entries are reported and skipped.

    The whole import runs under the library's lock (except a dry run, which writes nothing),
    so matches and keys are decided against the folder as it is.
    """
    from papernotes.formats.bibtex.read import parse_bibtex

    venues = venues or venue_table()
    parsed = parse_bibtex(text, source)
    if dry_run:
        return _import_entries(library, parsed, source, venues, dry_run=True)
    from papernotes.library.stopped_import import counted_if_stopped

    name = source.replace("\\", "/").rsplit("/", 1)[-1] or source

    # new notes flushed together (storage/batch.py), a big import's files created by the
    # writer process (storage/temp_writer.py); held notes forgotten if a write fails
    with (
        counted_if_stopped(library, name) as before_writing,
        library.writing(batch=True, writer_process=True),
    ):
        library.index_rows()  # a big library's notes not loaded: their identity rows
        library.refuse_unseen()
        before_writing()
        report = _import_entries(library, parsed, source, venues, dry_run=False)
        library.store.confirm_batch()  # a note not written ends it here, undescribed
        library.history.describe(
            f"import {name}: {len(report.added)} added, {len(report.changed)} updated",
            override=True,
        )
        return report


def _import_entries(
    library: Library, parsed: ParsedBib, source: str, venues: VenueTable, dry_run: bool
) -> BibImportReport:
    from papernotes.formats.bibtex.paper_from_entry import entry_to_paper, keep_unknown_latex
    from papernotes.library.validation import validated

    problems = list(parsed.problems) + list(parsed.warnings)
    skipped = [f"line {p.line}" for p in parsed.problems]
    added: list[str] = []
    merged: list[str] = []
    changed: list[str] = []
    claimed: dict[str, str] = {}  # target (note path, or "new:N" in a dry run) -> entry key
    authors: dict[str, str] = {}  # names read so far: co-authors recur
    index = MatchIndex(library)
    taken = _Taken(library.keys_taken())
    for entry in parsed.entries:
        try:
            paper, latex_notes = keep_unknown_latex(entry, entry_to_paper(entry, venues, authors))
            refuse_controls(paper)
            # what add and save would refuse, refused here: skipped with its line, before any
            # write, so the dry run and the import agree and no entry is half-imported
            paper = validated(library, paper, controls_refused=True)
        except ValueError as exc:
            problems.append(Problem(source, entry.line, f"entry {entry.key!r} {exc}; skipped"))
            skipped.append(entry.key)
            continue
        except InvalidInputError as exc:  # a control character, or a venue that is a link
            problems.append(Problem(source, entry.line, f"entry {entry.key!r}: {exc} Skipped."))
            skipped.append(entry.key)
            continue
        problems.extend(Problem(source, entry.line, message) for message in latex_notes)
        target = index.match(paper)
        if target and target in claimed:
            message = f"entry {entry.key!r} is the same paper as entry {claimed[target]!r}; skipped"
            problems.append(Problem(source, entry.line, message))
            skipped.append(entry.key)
            continue
        existing = library.note_indexed(target) if target and target in index else None
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
                message = f"{old_key!r} {why}; the paper gets {paper.key!r}"
                problems.append(Problem(source, entry.line, message))
        taken.add(paper.key.casefold())
        if dry_run:
            target = index.add_pending(paper)
            added.append(f"{paper.year}: {paper.title} [{paper.key}]")
        else:
            # valid already (``validated`` above) and checked under the lock: add()
            # without validating the paper a second time
            target = library.add_checked(paper, False).path
            added.append(target)
        claimed[target] = entry.key
    return BibImportReport(
        tuple(added),
        tuple(merged),
        tuple(changed),
        tuple(skipped),
        tuple(sorted(problems, key=lambda p: p.line)),
    )


class MatchIndex:
    """The note an entry is the same paper as (its path): the library's first note with the
    entry's arXiv id, else DOI, else normalised title (``Library.first_with``: from memory or
    the identity rows, the notes written by this import after the others), else a paper the
    dry run would add (``new:N``). Matching N entries costs O(N)."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self._pending: dict[tuple[str, str], str] = {}
        self._count = 0

    def __contains__(self, target: str) -> bool:
        """Whether ``target`` is a note's path (not a paper a dry run would add)."""
        return not target.startswith("new:")

    def add_pending(self, paper: Paper) -> str:
        """A paper a dry run would add: later entries can match it, but it has no note."""
        self._count += 1
        target = f"new:{self._count}"
        for identity in _identities(paper):
            self._pending.setdefault(identity, target)  # the first paper wins
        return target

    def match(self, paper: Paper) -> str:
        """The target for the same paper: same arXiv id, else DOI, else normalised title."""
        for identity in _identities(paper):
            note = self.library.first_with([identity])
            if note is not None:
                return note.path
            if identity in self._pending:
                return self._pending[identity]
        return ""


class _Taken:
    """The citation keys in use (case folded): the library's, as it writes, and the keys a
    dry run would give."""

    def __init__(self, library_keys: Container[str]) -> None:
        self.library_keys = library_keys
        self.more: set[str] = set()

    def __contains__(self, folded: object) -> bool:
        return folded in self.more or folded in self.library_keys

    def add(self, folded: str) -> None:
        self.more.add(folded)


def _identities(paper: Paper) -> list[tuple[str, str]]:
    out = []
    if paper.arxiv:
        out.append(("arxiv", paper.arxiv))
    if paper.doi:
        out.append(("doi", paper.doi.casefold()))
    for title in (paper.title, paper.arxiv_title):
        normal = normalize_title(title) if title else ""
        if normal:
            out.append(("title", normal))
    return out


def merge_entry(old: Paper, new: Paper, taken: Container[str]) -> Paper:
    """``old`` with the gaps filled from a .bib entry: what the user wrote always wins.

    Applies when a .bib import meets a paper the library has (a .bib is another program's
    record: it only fills gaps)."""
    key = old.key
    if not key and new.key and not check_key(new.key) and new.key.casefold() not in taken:
        key = new.key
    extra = bibtex_fields(old)
    incoming = bibtex_fields(new)
    # The entry type is never merged: the note's type follows the venue the user wrote. A
    # venue that came with an unusual type (a @misc's howpublished) is not taken either.
    unusual_type = incoming.pop(ENTRY_TYPE, None)
    for name, value in incoming.items():
        extra.setdefault(name, value)
    if extra != bibtex_fields(old):
        others = tuple((k, v) for k, v in old.extra if k != BIBTEX_EXTRA)
        old_extra = others + ((BIBTEX_EXTRA, extra),)
    else:
        old_extra = old.extra
    return replace(
        old,
        key=key,
        venue=old.venue or ("" if unusual_type else new.venue),
        code=old.code or new.code,
        arxiv=old.arxiv or new.arxiv,
        authors=old.authors or new.authors,
        tags=old.tags or new.tags,
        primary_category=old.primary_category or new.primary_category,
        doi=old.doi or new.doi,
        venue_full=old.venue_full
        or ("" if old.venue and old.venue != new.venue else new.venue_full),
        pages=old.pages or new.pages,
        publisher=old.publisher or new.publisher,
        abstract=old.abstract or new.abstract,
        notes=old.notes or new.notes,
        extra=old_extra,
    )
