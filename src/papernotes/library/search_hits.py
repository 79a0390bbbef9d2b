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

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import TYPE_CHECKING, AnyStr, cast

from papernotes.library.pinyin_spans import (
    Spelled,
    SpelledPattern,
    first_readings,
    notes_read_as,
    pinyin_span_in,
)
from papernotes.library.search import Hit, Query, spans
from papernotes.model import Paper
from papernotes.storage.caches.search_forms_cache import starts_of
from papernotes.text.folding import TextFolder

if TYPE_CHECKING:
    from papernotes.storage.caches.mapped_file import Section


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
        self.per_word = [
            None if p is None else SpelledPattern(p)
            for p in query.pinyin or (None,) * len(query.words)
        ]
        self.whole = None if query.whole is None else SpelledPattern(query.whole)
        self.patterns = [p for p in (*self.per_word, self.whole) if p is not None]

    def matches_text(self, folded: bytes) -> bool:
        return all(word in folded for word, _ in self.words)

    def matching(self, texts: list[bytes], spellings: list[str]) -> list[int]:
        """The positions of the notes that ``matches`` (given their folded texts and
        spellings), in order."""
        joined, starts = b"\n".join(texts), starts_of([len(t) for t in texts])
        encoded_spellings = [s.encode("utf-8", "surrogatepass") for s in spellings]
        spelled, spelled_starts = (
            b"\n".join(encoded_spellings),
            starts_of(map(len, encoded_spellings)),
        )
        return self.matching_joined(joined, starts, spelled, spelled_starts)

    def matching_joined(
        self,
        texts: Section,
        text_starts: Sequence[int],
        spelled: Section,
        spelled_starts: Sequence[int],
        places: Places | None = None,
    ) -> list[int]:
        """``matching`` for the folded texts joined by newlines (``starts_of`` each) and the
        spellings joined the same way: each word found in all the texts at once, then each
        pinyin pattern in all the spellings, so that a note costs a search in C only where it
        matches. ``places`` gets where each word is first held and each pattern first
        matches in each note (``place_in`` places a hit from them)."""
        everyone = range(len(text_starts) - 1)
        if not self.words:
            return list(everyone)
        found: set[int] | None = None
        for (word, _), pattern in zip(self.words, self.per_word, strict=True):
            if places is not None:
                held = first_places(texts, text_starts, word) if word else {}
                places.texts.append(held)
                notes = set(held) if word else set(everyone)
            else:
                joined = cast(bytes, texts)  # a mapped section finds as bytes do
                notes = notes_holding(joined, text_starts, word) if word else set(everyone)
            if pattern is not None and places is not None:
                read = first_readings(spelled, spelled_starts, pattern)
                places.readings.append(read)
                notes.update(read)
            elif pattern is not None:
                notes |= notes_read_as(spelled, spelled_starts, pattern)
            found = notes if found is None else found & notes
        assert found is not None
        whole = self.whole
        if whole is not None and places is not None:
            read = first_readings(spelled, spelled_starts, whole)
            places.readings.append(read)
            found.update(read)
        elif whole is not None:
            found |= notes_read_as(spelled, spelled_starts, whole)
        return sorted(found)

    def place_in(  # noqa: PLR0913 - the year's texts and spellings, and where they matched
        self,
        i: int,
        texts: Section,
        text_starts: Sequence[int],
        spelled: Section,
        spelled_starts: Sequence[int],
        places: Places,
    ) -> tuple[int, int] | None:
        """``text_place``, else ``pinyin_place``, for note ``i`` of a year (the texts and
        spellings ``matching_joined`` matched, with the ``places`` it found): no note's text
        or spelling is cut or searched again but for the pinyin matches after the first."""
        best: tuple[int, int] | None = None
        for held, (_, length) in zip(places.texts, self.words, strict=True):
            at = held.get(i)
            if at is not None and (best is None or (at, length) < best):
                best = (at, length)  # the earliest word (the shorter at a tie)
        if best is not None:
            start = len(texts[text_starts[i] : best[0]].decode("utf-8", "surrogatepass"))
            return start, start + best[1]
        heads = [
            (pattern, hit)
            for pattern, read in zip(self.patterns, places.readings, strict=True)
            if (hit := read.get(i)) is not None
        ]
        if not heads:
            return None
        return pinyin_span_in(spelled, spelled_starts[i], spelled_starts[i + 1] - 1, heads)

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
        of the query matches ``spelling``: ``search._pinyin_hit``'s span, in the note's text."""
        spelled = spelling.encode("utf-8", "surrogatepass")
        heads = [(p, hit) for p in self.patterns if (hit := p.search_from(spelled, 0)) is not None]
        return pinyin_span_in(spelled, 0, len(spelled), heads) if heads else None


class Places:
    """Where each word of a query is first held (a byte position in the year's joined folded
    texts) and each of its pinyin patterns (``FormsQuery.patterns``) first matches, by note:
    what ``FormsQuery.matching_joined`` finds on the way, so a hit is placed without
    searching its note again."""

    __slots__ = ("texts", "readings")

    def __init__(self) -> None:
        self.texts: list[dict[int, int]] = []
        self.readings: list[dict[int, Spelled]] = []


def notes_holding(joined: AnyStr, starts: Sequence[int], word: AnyStr) -> set[int]:
    """The notes whose folded text (joined with the others, ``starts_of``) holds ``word``
    (no newline in it: no match spans two notes)."""
    found = set()
    at = joined.find(word)
    while at >= 0:
        note = bisect_right(starts, at) - 1
        found.add(note)
        at = joined.find(word, starts[note + 1])  # on to the next note
    return found


def first_places(joined: Section, starts: Sequence[int], word: bytes) -> dict[int, int]:
    """``notes_holding``, with where in ``joined`` each of those notes first holds ``word``."""
    found = {}
    at = joined.find(word)
    while at >= 0:
        note = bisect_right(starts, at) - 1
        found[note] = at
        at = joined.find(word, starts[note + 1])
    return found


def field_ends(fields: list[str], authors: int, tags: int) -> bytes:
    """How many of ``fields`` are authors and tags, where each field ends once they are
    joined by newlines (in characters), then the same in UTF-8 bytes, as ``array("I")``
    bytes: kept with a note's forms, so a hit's field is one ``bisect`` away and its text
    one slice of the note's kept text."""
    ends = array("I", (authors, tags))
    in_bytes = array("I")
    end = byte_end = -1
    for text in fields:
        end += len(text) + 1
        ends.append(end)
        byte_end += len(encoded(text)) + 1
        in_bytes.append(byte_end)
    return (ends + in_bytes).tobytes()


