"""The text ``list --json`` and ``export --md`` printed for each year folder, so that after an
edit only the edited folder's changed notes are read and rendered, and the other folders'
text is written out as it was kept (``library/text_blocks.py``).

Two files per year folder and variant (``json``, ``md``) in ``<hash of the library's
path>.textblocks/``: ``2020.json`` holds the folder's note paths (joined by NULs) and their
stat keys (joined) when the text was made, the digest of the document order it was ordered
by, the style it was rendered in (the publish profile of ``export --md``), the paper years of
its notes, how many of them the text shows, the problems of the notes that do not parse
(path, line, message), a random token, the text's length and each note's entry (``marshal``
data, loaded only to make the folder again: path -> stat key, year, date added, title, and
where its text starts and ends), and where each note's text starts and ends again, compactly,
in the order of the paths (``spans``: read for every folder by the outputs of chosen papers,
``library/note_texts.py``, which need no other part of an entry); ``2020.json.text`` (written
first) holds the token, then the text in UTF-8, read a piece at a time as it is written out,
never whole. A text file is used only when it leads with its block's token, has its length
and its checksum is right (read once per boot while the file's stat is the same:
``intact_files``, kept in ``<hash>.textintact``). The header is the kept outputs' (the code
stamp of every module), so text made by other code is never printed. A missing, damaged or
other-code file reads as none; ``LibraryCaches.forget_outputs`` drops them all.
"""

from __future__ import annotations

import marshal
import os
from array import array
from pathlib import Path

from papernotes.storage.caches.intact_files import IntactFiles
from papernotes.storage.caches.location import cache_path
from papernotes.storage.checked_file import (
    CheckedSpan,
    clear_folder,
    open_checked,
    read_variant_parts,
    write_checked,
)

BLOCKS_FORMAT = 2
Kept = tuple[str, int, str]
"""A problem as kept: path, line, message."""
BlockEntry = tuple[bytes, int, str, str, int, int]
"""A note's stat key, paper year, date added, title, and its text's start and end."""
SPAN_CODE = "q"
"""The ``array`` type of a block's ``spans``: two per path, its text's start and end (-1 and -1:
no text: left out of the output, or not parsed)."""


class TextBlock:
    """The kept text of one year folder in one variant, and what it was made from."""

    __slots__ = (
        "paths",
        "keys",
        "order",
        "style",
        "years",
        "shown",
        "problems",
        "token",
        "length",
        "entries",
        "spans",
    )

    def __init__(  # noqa: PLR0913 - one parameter per part of the block
        self,
        paths: str,
        keys: bytes,
        order: bytes,
        style: str,
        years: tuple[int, ...],
        shown: int,
        problems: list[Kept],
        token: bytes,
        length: int,
        entries: bytes,
        spans: bytes,
    ) -> None:
        self.paths, self.keys, self.order, self.style = paths, keys, order, style
        """The folder's note paths joined by NULs, their stat keys joined, the digest of the
        document order the notes were ordered by and the style they were rendered in."""
        self.years, self.shown, self.problems = years, shown, problems
        """The distinct paper years of the notes that parse, how many the text shows, and
        the problems of the others."""
        self.token, self.length = token, length
        """What the text file leads with, and the text's length in bytes."""
        self.entries = entries
        """``marshal`` data: path -> ``BlockEntry``, each note that parses."""
        self.spans = spans
        """Where each of ``paths`` has its text, in their order (``SPAN_CODE``)."""

    def parts(
        self,
    ) -> tuple[str, bytes, bytes, str, tuple[int, ...], int, list[Kept], bytes, int, bytes, bytes]:
        return (
            self.paths,
            self.keys,
            self.order,
            self.style,
            self.years,
            self.shown,
            self.problems,
            self.token,
            self.length,
            self.entries,
            self.spans,
        )

    def entry_map(self) -> dict[str, BlockEntry]:
        """The entries by path; empty when they do not load."""
        try:
            entries = marshal.loads(self.entries)
        except (ValueError, EOFError, TypeError):
            return {}
        return entries if isinstance(entries, dict) else {}

    def spans_of(self, count: int) -> array[int] | None:
        """``spans`` of the block's ``count`` paths; None when they are not that many."""
        spans = array(SPAN_CODE)
        if len(self.spans) != 2 * count * spans.itemsize:
            return None
        spans.frombytes(self.spans)
        return spans


_TYPES = (str, bytes, bytes, str, tuple, int, list, bytes, int, bytes, bytes)


class TextBlocksCache:
    """The kept ``list --json`` and ``export --md`` blocks of one library (``folder`` None:
    caching is off); every method swallows cache trouble (a file that does not read holds no
    block)."""

    def __init__(self, folder: Path | None, real_root: str, header: bytes) -> None:
        self.folder, self.real_root = folder, real_root
        self.header = header + f"text blocks format {BLOCKS_FORMAT}\n".encode()
        self.intact = IntactFiles(
            None if folder is None else cache_path(real_root, ".textintact"), real_root
        )
        """The text files found intact in this boot: their checksums are not read again (at
        100,000 notes 120 MB of ``list --json``, 0.06 s, for every output of chosen papers)."""

    @classmethod
    def for_library(cls, real_root: str, header: bytes) -> TextBlocksCache:
        return cls(cache_path(real_root, ".textblocks"), real_root, header)

    def read(self, year: str, variant: str) -> TextBlock | None:
        """The block kept for the folder ``year`` in ``variant``; None when none reads."""
        if self.folder is None:
            return None
        path = self.folder / f"{year}.{variant}"
        parts = read_variant_parts(path, self.header, self.real_root, year, variant)
        try:
            block = TextBlock(*parts)  # type: ignore[misc]
        except TypeError:  # None, or not the parts of a block
            return None
        if not all(isinstance(v, t) for v, t in zip(block.parts(), _TYPES, strict=True)):
            return None
        return block

    def text(self, year: str, variant: str, block: TextBlock) -> CheckedSpan | None:
        """The text of ``block`` (read for the folder ``year`` in ``variant``), checked and
        held open to be read in pieces; None when it does not read or is not the block's."""
        if self.folder is None:
            return None
        name = f"{year}.{variant}.text"
        intact = self.intact.key(name)
        span = open_checked(self.folder / name, self.header, block.token, block.length, intact)
        if span is not None and span.key != intact:  # its checksum read once in this boot
            self.intact.found(name, span.key, later=True)  # (written by save_intact)
        return span

    def save_intact(self) -> None:
        """Write the names of the texts ``text`` found intact since the last write (one write
        for every folder of an output)."""
        self.intact.save()

    def write(self, year: str, variant: str, block: TextBlock, text: bytes) -> bool:
        """Keep ``block`` and its ``text`` for the folder ``year`` in ``variant``; False on
        any failure."""
        if self.folder is None:
            return False
        block.token, block.length = os.urandom(16), len(text)
        try:
            payload = marshal.dumps((self.real_root, year, variant, block.parts()))
        except (ValueError, TypeError):
            return False
        base = self.folder / f"{year}.{variant}"
        text_path = base.with_name(base.name + ".text")
        return write_checked(text_path, self.header, block.token + text) and write_checked(
            base, self.header, payload
        )

    def clear(self) -> None:
        """Drop every block."""
        clear_folder(self.folder)
