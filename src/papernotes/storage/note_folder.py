"""Listing the notes folder: the note files under ``<root>/<year>/``, and the temporary
files killed writes left. Nothing here reads a note or writes anything."""

from __future__ import annotations

import os
import re
from bisect import bisect_left
from collections.abc import Callable
from pathlib import Path
from stat import S_ISDIR
from time import time_ns

from papernotes.errors import InvalidInputError
from papernotes.model import Problem
from papernotes.storage.atomic import TEMP_PREFIX, TEMP_SUFFIX
from papernotes.storage.caches.folder_listing import FolderListing, YearListing, split_listing
from papernotes.storage.caches.note_cache import STAT_KEY_SIZE, is_racy, stat_key
from papernotes.storage.document_file import LAYOUT_FILE
from papernotes.storage.regular_file import NOT_REGULAR

YEAR_DIR = re.compile(r"^\d{4}$")
PLAIN_YEAR = re.compile(r"[0-9]{4}\Z")
"""A year folder's name ``years_stamp`` takes: four ASCII digits, nothing after them."""
CANNOT_READ = "cannot read this"  # how a listing problem hiding notes starts


class Scan:
    """One listing of the note files: their relative paths in path order (a path is
    ``prefix + rel``), the problems of the listing itself (symlinks leading outside), and
    when it started. Paths, not ``DirEntry`` objects: 25 MB fewer at 100,000 notes."""

    # not a dataclass: ~1 ms
    __slots__ = ("started_ns", "found", "problems", "keys", "keys_later", "prefix", "plain")

    def __init__(
        self,
        started_ns: int,
        found: list[str],
        problems: list[Problem],
        prefix: str,
        plain: bool = False,
    ) -> None:
        self.started_ns, self.found, self.problems = started_ns, found, problems
        self.prefix = prefix
        self.plain = plain
        """Every year folder a real folder and every note entry a regular file, no symlink:
        then a note can change only in place or by a change its year folder's stat shows."""
        self.keys: list[bytes] | None = None
        """Each found file's stat key, once ``NoteStore.state`` took them: a load of this
        scan uses the same ones (the state then names exactly what the load read)."""
        self.keys_later: Callable[[], list[bytes]] | None = None
        """Gives the stat keys, taken by a child process begun at the scan
        (``NoteStore.scan_ahead``); ``stat_keys_now`` collects them."""

    def rels(self) -> list[str]:
        return self.found

    def stat_keys_now(self, stat_keys: Callable[[str, list[str]], list[bytes]]) -> list[bytes]:
        """``keys``, taken now if not yet: collected from the child begun at the scan, or by
        ``stat_keys(prefix, found)``; ``OSError`` when a file cannot be stat-ed."""
        if self.keys is None:
            later, self.keys_later = self.keys_later, None
            self.keys = later() if later is not None else stat_keys(self.prefix, self.found)
        return self.keys


