"""The columns of the name index (``name_index.name_columns``) made without holding every
note: each note is handed over as the note cache's shard holding it is read
(``NoteStore.load_visiting``), and only what the index and the library's order need of it
is kept (its path, digest, key, arXiv id, title, year and date added; the notes holding a
link whole). At 100,000 notes a ``show`` that makes the index held every note (160 MB) and
peaked at about 250 MB; this holds a few strings per note.

The columns are those ``name_columns`` makes from ``Library.notes()``: the notes that read,
in the library's order (``order.library_ordered``: ``document.yaml``'s, a bad one a problem
listed first), each link answered by the rules of ``paper_links.link_target`` over them
(``tests/library/test_name_index.py`` compares the two texts).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from papernotes.errors import FileFormatError
from papernotes.model import Note, Problem, normalize_title

if TYPE_CHECKING:
    from papernotes.library.api import Library

MARK = 36
"""A line of the index's "marks" (and "order"): ``mark`` of a note, in hex digits."""
YEAR, PLACE = MARK // 3, 2 * MARK // 3
"""Where the parts of a ``mark`` after the key start: the year, the date added and title."""


def streamed_name_columns(library: Library) -> tuple[list[list[str]], list[Problem]] | None:
    """The eight columns of the name index and the problems ``Library.problems()`` would give,
    made one shard of notes at a time; None when the load cannot be made so (the caller
    loads every note)."""
    from papernotes.library.index import link_names, named_paths
    from papernotes.library.name_index import HOLDS_LINKS
    from papernotes.library.order import ordered
    from papernotes.library.paper_links import holds_links, linked, target_among

    store = library.store
    scan, library._scan = library._scan or store.scan(), None
    count = len(scan.found)
    paths, digests, keys, arxiv, titles = ([""] * count for _ in range(5))
    years, added = [0] * count, [""] * count
    linking: dict[int, Note] = {}

    def take(i: int, note: Note) -> None:
        paper = note.paper
        paths[i], digests[i], keys[i], arxiv[i] = note.path, note.digest, paper.key, paper.arxiv
        titles[i], years[i], added[i] = paper.title, paper.year, paper.added
        if holds_links(paper):
            linking[i] = note

    problems = store.load_visiting(scan, take)
    if problems is None:
        return None
    try:
        order = library.layout().order
    except FileFormatError as exc:  # as ``library_ordered``
        order = ()
        problems = [Problem(exc.path, exc.line, exc.message), *problems]

    def added_and_title(i: int) -> tuple[str, str]:  # as ``order._added_and_folded_title``
        return added[i], titles[i].casefold()

    read = [i for i in range(count) if paths[i]]  # the notes that read, in the load's order
    lines = ordered(read, order, paths.__getitem__, years.__getitem__, added_and_title)
    links = [""] * count
    if linking:
        rank = {paths[i]: place for place, i in enumerate(lines)}
        by_name: dict[str, set[str]] = {}
        line_of = {paths[i]: i for i in lines}
        for i in lines:
            slug = paths[i].rsplit("/", 1)[-1].removesuffix(".md")
            for name in link_names(keys[i], slug, arxiv[i]):
                by_name.setdefault(name, set()).add(paths[i])

        def target(name: str) -> str | None:
            named = sorted(named_paths(by_name, name), key=rank.__getitem__)
            return target_among(named, name, lambda path: keys[line_of[path]])

        for i, note in linking.items():
            links[i] = "\t".join(linked(note.paper, note.path, target, str)) or HOLDS_LINKS
    columns = [
        [paths[i] for i in lines],
        [digests[i] for i in lines],
        [keys[i].casefold() for i in lines],
        [arxiv[i] for i in lines],
        [normalize_title(titles[i]) for i in lines],
        [links[i] for i in lines],
        [mark(keys[i], years[i], added[i], titles[i]) for i in lines],
        [order_mark(order)],
    ]
    return columns, problems


def mark(key: str, year: int, added: str, title: str) -> str:
    """What a note's links and place take from it beyond the names indexed, as ``MARK`` hex
    digits in three equal parts: its key in its case (a link names a paper by its exact key
    first), its year, then its date added and folded title (which order it, and a paper
    ``document.yaml`` orders by its year alone): a changed note with its old mark and names
    names, and stands, as it did (``name_index_patch``)."""
    from papernotes.blake2 import blake2b

    size = MARK // 6  # bytes of each part
    texts = (key, str(year), f"{added}\0{title.casefold()}")
    return "".join(
        blake2b(text.encode("utf-8", "surrogatepass"), digest_size=size).hexdigest()
        for text in texts
    )


def order_mark(order: Iterable[str]) -> str:
    """The document's order (``document.yaml``'s paths) as ``MARK`` hex digits: the index's
    lines are in the library's order, which it changes."""
    from papernotes.blake2 import blake2b

    text = "\0".join(order).encode("utf-8", "surrogatepass")
    return blake2b(text, digest_size=MARK // 2).hexdigest()
