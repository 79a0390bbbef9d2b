"""Pinyin queries on the TUI's rows (``library/paper_rows.py``) without the pinyin spellings
that ``search`` keeps (86 MB at 100,000 notes): each row's Chinese characters, and which of
the library's characters read as each syllable.

Pinyin is read character by character (``text.folding.TextFolder.readings``: every reading
of a heteronym), so a word read as syllables s1…sn matches where n characters in a row read
s1…sn: a regular expression of character classes on the characters alone finds what the
spelling patterns of ``search.pinyin_pattern`` find (``tests/library/test_paper_rows.py``).
"""

from __future__ import annotations

import re
from itertools import compress, repeat
from operator import contains
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from papernotes.library.row_texts import RowTexts
    from papernotes.text.folding import TextFolder

_NOT_HAN_RUN = "[^\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]+"  # text.folding's


def pinyin_splits(word: str, minimum: int = 2) -> list[tuple[str, ...]]:
    """The syllable splits ``search.pinyin_pattern`` reads ``word`` as ([] when none)."""
    from papernotes.library.search import MAX_PINYIN_LETTERS
    from papernotes.text.folding import syllable_splits

    if len(word) > MAX_PINYIN_LETTERS or not (word.isascii() and word.isalpha()):
        return []
    return [s for s in syllable_splits(word.lower()) if len(s) >= minimum]


def whole_splits(raw: list[str]) -> list[tuple[str, ...]]:
    """The splits of several words read as one run of syllables (``search._whole_pattern``)."""
    from papernotes.library.search import MAX_PINYIN_LETTERS

    if len(raw) < 2 or sum(map(len, raw)) > MAX_PINYIN_LETTERS:
        return []
    if not all(pinyin_splits(w, minimum=1) for w in raw):
        return []
    return pinyin_splits("".join(raw))


class HanText:
    """The Chinese characters of each row's folded text (other runs as one ``|``), and which
    of the library's characters read as each syllable."""

    def __init__(self, texts: RowTexts, folder: TextFolder) -> None:
        blob, starts, ends = texts.blob, texts.starts, texts.ends
        self.parts = [
            _han_part(blob[s:e]) if s >= 0 else "" for s, e in zip(starts, ends, strict=True)
        ]
        chars: set[str] = set()
        for part in self.parts:
            chars.update(part)
        self.chars = chars
        readers: dict[str, list[str]] = {}
        for char in chars - {"|"}:
            for syllable in folder.readings(char).split(","):
                if syllable:
                    readers.setdefault(syllable, []).append(char)
        self.readers = {s: "".join(sorted(chars)) for s, chars in readers.items()}

    def update(self, at: int, text: bytes) -> bool:
        """Row ``at`` now has the folded ``text``; False when it holds a character the
        library had nowhere else (the readings must be gathered again)."""
        part = _han_part(text)
        if not self.chars.issuperset(part):
            return False
        self.parts[at] = part
        return True

    def pattern(self, splits: list[tuple[str, ...]]) -> re.Pattern[str] | None:
        """Characters in a row read as the syllables of one of ``splits``."""
        ways = []
        for split in splits:
            classes = [self.readers.get(s, "") for s in split]
            if all(classes):
                ways.append("".join(f"[{re.escape(c)}]" for c in classes))
        return re.compile("|".join(ways)) if ways else None

    def rows_read_as(self, splits: list[tuple[str, ...]], chosen: Sequence[int]) -> set[int]:
        """The rows of ``chosen`` holding characters read as one of ``splits``."""
        regex = self.pattern(splits)
        if regex is None:
            return set()
        return set(compress(chosen, map(regex.search, self._parts_of(chosen))))

    def holding(self, word: str, chosen: Sequence[int]) -> Iterable[int]:
        """The rows of ``chosen`` whose text holds ``word``, a word of Chinese characters
        only (it is in a row's text exactly where it is in its characters), in order."""
        return compress(chosen, map(contains, self._parts_of(chosen), repeat(word)))

    def _parts_of(self, chosen: Sequence[int]) -> Iterable[str]:
        """The parts of the rows ``chosen``, in its order (one loop in C, no Python per row)."""
        parts = self.parts
        if isinstance(chosen, range) and chosen == range(len(parts)):
            return parts
        return map(parts.__getitem__, chosen)


def _han_part(text: bytes | bytearray) -> str:
    """The Chinese characters of a folded text, each other run as one ``|``."""
    return re.sub(_NOT_HAN_RUN, "|", text.decode("utf-8", "surrogatepass"))
