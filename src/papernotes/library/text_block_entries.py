"""A year folder's notes joined into what its kept block holds (``library/text_blocks.py``,
``text_blocks_keep.py``): the text of the notes in the library's order, each one's entry, and
where each of the folder's notes has its text, in scan order (``TextBlock.spans``).
"""

from __future__ import annotations

import marshal
from array import array
from collections.abc import Sequence

from papernotes.storage.caches.text_blocks_cache import SPAN_CODE, BlockEntry

MadeNote = tuple[str, bytes, int, str, str, "bytes | tuple[int, int] | None"]
"""A note of a folder made again: path, stat key, year, date added, title, text (kept: where
it is in the folder's old text; None: left out of the output)."""


def joined_entries(
    notes: list[MadeNote], old_text: bytes, joiner: bytes, paths: Sequence[str]
) -> tuple[bytes, bytes, int, bytes]:
    """The entries (``marshal`` data) and text of a folder's ``notes`` in their order, each
    note's text (a kept one: its place in ``old_text``) joined by ``joiner``, how many the
    text shows, and the spans of the folder's ``paths`` (``TextBlock.spans``: a path not
    among ``notes`` has none)."""
    texts: list[bytes] = []
    entries: dict[str, BlockEntry] = {}
    at = 0
    for rel, key, year, added, title, text in notes:
        if isinstance(text, tuple):  # kept: where it was in the old text
            text = old_text[text[0] : text[1]]
        if text is None:
            entries[rel] = (key, year, added, title, -1, -1)
            continue
        if texts:
            at += len(joiner)
        entries[rel] = (key, year, added, title, at, at + len(text))
        texts.append(text)
        at += len(text)
    none = (b"", 0, "", "", -1, -1)
    spans = array(SPAN_CODE)
    for path in paths:
        entry = entries.get(path, none)
        spans.append(entry[4])
        spans.append(entry[5])
    return marshal.dumps(entries), joiner.join(texts), len(texts), spans.tobytes()


def span_array(spans: bytes) -> array[int]:
    """``TextBlock.spans`` as an ``array``."""
    made = array(SPAN_CODE)
    made.frombytes(spans)
    return made
