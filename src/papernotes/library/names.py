"""Naming a paper: PAPER as a key, path, slug, arXiv id, title or part of a title.

Every command that takes a PAPER (``show``, ``edit``, ``rm``, ``key``, ``link``, ``note``,
``export``) resolves it here. The exact rules are all tried: a name that two rules give to two
different papers (a key equal to another paper's slug) is an error listing both, never a silent
pick.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from papernotes.errors import AmbiguousError, InvalidInputError, NotFoundError
from papernotes.model import Note, normalize_title
from papernotes.text.arxiv_ids import base_id

MAX_LISTED = 5


def exact_matches(notes: Iterable[Note], name: str) -> dict[str, list[str]]:
    """The notes ``name`` names by an exact rule: path -> the rules (``key``, ``path``,
    ``slug``, ``arXiv id``, ``title``), in the library's order.

    One pass per rule, each skipped when ``name`` cannot match by it (a path has a ``/``,
    a slug has none), so naming a paper in 100,000 notes stays a fraction of a second."""
    notes = list(notes)
    name = name.strip()
    folded = name.casefold()
    arxiv = base_id(name)
    wanted = normalize_title(name)
    matched: list[tuple[str, list[Note]]] = [
        ("key", [n for n in notes if n.paper.key.casefold() == folded]),
    ]
    if "/" in folded:
        paths = (folded, f"{folded}.md")
        matched.append(("path", [n for n in notes if n.path.casefold() in paths]))
    else:
        end = f"/{folded}.md"
        matched.append(("slug", [n for n in notes if n.path.casefold().endswith(end)]))
    if arxiv:
        matched.append(("arXiv id", [n for n in notes if n.paper.arxiv == arxiv]))
    if wanted:
        same = _title_test(wanted)
        matched.append(("title", [n for n in notes if same(n.paper.title)]))
    found: dict[str, list[str]] = {}
    for rule, rule_notes in matched:
        for note in rule_notes:
            found.setdefault(note.path, []).append(rule)
    if len(found) > 1:  # listed in the library's order
        found = {n.path: found[n.path] for n in notes if n.path in found}
    return found


def _title_test(wanted: str) -> Callable[[str], bool]:
    """A test for ``normalize_title(title) == wanted`` that decides an ASCII title with one
    regular expression instead of normalising it (``[\\W_]`` is what normalising turns
    into one space)."""
    words = wanted.split()
    ascii_words = all(word.isascii() for word in words)
    gap = r"[\W_]+"
    pattern = re.compile(f"[\\W_]*{gap.join(map(re.escape, words))}[\\W_]*", re.IGNORECASE)

    def same(title: str) -> bool:
        if title.isascii():
            return ascii_words and pattern.fullmatch(title) is not None
        return normalize_title(title) == wanted

    return same


def unreadable_named(unreadable: list[str], query: str) -> str | None:
    """The path of the note that cannot be read which ``query`` names by its path or slug
    (any case), if any: that name must not fall through to another paper's title."""
    folded = query.strip().casefold().removesuffix(".md")
    if not folded:
        return None
    for path in unreadable:
        stem = path.casefold().removesuffix(".md")
        if stem == folded or ("/" not in folded and stem.rsplit("/", 1)[-1] == folded):
            return path
    return None


def find_readable(notes: list[Note], unreadable: list[str], query: str) -> Note:
    """``find_note``, refused (``AmbiguousError``) when ``query`` names one of the notes
    that cannot be read (``unreadable``): never another paper in place of the one it means."""
    broken = unreadable_named(unreadable, query)
    if broken:
        raise AmbiguousError(
            f"{query!r} names {broken}, which cannot be read (see the warning about it); "
            "fix it, or name the paper you mean by its path. Nothing was changed."
        )
    return find_note(notes, query)


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
