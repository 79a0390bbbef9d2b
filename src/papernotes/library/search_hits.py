"""Matching a query against each note's kept search forms, and where it matched, without
folding or spelling any field again: what ``search`` does for every one of thousands of hits.

A note's forms (``library.search_forms``) are its folded text as UTF-8 bytes (a substring of
valid UTF-8 is found only at character boundaries, so a byte search finds what a string
search finds, and bytes load from the cache without decoding), whether every field folds to
as many characters as it has (``aligned``: a position in the folded text is then the same
position in the field), and its pinyin spelling: one token per folded character
(``TextFolder.pinyin_spelling``), so a match in it maps to characters by counting tokens.
The hit found is the one ``search.locate`` finds from the folded text; a note that is not
aligned goes through ``locate`` itself.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from itertools import accumulate

from papernotes.library.search import Hit, PinyinPattern, Query, merged
from papernotes.model import Paper
from papernotes.text.folding import HAN, NOT_HAN


def encoded(text: str) -> bytes:
    """``text`` as the kept folded forms hold it (any lone surrogate kept, as in a name)."""
    return text.encode("utf-8", "surrogatepass")


def decoded(data: bytes) -> str:
    return data.decode("utf-8", "surrogatepass")


class FormsQuery:
    """A parsed, non-exact query ready for the kept forms: its words encoded once."""

    def __init__(self, query: Query) -> None:
        self.query = query
        self.words = [(encoded(w), len(w)) for w in query.words]
        self.per_word = query.pinyin or (None,) * len(query.words)
        self.patterns = [p for p in (*query.pinyin, query.whole) if p is not None]

    def matches_text(self, folded: bytes) -> bool:
        return all(word in folded for word, _ in self.words)

    def matching(self, texts: list[bytes], spellings: list[str]) -> list[int]:
        """The positions of the notes that ``matches`` (given their folded texts and
        spellings): each word found in all the texts joined, then each pinyin pattern in all
        the spellings joined, so that a note costs a search in C only where it matches."""
        everyone = set(range(len(texts)))
        if not self.words:
            return sorted(everyone)
        texts_joined, text_starts = b"\n".join(texts), starts_of([len(t) for t in texts])
        spelled, spelled_starts = "\n".join(spellings), starts_of([len(s) for s in spellings])
        found: set[int] | None = None
        for (word, _), pattern in zip(self.words, self.per_word, strict=True):
            notes = notes_holding(texts_joined, text_starts, word) if word else set(everyone)
            if pattern is not None:
                notes |= notes_read_as(spelled, spelled_starts, pattern)
            found = notes if found is None else found & notes
        assert found is not None
        if self.query.whole is not None:
            found |= notes_read_as(spelled, spelled_starts, self.query.whole)
        return sorted(found)

    def text_place(self, folded: bytes) -> tuple[int, int] | None:
        """The earliest word of the query in ``folded`` as a character span (the shorter word
        at a tie), or None: ``search._located_in_haystack``'s choice."""
        if len(self.words) == 1:
            word, length = self.words[0]
            at = folded.find(word) if word else -1
            if at < 0:
                return None
        else:
            places = [(at, n) for word, n in self.words if word and (at := folded.find(word)) >= 0]
            if not places:
                return None
            at, length = min(places)  # bytes and characters are in the same order
        start = len(decoded(folded[:at]))
        return start, start + length

    def pinyin_place(self, spelling: str) -> tuple[int, int] | None:
        """The first span (in characters, overlapping matches joined) where a pinyin pattern
        of the query matches ``spelling``: ``search._pinyin_hit``'s span, in the note's text.
        With one pattern the matches after the first are looked for only while they overlap."""
        if len(self.patterns) == 1:
            pattern = self.patterns[0]
            hit = pattern.search_from(spelling, 0)
            if hit is None:
                return None
            start, end = _widened(spelling, hit)
            while True:
                hit = pattern.search_from(spelling, max(hit.end(), hit.start() + 1))
                if hit is None:
                    break
                later, later_end = _widened(spelling, hit)
                if later > end:  # matches come in order: the first one past the end ends it
                    break
                end = max(end, later_end)
        else:
            spans = [_widened(spelling, hit) for p in self.patterns for hit in p.finditer(spelling)]
            joined = merged(spans)
            if not joined:
                return None
            start, end = joined[0]
        # Positions of token boundaries in the spelling: the tokens before are the characters.
        count = spelling.count
        first_char = count(HAN, 0, start) + count(NOT_HAN, 0, start)
        return first_char, first_char + count(HAN, start, end) + count(NOT_HAN, start, end)


