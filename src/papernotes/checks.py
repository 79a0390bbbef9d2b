"""``papernotes check``: every problem in a library, each pointing at its file and line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from papernotes.arxiv_ids import base_id
from papernotes.citekeys import identifier_problems
from papernotes.model import Problem, normalize_title

if TYPE_CHECKING:
    from papernotes.library import Library


def library_problems(library: Library) -> list[Problem]:
    """Unreadable notes, invalid keys and arXiv ids, and duplicate keys (ignoring case),
    arXiv ids and papers. Lines point at the field in the front matter."""
    store = library.store
    problems = library.problems()
    seen_keys: dict[str, str] = {}
    seen_arxiv: dict[str, str] = {}
    seen_titles: dict[str, str] = {}
    for note in library.notes():
        paper = note.paper
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
    return problems
