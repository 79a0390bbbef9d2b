"""``papernotes check``: every problem in a library, each pointing at its file and line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from papernotes.formats.bibtex.keys import identifier_problems
from papernotes.library.paper_links import dangling
from papernotes.model import Note, Problem, normalize_title
from papernotes.text.arxiv_ids import base_id

if TYPE_CHECKING:
    from papernotes.library import Library


def library_problems(library: Library) -> list[Problem]:
    """Unreadable notes, invalid keys and arXiv ids, duplicate keys (ignoring case), arXiv
    ids and papers, and links to no paper. Lines point at the field or the link's line."""
    store = library.store
    problems = library.problems()
    seen_keys: dict[str, str] = {}
    seen_arxiv: dict[str, str] = {}
    seen_titles: dict[str, str] = {}
    names = _other_names(library.notes())
    for note in library.notes():
        paper = note.paper
        named = [
            (rule, path) for rule, path in names.get(paper.key.casefold(), ()) if path != note.path
        ]
        if paper.key and named:
            rule, path = named[0]
            message = f"key {paper.key!r} is the {rule} of {path}, so it names two papers"
            problems.append(Problem(note.path, store.field_line(note.path, "key"), message))
        for name, message in identifier_problems(paper):
            problems.append(Problem(note.path, store.field_line(note.path, name), message))
        key = fold_case(paper.key)
        if key and key in seen_keys:
            message = f"key {paper.key!r} is also used by {seen_keys[key]}"
            problems.append(Problem(note.path, store.field_line(note.path, "key"), message))
        seen_keys.setdefault(key, note.path)
        arxiv = base_id(paper.arxiv) if paper.arxiv else ""
        if arxiv and arxiv in seen_arxiv:
            message = f"arXiv id {arxiv!r} is also used by {seen_arxiv[arxiv]}"
            problems.append(Problem(note.path, store.field_line(note.path, "arxiv"), message))
        if arxiv:
            seen_arxiv.setdefault(arxiv, note.path)
        title = normalize_title(paper.title)
        if title in seen_titles:
            problems.append(Problem(note.path, 1, f"same title as {seen_titles[title]}"))
        seen_titles.setdefault(title, note.path)
    return problems + dangling(library) + conflict_problems(library, problems)


def conflict_problems(library: Library, found: list[Problem]) -> list[Problem]:
    """The git conflict markers a sync stopped on left in notes or ``document.yaml``, at the
    line of the first one: a note that does not read, or whose text holds one, is looked at."""
    from papernotes.library.three_way import MARKERS, conflict_lines

    markers = [marker.encode() for marker in MARKERS]  # ASCII: no line starts with one a
    suspects = {p.path for p in found if p.path.endswith((".md", ".yaml"))}
    suspects |= {
        n.path
        for n in library.notes()
        if "<<<<<<<" in n.paper.body or any("<<<<<<<" in t for t in n.paper.notes)
    }
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


def _other_names(notes: list[Note]) -> dict[str, list[tuple[str, str]]]:
    """Each note's path (with and without ``.md``), slug and arXiv id, case-folded, with the
    rule and the path, where it is some note's key (case-folded): a key equal to one of
    another note's names is a problem."""
    keys = {fold_case(note.paper.key) for note in notes}  # only a name that is a key is asked
    names: dict[str, list[tuple[str, str]]] = {}  # for (400,000 names at 100,000 notes)
    for note in notes:
        given = [("path", note.path), ("path", note.path.removesuffix(".md")), ("slug", note.slug)]
        if note.paper.arxiv:
            given.append(("arXiv id", note.paper.arxiv))
        for rule, name in given:
            folded = name.casefold()
            if folded in keys:
                names.setdefault(folded, []).append((rule, note.path))
    return names


def fold_case(text: str) -> str:
    """``text.casefold()``, ``text`` itself when folding changes nothing (most keys): the
    sets and maps of every key at 100,000 notes then hold no second copy of each."""
    folded_text = text.casefold()
    return text if folded_text == text else folded_text
