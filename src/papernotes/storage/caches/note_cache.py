"""Parsed notes keyed by their file's stat, so a warm load stats files instead of parsing them.

One folder per library in the user cache folder (``$XDG_CACHE_HOME/papernotes/libraries/<hash
of the library's real path>.notes/``), holding the entries split into shards by a hash of the
note's path (``shards.py``: an edit rewrites the shard of that note only, about 1/64 of the
cache) and ``layout`` (``document.yaml``'s entry). It maps each note's relative path to the
``stat`` it had when read (size, mtime_ns, ctime_ns, inode, device), the hash of its bytes,
and either the parsed fields or the problem it had. An entry is used only when the file's
stat is unchanged; files whose timestamps are too recent to tell a later same-tick edit
apart ("racy", as git calls it) are never stored, so they are re-read until they are old
enough.

The notes folder is the only source of truth: a missing, corrupt, truncated or
other-version cache file (shard or layout) is ignored (and rewritten), and failing to write
it never fails the command. Every entry is checked against its own file's stat, so shards
written by different processes may be mixed in the folder: each entry is right or unused.
Written with ``marshal`` (plain tuples, dicts and strings only: nothing is executed on load)
behind a header naming the format and a CRC-32 of the payload.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import struct
from collections.abc import Callable
from dataclasses import MISSING, fields
from pathlib import Path
from typing import Any

from papernotes import __version__
from papernotes.blake2 import blake2b
from papernotes.model import Note, Paper, Problem
from papernotes.storage.caches.location import cache_path, python_version
from papernotes.storage.caches.shards import ShardedEntries
from papernotes.storage.checked_file import read_checked, remove_checked, write_checked
from papernotes.storage.regular_file import read_regular

CACHE_FORMAT = 3
RACY_MARGIN_NS = 2_000_000_000
"""A file changed less than this long before the scan started may still change within the
same timestamp tick (coarse clocks, 2 s on FAT), so its stat cannot identify its content."""
PARSER_FILES = (
    "model.py",
    "storage/note_format.py",
    "storage/frontmatter.py",
    "storage/safe_yaml.py",
)
"""The modules that turn a note file into the cached fields, relative to the package: their
size and time are in the header, so editing one drops every cache made by the old code
(``tests/storage/test_note_cache.py`` checks that each of them exists)."""
_PACKAGE = Path(__file__).parent.parent.parent

PAPER_FIELDS = tuple(f.name for f in fields(Paper))
# A dataclass keeps each plain default as a class attribute: a field missing from an
# instance's __dict__ reads as its default, so the cache stores only the other fields.
_DEFAULTS = {f.name: f.default for f in fields(Paper) if f.default is not MISSING}
_NO_DEFAULT = object()
_MAGIC = b"papernotes library cache\n"  # the file format's name, unchanged

_STAT = struct.Struct("<qqqQQ")
StatKey = bytes
"""size, mtime_ns, ctime_ns, inode and device, packed: one object per entry loads faster."""
STAT_KEY_SIZE = _STAT.size
# rel path -> (stat key, note digest, Paper fields) or (stat key, None, (line, message))
Entry = tuple[StatKey, str, dict[str, object]] | tuple[StatKey, None, tuple[int, str]]
LayoutEntry = tuple[StatKey, object, bytes]
"""``document.yaml``'s stat key, its parsed YAML and the digest of the bytes parsed (so
``check``, which reads the file, parses it again only when those bytes changed)."""


def stat_key(st: os.stat_result) -> StatKey:
    return _STAT.pack(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


def stat_keys(prefix: str, rels: list[str]) -> list[StatKey]:
    """``stat_key`` of each file ``prefix + rel``; ``OSError`` when one cannot be stat-ed.
    Many files are stat-ed on two cores (``storage/split_stat.py``)."""
    from papernotes.storage.split_stat import split_stat_keys

    return split_stat_keys(prefix, rels, _stat_keys_here)


def stat_keys_started(prefix: str, rels: list[str]) -> Callable[[], list[StatKey]]:
    """``stat_keys`` begun now in a child process where that is safe (before a program
    starts threads), given by the function returned (``split_stat.started_stat_keys``)."""
    from papernotes.storage.split_stat import started_stat_keys

    return started_stat_keys(prefix, rels, _stat_keys_here)


def _stat_keys_here(prefix: str, rels: list[str]) -> list[StatKey]:
    """``stat_keys`` in one pass, in this process (no call per file: at 100,000 notes the
    stats are most of a warm ``show``)."""
    pack, stat = _STAT.pack, os.stat
    return [
        pack(s.st_size, s.st_mtime_ns, s.st_ctime_ns, s.st_ino, s.st_dev)
        for s in map(stat, map(prefix.__add__, rels))
    ]


def is_gone(path: str, exc: OSError) -> bool:
    """Whether ``exc``, raised reading the file at ``path``, says it is no longer there
    (deleted or moved since the folder was listed); a name still there, such as a symlink
    leading nowhere, is a file that cannot be read."""
    return isinstance(exc, FileNotFoundError) and not os.path.lexists(path)


def any_racy(keys: list[StatKey], scan_started_ns: int) -> bool:
    """Whether ``is_racy`` holds for any of ``keys``, unpacked together (100,000: a few ms)."""
    limit = scan_started_ns - RACY_MARGIN_NS
    unpacked = _STAT.iter_unpack(b"".join(keys))
    return any(mtime >= limit or ctime >= limit for _, mtime, ctime, _, _ in unpacked)


def is_racy(key: StatKey, scan_started_ns: int) -> bool:
    """True when the file changed too close to ``scan_started_ns`` to trust its stat later."""
    _, mtime_ns, ctime_ns, _, _ = _STAT.unpack(key)
    changed_ns: int = max(mtime_ns, ctime_ns)
    return changed_ns >= scan_started_ns - RACY_MARGIN_NS


def folder_state(
    rels: list[str], keys: list[StatKey], layout_key: StatKey | None, problems: list[Problem]
) -> bytes:
    """A digest of what a load of the folder sees: each note's path and stat key in scan order,
    ``document.yaml``'s stat key and the problems of the scan itself. Two loads with the same
    state read the same bytes (the racy rule aside: see ``NoteCacheLoad.stats_settled``)."""
    return joined_folder_state(rels, b"".join(keys), layout_key, problems)


def joined_folder_state(
    rels: list[str], keys: bytes, layout_key: StatKey | None, problems: list[Problem]
) -> bytes:
    """``folder_state`` of the stat keys ``keys`` joined."""
    names = "\0".join(rels).encode("utf-8", "surrogatepass")  # NUL: never in a file name
    listed = repr([(p.path, p.line, p.message) for p in problems])
    text = listed.encode("utf-8", "surrogatepass")
    digest = blake2b(digest_size=32)
    for part in (names, keys, layout_key or b"", text):  # each part with its length
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    digest.update(len(rels).to_bytes(8, "little"))
    return digest.digest()


def header() -> bytes:
    """What a cache file must start with to be read: format, versions, the Paper fields, and
    the size and time of the modules that parse notes (an edited parser drops old caches)."""
    try:  # by path: importing the parsers just to stat them costs
        stats = [os.stat(_PACKAGE / name) for name in PARSER_FILES]
    except OSError:  # e.g. imported from a zip: the versions alone must do
        stats = []
    code = " ".join(f"{st.st_size}:{st.st_mtime_ns}" for st in stats)
    defaults = (f"{n}={_DEFAULTS[n]!r}" if n in _DEFAULTS else f"{n}!" for n in PAPER_FIELDS)
    text = " ".join(defaults) + " " + code
    fields_hash = blake2b(text.encode(), digest_size=8).hexdigest()
    python = python_version()
    line = f"format {CACHE_FORMAT} papernotes {__version__} {python} marshal {marshal.version}"
    return _MAGIC + f"{line} fields {fields_hash}\n".encode()


def paper_from_fields(values: dict[str, object]) -> Paper:
    """A ``Paper`` from its cached fields, as ``pickle`` rebuilds one (no ``__init__``).

    The fields were produced by ``parse_note`` for the same fields and defaults (the header
    checks them), and the dict is fresh from ``marshal``: it becomes the object's attributes
    as is. Fields left out (``paper_fields``) read as their class-level defaults.
    """
    paper = object.__new__(Paper)
    object.__setattr__(paper, "__dict__", values)
    return paper


def paper_fields(paper: Paper) -> dict[str, object]:
    """The fields of ``paper`` that are not their default (about half of them are): fewer
    objects to write and to load."""
    values: dict[str, object] = {}
    for name in PAPER_FIELDS:
        value = getattr(paper, name)
        default = _DEFAULTS.get(name, _NO_DEFAULT)
        if type(value) is not type(default) or value != default:
            values[name] = value
    return values


SHARED_FIELDS = frozenset(
    ("year", "venue", "authors", "tags", "status", "added", "priority", "read_on", "categories")
    + ("primary_category", "venue_full", "publisher", "venue_source", "published", "updated")
)
"""The fields whose values many notes share (a venue, an author, a date, a year)."""


def shared_values(fields: dict[str, object], memo: dict[object, object]) -> dict[str, object]:
    """``fields`` with each value of ``SHARED_FIELDS`` equal to one seen before (by ``memo``)
    replaced by that one, and each string in a tuple of them (the authors, the tags): a
    parsed note then holds no copy of what an earlier one holds, as notes loaded from the
    cache (``shards.shared_strings``) do not. Titles, notes and text are left: each note's
    own, they would only grow ``memo``."""
    for name, value in fields.items():
        if name not in SHARED_FIELDS:
            continue
        if type(value) is tuple:
            value = tuple([memo.setdefault(item, item) for item in value])
            if name == "authors":  # rarely another paper's list: one memo entry per paper
                fields[name] = value  # (100,000 of them) would hold more than it shares
                continue
        fields[name] = memo.setdefault(value, value)
    return fields


def slim_note(note: Note, key: StatKey, memo: dict[object, object]) -> tuple[Note, Entry | None]:
    """``note`` (parsed from its file, whose stat key was ``key`` before it was read) as a
    load from the cache builds it, its paper made of its non-default fields with the values
    of ``SHARED_FIELDS`` shared through ``memo`` (``shared_values``), and its cache entry
    (None when ``marshal`` cannot write the paper's unknown fields): the entry and the note
    hold the same fields, not two copies."""
    fields = shared_values(paper_fields(note.paper), memo)
    writable = not note.paper.extra or marshallable(note.paper.extra)
    entry: Entry | None = (key, note.digest, fields) if writable else None
    return Note(paper_from_fields(fields), note.path, note.digest), entry


class NoteCache:
    """The cache folder of one library; every method swallows cache trouble and reports a
    miss."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        """``None`` when caching is off."""

    @classmethod
    def for_library(cls, real_root: str) -> NoteCache:
        return cls(cache_path(real_root, ".notes"))

    def shards(self, real_root: str) -> ShardedEntries:
        """The note entries' shard files (read on ``read()``, rewritten where changed)."""
        return ShardedEntries(self.folder, header(), real_root)

    def notes_of(self, real_root: str, digests: dict[str, str]) -> dict[str, Note]:
        """The notes of the paths of ``digests`` whose entry was read from a file with
        that digest (a path without such an entry is left out: read its file)."""
        found: dict[str, Note] = {}
        for path, entry in self.shards(real_root).entries_of(digests).items():
            try:
                _key, kept_digest, fields = entry
                if kept_digest is None or kept_digest != digests[path]:
                    continue
                found[path] = note_of(paper_from_fields(fields), path, kept_digest)
            except (TypeError, ValueError, KeyError):  # an entry of another shape: a miss
                continue
        return found

    def add_entries(self, real_root: str, entries: dict[str, Entry]) -> None:
        """Keep ``entries`` (of notes read from their files: ``slim_note``), each shard read
        and written back alone, its other entries kept (``ShardedEntries.add``)."""
        if entries:
            self.shards(real_root).add(entries)

    def read_layout(self, real_root: str) -> LayoutEntry | None:
        """``document.yaml``'s entry; None when there is none that reads."""
        if self.folder is None:
            return None
        payload = read_checked(self.folder / "layout", header())
        if payload is None:
            return None
        try:
            root, layout = marshal.loads(payload)
        except (ValueError, EOFError, TypeError):
            return None
        if root != real_root or not (isinstance(layout, tuple) and len(layout) == 3):
            return None
        return layout

    def write_layout(self, real_root: str, layout: LayoutEntry | None) -> bool:
        """Replace (or with None remove) ``document.yaml``'s entry; False on any failure."""
        if self.folder is None:
            return False
        path = self.folder / "layout"
        if layout is None:
            return remove_checked(path)
        snapshot: Any = (real_root, layout)  # YAML data is typed ``object``: marshal checks it
        try:
            payload = marshal.dumps(snapshot)
        except (ValueError, TypeError):
            return False
        return write_checked(path, header(), payload)

    def read(self, real_root: str) -> tuple[dict[str, Entry], LayoutEntry | None]:
        """The entries and the layout entry; empty when nothing usable is there."""
        return self.shards(real_root).read(), self.read_layout(real_root)

    def forget(self, real_root: str, rels: list[str]) -> None:
        """Drop the entries of ``rels`` (their files may differ from what the cache holds
        though their stat does not): the next load reads those files again."""
        shards = self.shards(real_root)
        entries = shards.read()
        if any(rel in entries for rel in rels):
            for rel in rels:
                entries.pop(rel, None)
            shards.write(entries, rels)

    def holds_entries(self) -> bool:
        """Whether a shard file of this version is there (only its first bytes read): a load
        may find notes here. Shards of another version (after an upgrade, or an edited
        parser) hold none a load could use: it would parse every note and hold them all."""
        if self.folder is None:
            return False
        head = header()
        try:
            shard = next((e.path for e in os.scandir(self.folder) if len(e.name) == 2), None)
            if shard is None:
                return False
            return read_regular(shard, lambda first: False).startswith(head)
        except OSError:
            return False

    def remove_single_file(self, real_root: str) -> None:
        """Delete the one-file cache older papernotes kept (``<hash>.cache``, format 2): it
        is never read now, and at 100,000 notes it holds 80 MB."""
        old = cache_path(real_root, ".cache")
        if old is not None:
            with contextlib.suppress(OSError):
                os.unlink(old)


def note_of(paper: Paper, path: str, digest: str) -> Note:
    """A ``Note`` of the three, built as ``pickle`` builds one (no ``__init__``)."""
    note = object.__new__(Note)  # as pickle does; Note's __init__ only stores the three fields
    set_field = object.__setattr__  # Note is frozen (and has slots, no __dict__)
    set_field(note, "paper", paper)
    set_field(note, "path", path)
    set_field(note, "digest", digest)
    return note


def marshallable(value: Any) -> bool:
    """Whether ``marshal`` can write ``value`` (of any type: that is what is asked)."""
    try:
        marshal.dumps(value)
    except ValueError:
        return False
    return True
