"""Each note's search forms: its folded text and that text's pinyin form, computed once.

Kept in memory per path and on disk (``storage/caches/search_forms_cache.py``) per note
digest, so a search folds only the notes that changed since the last one.
"""

from __future__ import annotations

from papernotes.library.search import Query, haystack, matches, text_of
from papernotes.model import Note
from papernotes.storage.caches.search_forms_cache import Forms, KeptForms, SearchFormsCache
from papernotes.storage.store import NoteStore
from papernotes.text.folding import TextFolder


class SearchForms:
    """The forms of the notes of one library; ``keep`` writes the new ones for next time."""

    def __init__(self, store: NoteStore) -> None:
        self.store = store
        self.folder = TextFolder()
        self._folded: dict[str, str] = {}  # path -> folded search text
        self._pinyin: dict[str, str] = {}  # path -> pinyin form of the folded text
        self._kept: KeptForms | None = None  # the kept forms, read on first use
        self._cache: SearchFormsCache | None = None
        self._changed: set[str] = set()  # paths whose kept forms were computed here

    def search(self, query: Query, pool: list[Note]) -> list[Note]:
        """The notes of ``pool`` that ``query`` matches (``library.search``), in order."""
        if query.exact:
            words = query.words
            return [n for n in pool if all(w in text_of(n.paper).casefold() for w in words)]
        texts = [self.folded(n) for n in pool]
        if not query.uses_pinyin:
            words = query.words
            if len(words) == 1:  # the common case, without a call per note
                word = words[0]
                return [n for n, text in zip(pool, texts, strict=True) if word in text]
            return [n for n, text in zip(pool, texts, strict=True) if all(w in text for w in words)]
        return [
            n for n, text in zip(pool, texts, strict=True) if matches(query, text, self.pinyin(n))
        ]

    def folded(self, note: Note) -> str:
        text = self._folded.get(note.path)
        if text is None:
            forms = self._kept_forms(note)
            text = forms.get("folded")
            if text is None:
                text = forms["folded"] = haystack(note.paper, self.folder)
                self._changed.add(note.path)
            self._folded[note.path] = text
        return text

    def known(self, path: str) -> str | None:
        """The folded text of the note at ``path`` if worked out already."""
        return self._folded.get(path)

    def pinyin(self, note: Note) -> str:
        text = self._pinyin.get(note.path)
        if text is None:
            forms = self._kept_forms(note)
            text = forms.get("pinyin")
            if text is None:
                text = forms["pinyin"] = self.folder.pinyin_form(self.folded(note))
                self._changed.add(note.path)
            self._pinyin[note.path] = text
        return text

    def _kept_forms(self, note: Note) -> Forms:
        """The kept forms of ``note``: those of its current bytes (same digest), else none."""
        if self._kept is None:
            self._cache = self.store.caches().search_forms()
            self._kept = self._cache.read()
        entry = self._kept.get(note.path)
        if entry is None or entry[0] != note.digest:
            entry = self._kept[note.path] = (note.digest, {})
        return entry[1]

    def forget(self, path: str) -> None:
        """The note at ``path`` changed or went: its forms are worked out again if needed."""
        self._folded.pop(path, None)
        self._pinyin.pop(path, None)

    def clear(self) -> None:
        self._folded.clear()
        self._pinyin.clear()

    def keep(self, paths: set[str]) -> None:
        """Write the forms of the notes at ``paths`` if any was computed since the last time."""
        if self._kept is None or self._cache is None or not self._changed:
            return
        kept = {path: entry for path, entry in self._kept.items() if path in paths}
        self._cache.write(kept, self._changed)
        self._changed = set()
