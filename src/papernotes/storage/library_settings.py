"""The library's own settings file, ``.papernotes.yaml`` (kept in the library, so every copy
of it behaves the same), and the ``.gitignore`` and ``.gitattributes`` lines history needs."""

from __future__ import annotations

import re
from pathlib import Path

from papernotes.storage.atomic import TEMP_PREFIX, TEMP_SUFFIX
from papernotes.storage.library_lock import HOLDER_FILE

SETTINGS_FILE = ".papernotes.yaml"
GITIGNORE, GITATTRIBUTES = ".gitignore", ".gitattributes"
NOTE_DRIVER, DOCUMENT_DRIVER = "papernotes-note", "papernotes-document"
_HEADER = (
    "# Settings of this papernotes library, the same on every copy of it (kept by papernotes).\n"
)
_GIT_LINE = re.compile(r"^git:\s*(\S+)\s*$", re.MULTILINE)
IGNORED = (".papernotes.lock", HOLDER_FILE, f"{TEMP_PREFIX}*{TEMP_SUFFIX}", ".merge_file_*")
ATTRIBUTES = (
    f"document.yaml merge={DOCUMENT_DRIVER}",
    f"[0-9]*/*.md merge={NOTE_DRIVER}",
)


def git_enabled(root: Path) -> bool:
    """Whether the library keeps its history in git (``git: true`` in its settings)."""
    try:
        text = (Path(root) / SETTINGS_FILE).read_text("utf-8", errors="replace")
    except OSError:
        return False
    found = _GIT_LINE.search(text)
    return found is not None and found.group(1).lower() in ("true", "on", "yes")


def settings_text(current: str | None, git: bool) -> str:
    """The settings file with ``git`` set, other lines kept."""
    line = f"git: {'true' if git else 'false'}"
    if current and _GIT_LINE.search(current):
        return _GIT_LINE.sub(line, current, count=1)
    return (
        (current or _HEADER) + ("" if not current or current.endswith("\n") else "\n") + line + "\n"
    )


def with_lines(current: str | None, lines: tuple[str, ...]) -> str | None:
    """``current`` (a ``.gitignore`` or ``.gitattributes``) with the missing ``lines`` added;
    None when none is missing."""
    text = current or ""
    have = {line.strip() for line in text.splitlines()}
    missing = [line for line in lines if line not in have]
    if not missing:
        return None
    if text and not text.endswith("\n"):
        text += "\n"
    return text + "".join(line + "\n" for line in missing)