def hit_at(paper: Paper, kept_ends: bytes, start: int, end: int) -> Hit | None:
    """The field of ``paper`` holding the span ``start``–``end`` of its folded text (the
    fields joined by newlines in ``search.fields_of`` order, folded one character for one),
    as a ``Hit``; ``kept_ends`` are the ``field_ends`` of those fields."""
    ends = array("I")
    ends.frombytes(kept_ends)
    fields = (len(ends) - 2) // 2
    number = bisect_left(ends, start, 2, 2 + fields) - 2  # the first field ending at or after
    if number == fields:  # the start
        return None
    offset = ends[number + 1] + 1 if number else 0
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


def hit_in(  # noqa: PLR0913 - the note's place in its year's forms, and the span
    ends: Sequence[int], lo: int, hi: int, texts: Section, at: int, start: int, end: int
) -> Hit | None:
    """``hit_at`` without the paper: the field's text is cut from the note's search text
    (``search.text_of``) kept in ``texts`` from byte ``at`` on, which ``ends[lo:hi]``
    describe (``field_ends``)."""
    fields = (hi - lo - 2) // 2
    first = lo + 2
    number = bisect_left(ends, start, first, first + fields)  # the first field ending at or
    if number == first + fields:  # after the start
        return None
    in_bytes = number + fields
    if number > first:
        offset = ends[number - 1] + 1
        field = texts[at + ends[in_bytes - 1] + 1 : at + ends[in_bytes]]
    else:
        offset = 0
        field = texts[at : at + ends[in_bytes]]
    text = field.decode("utf-8", "surrogatepass")
    authors, tags = ends[lo], ends[lo + 1]
    number -= first
    start, end = start - offset, end - offset
    if number < HEAD_COUNT:
        return Hit(HEAD_FIELDS[number], None, text, start, end)
    number -= HEAD_COUNT
    if number < authors:
        return Hit("authors", number, text, start, end)
    number -= authors
    if number < tags:
        return Hit("tags", number, text, start, end)
    number -= tags
    if number < fields - 1 - HEAD_COUNT - authors - tags:
        return Hit("notes", number, text, start, end)
    return Hit("body", None, text, start, end)


def exact_hit(  # noqa: PLR0913 - the note's place in its year's forms, and the query
    query: Query,
    folder: TextFolder,
    ends: Sequence[int],
    lo: int,
    hi: int,
    texts: Section,
    at: int,
    folded: str,
) -> Hit | None:
    """``search.locate``'s answer for an exact query (the first field it matches, and the
    first span there), the fields cut from the note's search text kept in ``texts`` from
    byte ``at`` on, which ``ends[lo:hi]`` describe (``field_ends``); ``folded`` is that
    text case folded."""
    fields = (hi - lo - 2) // 2
    authors, tags = ends[lo], ends[lo + 1]
    first = lo + 2
    if len(folded) == ends[first + fields - 1]:  # folded one character for one (no ß)
        places = [place for word in query.words if (place := folded.find(word)) >= 0]
        if not places:
            return None
        # A word holds no newline, so the earliest place is in the first field matched.
        number = bisect_left(ends, min(places), first, first + fields) - first
        start = at + ends[first + fields + number - 1] + 1 if number else at
        text = texts[start : at + ends[first + fields + number]].decode("utf-8", "surrogatepass")
        found = spans(query, text, folder)
        return Hit(*field_named(number, authors, tags, fields), text, *found[0])
    begin = at
    for number, end in enumerate(ends[first + fields : hi]):
        text = texts[begin : at + end].decode("utf-8", "surrogatepass")
        begin = at + end + 1
        found = spans(query, text, folder) if text else []
        if found:
            return Hit(*field_named(number, authors, tags, fields), text, *found[0])
    return None


def field_named(number: int, authors: int, tags: int, fields: int) -> tuple[str, int | None]:
    """The name (and the index in a list field) of field ``number`` of a note's search text
    that has ``fields`` fields, ``authors`` authors and ``tags`` tags (``search.fields_of``)."""
    if number < HEAD_COUNT:
        return HEAD_FIELDS[number], None
    return field_after_head(number - HEAD_COUNT, authors, tags, fields)


def field_after_head(number: int, authors: int, tags: int, fields: int) -> tuple[str, int | None]:
    """``field_named`` of the field ``number`` counted after the head fields."""
    if number < authors:
        return "authors", number
    number -= authors
    if number < tags:
        return "tags", number
    number -= tags
    if number < fields - 1 - HEAD_COUNT - authors - tags:
        return "notes", number
    return "body", None


HEAD_FIELDS = ("title", "arxiv_title", "venue", "key", "arxiv", "year")
HEAD_COUNT = len(HEAD_FIELDS)
