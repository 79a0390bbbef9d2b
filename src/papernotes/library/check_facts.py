"""``check``'s problems worked out from each note's facts (``note_facts``): what the checks
across notes need of a note (its key, arXiv id, normalised title, names, place in the order,
links, conflict markers), made once per note file's bytes and kept between checks
(``storage/caches/check_facts.py``), so a check after an edit builds only the edited notes.

``facts_problems`` is the one place the problems are worked out, from facts made from notes
just read (every note: ``checks.library_problems``) or kept (``check_run.py``) alike.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import compress, count, repeat
from typing import TYPE_CHECKING, Any

from papernotes.errors import FileFormatError
from papernotes.formats.bibtex.keys import MAX_KEY_CHARS, VALID_KEY, key_and_arxiv_problems
from papernotes.library.index import named_paths
from papernotes.library.order import ordered
from papernotes.library.paper_links import lines_after_front, notes_holding, target_among
from papernotes.model import Note, Problem
from papernotes.text.arxiv_ids import BASE_ID_SHAPE, base_id
from papernotes.text.paper_links import find_links
from papernotes.text.titles import normalize_titles

if TYPE_CHECKING:
    from papernotes.library import Library

Fact = tuple[Any, ...]
"""A note's facts: key, key folded (``fold_case``), arXiv id, its base id, whether that id
is not a base id by its shape, normalised title, slug folded, arXiv id folded, year, date
added, title folded, its links (``(line, source, name)`` each; None when its text holds no
``[[``), whether its text holds a conflict marker."""
(KEY, FOLDED, ARXIV, BASE, ODD, TITLE, SLUG, ARXIV_FOLDED, YEAR, ADDED, TITLE_FOLDED) = range(11)
LINKS, MARKER = 11, 12
CONFLICT_START = "<<<<<<<"


def note_facts(notes: list[Note], data_of: Callable[[Note], bytes | None]) -> list[Fact]:
    """The facts of ``notes``; ``data_of(note)``: the bytes of its file (asked only for a
    note whose text holds a link: the links' lines are the file's)."""
    titles = normalize_titles([note.paper.title for note in notes])
    linking = {note.path for note in notes_holding(notes, "[[")}
    marked = {note.path for note in notes_holding(notes, CONFLICT_START)}
    shape = BASE_ID_SHAPE.fullmatch
    facts = []
    for note, title in zip(notes, titles, strict=True):
        paper = note.paper
        arxiv = paper.arxiv
        odd = bool(arxiv) and not shape(arxiv)
        links = None
        if note.path in linking:
            links = tuple(
                (number, link.source, link.name)
                for number, text in lines_after_front(data_of(note), paper)
                for link in find_links(text)
            )
        facts.append(
            (
                paper.key,
                fold_case(paper.key),
                arxiv,
                base_id(arxiv) if odd else arxiv,
                odd,
                title,
                note.slug.casefold(),
                arxiv.casefold(),
                paper.year,
                paper.added,
                paper.title.casefold(),
                links,
                note.path in marked,
            )
        )
    return facts


def library_order(
    library: Library, paths: list[str], facts: list[Fact]
) -> tuple[list[int], list[Problem]]:
    """The positions of the notes (``paths``, ``facts``) in the library's order
    (``order.library_ordered``), and ``document.yaml``'s problem (when it does not read)."""
    try:
        document = library.layout().order
        problems = []
    except FileFormatError as exc:
        document = ()
        problems = [Problem(exc.path, exc.line, exc.message)]
    places = ordered(
        list(range(len(paths))),
        document,
        paths.__getitem__,
        lambda i: facts[i][YEAR],
        lambda i: (facts[i][ADDED], facts[i][TITLE_FOLDED]),
    )
    return places, problems


def facts_problems(
    library: Library, problems: list[Problem], paths: list[str], facts: list[Fact]
) -> list[Problem]:
    """``checks.library_problems`` of the notes at ``paths`` (in the library's order) with
    these ``facts``, after ``problems`` (the load's)."""
    store = library.store
    problems = list(problems)
    columns: list[tuple[Any, ...]] = list(zip(*facts, strict=True)) if facts else [()] * 13
    keys, folded, bases = columns[KEY], list(columns[FOLDED]), list(columns[BASE])
    titles = columns[TITLE]
    odd_ids = list(compress(count(), columns[ODD]))
    first_key = dict(zip(reversed(folded), reversed(paths), strict=True))
    first_arxiv = dict(zip(reversed(bases), reversed(paths), strict=True))
    first_title = dict(zip(reversed(titles), reversed(paths), strict=True))
    names = _other_names(paths, columns[SLUG], columns[ARXIV_FOLDED], set(folded))
    key_shape = VALID_KEY.match
    picked = {
        i
        for i, key in enumerate(keys)
        if key and (len(key) > MAX_KEY_CHARS or not key_shape(key) or key.casefold() in names)
    }
    picked.update(odd_ids)
    picked.update(
        i for i, (k, p) in enumerate(zip(folded, paths, strict=True)) if k and first_key[k] != p
    )
    picked.update(
        i for i, (a, p) in enumerate(zip(bases, paths, strict=True)) if a and first_arxiv[a] != p
    )
    picked.update(
        i for i, (t, p) in enumerate(zip(titles, paths, strict=True)) if first_title[t] != p
    )
    for i in sorted(picked):
        path, key, arxiv = paths[i], keys[i], columns[ARXIV][i]
        named = [(rule, other) for rule, other in names.get(key.casefold(), ()) if other != path]
        if key and named:
            rule, other = named[0]
            message = f"key {key!r} is the {rule} of {other}, so it names two papers"
            problems.append(Problem(path, store.field_line(path, "key"), message))
        for name, message in key_and_arxiv_problems(key, arxiv):
            problems.append(Problem(path, store.field_line(path, name), message))
        if folded[i] and first_key[folded[i]] != path:
            message = f"key {key!r} is also used by {first_key[folded[i]]}"
            problems.append(Problem(path, store.field_line(path, "key"), message))
        if bases[i] and first_arxiv[bases[i]] != path:
            message = f"arXiv id {bases[i]!r} is also used by {first_arxiv[bases[i]]}"
            problems.append(Problem(path, store.field_line(path, "arxiv"), message))
        if first_title[titles[i]] != path:
            problems.append(Problem(path, 1, f"same title as {first_title[titles[i]]}"))
    from papernotes.library.checks import conflict_problems_of

    marked = [path for path, marker in zip(paths, columns[MARKER], strict=True) if marker]
    dangling = _dangling(paths, facts, columns[LINKS])
    return problems + dangling + conflict_problems_of(library, problems, marked)


def _dangling(paths: list[str], facts: list[Fact], links: tuple[Any, ...]) -> list[Problem]:
    """``paper_links.dangling`` from the facts: each link that names no paper, or several."""
    linking = [i for i, uses in enumerate(links) if uses]
    if not linking:
        return []
    by_name: dict[str, set[str]] = {}
    for path, fact in zip(paths, facts, strict=True):
        for name in {fact[FOLDED], fact[SLUG], fact[ARXIV_FOLDED]}:
            if name:
                by_name.setdefault(name, set()).add(path)
    rank = dict(zip(paths, count()))
    key_of = {path: fact[KEY] for path, fact in zip(paths, facts, strict=True)}

    def named(name: str) -> list[str]:
        return sorted(named_paths(by_name, name), key=rank.__getitem__)

    problems = []
    for i in linking:
        for line, source, name in links[i]:
            found = named(name)
            if target_among(found, name, key_of.__getitem__) is None:
                why = "names several papers" if len(found) > 1 else "names no paper"
                problems.append(Problem(paths[i], line, f"link {source} {why}"))
    return problems


def _other_names(
    paths: list[str], slugs: tuple[str, ...], arxivs: tuple[str, ...], keys: set[str]
) -> dict[str, list[tuple[str, str]]]:
    """``checks._other_names`` from the columns: each note's path (with and without
    ``.md``), slug and arXiv id, folded, where it is one of ``keys``."""
    kinds: list[tuple[str, list[str] | tuple[str, ...]]] = [
        ("path", list(map(str.casefold, paths))),
        ("path", list(map(str.casefold, map(str.removesuffix, paths, repeat(".md"))))),
        ("slug", slugs),
        ("arXiv id", arxivs),
    ]
    keys.discard("")
    found: set[int] = set()
    for _, folded in kinds:
        found.update(compress(count(), map(keys.__contains__, folded)))
    names: dict[str, list[tuple[str, str]]] = {}
    for i in sorted(found):
        for rule, folded in kinds:
            if folded[i] in keys:
                names.setdefault(folded[i], []).append((rule, paths[i]))
    return names


def fold_case(text: str) -> str:
    """``text.casefold()``, ``text`` itself when folding changes nothing (most keys)."""
    folded_text = text.casefold()
    return text if folded_text == text else folded_text
