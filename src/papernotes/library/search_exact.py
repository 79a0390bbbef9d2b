"""``search --exact`` on a year's kept forms: each year's texts as written case folded at
once and each word found in them (each note's text alone when folding changes a length, as
``ß`` does), a hit's field the one holding the earliest word (``search_hits.exact_hit``)."""

from __future__ import annotations

import marshal
from itertools import pairwise
from typing import TYPE_CHECKING

from papernotes.library.search_hits import decoded, exact_hit, notes_holding
from papernotes.storage.caches.year_forms import starts_of

if TYPE_CHECKING:
    from papernotes.library.search import Query
    from papernotes.library.search_listing import Found
    from papernotes.storage.caches.year_forms import YearForms
    from papernotes.text.folding import TextFolder


def exact_year(query: Query, folder: TextFolder, forms: YearForms) -> list[Found]:
    """The papers of ``forms`` (a year's) an exact ``query`` finds, in scan order: the notes
    whose search text, case folded, holds every word (``SearchForms.search``). The year's
    texts are folded at once; when that changes their length (ß), each note's text alone."""
    words = query.words
    texts, text_starts, ends, ends_starts = (
        forms.texts,
        forms.text_starts,
        forms.ends,
        forms.ends_starts,
    )
    joined = decoded(texts[:])  # (mapped: sliced into bytes first)
    folded = joined.casefold()
    starts = starts_of(ends[(a + b) // 2] for a, b in pairwise(ends_starts))  # lengths
    if len(folded) != len(joined) or starts[-1] != len(joined) + 1:  # (note lengths)
        return exact_year_note_by_note(query, folder, forms)
    matched: set[int] | None = None
    for word in words:  # the notes holding each word, found in the year's text at once
        holding = notes_holding(folded, starts, word)
        matched = holding if matched is None else matched & holding
    found: list[Found] = []
    for i in range(len(forms.paths)) if matched is None else sorted(matched):
        note = folded[starts[i] : starts[i + 1] - 1]
        lo, hi, at = ends_starts[i], ends_starts[i + 1], text_starts[i]
        hit = exact_hit(query, folder, ends, lo, hi, texts, at, note)
        found.append((b"", forms.paths[i], *marshal.loads(forms.row(i)), hit))
    return found


def exact_year_note_by_note(query: Query, folder: TextFolder, forms: YearForms) -> list[Found]:
    """``exact_year`` with each note's text cut from the kept ones and folded alone."""
    words, folder = query.words, folder
    texts, starts, row, paths = forms.texts, forms.text_starts, forms.row, forms.paths
    ends, ends_starts = forms.ends, forms.ends_starts
    found: list[Found] = []
    for i in range(len(paths)):
        at = starts[i]
        folded = texts[at : starts[i + 1] - 1].decode("utf-8", "surrogatepass").casefold()
        if all(word in folded for word in words):
            lo, hi = ends_starts[i], ends_starts[i + 1]
            hit = exact_hit(query, folder, ends, lo, hi, texts, at, folded)
            found.append((b"", paths[i], *marshal.loads(row(i)), hit))
    return found
