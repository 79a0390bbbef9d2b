"""Outputs kept per state of the notes folder (``storage/caches/list_output_cache.py``):
the text a command worked out from the notes (``list``, the name index, BibTeX export,
completions), given back without a note being read while no note file and no
``document.yaml`` changed. Works on a ``Library``'s held listing (``_scan``) and the
problems of its last ``list_rows()`` (``_listed``), as ``Library``'s own methods did."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from papernotes.model import Problem

if TYPE_CHECKING:
    from papernotes.library.api import Library
    from papernotes.storage.store import Scan

QuickOutput = Callable[["Scan", bytes], tuple[list[Problem], str, bool] | None]
"""Makes a kept output from the folder's listing and state without loading the notes."""


def cached_output(
    library: Library, name: str, make: Callable[[], str], quick: QuickOutput | None = None
) -> tuple[list[Problem], str]:
    """``make()`` (text worked out from the notes) and the problems of the load it read,
    kept per state of the folder: while no note file and no ``document.yaml`` changed,
    the same ``name`` gets them back without a note being read. ``quick(scan, state)``,
    tried first when nothing is kept, may give the same without loading the notes: their
    problems, the text, and whether it may be kept for ``state``; None to load them."""
    store = library.store
    outputs = store.list_output_cache()
    library._listed = None
    if outputs.folder is not None and library._notes is None:
        scan = store.scan()
        state = store.state(scan)
        kept = outputs.read(name, state) if state is not None else None
        if kept is not None:
            return kept
        made = quick(scan, state) if quick is not None and state is not None else None
        if made is not None:
            problems, text, settled = made
            if settled and state is not None:
                outputs.write(name, state, problems, text)
            return problems, text
        library._scan = scan  # make() reads the notes: from this listing, not a second one
    try:
        text = make()
    finally:
        library._scan = None
    if library._notes is None and library._listed is not None:  # make() read list_rows()
        problems = list(library._listed)
    else:
        problems = library.problems()
    loaded = store.loaded_state()  # None if a file was too fresh or unreadable
    if loaded is not None:
        outputs.write(name, loaded, problems, text)
    return problems, text


def kept_rows(library: Library) -> list[tuple[object, ...]] | None:
    """Every note's ``list`` row in the library's order, from the kept rows where a file
    did not change (``library/list_rows.py``); None when rows are not kept or the notes
    are in memory already (use ``notes()``)."""
    if library._notes is not None:
        return None
    from papernotes.library.list_rows import listed_rows

    got = listed_rows(library, library._scan)
    if got is None:
        return None
    library._scan = None
    rows, library._listed = got
    return rows
