"""The search forms of each note, kept so a search computes them once.

Two folders per library next to the note cache, read only by commands that search (``list``
never pays for them), each with one file per year folder (``2020``…), so new forms for one
edited note rewrite the file of one year. ``libraries/<hash>.search/<year>`` (``YearForms``)
holds, for the notes of that year: their paths, the stat key each file had when its forms
were made (``UNKNOWN`` when not known), the digest of the bytes they were made from, their
folded texts (UTF-8, joined by newlines into one byte string, with where each starts),
whether every field folded one character for one, where each field ends, their search
texts as written (joined the same way: what a hit shows), their ``list`` rows, and the notes
that do not parse (``year_forms.py`` holds them in memory). The folded texts and the texts
(130 MB at 100,000 notes), the field ends and the rows are the file's mapped sections
(``mapped_file.py``): a search reads them without copying them; the rest is one
``marshal`` part.
``libraries/<hash>.spelled/<year>`` (``YearSpellings``) holds the digest and the pinyin
spelling of the folded text of each note, read only by a pinyin query, so a text query
never loads it.

A kept entry is used for a note whose file has that stat key (``search`` without building
the notes: ``library/search_listing.py``) or whose bytes have that digest (a search among
notes in memory); anything else gets new forms. An entry is stat-keyed only when made from
the file's own bytes read after that stat, with a stat that is not racy (as the note cache
rules it). Like every cache file a year's file may be missing, torn or from another version
(``checked_file``), and is then rebuilt. The header names the versions of OpenCC and
pypinyin, which make the forms, and the size and time of the modules that do (folding,
search, the list rows and the note parser): an upgrade or an edit of any of them drops every
kept form.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path

from papernotes import __version__
from papernotes.storage.caches.intact_files import IntactFiles
from papernotes.storage.caches.location import cache_path, python_version
from papernotes.storage.caches.mapped_file import read_mapped, write_mapped
from papernotes.storage.caches.note_cache import PARSER_FILES
from papernotes.storage.caches.year_forms import (
    KEY_SIZE,
    UNKNOWN,
    Entry,
    Forms,
    KeptForms,
    KeptProblem,
    KeptSpellings,
    Spelling,
    YearForms,
    YearSpellings,
    starts_of,
)
from papernotes.storage.checked_file import (
    CACHE_TEMP_PREFIX,
    remove_checked,
)

__all__ = [
    "KEY_SIZE",
    "UNKNOWN",
    "Entry",
    "Forms",
    "KeptForms",
    "KeptProblem",
    "KeptSpellings",
    "SearchFormsCache",
    "Spelling",
    "YearForms",
    "YearSpellings",
    "forms_header",
    "starts_of",
]

FORMS_FORMAT = 8
SPELLED = "spelled/"
"""What a year's spellings file is named by in ``intact_files`` (its forms file: the year)."""
CONVERTERS = ("opencc", "pypinyin")
_MAGIC = b"papernotes search forms\n"


def forms_header() -> bytes:
    """Format, versions, and the size and time of the modules that make the forms (an edited
    folding drops old forms)."""
    src = Path(__file__).parent.parent.parent  # by path: stat-ed, not imported
    makers = [src / "text" / "folding.py", src / "library" / "search.py"]
    makers += [src / "library" / "search_forms.py", src / "library" / "search_hits.py"]
    makers += [src / "library" / "list_rows.py", src / "text" / "controls.py"]  # the rows
    makers += [src / name for name in PARSER_FILES]  # what the fields of a digest are
    try:
        code = " ".join(f"{st.st_size}:{st.st_mtime_ns}" for st in map(os.stat, makers))
    except OSError:  # e.g. imported from a zip: the versions alone must do
        code = ""
    line = f"format {FORMS_FORMAT} papernotes {__version__} {python_version()} {code}"
    line += f" {sys.byteorder}"  # field ends and starts are machine integers
    versions = " ".join(f"{name} {installed_version(name)}" for name in CONVERTERS)
    return _MAGIC + f"{line} marshal {marshal.version} {versions}\n".encode()


