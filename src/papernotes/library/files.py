"""Files the UIs write outside the library (exports), through the same atomic writes."""

from __future__ import annotations

from pathlib import Path

from papernotes.storage.atomic import write_named_file


def write_text_file(path: Path, text: str) -> None:
    """Replace ``path`` (a symlink's target, if it is one) with ``text`` in UTF-8, atomically:
    a reader sees the old file or the new one, never half of it."""
    write_named_file(path, text.encode("utf-8"))