def starts_of(lengths: list[int]) -> list[int]:
    """Where each of forms of ``lengths`` starts once they are joined by newlines (and one
    past the end of the last one)."""
    return list(accumulate((n + 1 for n in lengths), initial=0))


def notes_holding(joined: bytes, starts: list[int], word: bytes) -> set[int]:
    """The notes whose folded text (joined with the others, ``starts_of``) holds ``word``
    (no newline in it: no match spans two notes)."""
    found = set()
    at = joined.find(word)
    while at >= 0:
        note = bisect_right(starts, at) - 1
        found.add(note)
        at = joined.find(word, starts[note + 1])  # on to the next note
    return found


def notes_read_as(joined: str, starts: list[int], pattern: PinyinPattern) -> set[int]:
    """The notes whose pinyin spelling (joined with the others, ``starts_of``) ``pattern``
    matches (a match holds no newline)."""
    found = set()
    hit = pattern.search_from(joined, 0)
    while hit is not None:
        note = bisect_right(starts, hit.start()) - 1
        found.add(note)
        hit = pattern.search_from(joined, starts[note + 1])
    return found


def _widened(spelling: str, hit: re.Match[str]) -> tuple[int, int]:
    """``hit`` widened to whole tokens: from the start of the token it starts in (a match
    starts inside a token's readings) to the end of the token it ends in (the next ``;`` or
    ``|``, else the end)."""
    end = hit.end()
    next_han, next_other = spelling.find(HAN, end), spelling.find(NOT_HAN, end)
    if next_han < 0 or 0 <= next_other < next_han:
        next_han = next_other
    return spelling.rfind(HAN, 0, hit.start()), next_han if next_han >= 0 else len(spelling)


def field_ends(fields: list[str]) -> bytes:
    """Where each of ``fields`` ends once they are joined by newlines, as ``array("I")``
    bytes: kept with a note's forms, so a hit's field is one ``bisect`` away."""
    ends = array("I")
    end = -1
    for text in fields:
        end += len(text) + 1
        ends.append(end)
    return ends.tobytes()


def hit_at(paper: Paper, kept_ends: bytes, start: int, end: int) -> Hit | None:
    """The field of ``paper`` holding the span ``start``–``end`` of its folded text (the
    fields joined by newlines in ``search.fields_of`` order, folded one character for one),
    as a ``Hit``; ``kept_ends`` are the ``field_ends`` of those fields."""
    ends = array("I")
    ends.frombytes(kept_ends)
    number = bisect_left(ends, start)  # the first field ending at or after the start
    if number == len(ends):
        return None
    offset = ends[number - 1] + 1 if number else 0
    if number < len(HEAD_FIELDS):
        name = HEAD_FIELDS[number]
        text = str(paper.year) if name == "year" else getattr(paper, name)
        return Hit(name, None, text, start - offset, end - offset)
    number -= len(HEAD_FIELDS)
    for name, items in (("authors", paper.authors), ("tags", paper.tags), ("notes", paper.notes)):
        if number < len(items):
            return Hit(name, number, items[number], start - offset, end - offset)
        number -= len(items)
    return Hit("body", None, paper.body, start - offset, end - offset)


HEAD_FIELDS = ("title", "arxiv_title", "venue", "key", "arxiv", "year")
