"""The ``export --bib`` entry of each note, kept so an export after an edit renders one entry.

One folder per library next to the note cache (``libraries/<hash>.bib/``), read only by an
export whose whole text was not kept (``library/kept_bibtex.py``). It maps a note's path to
the digest of the note's bytes, a digest of the venue table, and the entry's text per
variant (``--with-notes``, ``--ascii``, and whether the entry is labelled by its whole
title); a text is used only for a note with that same digest and venue table, so an edited
note, or a changed ``venues.toml``, gets its entry rendered again. Entries that depend on
other notes (links written as the linked paper's title) are never kept. Split into shards by
path (``shards.py``); the header names the size and time of the modules that parse notes
and write entries, so an edited writer drops every kept entry. A note with a kept entry
needs no second check of its key and arXiv id (it passed it when it was rendered).
"""

from __future__ import annotations

import marshal
import os
from pathlib import Path

from papernotes import __version__
from papernotes.storage.caches.location import cache_path, python_version
from papernotes.storage.caches.note_cache import header as note_header
from papernotes.storage.caches.shards import ShardedEntries

ENTRIES_FORMAT = 1
WRITER_FILES = ("keys.py", "latex.py", "latex_commands.py", "values.py", "venues.py", "write.py")
"""The modules of ``formats/bibtex`` that render an entry and check its key (with
``text/arxiv_ids.py``, which checks its arXiv id)."""
_MAGIC = b"papernotes bib entries\n"

KeptEntry = tuple[str, str, dict[str, str]]
"""(digest of the note's bytes, digest of the venue table, entry text by variant)."""
KeptEntries = dict[str, KeptEntry]
"""Path -> its kept entry."""


def entries_header() -> bytes:
    """Format, versions, the note cache's header (the parsers) and the size and time of the
    modules that write entries (an edited writer drops old entries)."""
    src = Path(__file__).parent.parent.parent  # by path: stat-ed, not imported
    files = [src / "formats" / "bibtex" / name for name in WRITER_FILES]
    try:
        code = " ".join(
            f"{st.st_size}:{st.st_mtime_ns}"
            for st in map(os.stat, [*files, src / "text" / "arxiv_ids.py"])
        )
    except OSError:  # e.g. imported from a zip: the versions alone must do
        code = ""
    line = f"format {ENTRIES_FORMAT} papernotes {__version__} {python_version()} {code}"
    parsers = note_header().split(b"\n", 1)[1].rstrip(b"\n").decode()
    return _MAGIC + f"{line} marshal {marshal.version} notes {parsers}\n".encode()


class BibEntriesCache:
    """The entries folder of one library; failures read as empty and write as False."""

    def __init__(self, folder: Path | None, real_root: str) -> None:
        self.folder = folder
        """``None`` when caching is off (``PAPERNOTES_NO_CACHE``)."""
        self.shards = ShardedEntries(folder, entries_header(), real_root)

    @classmethod
    def for_library(cls, real_root: str) -> BibEntriesCache:
        return cls(cache_path(real_root, ".bib"), real_root)

    def read(self) -> KeptEntries:
        """Every note's kept entries (remembering which shard held which, for ``write``)."""
        return self.shards.read()

    def write(self, kept: KeptEntries, changed: set[str]) -> bool:
        """Keep exactly ``kept``, given that only the entries of ``changed`` differ from what
        ``read`` gave (the other shards are not rewritten)."""
        return self.shards.write(kept, changed)
