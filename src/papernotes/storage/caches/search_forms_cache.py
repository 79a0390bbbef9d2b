"""The search forms of each note (folded text, pinyin form), kept so a search computes them once.

One folder per library next to the note cache (``libraries/<hash>.forms/``), read only by
commands that search: ``list`` never pays for it. It maps a note's path to the digest of the
note's bytes and its forms; a form is used only for a note with that same digest, so an
edited note gets new forms and nothing else is ever checked. The entries are split into
shards by path (``shards.py``), so new forms for one edited note rewrite one shard. Like
every cache file a shard may be missing, torn or from another version (``checked_file``),
and is then rebuilt. The header names the versions of OpenCC and pypinyin, which make the
forms: an upgrade of either drops every kept form.
"""

from __future__ import annotations

import marshal
import os
from pathlib import Path

from papernotes import __version__
from papernotes.storage.caches.location import cache_path, python_version
from papernotes.storage.caches.shards import ShardedEntries

FORMS_FORMAT = 2
CONVERTERS = ("opencc", "pypinyin")
_MAGIC = b"papernotes search forms\n"

Forms = dict[str, str]
"""A note's forms by name (``folded``, ``pinyin``): only those computed so far."""
KeptForms = dict[str, tuple[str, Forms]]
"""Path -> (digest of the note's bytes, its forms)."""


def forms_header() -> bytes:
    """Format, versions, and the size and time of the modules that make the forms (an edited
    folding drops old forms)."""
    src = Path(__file__).parent.parent.parent  # by path: stat-ed, not imported
    makers = [src / "text" / "folding.py", src / "library" / "search.py"]
    try:
        code = " ".join(f"{st.st_size}:{st.st_mtime_ns}" for st in map(os.stat, makers))
    except OSError:  # e.g. imported from a zip: the versions alone must do
        code = ""
    line = f"format {FORMS_FORMAT} papernotes {__version__} {python_version()} {code}"
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
    """The search forms folder of one library; failures read as empty and write as False."""

    def __init__(self, folder: Path | None, real_root: str) -> None:
        self.folder = folder
        """``None`` when caching is off (``PAPERNOTES_NO_CACHE``)."""
        self.shards = ShardedEntries(folder, forms_header(), real_root)

    @classmethod
    def for_library(cls, real_root: str) -> SearchFormsCache:
        return cls(cache_path(real_root, ".forms"), real_root)

    def read(self) -> KeptForms:
        """Every note's kept forms (remembering which shard held which, for ``write``)."""
        return self.shards.read()

    def write(self, kept: KeptForms, changed: set[str]) -> bool:
        """Keep exactly ``kept``, given that only the entries of ``changed`` differ from what
        ``read`` gave (the other shards are not rewritten)."""
        return self.shards.write(kept, changed)
