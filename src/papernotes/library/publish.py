"""Publishing the reading list: the ``publish:`` profile of ``document.yaml`` (set by
``publish config``) and ``export --md --check``, which compares a file with the export."""

from __future__ import annotations

import difflib
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from papernotes.errors import InvalidInputError, NotFoundError
from papernotes.library.files import read_input_file
from papernotes.model import SHOWN_FIELDS, TITLE_LINKS, PublishProfile

if TYPE_CHECKING:
    from papernotes.library.api import Library


def set_publish_profile(library: Library, **changes: object) -> PublishProfile:
    """The library's profile with ``changes`` (options left None stay as they are), written
    to ``document.yaml`` under the lock; refused in one sentence when a value is not valid."""
    changes = {name: value for name, value in changes.items() if value is not None}
    if changes.get("title_link", "none") not in TITLE_LINKS:
        raise InvalidInputError(
            f"title_link must be none, arxiv or code, not {changes['title_link']!r}; "
            "nothing was changed."
        )
    for name in changes.get("show", ()):  # type: ignore[attr-defined]
        if name not in SHOWN_FIELDS:
            raise InvalidInputError(
                f"show takes {', '.join(SHOWN_FIELDS)}, not {name!r}; nothing was changed."
            )
    for name in ("show", "exclude_tags"):
        if name in changes:
            values = (" ".join(str(v).split()) for v in changes[name])  # type: ignore[attr-defined]
            changes[name] = tuple(dict.fromkeys(v for v in values if v))
    with library.writing():
        layout = library.layout()
        profile = replace(layout.publish, **changes)  # type: ignore[arg-type]
        if profile != layout.publish:
            library.save_layout(replace(layout, publish=profile))
    return profile


def describe_profile(profile: PublishProfile) -> str:
    """The profile as ``document.yaml`` holds it (the ``publish:`` mapping)."""
    from papernotes.storage.document_file import publish_data
    from papernotes.storage.note_format import dump_yaml

    return dump_yaml({"publish": publish_data(profile)})


def export_difference(path: Path, text: str) -> str:
    """A unified diff from the file at ``path`` to ``text`` (what ``export`` would write);
    "" when the file holds exactly ``text``. ``NotFoundError`` when there is no such file."""
    try:
        data = read_input_file(path)
    except FileNotFoundError:
        raise NotFoundError(
            f"{path} does not exist, so it is not what the library exports; write it with "
            f"'papernotes export --md -o {path}'."
        ) from None
    wanted = text.encode("utf-8")
    if data == wanted:
        return ""
    if data.replace(b"\r\n", b"\n") == wanted:
        return f"{path} differs only in its line endings (CRLF instead of LF).\n"
    old = data.decode("utf-8", errors="replace").splitlines(keepends=True)
    new = text.splitlines(keepends=True)
    lines = difflib.unified_diff(old, new, str(path), f"{path} (papernotes export --md)")
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )
