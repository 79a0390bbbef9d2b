"""Pinyin matches in the spellings a year's notes keep (``YearSpellings``: one token per
folded character, ``;readings`` or ``|``, as UTF-8 joined by newlines, mapped from the file):
which notes a pinyin pattern matches, its first match in each, and the span of characters a
hit shows, the matches that overlap or touch joined (``search.merged``'s first span), so
``search`` places tens of thousands of hits without spelling or searching a note again."""

from __future__ import annotations

import re
import sys
from bisect import bisect_right
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from papernotes.text.folding import HAN, NOT_HAN

if TYPE_CHECKING:
    from papernotes.library.search import PinyinPattern
    from papernotes.storage.caches.mapped_file import Section


class SpelledPattern:
    """A query word's ``PinyinPattern`` for spellings kept as UTF-8 (``YearSpellings``): its
    regular expression compiled for bytes, which matches where the text one does (the
    spellings are ASCII, and no byte of another character is a letter, ``;`` or ``,``), on
    a mapped file without copying it."""

    __slots__ = ("regex", "in_token", "in_rest")

    def __init__(self, pattern: PinyinPattern) -> None:
        self.regex = re.compile(pattern.regex.pattern.encode())
        self.in_token = re.compile(b"(?:[a-z]+,)*(?:" + self.regex.pattern + b")")
        """Matched at a token's first reading: whether a match starts at one of its
        readings (a reading holds no ``;``, ``|`` or newline: it never looks further)."""
        self.in_rest = re.compile(b"(?:,[a-z]+)*,(?:" + self.regex.pattern + b")")
        """``in_token`` for the readings after a match that ends inside a token."""

    def search_from(self, form: Section, pos: int, endpos: int = sys.maxsize) -> Spelled | None:
        """``PinyinPattern.search_from``: the first match at ``pos`` or later that starts a
        reading, ending by ``endpos``."""
        search = self.regex.search
        while True:
            found = search(form, pos, endpos)
            if found is None:
                return None
            at = found.start()
            if form[at - 1 : at] in READING_STARTS:
                return found
            pos = at + 1  # inside a longer reading (an in xian): look further


Spelled = re.Match[bytes]
READING_STARTS = (HAN.encode(), b",")
B_HAN, B_NOT_HAN = HAN.encode(), NOT_HAN.encode()
"""``text.folding``'s marks in a spelling kept as bytes."""


def pinyin_span_in(
    joined: Section, lo: int, hi: int, heads: list[tuple[SpelledPattern, Spelled]]
) -> tuple[int, int]:
    """The first span (in characters) of the spelling from ``lo`` to ``hi`` of ``joined``
    where the patterns match, overlapping or touching matches joined (``search.merged``'s
    first span), given each pattern's first match there (``heads``: one or more). Matches
    of a pattern come in order, so the matches after the first are looked for only while
    they start by the end found so far."""
    if len(heads) == 1:
        return one_span_in(joined, lo, hi, *heads[0])
    # Each head: [start, end, pattern, match, found]; once its match is taken, ``start`` is
    # only where its next match can start at the earliest (``found`` False), looked for
    # when that is by the end (``_next_from``).
    todo: list[list[Any]] = [[*_widened_in(joined, h, lo, hi), p, h, True] for p, h in heads]
    start = end = min(head[0] for head in todo)
    while True:  # the spans starting by the end, until none does
        grown = False
        for head in todo:
            while head[0] <= end:
                if not head[4]:
                    hit = head[3]
                    after = head[2].search_from(joined, max(hit.end(), hit.start() + 1), hi)
                    if after is None:
                        head[0] = hi + 1  # no more: never starts by the end
                        break
                    head[:2], head[3], head[4] = _widened_in(joined, after, lo, hi), after, True
                    continue
                end, grown = max(end, head[1]), True
                head[0], head[4] = _next_from(joined, head[3], head[0], head[1]), False
        if not grown:
            break
    return _characters(joined, lo, start, end)


def _next_from(joined: Section, hit: Spelled, start: int, end: int) -> int:
    """Where the next match after ``hit`` (widened to ``start``–``end``) starts at the
    earliest, widened: in its last token if it ends before the token does; else in the next
    token if that is a Chinese character's (``;``); else past it (a ``|`` token has no
    reading to start one)."""
    if hit.end() < end:
        return start
    return end if joined[end : end + 1] == B_HAN else end + 1


