"""Matching papers against a query: folded text, traditional = simplified, and pinyin.

A query word matches when its folded form (``text.folding.fold``: NFKC, case folded,
traditional made simplified) occurs in the note's folded text, or when it is Latin letters
that split completely into two or more pinyin syllables and the note has characters read
that way in a row (any reading of a heteronym counts). A query of several words that are
each syllables (``zheng liu``) also matches those syllables in a row. ``exact`` compares
the case-folded text only, as before all of this.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from papernotes.model import Paper
from papernotes.text.folding import (
    HAN,
    TextFolder,
    has_han,
    syllable_splits,
    width_and_case,
)


def text_of(paper: Paper) -> str:
    """All the text a search looks at, one field per line (a term never spans two)."""
    return "\n".join(text for _, _, text in fields_of(paper))


def fields_of(paper: Paper) -> list[tuple[str, int | None, str]]:
    """``(field name, index in a list field or None, text)`` for every searched field
    (``search_hits.hit_at`` walks them in this order too)."""
    fields: list[tuple[str, int | None, str]] = [
        ("title", None, paper.title),
        ("arxiv_title", None, paper.arxiv_title),
        ("venue", None, paper.venue),
        ("key", None, paper.key),
        ("arxiv", None, paper.arxiv),
        ("year", None, str(paper.year)),
    ]
    for name in ("authors", "tags", "notes"):
        fields += [(name, i, text) for i, text in enumerate(getattr(paper, name))]
    fields.append(("body", None, paper.body))
    return fields


def haystack(paper: Paper, folder: TextFolder) -> str:
    """The folded search text of ``paper``: computed once per note, then only scanned."""
    return folder.fold(text_of(paper))


def terms(query: str) -> list[str]:
    """The words of ``query`` as compared: NFKC and case folded (not converted)."""
    return width_and_case(query).split()


def _syllables_pattern(syllables: tuple[str, ...]) -> str:
    """Characters read ``syllables`` in a row, in a pinyin form (``TextFolder.pinyin_form``):
    ``;zheng;liu`` or ``;zheng,cheng;liu``. It starts with the first syllable itself, so the
    regular expression engine looks for that literal first (several times faster than any
    pattern starting with a class or a lookbehind); ``PinyinPattern`` checks what precedes."""
    first, *rest = syllables
    tail = "".join(f"(?:,[a-z]+)*{HAN}(?:[a-z]+,)*{s}" for s in rest)
    return f"{first}{tail}(?![a-z])"


class PinyinPattern:
    """A compiled pinyin query word: ``search`` and ``finditer`` as a ``re.Pattern`` has them.
    ``search`` first checks that the form holds every syllable at all (a substring test is far
    faster than the pattern, and most notes fail it); a match must start a reading."""

    def __init__(self, regex: re.Pattern[str], needs: frozenset[str]) -> None:
        self.regex = regex
        self.needs = needs
        """Syllables every way of reading the word has: a form lacking one cannot match."""

    def search(self, form: str, pos: int = 0) -> re.Match[str] | None:
        if not all(syllable in form for syllable in self.needs):
            return None
        return self.search_from(form, pos)

    def search_from(self, form: str, pos: int, endpos: int = sys.maxsize) -> re.Match[str] | None:
        """The first match at ``pos`` or later, ending by ``endpos`` (without the check that
        ``search`` makes)."""
        while True:
            found = self.regex.search(form, pos, endpos)
            if found is None or form[found.start() - 1 : found.start()] in (HAN, ","):
                return found
            pos = found.start() + 1  # inside a longer reading (an in xian): look further

    def finditer(self, form: str) -> Iterator[re.Match[str]]:
        found = self.search_from(form, 0)
        while found is not None:
            yield found
            found = self.search_from(form, max(found.end(), found.start() + 1))


MAX_PINYIN_LETTERS = 30
"""A longer word (or run of words) is matched as text only: its ways of splitting into
syllables grow exponentially with its length, and nobody types a sentence of pinyin."""


def pinyin_pattern(word: str, minimum: int = 2) -> PinyinPattern | None:
    """The pinyin-form pattern of ``word`` when it splits into ``minimum`` or more syllables."""
    if len(word) > MAX_PINYIN_LETTERS or not (word.isascii() and word.isalpha()):
        return None
    splits = [s for s in syllable_splits(word.lower()) if len(s) >= minimum]
    if not splits:
        return None
    regex = re.compile("|".join(_syllables_pattern(s) for s in splits))
    return PinyinPattern(regex, frozenset.intersection(*(frozenset(s) for s in splits)))


@dataclass(frozen=True)
class Query:
    """A parsed query: its folded words, each word's pinyin pattern (or None), and the pattern
    of all the words read as one run of syllables when each is pinyin (``zheng liu``)."""

    words: tuple[str, ...]
    pinyin: tuple[PinyinPattern | None, ...]
    whole: PinyinPattern | None
    exact: bool = False

    @property
    def uses_pinyin(self) -> bool:
        return self.whole is not None or any(p is not None for p in self.pinyin)


def parse_query(text: str, folder: TextFolder, exact: bool = False) -> Query:
    """``text`` as a ``Query``; ``exact`` keeps it to case-folded text matching."""
    if exact:
        return Query(tuple(text.casefold().split()), (), None, exact=True)
    raw = terms(text)
    words = tuple(folder.fold(w) for w in raw)
    return Query(words, tuple(pinyin_pattern(w) for w in raw), _whole_pattern(raw))


def _whole_pattern(raw: list[str]) -> PinyinPattern | None:
    """The pattern of several words read as one run of syllables, when each is pinyin."""
    if len(raw) < 2 or sum(map(len, raw)) > MAX_PINYIN_LETTERS:
        return None
    if not all(pinyin_pattern(w, minimum=1) for w in raw):
        return None
    return pinyin_pattern("".join(raw))


def reads_as_pinyin(text: str) -> bool:
    """True when the query ``text`` has a pinyin reading (so it may match notes that none of
    its words match as text: a filter adding such a word does not narrow the list)."""
    raw = terms(text)
    return any(pinyin_pattern(w) for w in raw) or _whole_pattern(raw) is not None


def matches(query: Query, folded: str, pinyin: str | None) -> bool:
    """True when every word occurs in ``folded`` (or as pinyin in ``pinyin``), or the whole
    query does as pinyin. ``pinyin`` may be None only for a query that ``uses_pinyin`` not."""
    patterns = query.pinyin or (None,) * len(query.words)
    if all(
        word in folded or (pattern is not None and pattern.search(pinyin or ""))
        for word, pattern in zip(query.words, patterns, strict=True)
    ):
        return True
    return query.whole is not None and query.whole.search(pinyin or "") is not None


@dataclass(slots=True)
class Hit:
    """Where a query matched a paper: the field, its index in a list field, the field's
    text and the span of the match in it (Python string indices). Not frozen: a search
    makes one per paper found, and a frozen one takes five times as long to make."""

    field: str
    index: int | None
    text: str
    start: int
    end: int


def locate(query: Query, paper: Paper, folder: TextFolder, folded: str | None = None) -> Hit | None:
    """The first field (in ``fields_of`` order) where a word of ``query`` matched, with the
    span in the original text: the Chinese characters even for a pinyin query. ``folded``
    is the paper's ``haystack`` if known: a text query then finds its field in it."""
    fields = fields_of(paper)
    aligned = folded is not None and len(folded) == sum(len(t) + 1 for _, _, t in fields) - 1
    if folded is not None and aligned and not query.exact:
        hit = _located_in_haystack(query, fields, folded)
        if hit is not None or not query.uses_pinyin:
            return hit
        return _pinyin_hit(query, fields, folder)  # no word as text: only Chinese fields
    for name, index, text in fields:
        found = spans(query, text, folder) if text else []
        if found:
            return Hit(name, index, text, *found[0])
    return None


