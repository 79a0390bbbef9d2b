"""``export --bib`` of the whole library (or a year or tag of it), kept until a note changes.

Rendering 10,000 entries takes about a second (names and titles checked and braced one by
one), so the text is kept like ``list``'s output (``Library.cached_output``: per state of
the notes folder, every note's path and stat, and per version of the code), under a name
made of the options and a digest of the user's ``venues.toml`` and config file (whose
``[venues.NAME]`` tables change the venues written). An export that had to give notes keys
wrote them, so the state it saw is gone and nothing is kept: a kept text is always one made
without writing anything. A text made one year folder at a time (``bib_folders.py``,
``bib_blocks.py``) is written in pieces and kept as it is written, never joined.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from papernotes.blake2 import blake2b
from papernotes.model import Note, Problem

if TYPE_CHECKING:
    from papernotes.library.api import Library
    from papernotes.storage.caches.list_output_cache import KeptOutputWriter
    from papernotes.storage.store import Scan


@dataclass
class BibExport:
    """What ``export --bib`` prints: its text, the load's problems, the notes given a key.
    A long text made one year folder at a time is ``pieces`` instead (``text`` empty),
    written as they come; ``empty``: such an export has no entry."""

    text: str = ""
    problems: list[Problem] = field(default_factory=list)
    assigned: list[Note] = field(default_factory=list)
    pieces: Iterable[str] | None = None
    empty: bool = False

    def output(self) -> str | Iterable[str]:
        """The text, or its pieces."""
        return self.text if self.pieces is None else self.pieces

    def is_empty(self) -> bool:
        return self.empty if self.pieces is not None else not self.text


def export_bibtex_kept(
    library: Library,
    *,
    year: int | None = None,
    tag: str | None = None,
    with_notes: bool = False,
    ascii: bool = False,
) -> BibExport:
    """The .bib text of the notes of ``year`` tagged ``tag`` (default: all), as
    ``bibtex_ops.export_bibtex`` makes it, from the kept text while no note and no venue
    setting changed, else from the kept entries when only a few notes changed
    (``library/bib_entries_export.py``). Raises what ``export_bibtex`` raises
    (``UnexportableError``)."""
    venues = _venue_settings()
    result = BibExport()
    listed: list[tuple[Scan, bytes, bytes | None]] = []  # what quick() saw, for make()

    def quick(scan: Scan, state: bytes) -> tuple[list[Problem], str, bool] | None:
        from papernotes.library.bib_entries_export import export_from_entries, layout_stamp

        listed.append((scan, state, layout_stamp(library.store)))
        tag_match = None
        if tag:
            fold = library.folder.fold
            wanted = fold(tag)

            def tag_match(given: str) -> bool:
                return fold(given) == wanted

        made = export_from_entries(
            library.store, scan, year=year, tag_match=tag_match, with_notes=with_notes, ascii=ascii
        )
        if made is None:
            return None
        if made.pieces is not None:  # written as made, and kept as it is written
            outputs = library.store.list_output_cache()
            writer = None
            if made.settled:
                writer = outputs.writer(name, state, made.problems, made.chars)
            result.pieces, result.empty = _kept_as_written(made.pieces(), writer), made.empty
            return made.problems, "", False
        result.text = made.text
        return made.problems, made.text, made.settled

    def make() -> str:
        from papernotes.library.bibtex_ops import export_bibtex, select_notes

        notes = select_notes(library, year=year, tag=tag)
        stat_keys = _stat_keys(listed[0][0]) if listed else {}
        result.text, result.assigned = export_bibtex(
            library,
            notes,
            with_notes=with_notes,
            ascii=ascii,
            keep_entries=True,
            stat_keys=stat_keys,
        )
        if listed:
            _remember_layout(library, *listed[0])
            if year is None and tag is None and not with_notes and not result.assigned:
                _keep_blocks(library, listed[0][0], ascii)
        return result.text

    if venues is None:  # unreadable: export_bibtex says why
        make()
        result.problems = library.problems()
        return result
    name = f"export --bib {year!r} {tag!r} {with_notes!r} {ascii!r} venues {venues}"
    result.problems, result.text = library.cached_output(name, make, quick)
    return result


def _kept_as_written(pieces: Iterable[str], writer: KeptOutputWriter | None) -> Iterator[str]:
    """``pieces``, each also given to ``writer`` (the kept output), which keeps the whole text
    once the last is written (none is kept when the writing stops before)."""
    if writer is None:
        yield from pieces
        return
    try:
        for piece in pieces:
            writer.add(piece)
            yield piece
        writer.finish()
    finally:
        writer.discard()


def _stat_keys(scan: Scan) -> dict[str, bytes]:
    """The stat key each listed note was loaded with, where it identifies the bytes read."""
    from papernotes.storage.caches.note_cache import is_racy

    if scan.keys is None:
        return {}
    started = scan.started_ns
    listed = zip(scan.found, scan.keys, strict=True)
    return {rel: key for rel, key in listed if not is_racy(key, started)}


def _remember_layout(library: Library, scan: Scan, state: bytes, layout: bytes | None) -> None:
    """Keep ``document.yaml``'s stamp (``layout``, taken before the load) as one that loads
    without a problem, when the load saw that same folder state and reported no problem of
    it: ``export_from_entries`` then needs no load while it stays."""
    from papernotes.library.bib_entries_export import ABSENT
    from papernotes.storage.caches.note_cache import is_racy
    from papernotes.storage.document_file import LAYOUT_FILE

    if layout is None or library.store.loaded_state() != state:
        return
    if layout != ABSENT and is_racy(layout, scan.started_ns):
        return
    if any(problem.path == LAYOUT_FILE for problem in library.problems()):
        return
    cache = library.store.caches().bib_entries()
    if cache.read_layout() != layout:
        cache.write_layout(layout)


def _keep_blocks(library: Library, scan: Scan, ascii: bool) -> None:
    """Keep the text per year folder (``library/bib_blocks.py``) of the export just made from
    the loaded notes, when the load of ``scan`` reported no problem: the next export after an
    edit then renders only the edited folder's changed entries."""
    from papernotes.library.bib_blocks import keep_blocks
    from papernotes.library.bib_entries import KeptBibEntries, venue_table_digest
    from papernotes.library.user_settings import venue_table

    if library.problems() or library.store.loaded_state() is None:
        return
    kept = KeptBibEntries(library.store.caches().bib_entries()).kept
    keep_blocks(library.store, scan, kept, ascii, venue_table_digest(venue_table()), [])


def _venue_settings() -> str | None:
    """A digest of the user's ``venues.toml`` and of the config file whose ``[venues.NAME]``
    tables extend it (``user_settings.venue_table``), "none" for a missing one; None when
    one cannot be read."""
    from papernotes.config.settings import config_path
    from papernotes.formats.bibtex.venues import CONFIG_FILE
    from papernotes.user_folders import config_folder

    digest = blake2b(digest_size=16)
    for path in (config_folder() / CONFIG_FILE, Path(config_path().value)):
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            data = b"none"
        except OSError:
            return None
        digest.update(len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()