class NoteFolder:
    """The files of one library folder, as listed now."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._root_text = "" if str(root) == "." else str(root)  # as pathlib joins to "."
        self.real_root = Path(os.path.realpath(root))

    def inside(self, path: str) -> bool:
        """Whether ``path``, symlinks resolved, is the library folder or inside it."""
        real = Path(os.path.realpath(path))
        return real == self.real_root or self.real_root in real.parents

    def path_of(self, rel: str) -> Path:
        """The absolute path of a relative note path, refusing anything outside the library."""
        return self.root.joinpath(*self._parts(rel))

    def file_of(self, rel: str) -> str:
        """``path_of`` as a string, made without ``pathlib`` (a tenth of parsing a note, for a
        load that reads every note): ``os.path.join`` of the root and the checked parts,
        which are ``rel``'s."""
        self._parts(rel)
        root = self._root_text
        return rel if not root else (root if root.endswith("/") else root + "/") + rel

    @staticmethod
    def _parts(rel: str) -> list[str]:
        parts = rel.split("/")
        if rel.startswith("/") or "" in parts or "." in parts or ".." in parts or "\\" in rel:
            raise InvalidInputError(f"{rel!r} is not a path inside the library.")
        return parts

    def note_file(self, name: str, any_kind: bool = False) -> str | None:
        """``name`` as the relative path of an existing note file (``2020/bad.md``, or without
        ``.md``) inside the library, else None. Nothing is parsed: it may be malformed."""
        rel = name.strip().replace("\\", "/")
        rel = rel if rel.endswith(".md") else f"{rel}.md"
        year, _, file = rel.partition("/")
        if not YEAR_DIR.match(year) or not file or "/" in file or file.startswith("."):
            return None
        try:
            path = self.path_of(rel)
        except InvalidInputError:
            return None
        if not (path.is_file() or (any_kind and os.path.lexists(path))):
            return None  # ``any_kind``: a FIFO, a dangling symlink, a folder (to be removed)
        return rel if self.inside(str(path)) else None

    def scan(self, kept: FolderListing | None = None) -> Scan:
        """The note files in the folder now (listed, not yet read); ``FileNotFoundError``
        when the folder is missing. ``kept``: the year folders listed by an earlier scan,
        reused for each folder whose stat has not changed since (``caches/folder_listing.py``),
        and updated with this scan's."""
        started_ns = time_ns()  # before any stat: the reference for racy files
        found, problems, plain = self._note_entries(kept, started_ns)
        return Scan(started_ns, found, problems, os.path.join(self.root, ""), plain)

    def _note_entries(
        self, kept: FolderListing | None, started_ns: int
    ) -> tuple[list[str], list[Problem], bool]:
        """The note paths, the problems, and whether every year was plain (``Scan.plain``;
        a year kept unchanged was plain when listed: only plain years are kept)."""
        all_plain = True
        paths: list[str] = []
        problems: list[Problem] = []
        old = kept.read() if kept is not None else {}
        new: dict[str, YearListing] = {}
        years = [e for e in os.scandir(self.root) if YEAR_DIR.match(e.name)]
        for year in sorted(years, key=lambda e: e.name):
            key = None if year.is_symlink() else _folder_key(year.path)  # before listing it
            if key is not None:
                listed = old.get(year.name)
                if listed is not None and listed[0] == key and _listable(year.path):
                    paths += split_listing(listed[1])  # unchanged since it was listed
                    new[year.name] = listed
                    continue
            else:
                all_plain = False  # a symlinked year, or not a folder at all
            if key is None and not self.inside(year.path):  # a real folder is inside
                problems.append(
                    Problem(year.name, 1, "symlink points outside the library; skipped")
                )
                continue
            first, count = len(paths), len(problems)
            temps: list[str] = []
            plain = self._year_entries(year, paths, problems, temps) and len(problems) == count
            all_plain = all_plain and plain
            if plain and not temps and key is not None and not is_racy(key, started_ns):
                new[year.name] = (key, "\0".join(paths[first:]))  # (else a later change
                # may not show; a folder holding a temporary file is listed until it is gone)
        if kept is not None:
            kept.write(new)
        return paths, problems, all_plain

    def _year_entries(
        self,
        year: os.DirEntry[str],
        paths: list[str],
        problems: list[Problem],
        temps: list[str] | None = None,
    ) -> bool:
        """Add the note files of ``year`` to ``paths`` and its problems to ``problems`` (and
        the names of its temporary files to ``temps``); whether every note entry was a
        regular file (no symlink: what it points to may change while the folder does not)."""
        try:  # a symlink loop (ELOOP) is unreadable too: the other years still load
            if not year.is_dir():
                return True
            entries = sorted(os.scandir(year.path), key=lambda e: e.name)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            problems.append(Problem(year.name, 0, f"{CANNOT_READ} folder ({reason}); skipped"))
            return False
        plain = True
        for entry in entries:
            if not entry.name.endswith(".md") or entry.name.startswith("."):
                if temps is not None and is_temp_file(entry.name):
                    temps.append(entry.name)
                continue
            rel = f"{year.name}/{entry.name}"
            if entry.is_symlink():
                plain = False
                if not self.inside(entry.path):
                    problems.append(Problem(rel, 1, "symlink points outside the library; skipped"))
                    continue
            try:
                regular = entry.is_file()
            except OSError as exc:  # a symlink loop: reported, never read
                reason = exc.strerror or str(exc)
                problems.append(Problem(rel, 0, f"{CANNOT_READ} file ({reason}); skipped"))
                continue
            if not regular:
                plain = False
                if _stats(entry):  # a FIFO would block: never opened
                    problems.append(Problem(rel, 0, f"{NOT_REGULAR}; skipped"))
                    continue  # (one that cannot be stat-ed is reported when read)
            paths.append(rel)
        return plain

    def years_stamp(self) -> bytes | None:
        """The year folders as they are now, from their stats alone (none is listed): their
        names and stat keys, which any note file added, removed or renamed changes. None when
        one is not a real, readable folder, or changed too recently for a later change to
        show in its stat (the racy rule)."""
        now = time_ns()
        try:
            years = sorted(e.name for e in os.scandir(self.root) if YEAR_DIR.match(e.name))
        except OSError:
            return None
        parts = []
        for name in years:
            if not PLAIN_YEAR.match(name):  # "２０２２", "2021\n": a stamp holds 4 bytes a year
                return None
            path = os.path.join(self.root, name)
            key = None if os.path.islink(path) else _folder_key(path)
            if key is None or is_racy(key, now) or not _listable(path):
                return None
            parts.append(name.encode() + key)  # a year: four digits, then a fixed-size key
        layout = stat_key_or_none(Path(self.root, LAYOUT_FILE))  # show warns of its errors
        if layout is not None and is_racy(layout, now):
            return None
        return b"".join(parts) + b"layout" + (layout or b"")

    def year_notes(self, year: str) -> tuple[list[str], bool] | None:
        """The note files of the year folder ``year`` as ``scan`` lists them, and whether
        the folder is plain (a real folder, every note entry a regular file); None when the
        folder is not there or a listing problem would be reported for it."""
        try:
            entry = next((e for e in os.scandir(self.root) if e.name == year), None)
        except OSError:
            return None
        if entry is None or entry.is_symlink():
            return None
        paths: list[str] = []
        problems: list[Problem] = []
        plain = self._year_entries(entry, paths, problems)
        return None if problems else (paths, plain)

    def temp_files(self, kept: FolderListing | None = None) -> list[str]:
        """The relative paths of temporary files in the library folder and its year folders
        (an unreadable folder has none that can be removed). ``kept``: a year folder whose
        stat is the one it was listed with (``scan``) is not listed again: a listing is kept
        only for a folder that held no temporary file, and adding one changes its stat."""
        found: list[str] = []
        folders = [("", self.root)]
        listed = kept.read() if kept is not None else {}
        years = [e for e in os.scandir(self.root) if YEAR_DIR.match(e.name)]
        years = [
            e
            for e in years
            if e.name not in listed or e.is_symlink() or _folder_key(e.path) != listed[e.name][0]
        ]
        folders += [(f"{e.name}/", Path(e.path)) for e in years]
        for prefix, folder in folders:
            if not self.inside(str(folder)) or not folder.is_dir():
                continue
            try:
                entries = list(os.scandir(folder))
            except OSError:
                continue
            for entry in entries:
                if is_temp_file(entry.name) and entry.is_file(follow_symlinks=False):
                    found.append(prefix + entry.name)
        return sorted(found)


