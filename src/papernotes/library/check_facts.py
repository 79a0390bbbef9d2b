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
from operator import and_, ne
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
"""A note's facts: key, key folded (``fold_case``), whether the key's shape or length is
wrong, arXiv id, its base id, whether that id is not a base id by its shape, normalised
title, slug folded, arXiv id folded, year, date added, title, its links (``(line, source,
name)`` each; None when its text holds no ``[[``), whether its text holds a conflict
marker. Kept as columns: one list per fact, a note's facts at its place in each."""
Columns = list[list[Any]]
(KEY, FOLDED, ODD_KEY, ARXIV, BASE, ODD, TITLE, SLUG, ARXIV_FOLDED) = range(9)
YEAR, ADDED, RAW_TITLE, LINKS, MARKER = range(9, 14)
FACTS = 14
CONFLICT_START = "<<<<<<<"


def note_facts(notes: list[Note], data_of: Callable[[Note], bytes | None]) -> Columns:
    """The facts of ``notes``, as columns; ``data_of(note)``: the bytes of its file (asked
    only for a note whose text holds a link: the links' lines are the file's)."""
    papers = [note.paper for note in notes]
    keys = [paper.key for paper in papers]
    arxivs = [paper.arxiv for paper in papers]
    shape, key_shape = BASE_ID_SHAPE.fullmatch, VALID_KEY.match
    odd = [bool(arxiv) and not shape(arxiv) for arxiv in arxivs]
    linking = {note.path for note in notes_holding(notes, "[[")}
    links = [
        tuple(
            (number, link.source, link.name)
            for number, text in lines_after_front(data_of(note), note.paper)
            for link in find_links(text)
        )
        if note.path in linking
        else None
        for note in notes
    ]
    marked = {note.path for note in notes_holding(notes, CONFLICT_START)}
    return [
        keys,
        list(map(fold_case, keys)),
        [bool(key) and (len(key) > MAX_KEY_CHARS or not key_shape(key)) for key in keys],
        arxivs,
        [base_id(arxiv) if o else arxiv for arxiv, o in zip(arxivs, odd, strict=True)],
        odd,
        normalize_titles([paper.title for paper in papers]),
        [fold_case(note.slug) for note in notes],
        list(map(fold_case, arxivs)),
        [paper.year for paper in papers],
        [paper.added for paper in papers],
        [paper.title for paper in papers],
        links,
        [note.path in marked for note in notes],
    ]


def rows_of(columns: Columns) -> list[Fact]:
    """``columns`` as one tuple of facts per note."""
    return list(zip(*columns, strict=True))


def library_order(
    library: Library, paths: list[str], columns: Columns
) -> tuple[list[int], list[Problem]]:
    """The positions of the notes (``paths``, ``columns``) in the library's order
    (``order.library_ordered``), and ``document.yaml``'s problem (when it does not read)."""
    try:
        document = library.layout().order
        problems = []
    except FileFormatError as exc:
        document = ()
        problems = [Problem(exc.path, exc.line, exc.message)]
    added, titles = columns[ADDED], columns[RAW_TITLE]
    places = ordered(
        list(range(len(paths))),
        document,
        paths.__getitem__,
        columns[YEAR].__getitem__,
        lambda i: (added[i], titles[i].casefold()),
    )
    return places, problems


