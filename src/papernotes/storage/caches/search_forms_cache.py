"""The search forms of each note, kept so a search computes them once.

Two folders per library next to the note cache, read only by commands that search (``list``
never pays for them): ``libraries/<hash>.forms/`` maps a note's path to the digest of the
note's bytes, its folded text as UTF-8 bytes (loaded without decoding), whether every field
folded one character for one and where each field ends (``Forms``);
``libraries/<hash>.pinyin/`` maps it to the digest and the pinyin spelling of that text
(``Spelling``), read only by a pinyin query, so a text query never loads it. A kept entry is
used only for a note with that same digest, so an edited note gets new ones and nothing else
is ever checked. The entries are split into shards by path (``shards.py``), so new forms for
one edited note rewrite one shard of each. Like every cache file a shard may be missing,
torn or from another version (``checked_file``), and is then rebuilt. The header names the
versions of OpenCC and pypinyin, which make the forms, and the size and time of the modules
that do (folding, search and the note parser): an upgrade or an edit of any of them drops
every kept form.
"""

from __future__ import annotations

import marshal
import os
import sys
from pathlib import Path

from papernotes import __version__
from papernotes.storage.caches.location import cache_path, python_version
from papernotes.storage.caches.note_cache import PARSER_FILES
from papernotes.storage.caches.shards import ShardedEntries

FORMS_FORMAT = 3
CONVERTERS = ("opencc", "pypinyin")
_MAGIC = b"papernotes search forms\n"

Forms = tuple[str, bytes, bool, bytes]
"""A note's forms: the digest of its bytes, its folded search text in UTF-8, whether every
field of it folded to as many characters as it has, and where each field ends in that text
(``array("I")`` bytes)."""
Spelling = tuple[str, str]
"""The digest of a note's bytes and the pinyin spelling of its folded text."""
KeptForms = dict[str, Forms]
"""Path -> the forms of the note there."""
KeptSpellings = dict[str, Spelling]


def forms_header() -> bytes:
    """Format, versions, and the size and time of the modules that make the forms (an edited
    folding drops old forms)."""
    src = Path(__file__).parent.parent.parent  # by path: stat-ed, not imported
    makers = [src / "text" / "folding.py", src / "library" / "search.py"]
    makers.append(src / "library" / "search_forms.py")
    makers += [src / name for name in PARSER_FILES]  # what the fields of a digest are
    try:
        code = " ".join(f"{st.st_size}:{st.st_mtime_ns}" for st in map(os.stat, makers))
    except OSError:  # e.g. imported from a zip: the versions alone must do
        code = ""
    line = f"format {FORMS_FORMAT} papernotes {__version__} {python_version()} {code}"
    line += f" {sys.byteorder}"  # field ends are machine integers
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
        head = forms_header()
        self.shards = ShardedEntries(folder, head, real_root)
        self.spelling_shards = ShardedEntries(spellings, head, real_root)

    @classmethod
    def for_library(cls, real_root: str) -> SearchFormsCache:
        return cls(cache_path(real_root, ".forms"), real_root, cache_path(real_root, ".pinyin"))

    def read(self) -> KeptForms:
        """Every note's kept forms (remembering which shard held which, for ``write``)."""
        return self.shards.read()

    def write(self, kept: KeptForms, changed: set[str]) -> bool:
        """Keep exactly ``kept``, given that only the entries of ``changed`` differ from what
        ``read`` gave (the other shards are not rewritten)."""
        return self.shards.write(kept, changed)

    def read_spellings(self) -> KeptSpellings:
        """Every note's kept pinyin spelling (as ``read``)."""
        return self.spelling_shards.read()

    def write_spellings(self, kept: KeptSpellings, changed: set[str]) -> bool:
        """Keep exactly ``kept`` spellings (as ``write``)."""
        return self.spelling_shards.write(kept, changed)
