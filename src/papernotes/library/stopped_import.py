"""An import that stops at a note it cannot write says how far it got.

The notes written before the failing one stay (each is whole: ``storage/batch.py``), so the
error alone would leave the user guessing whether the library holds nothing, part or all of
the file. Counting what is on disk after the failure, against what was there when the import
began under the lock, gives the numbers exactly, whatever the writer process had finished.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from papernotes.errors import ImportStoppedError, PapernotesError, user_message

if TYPE_CHECKING:
    from papernotes.library.api import Library


@contextmanager
def counted_if_stopped(library: Library, name: str) -> Iterator[Callable[[], None]]:
    """Run an import of the file ``name``; call the given function once the lock is held and
    the folder read, before the first write. A write error after that is raised again as
    ``ImportStoppedError`` naming how many notes were added and updated before it (when any
    were); on any failure the notes held in memory are dropped, since a bulk write that stops
    may have held notes after it that were never written."""
    before: dict[str, str] | None = None

    def remember() -> None:
        nonlocal before
        before = _digests(library)

    try:
        yield remember
    except (OSError, PapernotesError) as exc:
        library.reload()
        if before is None:
            raise
        now = {note.path: note.digest for note in library.notes()}
        added = len(now.keys() - before.keys())
        updated = sum(1 for path, digest in now.items() if before.get(path, digest) != digest)
        if not added and not updated:
            raise
        message = user_message(exc) or str(exc)
        raise ImportStoppedError(
            f"{message} The import stopped there: {added:,} "
            f"{'note was' if added == 1 else 'notes were'} added and {updated:,} updated "
            f"before it; the entries after it were not imported. Import "
            f"{name} again once this is fixed: the notes already added are matched, not "
            "added twice."
        ) from exc
    except BaseException:
        library.reload()
        raise


def _digests(library: Library) -> dict[str, str]:
    """Each note's path and digest: from the identity rows when they answer for the notes
    (``Library.index_rows``: no note loaded), else from the notes."""
    from papernotes.library.row_index import RowIndex

    index = library._index
    if library._notes is None and isinstance(index, RowIndex):
        return index.digests()
    return {note.path: note.digest for note in library.notes()}