def facts_problems(
    library: Library, problems: list[Problem], paths: list[str], columns: Columns
) -> list[Problem]:
    """``checks.library_problems`` of the notes at ``paths`` (in the library's order) with
    these facts (``columns``, in the same order), after ``problems`` (the load's)."""
    store = library.store
    problems = list(problems)
    keys, folded, bases, titles = columns[KEY], columns[FOLDED], columns[BASE], columns[TITLE]
    names = _other_names(paths, columns[SLUG], columns[ARXIV_FOLDED], set(folded))
    picked = set(compress(count(), columns[ODD_KEY]))
    if names:
        picked.update(compress(count(), map(names.__contains__, folded)))
    picked.update(compress(count(), columns[ODD]))
    firsts = []  # each made, used and cut down to the picked notes' before the next
    for column, nonempty in ((folded, True), (bases, True), (titles, False)):
        first = dict(zip(reversed(column), reversed(paths), strict=True))
        later = map(ne, map(first.__getitem__, column), paths)
        if nonempty:
            later = map(and_, map(bool, column), later)
        found = list(compress(count(), later))
        picked.update(found)
        firsts.append({column[i]: first[column[i]] for i in found})  # the values taken twice
        del first, later
    first_key, first_arxiv, first_title = firsts
    for i in sorted(picked):
        path, key, arxiv = paths[i], keys[i], columns[ARXIV][i]
        named = [(rule, other) for rule, other in names.get(key.casefold(), ()) if other != path]
        if key and named:
            rule, other = named[0]
            message = f"key {key!r} is the {rule} of {other}, so it names two papers"
            problems.append(Problem(path, store.field_line(path, "key"), message))
        for name, message in key_and_arxiv_problems(key, arxiv):
            problems.append(Problem(path, store.field_line(path, name), message))
        first = first_key.get(folded[i], path)  # (a value taken once: its own note's)
        if folded[i] and first != path:
            message = f"key {key!r} is also used by {first}"
            problems.append(Problem(path, store.field_line(path, "key"), message))
        first = first_arxiv.get(bases[i], path)
        if bases[i] and first != path:
            message = f"arXiv id {bases[i]!r} is also used by {first}"
            problems.append(Problem(path, store.field_line(path, "arxiv"), message))
        first = first_title.get(titles[i], path)
        if first != path:
            problems.append(Problem(path, 1, f"same title as {first}"))
    from papernotes.library.checks import conflict_problems_of

    marked = list(compress(paths, columns[MARKER]))
    dangling = _dangling(paths, columns)
    return problems + dangling + conflict_problems_of(library, problems, marked)


def _dangling(paths: list[str], columns: Columns) -> list[Problem]:
    """``paper_links.dangling`` from the facts: each link that names no paper, or several."""
    links = columns[LINKS]
    linking = [i for i in compress(count(), map(bool, links))]
    if not linking:
        return []
    by_name: dict[str, set[str]] = {}
    for path, *names in zip(
        paths, columns[FOLDED], columns[SLUG], columns[ARXIV_FOLDED], strict=True
    ):
        for name in set(names):
            if name:
                by_name.setdefault(name, set()).add(path)
    rank = dict(zip(paths, count()))
    key_of = dict(zip(paths, columns[KEY], strict=True))

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
    paths: list[str], slugs: list[str], arxivs: list[str], keys: set[str]
) -> dict[str, list[tuple[str, str]]]:
    """Each note's path (with and without ``.md``), slug and arXiv id, case-folded, with the
    rule and the path, where it is one of ``keys`` (every note's key, case-folded; ``""``
    taken out of it, as no name is empty): a key equal to one of another note's names is a
    problem. Each kind of name is looked up for every note at once (a path only when some
    key holds a ``/``, as every path does); only the notes with a name found are gone
    through."""
    keys.discard("")
    with_paths = "/" in "\0".join(keys)
    kinds: list[tuple[str, list[str]]] = [
        ("path", list(map(str.casefold, paths)) if with_paths else []),
        (
            "path",
            list(map(str.casefold, map(str.removesuffix, paths, repeat(".md"))))
            if with_paths
            else [],
        ),
        ("slug", slugs),
        ("arXiv id", arxivs),
    ]
    found: set[int] = set()
    for _, folded in kinds:
        found.update(compress(count(), map(keys.__contains__, folded)))
    names: dict[str, list[tuple[str, str]]] = {}
    for i in sorted(found):
        for rule, folded in kinds:
            if folded and folded[i] in keys:
                names.setdefault(folded[i], []).append((rule, paths[i]))
    return names


def fold_case(text: str) -> str:
    """``text.casefold()``, ``text`` itself when folding changes nothing (most keys)."""
    folded_text = text.casefold()
    return text if folded_text == text else folded_text
