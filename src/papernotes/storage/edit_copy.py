"""The copy of a note that ``$EDITOR`` works on, in the user's data folder.

The editor never opens the note itself: another papernotes may change, move or remove the
note while the editor is open. The copy lives in ``<user data folder>/papernotes/edits/`` —
never inside the library, so it is never listed as a note — and stays there, to be found by
the path the error message prints, whenever its text cannot be written back.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import time
from pathlib import Path

from papernotes.storage.regular_file import NotRegularFileError


def edits_dir() -> Path:
    """``$XDG_DATA_HOME/papernotes/edits`` on Linux (platformdirs' user data folder elsewhere)."""
    from papernotes.user_folders import data_folder  # where the default library is too

    return data_folder() / "edits"


class EditCopy:
    """``original`` (the note's bytes when copied) written to ``path`` for the editor.

    ``path`` ends in the note's own relative path (``…/2021/deberta.md``), so an editor shows
    which note it is and picks Markdown highlighting from the suffix.
    """

    def __init__(self, rel: str, original: bytes, path: Path) -> None:
        self.rel, self.original, self.path = rel, original, path

    @classmethod
    def make(cls, rel: str, original: bytes) -> EditCopy:
        """Write ``original`` to a new private folder of ``edits_dir()`` named after the time."""
        import tempfile  # not needed by read-only commands

        base = edits_dir()
        base.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y-%m-%d-%H%M%S")
        folder = Path(tempfile.mkdtemp(prefix=f"{stamp}-", dir=base))  # mode 0700
        path = folder.joinpath(*rel.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(original)
        return cls(rel, original, path)

    def edited(self) -> bytes:
        """What the editor left in the copy: ``OSError`` if it removed it, and
        ``NotRegularFileError`` if it put something else in its place (a symlink is never
        followed, a FIFO never waited on: the copy's path is the editor's to play with)."""
        flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(self.path, flags)
        except OSError as exc:
            if exc.errno == errno.ELOOP:  # a symlink
                raise NotRegularFileError(self.path) from None
            raise
        with open(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise NotRegularFileError(self.path)
            return handle.read()

    def changed(self) -> bool:
        """True when the copy holds other bytes than the note had (False once it is gone)."""
        try:
            return self.edited() != self.original
        except OSError:
            return False

    def discard(self) -> None:
        """Remove the copy and the folders made for it (left alone if something else is there)."""
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        base = edits_dir()
        folder = self.path.parent
        while folder != base and base in folder.parents:
            try:
                os.rmdir(folder)
            except OSError:
                return
            folder = folder.parent