def _pinyin_hit(
    query: Query, fields: list[tuple[str, int | None, str]], folder: TextFolder
) -> Hit | None:
    """The first field with Chinese characters that ``query`` matches as pinyin."""
    patterns = [p for p in (*query.pinyin, query.whole) if p is not None]
    for name, index, text in fields:
        if not has_han(text):
            continue
        folded, starts = folded_with_offsets(text, folder)
        form = folder.pinyin_form(folded)
        if any(p.search(form) for p in patterns):
            found = merged(_pinyin_spans(patterns, folded, starts, folder))
            if found:
                return Hit(name, index, text, *found[0])
    return None


def _located_in_haystack(
    query: Query, fields: list[tuple[str, int | None, str]], folded: str
) -> Hit | None:
    """The earliest word of ``query`` in ``folded`` (the fields joined by newlines, folded
    one character for one), as a ``Hit``."""
    places = [(at, len(w)) for w in query.words if w and (at := folded.find(w)) >= 0]
    if not places:
        return None
    at, length = min(places)
    offset = 0
    for name, index, text in fields:
        if at < offset + len(text) + 1:
            return Hit(name, index, text, at - offset, at - offset + length)
        offset += len(text) + 1
    return None


def spans(query: Query, text: str, folder: TextFolder) -> list[tuple[int, int]]:
    """Every place in ``text`` where a word of ``query`` matches, as sorted, non-overlapping
    ``(start, end)`` string indices: what the CLI and the TUI mark."""
    found: list[tuple[int, int]] = []
    if not _may_match(query, text, folder):  # whole-string folding is fast: most fields end here
        return found
    if query.exact:
        folded = text.casefold()
        if len(folded) == len(text):
            starts = list(range(len(text) + 1))
        else:
            pieces = [c.casefold() for c in text]
            folded, starts = "".join(pieces), _starts(pieces, len(text))
    else:
        folded, starts = folded_with_offsets(text, folder)
    for word in query.words:
        found += [(starts[at], starts[at + len(word)]) for at in _occurrences(folded, word)]
    patterns = [p for p in (*query.pinyin, query.whole) if p is not None]
    if patterns and has_han(folded):
        form = folder.pinyin_form(folded)
        if any(p.search(form) for p in patterns):
            found += _pinyin_spans(patterns, folded, starts, folder)
    return merged(found)


