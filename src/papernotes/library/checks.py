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
        key = paper.key.casefold()
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
    return problems + dangling(library)


def _other_names(notes: list[Note]) -> dict[str, list[tuple[str, str]]]:
    """Each note's path (with and without ``.md``), slug and arXiv id, case-folded, with the
    rule and the path: a key equal to one of another note's names is a problem."""
    names: dict[str, list[tuple[str, str]]] = {}
    for note in notes:
        given = [("path", note.path), ("path", note.path.removesuffix(".md")), ("slug", note.slug)]
        if note.paper.arxiv:
            given.append(("arXiv id", note.paper.arxiv))
        for rule, name in given:
            names.setdefault(name.casefold(), []).append((rule, note.path))
    return names