def one_span_in(
    joined: Section, lo: int, hi: int, pattern: SpelledPattern, hit: Spelled
) -> tuple[int, int]:
    """``pinyin_span_in`` for one pattern (a query of one word), without a call where the
    match starts or ends a token, and without looking further when no later match can
    start by its end: what most of tens of thousands of hits cost."""
    at, end = hit.start(), hit.end()
    start = at - 1 if joined[at - 1 : at] == B_HAN else joined.rfind(B_HAN, lo, at)
    matched_to = end
    if joined[end : end + 1] not in TOKEN_ENDS:  # another reading of the last character
        token_end = TOKEN_END.search(joined, end, hi)
        end = hi if token_end is None else token_end.start()
    # A later match joins only if it starts at a reading of the last token after the match,
    # or of the next token when that is a Chinese character's (``;``): a ``|`` token has no
    # reading to start one. Each is one anchored match (most hits need neither search).
    rest = end > matched_to and pattern.in_rest.match(joined, matched_to, hi) is not None
    if rest or (
        joined[end : end + 1] == B_HAN and pattern.in_token.match(joined, end + 1, hi) is not None
    ):
        while True:
            after = pattern.search_from(joined, max(hit.end(), hit.start() + 1), hi)
            if after is None:
                break
            hit = after
            later, later_end = _widened_in(joined, hit, lo, hi)
            if later > end:  # matches come in order: the first one past the end ends it
                break
            end = max(end, later_end)
    return _characters(joined, lo, start, end)


TOKEN_ENDS = (B_HAN, B_NOT_HAN, b"\n", b"")
"""What follows a token in a year's spellings: the next token, the next note, the end."""
TOKEN_END = re.compile(b"[;|\n]")


def _characters(joined: Section, lo: int, start: int, end: int) -> tuple[int, int]:
    """The tokens from ``start`` to ``end`` of the spelling that starts at ``lo`` in
    ``joined``, as a span of characters: the tokens before, and those."""
    before, count = start - lo, joined[lo:end].count  # (a mapped file has no ``count``)
    first_char = count(B_HAN, 0, before) + count(B_NOT_HAN, 0, before)
    return first_char, first_char + count(B_HAN, before)  # matches: Chinese characters only


def first_readings(
    joined: Section, starts: Sequence[int], pattern: SpelledPattern
) -> dict[int, Spelled]:
    """``notes_read_as``, with the first match in each of those notes."""
    found = {}
    search = pattern.regex.search  # ``search_from`` without a call per note
    hit = search(joined, 0)
    while hit is not None:
        at = hit.start()
        if joined[at - 1 : at] not in READING_STARTS:  # inside a longer reading: further
            hit = search(joined, at + 1)
            continue
        note = bisect_right(starts, at) - 1
        found[note] = hit
        hit = search(joined, starts[note + 1])
    return found


def notes_read_as(joined: Section, starts: Sequence[int], pattern: SpelledPattern) -> set[int]:
    """The notes whose pinyin spelling (joined with the others, ``starts_of``) ``pattern``
    matches (a match holds no newline)."""
    found = set()
    hit = pattern.search_from(joined, 0)
    while hit is not None:
        note = bisect_right(starts, hit.start()) - 1
        found.add(note)
        hit = pattern.search_from(joined, starts[note + 1])
    return found


def _widened_in(joined: Section, hit: Spelled, lo: int, hi: int) -> tuple[int, int]:
    """``hit`` in the spelling from ``lo`` to ``hi`` of ``joined``, widened to whole
    tokens: from the start of the token it starts in (a match starts inside a token's
    readings) to the end of the token it ends in (the next ``;`` or ``|``, else ``hi``)."""
    end = hit.end()
    next_han, next_other = joined.find(B_HAN, end, hi), joined.find(B_NOT_HAN, end, hi)
    if next_han < 0 or 0 <= next_other < next_han:
        next_han = next_other
    return joined.rfind(B_HAN, lo, hit.start()), next_han if next_han >= 0 else hi
