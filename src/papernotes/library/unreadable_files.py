"""Removing a file in a year folder that does not read as a note (``rm`` of a broken note):
deleted without being parsed, and never once it was repaired or changed meanwhile."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from papernotes.errors import ConflictError

if TYPE_CHECKING:
    from papernotes.library.api import Library


def remove_file(library: Library, rel: str, confirm: Callable[[], object] | None) -> None:
    """Delete the file at ``rel`` once ``confirm`` returned (it raises to abort; asked
    outside the lock). Refused (``ConflictError``) when, under the lock, the file no longer
    holds what it held before ``confirm`` or reads as a note now: a file repaired meanwhile
    is never lost."""
    store = library.store
    seen = store.file_state(rel)
    if confirm is not None:
        confirm()
    with library.writing():
        now = store.file_state(rel)
        if now is None:
            raise ConflictError(f"{rel} was removed meanwhile; nothing was removed.")
        if now != seen or any(n.path == rel for n in library.notes()):
            raise ConflictError(
                f"{rel} was changed on disk since it was named; nothing was removed."
            )
        store.delete_file(rel)
