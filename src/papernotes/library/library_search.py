"""The search half of ``Library``: each note's folded and pinyin text (``forms``, made on
first use so that commands that never search never import the folding code), ``select`` by
year and folded tag, and ``search``, its hits and the spans to mark (``library/search.py``,
``library/search_forms.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from papernotes.model import Note

if TYPE_CHECKING:
    from papernotes.library.search import Hit, Query
    from papernotes.library.search_forms import SearchForms
    from papernotes.storage.store import NoteStore
    from papernotes.text.folding import TextFolder


class LibrarySearch:
    """``Library``'s search methods (its base class: they use its notes and store)."""

    if TYPE_CHECKING:  # what the search methods use of Library
        store: NoteStore
        _forms: SearchForms | None

        def notes(self) -> list[Note]: ...

    @property
    def forms(self) -> SearchForms:
        """Each note's folded and pinyin text, for search (made on first use, so commands
        that never search never import the folding code)."""
        if self._forms is None:
            from papernotes.library.search_forms import SearchForms

            self._forms = SearchForms(self.store)
        return self._forms

    @property
    def folder(self) -> TextFolder:
        """How search folds text: width, case, traditional characters, pinyin."""
        return self.forms.folder

    def select(self, year: int | None = None, tag: str | None = None) -> list[Note]:
        """The notes of ``year`` tagged ``tag``, compared folded (蒸餾 is 蒸馏)."""
        notes = [n for n in self.notes() if year is None or n.paper.year == year]
        if not tag:
            return notes  # no folding needed: list without --tag never imports it
        fold = self.folder.fold
        wanted = fold(tag)
        return [n for n in notes if any(wanted == fold(t) for t in n.paper.tags)]

    def query(self, text: str, exact: bool = False) -> Query:
        """``text`` parsed as ``search`` reads it (``library.search``)."""
        from papernotes.library.search import parse_query

        return parse_query(text, self.folder, exact)

    def search(
        self, query: str | Query, notes: Iterable[Note] | None = None, exact: bool = False
    ) -> list[Note]:
        """Notes whose title, notes, venue, tags or authors contain every word of ``query``:
        folded, traditional or simplified, or as pinyin (``library.search``)."""
        parsed = query if not isinstance(query, str) else self.query(query, exact)
        return self.forms.search(parsed, self.notes() if notes is None else list(notes))

    def haystack(self, note: Note) -> str:
        """The folded search text of ``note``, computed once (``library/search_forms.py``)."""
        return self.forms.folded(note)

    def keep_search_forms(self) -> None:
        """Keep the search forms computed since the library was read, so the next search
        reads them instead (``storage/caches/search_forms_cache.py``)."""
        self.forms.keep({n.path for n in self.notes()})

    def spans(self, query: Query, text: str) -> list[tuple[int, int]]:
        """Where ``query`` matches in ``text`` (any field's text), to mark on screen."""
        from papernotes.library.search import spans

        return spans(query, text, self.folder)

    def hit(self, query: Query, note: Note) -> Hit | None:
        """Where ``query`` matched ``note``: the field and the span to mark."""
        return self.hits(query, [note])[0]

    def hits(self, query: Query, notes: list[Note]) -> list[Hit | None]:
        """``hit`` for each of ``notes``, from their kept search forms."""
        return self.forms.hits(query, notes)
