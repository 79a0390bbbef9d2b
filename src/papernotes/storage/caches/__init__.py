"""What papernotes keeps in the user cache folder so that reading a library is fast.

The caches of a library, each kept only because a benchmark target needs it ("Why each
cache layer exists" in ``bench/results.md``):

- ``note_cache``: every note's parsed fields keyed by its file's stat, so a load stats files
  instead of parsing them (``search``, ``show``, ``export``, the TUI, a ``list`` after an
  edit); kept as 64 shard files (``shards.py``), so an edit rewrites one of them;
- ``folder_listing``: each year folder's note files keyed by the folder's stat, so a scan
  lists only the year folders that changed (every command);
- ``list_output_cache``: the text ``list`` printed, keyed by the folder's state (every note's
  path and stat), so a repeated ``list`` reads no note at all;
- ``search_forms_cache``: every note's search forms (folded text, field ends, text; the
  pinyin spelling apart) keyed by its file's stat and the note's digest, one file per year
  folder, so a search folds only the notes that changed, builds no note it does not find and
  shows each hit without folding a field (read only by searches; its big parts mapped,
  ``mapped_file``, and each file checksummed once per boot, ``intact_files``);
- ``search_answers``: the papers each of the last few queries found in each year folder,
  printed, keyed by a token of that year's search forms, so a search repeated after an
  edit works out only the edited year's papers again;
- ``bib_entries_cache``: every note's ``export --bib`` entry keyed by the note's digest and
  the venue table, so an export after an edit renders only the edited note's entry (read
  only by an export whose whole text was not kept; sharded too);
- ``names_stamp``: which kept name index ``show`` may use while the year folders are
  unchanged (their stats alone, not every note's), so ``show KEY`` stats no note file;
- ``list_rows_cache``: every note's ``list`` row (what ``list`` orders, filters and prints
  by) keyed by its file's stat, one file per year folder, so a ``list`` whose output was not
  kept reads rows and parses only the notes that changed instead of building every note;
- ``list_blocks_cache``: the default ``list``'s text per year folder, keyed by the folder's
  paths and stats, the document order and the name column, so a ``list`` after an edit
  loads, orders and renders only the changed years' rows (dropped with the rows);
- ``bib_blocks_cache``: the default ``export --bib``'s text per year folder (and its
  entries), keyed by the folder's paths and stats and the venue table, so an export after an
  edit renders only the edited folder's changed entries and reads no other folder's entries;
- ``text_blocks_cache``: the ``list --json`` and ``export --md`` text of every paper per year
  folder (and each note's place in it), keyed by the folder's paths and stats, the document
  order and the publish profile, so either after an edit reads and renders only the edited
  notes and writes the other folders' text out as kept.
- ``bib_folders_cache``: every note's ``export --bib`` entry per year folder and variant, so
  an export of the whole library is made and written one folder at a time.

The notes folder is the only source of truth: a cache that is missing, damaged or made by
other code is a miss, ``PAPERNOTES_NO_CACHE=1`` turns them all off, and a write that finds a
cached copy disagreeing with its file drops it (``LibraryCaches.forget``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from papernotes.storage.caches.note_cache import NoteCache

if TYPE_CHECKING:
    from papernotes.storage.caches.bib_blocks_cache import BibBlocksCache
    from papernotes.storage.caches.bib_entries_cache import BibEntriesCache
    from papernotes.storage.caches.bib_folders_cache import BibFoldersCache
    from papernotes.storage.caches.list_output_cache import ListOutputCache
    from papernotes.storage.caches.list_rows_cache import ListRowsCache
    from papernotes.storage.caches.names_stamp import NamesStamp
    from papernotes.storage.caches.search_forms_cache import SearchFormsCache
    from papernotes.storage.caches.text_blocks_cache import TextBlocksCache


class LibraryCaches:
    """The caches of the library whose real path is ``real_root``."""

    def __init__(self, real_root: str) -> None:
        self.real_root = real_root
        self.notes = NoteCache.for_library(real_root)
        self._list_output: ListOutputCache | None = None

    def list_output(self) -> ListOutputCache:
        """The kept ``list`` outputs (imported on use: most commands never list)."""
        from papernotes.storage.caches.list_output_cache import ListOutputCache

        if self._list_output is None:  # one: its header stats every module, once
            self._list_output = ListOutputCache.for_library(self.real_root)
        return self._list_output

    def list_rows(self) -> ListRowsCache:
        """The kept ``list`` rows (imported on use: only ``list`` reads them)."""
        from papernotes.storage.caches.list_rows_cache import ListRowsCache

        return ListRowsCache.for_library(self.real_root)

    def identity_rows(self) -> ListRowsCache:
        """Each note's identity row, kept as the ``list`` rows are (``library/known_papers.py``:
        what ``add`` checks a paper against)."""
        from papernotes.storage.caches.list_rows_cache import ListRowsCache

        return ListRowsCache.for_library(self.real_root, ".ids")

    def search_forms(self) -> SearchFormsCache:
        """The kept search forms (imported on use: only searches read them)."""
        from papernotes.storage.caches.search_forms_cache import SearchFormsCache

        return SearchFormsCache.for_library(self.real_root)

    def bib_entries(self) -> BibEntriesCache:
        """The kept ``export --bib`` entries (imported on use: only exports read them)."""
        from papernotes.storage.caches.bib_entries_cache import BibEntriesCache

        return BibEntriesCache.for_library(self.real_root)

    def bib_blocks(self, header: bytes) -> BibBlocksCache:
        """The kept ``export --bib`` text per year folder, under ``header`` (the kept
        outputs': ``list_output_cache.header``); imported on use."""
        from papernotes.storage.caches.bib_blocks_cache import BibBlocksCache

        return BibBlocksCache.for_library(self.real_root, header)

    def text_blocks(self, header: bytes) -> TextBlocksCache:
        """The kept ``list --json`` and ``export --md`` text per year folder, under
        ``header`` (the kept outputs'); imported on use."""
        from papernotes.storage.caches.text_blocks_cache import TextBlocksCache

        return TextBlocksCache.for_library(self.real_root, header)

    def bib_folders(self, header: bytes) -> BibFoldersCache:
        """Every note's ``export --bib`` entry per year folder and variant, under ``header``
        (the kept outputs'); imported on use."""
        from papernotes.storage.caches.bib_folders_cache import BibFoldersCache

        return BibFoldersCache.for_library(self.real_root, header)

    def names_stamp(self) -> NamesStamp:
        """Which kept name index ``show`` may use (imported on use)."""
        from papernotes.storage.caches.names_stamp import NamesStamp

        return NamesStamp.for_library(self.real_root)

    def forget(self, rels: list[str]) -> None:
        """Drop the cached notes at ``rels`` and every kept output: their files differ from
        what was cached though their stat does not (a write that kept size, times and inode,
        such as an ``mmap`` write on tmpfs), as a fresh read by a write or ``check`` showed."""
        if rels:
            self.notes.forget(self.real_root, rels)
        self.forget_outputs(rels)

    def forget_outputs(self, rels: list[str]) -> None:
        """Drop the kept ``list`` and identity rows of ``rels``, the stat keys of their search
        forms and every kept output (``forget`` without the note cache: for a load that has
        just repaired its entries)."""
        if rels:
            self.list_rows().forget(rels)
            self.identity_rows().forget(rels)
            self.search_forms().forget(rels)
        self.list_output().clear()
        self.bib_blocks(b"").clear()
        self.text_blocks(b"").clear()
        self.bib_folders(b"").clear()
