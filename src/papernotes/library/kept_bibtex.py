"""``export --bib`` of the whole library (or a year or tag of it), kept until a note changes.

Rendering 10,000 entries takes about a second (names and titles checked and braced one by
one), so the text is kept like ``list``'s output (``Library.cached_output``: per state of
the notes folder, every note's path and stat, and per version of the code), under a name
made of the options and a digest of the user's ``venues.toml`` and config file (whose
``[venues.NAME]`` tables change the venues written). An export that had to give notes keys
wrote them, so the state it saw is gone and nothing is kept: a kept text is always one made
without writing anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from hashlib import blake2b
from pathlib import Path
from typing import TYPE_CHECKING

from papernotes.model import Note, Problem

if TYPE_CHECKING:
    from papernotes.library.api import Library


@dataclass
class BibExport:
    """What ``export --bib`` prints: its text, the load's problems, the notes given a key."""

    text: str = ""
    problems: list[Problem] = field(default_factory=list)
    assigned: list[Note] = field(default_factory=list)


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
    setting changed. Raises what ``export_bibtex`` raises (``UnexportableError``)."""
    venues = _venue_settings()
    result = BibExport()

    def make() -> str:
        from papernotes.library.bibtex_ops import export_bibtex, select_notes

        notes = select_notes(library, year=year, tag=tag)
        result.text, result.assigned = export_bibtex(
            library, notes, with_notes=with_notes, ascii=ascii, keep_entries=True
        )
        return result.text

    if venues is None:  # unreadable: export_bibtex says why
        make()
        result.problems = library.problems()
        return result
    name = f"export --bib {year!r} {tag!r} {with_notes!r} {ascii!r} venues {venues}"
    result.problems, result.text = library.cached_output(name, make)
    return result


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