def years_of_stamp(stamp: bytes) -> tuple[dict[str, bytes], bytes]:
    """A ``years_stamp`` taken apart: each year folder's stat key by its name, and the
    ``document.yaml`` part (its stat key, empty when there is none). Read from the start,
    a year at a time (four ASCII digits and a key): a key may hold any bytes."""
    years: dict[str, bytes] = {}
    size, at = 4 + STAT_KEY_SIZE, 0
    while not stamp.startswith(b"layout", at) and at + size <= len(stamp):
        years[stamp[at : at + 4].decode("ascii", "replace")] = stamp[at + 4 : at + size]
        at += size
    return years, stamp[at + len(b"layout") :]


def _stats(entry: os.DirEntry[str]) -> bool:
    """Whether ``entry`` (a symlink: its target) can be stat-ed; the stat is kept."""
    try:
        entry.stat()
    except OSError:
        return False
    return True


def _folder_key(path: str) -> bytes | None:
    """The stat key of the real folder at ``path``; None for anything else."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return stat_key(status) if S_ISDIR(status.st_mode) else None


def _listable(path: str) -> bool:
    """Whether the folder at ``path`` can still be listed (a user who lost the right to read
    it keeps its stat: the scan then reports it as it always did)."""
    return os.access(path, os.R_OK | os.X_OK)


def stat_key_or_none(path: Path) -> bytes | None:
    try:
        return stat_key(os.stat(path))
    except OSError:
        return None


def is_temp_file(name: str) -> bool:
    """True for the temporary files ``atomic_write`` leaves only if killed mid-write."""
    return name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX)


Group = tuple[str, int, int]
"""A year folder and where its notes start and end in the scan's list."""


def year_groups(found: list[str]) -> list[Group] | None:
    """The year folders of ``found`` (paths in path order) and their notes' span; None when a
    note is not directly in a folder or a folder's notes are not together. Found by
    bisection (no path of a folder sorts after ``FOLDER/`` and U+10FFFF), then checked."""
    groups: list[Group] = []
    start, count = 0, len(found)
    while start < count:
        folder, slash, _ = found[start].partition("/")
        prefix = folder + "/"
        end = bisect_left(found, prefix + "\U0010ffff", start)
        joined = "\0".join(found[start:end])
        spanned = end - start
        if not slash or end <= start or joined.count("/") != spanned:
            return None
        if joined.count("\0" + prefix) != spanned - 1:
            return None  # a path of another folder among them: not in path order
        groups.append((folder, start, end))
        start = end
    if len({group[0] for group in groups}) < len(groups):
        return None
    return groups
