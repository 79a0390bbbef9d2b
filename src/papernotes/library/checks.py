"""``papernotes check``: every problem in a library, each pointing at its file and line."""

from __future__ import annotations

from collections.abc import Callable
from itertools import compress, count
from operator import attrgetter
from typing import TYPE_CHECKING

from papernotes.formats.bibtex.keys import MAX_KEY_CHARS, VALID_KEY, identifier_problems
from papernotes.library.paper_links import dangling, notes_holding
from papernotes.model import Note, Problem
from papernotes.text.arxiv_ids import BASE_ID_SHAPE, base_id
from papernotes.text.titles import normalize_titles

if TYPE_CHECKING:
    from papernotes.library import Library


def library_problems(library: Library) -> list[Problem]:
    """Unreadable notes, invalid keys and arXiv ids, duplicate keys (ignoring case), arXiv
    ids and papers, and links to no paper. Lines point at the field or the link's line.

    Each test is first made on every note at once, in C where it can be (a key's and an
    arXiv id's shape matched, the first note of each key, id and title found by a ``dict``
    built from the lists reversed); only the notes some test picks out go through the
    checks one by one, in the library's order, as every note once did (100,000 notes:
    about 2 s of Python per check before)."""
    store = library.store
    problems = library.problems()
    notes = library.notes()
    papers = [note.paper for note in notes]
    paths = [note.path for note in notes]
    folded = [fold_case(paper.key) for paper in papers]
    bases = [paper.arxiv for paper in papers]  # each arXiv id as its base id
    shape = BASE_ID_SHAPE.fullmatch
    odd_ids = [i for i, arxiv in enumerate(bases) if arxiv and not shape(arxiv)]
    for i in odd_ids:
        bases[i] = base_id(bases[i])
    titles = normalize_titles([paper.title for paper in papers])
    first_key = dict(zip(reversed(folded), reversed(paths), strict=True))  # each key's first note
    first_arxiv = dict(zip(reversed(bases), reversed(paths), strict=True))
    first_title = dict(zip(reversed(titles), reversed(paths), strict=True))
    names = _other_names(notes, set(folded))
    key_shape = VALID_KEY.match
    picked = {
        i
        for i, key in enumerate(paper.key for paper in papers)
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
        note, paper = notes[i], papers[i]
        named = [
            (rule, path) for rule, path in names.get(paper.key.casefold(), ()) if path != note.path
        ]
        if paper.key and named:
            rule, path = named[0]
            message = f"key {paper.key!r} is the {rule} of {path}, so it names two papers"
            problems.append(Problem(note.path, store.field_line(note.path, "key"), message))
        for name, message in identifier_problems(paper):
            problems.append(Problem(note.path, store.field_line(note.path, name), message))
        key = folded[i]
        if key and first_key[key] != note.path:
            message = f"key {paper.key!r} is also used by {first_key[key]}"
            problems.append(Problem(note.path, store.field_line(note.path, "key"), message))
        arxiv = bases[i]
        if arxiv and first_arxiv[arxiv] != note.path:
            message = f"arXiv id {arxiv!r} is also used by {first_arxiv[arxiv]}"
            problems.append(Problem(note.path, store.field_line(note.path, "arxiv"), message))
        if first_title[titles[i]] != note.path:
            problems.append(Problem(note.path, 1, f"same title as {first_title[titles[i]]}"))
    return problems + dangling(library) + conflict_problems(library, problems)


def conflict_problems(library: Library, found: list[Problem]) -> list[Problem]:
    """The git conflict markers a sync stopped on left in notes or ``document.yaml``, at the
    line of the first one: a note that does not read, or whose text holds one, is looked at."""
    from papernotes.library.three_way import MARKERS, conflict_lines

    markers = [marker.encode() for marker in MARKERS]  # ASCII: no line starts with one a
    suspects = {p.path for p in found if p.path.endswith((".md", ".yaml"))}
    suspects |= {n.path for n in notes_holding(library.notes(), "<<<<<<<")}
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


def _other_names(notes: list[Note], keys: set[str]) -> dict[str, list[tuple[str, str]]]:
    """Each note's path (with and without ``.md``), slug and arXiv id, case-folded, with the
    rule and the path, where it is one of ``keys`` (every note's key, case-folded; ``""``
    taken out of it, as no name is empty): a key
    equal to one of another note's names is a problem. Each kind of name is folded and
    looked up for every note at once; only the notes with a name found are gone through."""
    kinds: list[tuple[str, Callable[[Note], str]]] = [
        ("path", attrgetter("path")),
        ("path", lambda note: note.path.removesuffix(".md")),
        ("slug", attrgetter("slug")),
        ("arXiv id", attrgetter("paper.arxiv")),
    ]
    keys.discard("")  # a paper with no key is named by nothing (nor is an empty arXiv id)
    found: set[int] = set()
    for _, name_of in kinds:  # each name made, folded and let go (no list of 100,000)
        found.update(
            compress(count(), map(keys.__contains__, map(str.casefold, map(name_of, notes))))
        )
    names: dict[str, list[tuple[str, str]]] = {}  # for (400,000 names at 100,000 notes)
    for i in sorted(found):
        for rule, name_of in kinds:
            folded = name_of(notes[i]).casefold()
            if folded in keys:
                names.setdefault(folded, []).append((rule, notes[i].path))
    return names


def fold_case(text: str) -> str:
    """``text.casefold()``, ``text`` itself when folding changes nothing (most keys): the
    sets and maps of every key at 100,000 notes then hold no second copy of each."""
    folded_text = text.casefold()
    return text if folded_text == text else folded_text
