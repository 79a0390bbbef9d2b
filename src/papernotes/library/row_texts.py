"""The folded search texts of the TUI's rows (``library/paper_rows.py``) in one byte string.

A filter keystroke looks for a word in every row's text: with 100,000 texts as separate
``bytes`` objects the scan jumps around memory; in one buffer, laid out in row order, it
reads memory in order and takes about a third less time (the texts are appended in row
order as they are read: ``PaperRows._kept_texts``). Each row's text is the span
``starts[i]:ends[i]`` (-1: not known yet); a text that changes is appended at the end and
its row pointed at it (the old bytes stay until the rows are read again).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable


class RowTexts:
    """The folded texts of ``count`` rows, none known at first."""

    def __init__(self, count: int, blob: bytearray | None = None) -> None:
        self.blob = bytearray() if blob is None else blob
        self.starts = array("q", [-1]) * count
        self.ends = array("q", [-1]) * count
        self.unknown = count
        """How many rows have no text yet."""

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, row: int) -> bytes | None:
        start = self.starts[row]
        return None if start < 0 else bytes(self.blob[start : self.ends[row]])

    def known(self, row: int) -> bool:
        return self.starts[row] >= 0

    def missing(self) -> list[int]:
        return [i for i, start in enumerate(self.starts) if start < 0] if self.unknown else []

    def __setitem__(self, row: int, text: bytes) -> None:
        """Row ``row``'s text is ``text`` (appended to the buffer)."""
        if self.starts[row] < 0:
            self.unknown -= 1
        self.starts[row] = len(self.blob)
        self.blob += text
        self.ends[row] = len(self.blob)

    def share(self, row: int, old: RowTexts, old_row: int) -> None:
        """Row ``row`` has the text ``old`` (over the same buffer) holds for ``old_row``."""
        if old.starts[old_row] >= 0 and self.starts[row] < 0:
            self.starts[row], self.ends[row] = old.starts[old_row], old.ends[old_row]
            self.unknown -= 1

    def holding(self, word: bytes, chosen: Iterable[int]) -> list[int]:
        """The rows of ``chosen`` (all known) whose text holds ``word``, in order."""
        find, starts, ends = self.blob.find, self.starts, self.ends
        return [i for i in chosen if find(word, starts[i], ends[i]) >= 0]