def _may_match(query: Query, text: str, folder: TextFolder) -> bool:
    if query.exact:
        lowered = text.casefold()
        return any(word in lowered for word in query.words)
    folded = folder.fold(text)
    if any(word in folded for word in query.words):
        return True
    patterns = [p for p in (*query.pinyin, query.whole) if p is not None]
    if not patterns or not has_han(folded):
        return False
    form = folder.pinyin_form(folded)
    return any(p.search(form) for p in patterns)


def _pinyin_spans(
    patterns: list[PinyinPattern], folded: str, starts: list[int], folder: TextFolder
) -> list[tuple[int, int]]:
    """Where ``patterns`` match the characters of ``folded``, as spans of the original text."""
    tokens = folder.pinyin_tokens(folded)
    ends = [0]
    for token in tokens:
        ends.append(ends[-1] + len(token))
    spelled = "".join(tokens)
    found = []
    for pattern in patterns:
        for hit in pattern.finditer(spelled):
            first = bisect_right(ends, hit.start()) - 1  # the token the match starts in
            last = bisect_left(ends, hit.end())  # one past the token it ends in
            found.append((starts[first], starts[last]))
    return found


def _occurrences(text: str, word: str) -> list[int]:
    positions = []
    at = text.find(word) if word else -1
    while at >= 0:
        positions.append(at)
        at = text.find(word, at + len(word))
    return positions


def merged(found: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``found`` sorted, overlapping or touching spans joined, empty ones dropped."""
    joined: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if joined and start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(end, joined[-1][1]))
        elif end > start:
            joined.append((start, end))
    return joined


def _starts(pieces: list[str], length: int) -> list[int]:
    """The position in the original text of each character of ``"".join(pieces)``."""
    return [i for i, piece in enumerate(pieces) for _ in piece] + [length]


def folded_with_offsets(text: str, folder: TextFolder) -> tuple[str, list[int]]:
    """``folder.fold(text)`` character by character, with the position in ``text`` of each
    folded character (and one past the end), so a span found in the folded text maps back.
    A text folding to as many characters is taken as folded one for one (an expansion and a
    composition in the same field could shift a mark by a character: never a match)."""
    converted = folder.fold(text)
    if len(converted) == len(text):  # the common case: one character for one (full-width
        return converted, list(range(len(text) + 1))  # ones too); else character by character
    pieces = [width_and_case(c) for c in text]
    starts = _starts(pieces, len(text))
    joined = "".join(pieces)
    if not has_han(joined):
        return joined, starts
    converted = folder.fold(joined)
    if len(converted) != len(joined):  # a phrase converted to another length: char by char
        converted = "".join(folder.fold(p) if p else p for p in pieces)
        if len(converted) != len(joined):
            return joined, starts
    return converted, starts
