"""The ``export --bib`` entry of each note, kept so an export after an edit renders one entry.

One folder per library next to the note cache (``libraries/<hash>.bib/``), read only by an
export whose whole text was not kept (``library/kept_bibtex.py``). It maps a note's path to
the digest of the note's bytes, the stat key the note had when it was read (``b""`` when
unknown), the facts an export needs of it (``ExportFacts``: its place in the order, its year
and tags for ``--year``/``--tag``, whether it has a key and links), a digest of the venue
table, and the entry's text per variant (``--with-notes``, ``--ascii``, and whether the entry
is labelled by its whole title). A text is used only for a note with that same digest and
venue table; the facts only while the file has that stat key (the note cache's rule: a stat
too recent to identify the bytes is never kept), so an edited note is read again.
Entries that depend on other notes (links written as the linked paper's title) are never
kept. Split into shards by path (``shards.py``); the header names the size and time of the
modules that parse notes and write entries, so an edited writer drops every kept entry. A
note with a kept entry needs no second check of its key and arXiv id (it passed it when it
was rendered). Beside the shards, ``layout`` holds the stat key of ``document.yaml`` (or
``absent``) last seen loading without a problem (``library/bib_entries_export.py``).
"""

from __future__ import annotations

import marshal
import os
from pathlib import Path

from papernotes import __version__
from papernotes.storage.caches.location import cache_path, python_version
from papernotes.storage.caches.note_cache import header as note_header
from papernotes.storage.caches.shards import ShardedEntries
from papernotes.storage.checked_file import read_checked, write_checked

ENTRIES_FORMAT = 2
WRITER_FILES = ("keys.py", "latex.py", "latex_commands.py", "values.py", "venues.py", "write.py")
"""The modules of ``formats/bibtex`` that render an entry and check its key."""
FACT_FILES = (
    "text/arxiv_ids.py",
    "text/paper_links.py",
    "library/paper_links.py",
    "library/bib_entries.py",
)
"""The other modules an entry's facts come from: the arXiv id check, the links test, and the
module that gathers the facts."""
_MAGIC = b"papernotes bib entries\n"

ExportFacts = tuple[int, str, str, bool, bool, tuple[str, ...], bool]
"""A note's ``write.order_facts`` (year, sort key, short title, has authors), then whether it
has a key, its tags, and whether it holds links (``paper_links.holds_links``)."""
KeptEntry = tuple[str, bytes, ExportFacts, str, dict[str, str]]
"""(digest of the note's bytes, its stat key when read or ``b""``, its facts, digest of the
venue table or ``""``, entry text by variant)."""
KeptEntries = dict[str, KeptEntry]
"""Path -> its kept entry."""


def entries_header() -> bytes:
    """Format, versions, the note cache's header (the parsers) and the size and time of the
    modules that write entries (an edited writer drops old entries)."""
    src = Path(__file__).parent.parent.parent  # by path: stat-ed, not imported
    files = [src / "formats" / "bibtex" / name for name in WRITER_FILES]
    files += [src / name for name in FACT_FILES]
    try:
        code = " ".join(f"{st.st_size}:{st.st_mtime_ns}" for st in map(os.stat, files))
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

    def read_layout(self) -> bytes | None:
        """The stat key of ``document.yaml`` (``b"absent"``: none) last seen loading cleanly."""
        if self.folder is None:
            return None
        payload = read_checked(self.folder / "layout", self.shards.head)
        if payload is None:
            return None
        try:
            root, key = marshal.loads(payload)
        except (ValueError, EOFError, TypeError):
            return None
        return key if root == self.shards.real_root and isinstance(key, bytes) else None

    def write_layout(self, key: bytes) -> bool:
        """Remember ``key`` as ``document.yaml``'s stat key that loads without a problem."""
        if self.folder is None:
            return False
        payload = marshal.dumps((self.shards.real_root, key))
        return write_checked(self.folder / "layout", self.shards.head, payload)
