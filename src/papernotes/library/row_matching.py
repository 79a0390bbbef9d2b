"""Which of the TUI's rows a filter's words find (``PaperRows.matching``), in time for a
keystroke at 100,000 rows.

A word is looked for in each row's folded text (``RowTexts``); a word of Chinese characters
only, in the rows' Chinese characters alone (``HanText``: a fifth of the text to scan). A
word that reads as pinyin also matches the rows whose characters read that way. The rows
holding each of the last few words are kept, for the same chosen rows and texts: a word
that contains a kept one (one more letter typed) is looked for only in the rows that held
it, and a word kept already (a letter deleted again) costs nothing. Only the rows holding a
word as text are kept, never what pinyin added, so a pinyin word never narrows the next
one. The answers equal a fresh scan and ``Library.search``
(``tests/library/test_row_matching.py``).
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Sequence
from itertools import compress
from typing import TYPE_CHECKING

from papernotes.library.han_text import pinyin_splits, whole_splits

if TYPE_CHECKING:
    from papernotes.library.paper_rows import PaperRows

KEPT_WORDS = 8
"""Words whose rows are kept (at most 400 KB each at 100,000 rows)."""
_HAN_ONLY = re.compile("[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]+")
"""A word of Chinese characters only (``han_text``'s characters)."""


class RowMatcher:
    """Finds the rows of a chosen sequence that a query's words match, keeping the rows
    each recent word was found in."""

    def __init__(self, rows: PaperRows) -> None:
        self._rows = rows
        self._held: dict[bytes, Sequence[int]] = {}
        """Folded word (UTF-8) -> the rows of the scope whose text holds it, in its order."""
        self._scope: tuple[Sequence[int], object] | None = None
        """The chosen rows and the texts the kept words were looked for in."""

    def forget(self) -> None:
        """A row's text changed (or the rows were read again): keep nothing found before."""
        self._held = {}
        self._scope = None

    def matching(self, words: list[str], chosen: Sequence[int]) -> Sequence[int]:
        """The rows of ``chosen`` that every word of ``words`` (``search.terms``) finds, as
        ``Library.search`` finds notes, in the order of ``chosen``."""
        rows = self._rows
        if rows.texts.unknown:
            rows.fill_texts()
        self._enter(chosen)
        fold = rows.library.folder.fold
        splits = [pinyin_splits(w) for w in words]
        whole = whole_splits(words)
        if len(words) == 1 and not splits[0] and not whole:  # the common case
            return self.holding(fold(words[0]), chosen)
        found: set[int] | None = None
        for word, split in zip(words, splits, strict=True):
            held = set(self.holding(fold(word), chosen))
            if split:
                held |= rows.han_text().rows_read_as(split, chosen)
            found = held if found is None else found & held
        assert found is not None
        if whole:
            found |= rows.han_text().rows_read_as(whole, chosen)
        if isinstance(chosen, range) and chosen.step == 1:  # in order already: no scan
            return array("i", sorted(found))
        return array("i", compress(chosen, map(found.__contains__, chosen)))

    def holding(self, word: str, chosen: Sequence[int]) -> Sequence[int]:
        """The rows of ``chosen`` whose folded text holds the folded ``word``, in order:
        looked for only among the rows a kept word inside it was found in."""
        from papernotes.library.search_hits import encoded

        key = encoded(word)
        kept_words = self._held  # ``forget`` (a save, in a worker) replaces it meanwhile
        held = kept_words.pop(key, None)
        if held is None:
            within = chosen
            for kept, rows in kept_words.items():
                if kept in key and len(rows) < len(within):
                    within = rows
            if _HAN_ONLY.fullmatch(word):
                held = array("i", self._rows.han_text().holding(word, within))
            else:
                held = array("i", self._rows.texts.holding(key, within))
        kept_words[key] = held  # the most recent last
        if len(kept_words) > KEPT_WORDS:
            del kept_words[next(iter(kept_words))]
        return held

    def _enter(self, chosen: Sequence[int]) -> None:
        """Keep the words found so far only if they were looked for in ``chosen`` and the
        same texts."""
        texts = self._rows.texts
        scope = self._scope
        if scope is not None and scope[1] is texts:
            before = scope[0]
            if before is chosen or (
                isinstance(before, range) and isinstance(chosen, range) and before == chosen
            ):
                return
        self._held = {}
        self._scope = (chosen, texts)
