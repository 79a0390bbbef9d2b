"""``papernotes check``: every problem in a library, each pointing at its file and line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from papernotes.library.check_facts import fold_case
from papernotes.library.paper_links import notes_holding
from papernotes.model import Problem

if TYPE_CHECKING:
    from papernotes.library import Library

__all__ = ["conflict_problems", "conflict_problems_of", "fold_case", "library_problems"]


def library_problems(library: Library) -> list[Problem]:
    """Unreadable notes, invalid keys and arXiv ids, duplicate keys (ignoring case), arXiv
    ids and papers, and links to no paper. Lines point at the field or the link's line.

    Worked out from each note's facts (``check_facts.py``): each test made on every note at
    once, in C where it can be (a key's and an arXiv id's shape matched, the first note of
    each key, id and title found by a ``dict`` built from the lists reversed); only the
    notes some test picks out go through the checks one by one, in the library's order."""
    from papernotes.library.check_facts import facts_problems, note_facts

    notes = library.notes()
    facts = note_facts(notes, lambda note: _file_bytes(library, note.path))
    return facts_problems(library, library.problems(), [note.path for note in notes], facts)


def _file_bytes(library: Library, rel: str) -> bytes | None:
    try:
        return library.store.note_bytes(rel)
    except OSError:
        return None


def conflict_problems(library: Library, found: list[Problem]) -> list[Problem]:
    """The git conflict markers a sync stopped on left in notes or ``document.yaml``, at the
    line of the first one: a note that does not read, or whose text holds one, is looked at."""
    holding = [n.path for n in notes_holding(library.notes(), "<<<<<<<")]
    return conflict_problems_of(library, found, holding)


def conflict_problems_of(
    library: Library, found: list[Problem], holding: list[str]
) -> list[Problem]:
    """``conflict_problems`` where the notes whose text holds a marker are at ``holding``."""
    from papernotes.library.three_way import MARKERS, conflict_lines

    markers = [marker.encode() for marker in MARKERS]  # ASCII: no line starts with one a
    suspects = {p.path for p in found if p.path.endswith((".md", ".yaml"))}
    suspects |= set(holding)
    suspects.add("document.yaml")
    problems = []
    for rel in sorted(suspects):
        try:
            data = library.store.file_bytes(rel)
        except (OSError, ValueError):
            continue
        if not data or not any(marker in data for marker in markers):  # file does not hold
            continue  # (so a document.yaml of 100,000 lines is not split: 13 MB)
        lines = conflict_lines(data.decode("utf-8", "replace"))
        if lines:
            message = (
                f"git conflict markers ({len(lines)} lines): a sync stopped on a conflict here; "
                "keep the right version, then run 'papernotes sync --continue'"
            )
            problems.append(Problem(rel, lines[0], message))
    return problems
