"""The search forms of each note (folded text, pinyin form), kept so a search computes them once.

One file per library next to the note cache (``libraries/<hash>.search``), read only by
commands that search: ``list`` never pays for it. It maps a note's path to the digest of the
note's bytes and its forms; a form is used only for a note with that same digest, so an
edited note gets new forms and nothing else is ever checked. Like every cache file it may
be missing, torn or from another version (``checked_file``), and is then rebuilt.
"""

from __future__ import annotations

import marshal
import os
from pathlib import Path

from papernotes import __version__
from papernotes.storage.caches.location import cache_path, python_version
from papernotes.storage.checked_file import read_checked, write_checked

FORMS_FORMAT = 1
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
    return _MAGIC + f"{line} marshal {marshal.version}\n".encode()


class SearchFormsCache:
    """The search forms file of one library; failures read as empty and write as False."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        """``None`` when caching is off (``PAPERNOTES_NO_CACHE``)."""

    @classmethod
    def for_library(cls, real_root: str) -> SearchFormsCache:
        return cls(cache_path(real_root, ".search"))

    def read(self, real_root: str) -> KeptForms:
        if self.path is None:
            return {}
        payload = read_checked(self.path, forms_header())
        if payload is None:
            return {}
        try:
            root, kept = marshal.loads(payload)
        except (ValueError, EOFError, TypeError):
            return {}
        return kept if root == real_root and isinstance(kept, dict) else {}

    def write(self, real_root: str, kept: KeptForms) -> bool:
        if self.path is None:
            return False
        try:
            payload = marshal.dumps((real_root, kept))
        except (ValueError, TypeError):
            return False
        return write_checked(self.path, forms_header(), payload)
