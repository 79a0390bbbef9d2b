"""Naming a paper: PAPER as a key, path, slug, arXiv id, title or part of a title.

Every command that takes a PAPER (``show``, ``edit``, ``rm``, ``key``, ``link``, ``export``)
resolves it here. The exact rules are all tried: a name that two rules give to two different
papers (a key equal to another paper's slug) is an error listing both, never a silent pick.
"""

from __future__ import annotations

from collections.abc import Iterable

from papernotes.arxiv_ids import base_id
from papernotes.errors import AmbiguousError, InvalidInputError, NotFoundError
from papernotes.model import Note, normalize_title

MAX_LISTED = 5


def exact_matches(notes: Iterable[Note], name: str) -> dict[str, list[str]]:
    """The notes ``name`` names by an exact rule: path -> the rules (``key``, ``path``,
    ``slug``, ``arXiv id``, ``title``), in the library's order."""
    name = name.strip()
    folded = name.casefold()
    paths = (folded, f"{folded}.md")
    arxiv = base_id(name)
    wanted = normalize_title(name)
    found: dict[str, list[str]] = {}
    for note in notes:
        paper = note.paper
        rules = []
        if paper.key and paper.key.casefold() == folded:
            rules.append("key")
        if note.path.casefold() in paths:
            rules.append("path")
        if note.slug.casefold() == folded:
            rules.append("slug")
        if arxiv and paper.arxiv == arxiv:
            rules.append("arXiv id")
        if wanted and normalize_title(paper.title) == wanted:
            rules.append("title")
        if rules:
            found[note.path] = rules
    return found


def find_note(notes: list[Note], query: str) -> Note:
    """The one note ``query`` names: by an exact rule, else as a unique part of a title.

    Raises ``AmbiguousError`` (listing the candidates) when it names several papers, by
    one rule or by different ones, and ``NotFoundError`` when it names none.
    """
    query = query.strip()
    if not query:
        raise InvalidInputError("Name a paper by key, slug, arXiv id or part of its title.")
    exact = exact_matches(notes, query)
    if len(exact) == 1:
        path = next(iter(exact))
        return next(n for n in notes if n.path == path)
    if exact:
        listed = [f"{path} by its {' and '.join(rules)}" for path, rules in exact.items()]
        raise AmbiguousError(
            f"{query!r} names {len(listed)} papers: {_listed(listed)}; name one by its path."
        )
    folded = query.casefold()
    wanted = normalize_title(query)
    found = [
        n
        for n in notes
        if folded in n.paper.title.casefold()
        or (wanted and wanted in normalize_title(n.paper.title))
    ]
    if len(found) == 1:
        return found[0]
    if found:
        raise _ambiguous(query, [n.path for n in found], "be more specific")
    raise NotFoundError(f"No paper matches {query!r}; 'papernotes list' shows them all.")


def _ambiguous(query: str, listed: list[str], advice: str) -> AmbiguousError:
    return AmbiguousError(f"{query!r} matches {len(listed)} papers ({_listed(listed)}); {advice}.")


def _listed(items: list[str]) -> str:
    more = f" and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else ""
    return ", ".join(items[:MAX_LISTED]) + more


def key_clash(notes: Iterable[Note], note: Note, key: str) -> str | None:
    """Why ``note`` cannot have the citation key ``key``: it names another paper (that
    paper's key, ignoring case, or its path, slug, arXiv id or title), so a later
    ``rm KEY`` could not tell which paper is meant. None when it can."""
    others = (n for n in notes if n.path != note.path)
    for path, rules in exact_matches(others, key).items():
        if rules[0] == "key":
            return f"The key {key!r} is already used by {path}."
        return (
            f"The key {key!r} is the {rules[0]} of {path}; a key may not name another paper "
            "(commands that take a PAPER would not know which one you mean)."
        )
    return None