def installed_version(package: str) -> str:
    """The installed version of ``package`` from its ``.dist-info`` folder's name, without
    importing it (or ``importlib.metadata``, 30 ms); the size and time of its
    ``__init__.py`` where there is no such folder; ``none`` when it is not installed."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin:
        return "none"
    home = os.path.dirname(os.path.dirname(spec.origin))
    prefix = package.casefold() + "-"
    try:
        names = sorted(n for n in os.listdir(home) if n.casefold().startswith(prefix))
        for name in names:
            if name.endswith(".dist-info"):
                return name[len(prefix) : -len(".dist-info")]
        st = os.stat(spec.origin)
    except OSError:
        return "unknown"
    return f"{st.st_size}:{st.st_mtime_ns}"


class SearchFormsCache:
    """The search forms folders of one library; failures read as empty and write as False."""

    def __init__(self, folder: Path | None, real_root: str, spellings: Path | None = None) -> None:
        self.folder = folder
        """``None`` when caching is off (``PAPERNOTES_NO_CACHE``)."""
        self.spellings_folder = spellings
        self.real_root = real_root
        self._head: bytes | None = None
        self.read_paths: dict[str, list[str]] = {}
        """The paths each year's forms held when ``read`` (a year whose path went is
        rewritten by ``update``; the others are not even read again)."""
        self.read_spelled_paths: dict[str, list[str]] = {}
        self.intact = IntactFiles(
            None if folder is None else cache_path(real_root, ".intact"), real_root
        )
        """The forms files found intact in this boot: their checksums are not checked again."""

    @classmethod
    def for_library(cls, real_root: str) -> SearchFormsCache:
        return cls(cache_path(real_root, ".search"), real_root, cache_path(real_root, ".spelled"))

    def head(self) -> bytes:
        if self._head is None:
            self._head = forms_header()
        return self._head

    def years(self, spellings: bool = False) -> set[str]:
        """The year folders that have a file of forms (or of spellings)."""
        folder = self.spellings_folder if spellings else self.folder
        if folder is None:
            return set()
        try:
            names = [e.name for e in os.scandir(folder)]
        except OSError:
            return set()
        return {name for name in names if not name.startswith(CACHE_TEMP_PREFIX)}

    def read_year(self, year: str) -> YearForms | None:
        """The forms kept for ``year``; None when there are none that read. Its big parts are
        mapped from the file (``mapped_file``), not read, and its checksum is checked once
        per boot while the file's stat is the same (``intact_files``)."""
        if self.folder is None:
            return None
        intact = self.intact.key(year)
        got = read_mapped(self.folder / year, self.head(), 4, intact)
        if got is None:
            return None
        (small, sections), key = got
        data = self._unpacked(small, year)
        forms = None if data is None else YearForms.from_payload(data, sections)
        if forms is not None and key != intact:
            self.intact.found(year, key)  # its checksum checked once in this boot
        return forms

    def write_year(self, year: str, forms: YearForms) -> bool:
        """Keep ``forms`` for ``year`` (none: remove its file); False on any failure."""
        if not forms.joined_paths and not forms.problems:
            return self.remove_year(year)
        self._drop_old_format()
        if self.folder is None:
            return False
        try:
            small = marshal.dumps((self.real_root, year, forms.payload()))  # type: ignore[arg-type]
        except (ValueError, TypeError):
            return False
        key = write_mapped(self.folder / year, self.head(), small, forms.sections())
        self.intact.found(year, key or None)  # written from these bytes: intact
        return key is not None

    def read_spellings_year(self, year: str) -> YearSpellings | None:
        """The spellings kept for ``year``, mapped and checked once per boot as ``read_year``
        reads the forms; None when there are none that read."""
        if self.spellings_folder is None:
            return None
        name = SPELLED + year
        intact = self.intact.key(name)
        got = read_mapped(self.spellings_folder / year, self.head(), 1, intact)
        if got is None:
            return None
        (small, sections), key = got
        data = self._unpacked(small, year)
        spellings = None if data is None else YearSpellings.from_payload(data, sections)
        if spellings is not None and key != intact:
            self.intact.found(name, key)
        return spellings

    def write_spellings_year(self, year: str, spellings: YearSpellings) -> bool:
        if not spellings.joined_paths:
            return self.remove_year(year, spellings=True)
        if self.spellings_folder is None:
            return False
        small = marshal.dumps((self.real_root, year, spellings.payload()))
        key = write_mapped(self.spellings_folder / year, self.head(), small, [spellings.spelled])
        self.intact.found(SPELLED + year, key or None)
        return key is not None

    def remove_year(self, year: str, spellings: bool = False) -> bool:
        self.intact.found(SPELLED + year if spellings else year, None)
        return self._remove(self.spellings_folder if spellings else self.folder, year)

    def read(self) -> KeptForms:
        """Every note's kept forms, by path (a search among notes in memory)."""
        kept: KeptForms = {}
        for year in sorted(self.years()):
            forms = self.read_year(year)
            if forms is not None:
                self.read_paths[year] = forms.paths
                for i, path in enumerate(forms.paths):
                    kept[path] = forms.forms(i)
        return kept

    def read_spellings(self) -> KeptSpellings:
        """Every note's kept pinyin spelling, by path."""
        kept: KeptSpellings = {}
        for year in sorted(self.years(spellings=True)):
            spelled = self.read_spellings_year(year)
            if spelled is not None:
                self.read_spelled_paths[year] = spelled.paths
                for i, path in enumerate(spelled.paths):
                    kept[path] = (spelled.digests[i], spelled.spelling(i))
        return kept

    def update(self, new: dict[str, Entry], paths: set[str]) -> bool:
        """Keep the entries ``new`` (by path) with the others kept, and only those of
        ``paths`` (the notes there are now): the years of ``new`` and those holding a path
        that went are rewritten. An entry kept for the same digest keeps its stat key."""
        ok = True
        wanted = {p.partition("/")[0] for p in paths}
        for year in sorted(self.years() | {p.partition("/")[0] for p in new}):
            changed = [p for p in new if p.startswith(year + "/")]
            known = self.read_paths.get(year)
            if not changed and known is not None and all(p in paths for p in known):
                continue
            kept = self.read_year(year) if year in wanted else None
            old = kept.paths if kept is not None else []
            if not changed and all(p in paths for p in old):
                continue
            entries = {}
            if kept is not None:
                entries = {p: kept.entry(i) for i, p in enumerate(old) if p in paths}
            for path in changed:
                entry = new[path]
                same = entries.get(path)
                if same is not None and same[2] == entry[2]:  # same bytes: same stat key
                    entry = (path, same[1], *entry[2:])
                entries[path] = entry
            ok = self.write_year(year, YearForms.of(list(entries.values()))) and ok
            self.read_paths[year] = list(entries)
        return ok

    def update_spellings(self, new: dict[str, Spelling], paths: set[str]) -> bool:
        """``update`` for the pinyin spellings."""
        ok = True
        wanted = {p.partition("/")[0] for p in paths}
        for year in sorted(self.years(spellings=True) | {p.partition("/")[0] for p in new}):
            changed = [p for p in new if p.startswith(year + "/")]
            known = self.read_spelled_paths.get(year)
            if not changed and known is not None and all(p in paths for p in known):
                continue
            kept = self.read_spellings_year(year) if year in wanted else None
            old = kept.paths if kept is not None else []
            if not changed and all(p in paths for p in old):
                continue
            entries: dict[str, tuple[str, str, str]] = {}
            if kept is not None:
                entries = {
                    p: (p, kept.digests[i], kept.spelling(i))
                    for i, p in enumerate(old)
                    if p in paths
                }
            for path in changed:
                entries[path] = (path, *new[path])
            spellings = YearSpellings.of(list(entries.values()))
            ok = self.write_spellings_year(year, spellings) and ok
            self.read_spelled_paths[year] = list(entries)
        return ok

    def forget(self, rels: list[str]) -> None:
        """Drop the stat keys of ``rels`` (their files may differ from what was read though
        their stat does not): their forms are used again only for the same digest."""
        for year in sorted({rel.partition("/")[0] for rel in rels}):
            kept = self.read_year(year)
            if kept is None:
                continue
            gone = [p for p in kept.problems if p[0] not in rels]
            if not set(rels).isdisjoint(kept.paths) or len(gone) < len(kept.problems):
                entries = [
                    kept.entry(i, UNKNOWN if path in rels else None)
                    for i, path in enumerate(kept.paths)
                ]
                self.write_year(year, YearForms.of(entries, gone))

    def forget_disagreeing(
        self, digests: dict[str, str], years: Iterable[str] | None = None
    ) -> None:
        """Drop the stat keys of the forms not made from the bytes with the digest
        ``digests`` gives their path (``check`` read every note from its file), and the kept
        notes that did not parse: they are used by digest only now. Only the files of
        ``years`` when given (``check`` looks only at those written since it last did)."""
        for year in sorted(self.years() if years is None else years):
            kept = self.read_year(year)
            if kept is None:
                continue
            disagreeing = [
                path
                for path, digest in zip(kept.paths, kept.digests, strict=True)
                if digest != digests.get(path)
            ]
            disagreeing += [problem[0] for problem in kept.problems]
            if disagreeing:
                self.forget(disagreeing)

    def _unpacked(self, payload: bytes | memoryview, year: str) -> object | None:
        """What a file of ``year`` of this library holds, from its marshalled ``payload``."""
        try:
            root, kept_year, data = marshal.loads(payload)
        except (ValueError, EOFError, TypeError):
            return None
        if root != self.real_root or kept_year != year:
            return None
        found: object = data
        return found

    def _remove(self, folder: Path | None, year: str) -> bool:
        if folder is None:
            return False
        return remove_checked(folder / year)

    def _drop_old_format(self) -> None:
        """Delete the 64-shard folders of format 3 (``.forms``, ``.pinyin``): never read now,
        and at 100,000 notes they hold 70 MB."""
        for suffix in (".forms", ".pinyin"):
            old = cache_path(self.real_root, suffix)
            if old is not None and old.is_dir():
                with contextlib.suppress(OSError):
                    shutil.rmtree(old)
