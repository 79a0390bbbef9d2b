"""Placing the hits of a year's notes in one loop: for each note a query matched (from the
places ``FormsQuery.matching_joined`` found), its span in characters, the field holding it
and that field's text, with no call per hit where the query is one word and the pinyin
match joins no later one. ``search`` at 100,000 notes places tens of thousands of hits, so
this is ``search_hits.hit_in`` and ``pinyin_spans.one_span_in`` written out in the loop;
every answer is theirs (``tests/library/test_search_places.py`` compares them).
"""

from __future__ import annotations

import marshal
import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from papernotes.library.pinyin_spans import B_HAN, B_NOT_HAN, TOKEN_END, TOKEN_ENDS, one_span_in
from papernotes.library.search import Hit
from papernotes.library.search_hits import (
    HEAD_COUNT,
    HEAD_FIELDS,
    FormsQuery,
    Places,
    field_after_head,
)

if TYPE_CHECKING:
    from papernotes.library.search_listing import Found
    from papernotes.storage.caches.mapped_file import Section
    from papernotes.storage.caches.year_forms import YearForms

NEVER = re.compile(b"(?!)")
"""Matches nothing: the pinyin checks of a query that has no pinyin reading."""
NAMED = tuple((name, None) for name in HEAD_FIELDS)
"""The name and list index of each head field (``search.fields_of``)."""


def placed(  # noqa: PLR0913, PLR0915 - the year's forms and spellings, where they matched
    matcher: FormsQuery,
    forms: YearForms,
    matched: list[int],
    sounds: Section,
    sound_starts: Sequence[int],
    places: Places,
    unaligned: Callable[[int], Hit | None],
) -> list[Found]:
    """The papers ``matched`` (note positions in ``forms``, in order) with where the query
    matched each, as ``search_listing.YearSearch.found_in`` gives them; ``unaligned(i)`` is
    the hit of a note with a field folding to another length."""
    words = matcher.words
    one_word = len(words) == 1  # the common case: its places taken as found
    length = words[0][1] if one_word else 0
    first_of = (places.texts[0] if one_word else {}).get
    reading_of = (places.readings[0] if one_word and places.readings else {}).get
    pattern = matcher.patterns[0] if one_word and matcher.patterns else None
    in_rest = (NEVER if pattern is None else pattern.in_rest).match
    in_token = (NEVER if pattern is None else pattern.in_token).match
    token_end = TOKEN_END.search
    place_in = matcher.place_in
    texts, starts = forms.folded, forms.folded_starts
    ends, ends_starts, aligned = forms.ends, forms.ends_starts, forms.aligned
    notes, text_starts, paths = forms.texts, forms.text_starts, forms.paths
    rows, row_starts = forms.joined_rows, forms.row_starts
    loads = marshal.loads
    found: list[Found] = []
    add = found.append
    for i in matched:
        row = loads(rows[row_starts[i] : row_starts[i + 1] - 1])
        if not aligned[i]:  # some field folds to another length: field by field
            add((b"", paths[i], *row, unaligned(i)))
            continue
        at = first_of(i)
        if at is not None:  # the word's first place in the note, in characters
            start = len(texts[starts[i] : at].decode("utf-8", "surrogatepass"))
            end = start + length
        elif (hit := reading_of(i)) is not None:  # one word, read as pinyin only
            lo, hi = sound_starts[i], sound_starts[i + 1] - 1
            at, end = hit.start(), hit.end()  # (bytes of the spelling, as one_span_in)
            first = at - 1 if sounds[at - 1 : at] == B_HAN else sounds.rfind(B_HAN, lo, at)
            matched_to = end
            if sounds[end : end + 1] not in TOKEN_ENDS:  # another reading of the character
                after = token_end(sounds, end, hi)
                end = hi if after is None else after.start()
            if (end > matched_to and in_rest(sounds, matched_to, hi) is not None) or (
                sounds[end : end + 1] == B_HAN and in_token(sounds, end + 1, hi) is not None
            ):  # a later match may join it: looked for as one_span_in does
                assert pattern is not None
                start, end = one_span_in(sounds, lo, hi, pattern, hit)
            else:
                before, count = first - lo, sounds[lo:end].count
                start = count(B_HAN, 0, before) + count(B_NOT_HAN, 0, before)
                end = start + count(B_HAN, before)
        else:
            span = place_in(i, texts, starts, sounds, sound_starts, places)
            if span is None:
                add((b"", paths[i], *row, None))
                continue
            start, end = span
        # search_hits.hit_in: the field holding the start, cut from the note's text
        lo, hi = ends_starts[i], ends_starts[i + 1]
        fields = (hi - lo - 2) >> 1
        first = lo + 2
        number = bisect_left(ends, start, first, first + fields)
        if number == first + fields:
            add((b"", paths[i], *row, None))
            continue
        base, in_bytes = text_starts[i], number + fields
        if number > first:
            offset = ends[number - 1] + 1
            field = notes[base + ends[in_bytes - 1] + 1 : base + ends[in_bytes]]
        else:
            offset = 0
            field = notes[base : base + ends[in_bytes]]
        number -= first
        if number < HEAD_COUNT:
            name, index = NAMED[number]
        else:
            name, index = field_after_head(number - HEAD_COUNT, ends[lo], ends[lo + 1], fields)
        text = field.decode("utf-8", "surrogatepass")
        add((b"", paths[i], *row, Hit(name, index, text, start - offset, end - offset)))
    return found
