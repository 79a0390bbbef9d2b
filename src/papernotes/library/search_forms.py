"""Each note's search forms: its folded text, whether it folded one character for one, and
its pinyin spelling (for pinyin queries only), computed once.

Kept in memory per path and on disk (``storage/caches/search_forms_cache.py``) per note
digest, so a search folds only the notes that changed since the last one; ``search_hits``
matches and locates hits on them.
"""

from __future__ import annotations

import marshal

from papernotes.gc_pause import gc_paused
from papernotes.library.list_rows import VENUE, YEAR, list_row
from papernotes.library.search import Hit, Query, fields_of, locate, text_of
from papernotes.library.search_hits import FormsQuery, decoded, encoded, field_ends, hit_at
from papernotes.model import Note
from papernotes.storage.caches.search_forms_cache import (
    UNKNOWN,
    Entry,
    Forms,
    KeptForms,
    KeptSpellings,
    SearchFormsCache,
)
from papernotes.storage.store import NoteStore
from papernotes.text.folding import TextFolder


class SearchForms:
    """The forms of the notes of one library; ``keep`` writes the new ones for next time."""

    def __init__(self, store: NoteStore) -> None:
        self.store = store
        self.folder = TextFolder()
        self._kept: KeptForms | None = None  # kept and new forms, read on first use
        self._kept_spellings: KeptSpellings | None = None  # read on the first pinyin query
        self._cache: SearchFormsCache | None = None
        self._changed: dict[str, Entry] = {}  # the entries of the forms computed here
        self._changed_spellings: set[str] = set()

    def search(self, query: Query, pool: list[Note]) -> list[Note]:
        """The notes of ``pool`` that ``query`` matches (``library.search``), in order."""
        if query.exact:
            words = query.words
            return [n for n in pool if all(w in text_of(n.paper).casefold() for w in words)]
        texts = [forms[1] for forms in self._forms_of(pool)]
        matcher = FormsQuery(query)
        if not query.uses_pinyin:
            if len(matcher.words) == 1:  # the common case, without a call per note
                word = matcher.words[0][0]
                return [n for n, text in zip(pool, texts, strict=True) if word in text]
            match = matcher.matches_text
            return [n for n, text in zip(pool, texts, strict=True) if match(text)]
        return [pool[i] for i in matcher.matching(texts, self._spellings_of(pool))]

    def hits(self, query: Query, notes: list[Note]) -> list[Hit | None]:
        """Where ``query`` matched each of ``notes`` (``search.locate``'s answer), from the
        kept forms: the field and the span to show."""
        if query.exact:
            return [locate(query, n.paper, self.folder) for n in notes]
        matcher = FormsQuery(query)
        pinyin = query.uses_pinyin
        spellings = self._spellings_of(notes) if pinyin else [""] * len(notes)
        found: list[Hit | None] = []
        for note, forms, spelling in zip(notes, self._forms_of(notes), spellings, strict=True):
            if not forms[2]:  # some field folds to another length: field by field
                found.append(locate(query, note.paper, self.folder, decoded(forms[1])))
                continue
            place = matcher.text_place(forms[1])
            if place is None and pinyin:
                place = matcher.pinyin_place(spelling)
            found.append(None if place is None else hit_at(note.paper, forms[3], *place))
        return found

    def folded(self, note: Note) -> str:
        """The folded search text of ``note`` (``search.haystack``)."""
        return decoded(self._forms(note)[1])

    def known(self, path: str) -> str | None:
        """The folded text held for the note at ``path`` (kept or worked out), if any, so a
        filter keystroke reads no forms from disk (``_forms_of`` checks its digest on use)."""
        forms = self._kept.get(path) if self._kept is not None else None
        return None if forms is None else decoded(forms[1])

    def pinyin(self, note: Note) -> str:
        """The pinyin spelling of the folded text of ``note`` (``pinyin_spelling``)."""
        return self._spellings_of([note])[0]

    def _spellings_of(self, notes: list[Note]) -> list[str]:
        """The pinyin spelling of each of ``notes``: kept (read on first use, held after) for
        its current bytes (same digest), else worked out now."""
        if self._kept_spellings is None:
            with gc_paused():  # ten thousand strings, no cycles: no collections meanwhile
                self._kept_spellings = self._kept_cache().read_spellings()
        kept = self._kept_spellings
        found = []
        for note in notes:
            spelled = kept.get(note.path)
            if spelled is None or spelled[0] != note.digest:
                spelling = self.folder.pinyin_spelling(self.folded(note))
                spelled = kept[note.path] = (note.digest, spelling)
                self._changed_spellings.add(note.path)
            found.append(spelled[1])
        return found

    def _forms(self, note: Note) -> Forms:
        return self._forms_of([note])[0]

    def _forms_of(self, notes: list[Note]) -> list[Forms]:
        """The forms of each of ``notes``: kept (read on first use, held after) for its
        current bytes (same digest), else worked out now. One loop for all: a search asks
        for every note."""
        if self._kept is None:
            with gc_paused():  # tens of thousands of objects, no cycles (``gc_pause``)
                self._kept = self._kept_cache().read()
        kept = self._kept
        found = []
        for note in notes:
            forms = kept.get(note.path)
            if forms is None or forms[0] != note.digest:
                entry = self._changed[note.path] = entry_of(note, self.folder)
                forms = kept[note.path] = (entry[2], entry[3], entry[4], entry[5])
            found.append(forms)
        return found

    def _kept_cache(self) -> SearchFormsCache:
        if self._cache is None:
            self._cache = self.store.caches().search_forms()
        return self._cache

    def forget(self, path: str) -> None:
        """The note at ``path`` changed or went: its forms are of no use (they would not be
        used anyway: forms are used only for the digest they were made from)."""
        if self._kept is not None:
            self._kept.pop(path, None)
        if self._kept_spellings is not None:
            self._kept_spellings.pop(path, None)

    def keep(self, paths: set[str]) -> None:
        """Write the forms of the notes at ``paths`` computed since the last time, if any."""
        if self._cache is None:
            return
        if self._kept is not None and self._changed:
            changed = {p: e for p, e in self._changed.items() if p in paths}
            self._cache.update(changed, paths)
            self._changed = {}
        if self._kept_spellings is not None and self._changed_spellings:
            spelled = self._kept_spellings
            self._cache.update_spellings(
                {p: spelled[p] for p in self._changed_spellings if p in paths and p in spelled},
                paths,
            )
            self._changed_spellings = set()


def entry_of(note: Note, folder: TextFolder, key: bytes = UNKNOWN) -> Entry:
    """The kept entry of ``note``'s forms (its file's stat key ``key`` if known)."""
    paper = note.paper
    fields = [text for _, _, text in fields_of(paper)]
    text = "\n".join(fields)  # search.text_of
    folded = folder.fold(text)
    aligned = len(folded) == len(text) and _lengths(folded) == _lengths(text)
    ends = field_ends(fields, len(paper.authors), len(paper.tags))
    row = marshal.dumps(list_row(note)[YEAR - 1 : VENUE])  # no stat key: one place before
    return (note.path, key, note.digest, encoded(folded), aligned, ends, encoded(text), row)


def _lengths(text: str) -> list[int]:
    """The length of each line of ``text``: equal in the folded text and the note's text when
    every field (a field never spans a line) folded to as many characters as it has."""
    return [len(line) for line in text.split("\n")]
