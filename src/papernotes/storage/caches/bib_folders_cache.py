"""Every note's ``export --bib`` entry per year folder and variant, so that an export of the
whole library (or a year or tag of it) is made and written one folder at a time.

Two files per year folder and variant (``--with-notes`` and ``--ascii``: ``2020.00`` …
``2020.11``) in ``<hash of the library's path>.bibfolders/``: the *facts* file holds the
folder's note paths (joined by NULs) and their stat keys (joined) as the export saw them (a
stat key too recent to identify the bytes kept as ``b""``), the venue table's digest, the
problems of its notes that do not parse, and per note, ordered by sort key: path, stat key,
digest of the bytes, export facts (``bib_entries.export_facts``), whether labelled by the
whole title, and where its text ends in the *text* file (``2020.00.text``: the entries'
texts joined as the export joins them), and a digest of what they say of the notes
(``notes_token``, made when written: format 2). Both carry one token, a digest of both (written
text first), so a text is only ever read with the facts it was made with, and two exports
keeping a folder from the same notes do not disturb each other. ``library/bib_folders.py``
uses a folder's files only while its paths and stat keys are the scan's; the header is the
kept outputs' (the code stamp of every module). A missing, damaged or other-code file reads
as none; ``LibraryCaches.forget_outputs`` drops them all.
"""

from __future__ import annotations

import marshal
import os
from pathlib import Path

from papernotes.blake2 import blake2b
from papernotes.storage.caches.bib_entries_cache import ExportFacts
from papernotes.storage.caches.location import cache_path
from papernotes.storage.checked_file import (
    clear_folder,
    read_checked,
    read_variant_parts,
    write_checked,
)

FOLDERS_FORMAT = 2
Kept = tuple[str, int, str]
"""A problem as kept: path, line, message."""
FolderEntry = tuple[str, bytes, str, ExportFacts, bool, int]
"""A note's path, stat key (``b""``: not to be trusted), digest, export facts, whether its
text is labelled by the whole title, and where its text ends in the folder's text."""


class FolderFacts:
    """What the facts file of one year folder and variant holds."""

    __slots__ = ("paths", "keys", "table", "problems", "entries", "notes", "token")

    def __init__(  # noqa: PLR0913 - one parameter per part
        self,
        paths: str,
        keys: bytes,
        table: str,
        problems: list[Kept],
        entries: list[FolderEntry],
        notes: bytes,
        token: bytes,
    ) -> None:
        self.paths, self.keys, self.table = paths, keys, table
        self.problems, self.entries, self.token = problems, entries, token
        self.notes = notes
        """``notes_token`` of these facts, made when they are written (b"": not yet)."""

    def parts(self) -> tuple[str, bytes, str, list[Kept], list[FolderEntry], bytes, bytes]:
        """Its parts, the token last (``content_token`` digests the others)."""
        return (
            self.paths,
            self.keys,
            self.table,
            self.problems,
            self.entries,
            self.notes,
            self.token,
        )


_TYPES = (str, bytes, str, list, list, bytes, bytes)
_TEXT_FRAMING = 64
"""More than a text file holds besides the header and the text's UTF-8: the checksum and
the ``marshal`` framing of the token and the text."""


class BibFoldersCache:
    """The kept per-folder entries of one library (``folder`` None: caching is off); every
    method swallows cache trouble (a file that does not read holds nothing)."""

    def __init__(self, folder: Path | None, real_root: str, header: bytes) -> None:
        self.folder, self.real_root = folder, real_root
        self.header = header + f"bib folders format {FOLDERS_FORMAT}\n".encode()

    @classmethod
    def for_library(cls, real_root: str, header: bytes) -> BibFoldersCache:
        return cls(cache_path(real_root, ".bibfolders"), real_root, header)

    def read(self, year: str, variant: str) -> FolderFacts | None:
        """The facts kept for the folder ``year`` in ``variant``; None when none read."""
        if self.folder is None:
            return None
        parts = read_variant_parts(
            self.folder / f"{year}.{variant}", self.header, self.real_root, year, variant
        )
        try:
            facts = FolderFacts(*parts)  # type: ignore[misc]
        except TypeError:  # None, or not the parts of a folder's facts
            return None
        if not all(isinstance(v, t) for v, t in zip(facts.parts(), _TYPES, strict=True)):
            return None
        return facts

    def text(self, year: str, variant: str, token: bytes) -> str | None:
        """The text kept with the facts whose token is ``token``; None when it does not read
        or belongs to other facts (the folder was kept again meanwhile)."""
        if self.folder is None:
            return None
        payload = read_checked(self.folder / f"{year}.{variant}.text", self.header)
        if payload is None:
            return None
        try:
            kept_token, text = marshal.loads(payload)
        except (ValueError, EOFError, TypeError):
            return None
        return text if kept_token == token and isinstance(text, str) else None

    def text_bytes(self, year: str, variant: str) -> int:
        """At least how many UTF-8 bytes the text kept for the folder ``year`` in ``variant``
        holds (its file's size less the header and the framing, never read); 0 when none."""
        if self.folder is None:
            return 0
        try:
            size = os.stat(self.folder / f"{year}.{variant}.text").st_size
        except OSError:
            return 0
        return max(size - len(self.header) - _TEXT_FRAMING, 0)

    def write(self, year: str, variant: str, facts: FolderFacts, text: str) -> bool:
        """Keep ``facts`` and ``text`` (``facts.token`` is made here) for the folder ``year``
        in ``variant``; False on any failure (then neither may be read as the pair)."""
        if self.folder is None:
            return False
        try:
            facts.notes = notes_token(facts)  # kept: not worked out on every read (0.07 s)
            facts.token = content_token(facts, text)
            text_data = marshal.dumps((facts.token, text))
            facts_data = marshal.dumps((self.real_root, year, variant, facts.parts()))
        except (ValueError, TypeError):
            return False
        base = self.folder / f"{year}.{variant}"
        return write_checked(
            base.with_name(base.name + ".text"), self.header, text_data
        ) and write_checked(base, self.header, facts_data)

    def clear(self) -> None:
        """Drop every folder's files."""
        clear_folder(self.folder)


def notes_token(facts: FolderFacts) -> bytes:
    """A digest of what ``facts`` say of the notes, their stat keys aside: the paths, the
    venue table, the problems and each entry but its key. The folder's text is a function
    of these, so two facts with one ``notes_token`` go with the same text, though one
    export kept a note's key and another, within the racy margin, did not."""
    entries = [
        (rel, digest, facts_of, long, end) for rel, _, digest, facts_of, long, end in facts.entries
    ]
    kept = (facts.paths, facts.table, facts.problems, entries)
    return blake2b(marshal.dumps(kept, 2), digest_size=16).digest()


def content_token(facts: FolderFacts, text: str) -> bytes:
    """A digest of what ``facts`` (but its token) and ``text`` hold: two exports keeping the
    same folder from the same notes keep the same token, so neither sees the other's write
    as a change (``marshal`` format 2: no back-references, whose use varies with the
    objects' reference counts)."""
    digest = blake2b(marshal.dumps(facts.parts()[:-1], 2), digest_size=16)
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.digest()
