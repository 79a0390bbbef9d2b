"""``search`` without building every note: the papers a query finds, in the library's order,
each with its ``list`` row and where it matched, from the search forms kept per year folder
(``storage/caches/search_forms_cache.py``), one year at a time.

The folder is listed and every note file stat-ed, as any load does. A year's kept forms are
used for each note whose file has the stat key they were made for (a note that does not
parse is kept as its problem, the same way); the other notes of that year are read from
their files and get new forms, written back with the year's file. The query is matched
against the year's folded texts (and spellings) joined, so only a matching note costs more
than a search in C; only a hit has its kept ``list`` row loaded and its passage worked out,
and a ``Note`` is built only for a hit whose fields do not fold one character for one. Only
one year's forms are held at a time: at 100,000 notes they would take hundreds of megabytes.
The answer is what ``Library.search`` and ``Library.hits`` give from every note, with the
problems a load reports (``tests/storage/test_search_listing.py`` compares it with a run
without caches). The papers a year's forms give for a query are kept, printed, with the
forms' token (``storage/caches/search_answers.py``): a search repeated after an edit works
out only the edited year's papers again.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from papernotes.errors import FileFormatError
from papernotes.gc_pause import gc_paused
from papernotes.library.list_rows import ADDED, PATH, RAW_TITLE, VENUE, YEAR, Row
from papernotes.library.order import ordered
from papernotes.library.search import Hit, Query, locate
from papernotes.library.search_exact import exact_year
from papernotes.library.search_forms import entry_of
from papernotes.library.search_hits import FormsQuery, Places, decoded
from papernotes.library.search_places import placed
from papernotes.library.search_split import worked_out
from papernotes.model import Note, Problem
from papernotes.storage.caches.note_cache import is_racy
from papernotes.storage.caches.note_cache_load import NoteCacheLoad
from papernotes.storage.caches.search_answers import SearchAnswers, YearAnswer
from papernotes.storage.caches.search_forms_cache import (
    UNKNOWN,
    Entry,
    KeptProblem,
    SearchFormsCache,
    YearForms,
    YearSpellings,
)
from papernotes.storage.document_file import LAYOUT_FILE
from papernotes.storage.layout_yaml import load_layout_yaml
from papernotes.storage.note_format import NoteFormatError

if TYPE_CHECKING:
    from papernotes.library.api import Library
    from papernotes.storage.note_folder import Scan
    from papernotes.storage.store import NoteStore
    from papernotes.text.folding import TextFolder

Found = Row
"""A paper found: its ``list`` row up to the venue (``b""`` for the stat key), then where
the query matched it (``HIT``)."""
HIT = VENUE + 1


Part = tuple[str, int, str]
"""A paper's printed line in parts: before the padding after its name, the name's width,
after it (``cli/output.found_parts``)."""
Render = Callable[[list[Found]], list[Part]]


class Lines:
    """The printed lines of the papers a search found, in three parts each (``Part``, kept
    as parallel lists), and the order they are printed in."""

    def __init__(self) -> None:
        self.heads: list[str] = []
        self.widths: array[int] = array("I")
        self.tails: list[str] = []
        self.order: list[int] = []
        self.paths: list[str] = []
        """Each paper's path, in the order of the lines (not ``order``)."""
        self.at: list[int] | None = None
        """Each paper's place in ``scan``'s notes, as ``paths``; None when not known (a
        note that does not read) or not asked for."""
        self.scan: Scan | None = None
        """The scan the papers were found in."""

    def __len__(self) -> int:
        return len(self.order)


def listed_lines(  # noqa: PLR0913 - the query, how it is printed, and what is asked back
    library: Library, text: str, exact: bool, style: str, render: Render, at: bool = False
) -> tuple[list[Problem], Lines] | None:
    """The problems of the load and the printed lines of every paper the query ``text``
    finds in the library's order, made by ``render`` (printing in ``style``) from the
    papers found with where it matched; None when forms are not kept (caching off: use
    ``Library.search``), when a file cannot be stat-ed or is gone when read. A year whose
    forms are those an answer was kept from (``storage/caches/search_answers.py``) is not
    searched again. ``at``: each paper's place in the scan worked out too (``Lines.at``)."""
    store = library.store
    cache = store.caches().search_forms()
    if cache.folder is None:
        return None
    scan = store.scan()
    if not store.stat_notes(scan) or scan.keys is None:  # every note stat-ed (and what a
        return None  # state settles, as for any command that reads every note: names_stamp)
    search = YearSearch(store, scan, cache, library.query(text, exact), library.folder)
    name = f"{style}\0{'exact' if exact else ''}\0{text}"
    answers = SearchAnswers.for_query(cache.real_root, name, cache.head())
    lines = Lines()
    lines.scan, lines.at = scan, [] if at else None
    paths = lines.paths
    years: list[int] = []
    added: list[str] = []
    titles: list[str] = []
    with gc_paused():
        worked = search.year_answers(answers, render)
        if worked is None:  # a note deleted or moved meanwhile: a load lists the folder
            return None  # again
        ranges = year_ranges(scan.found)  # (year_answers: one answer per year, in order)
        for (start, end), (year_paths, answer) in zip(ranges, worked, strict=True):
            paths += map(year_paths.__getitem__, answer.places)
            if lines.at is not None and year_paths == scan.found[start:end]:
                lines.at += map(start.__add__, answer.places)  # (its notes all read)
            else:
                lines.at = None
            years += answer.years
            added += answer.added
            titles += answer.titles
            lines.heads += answer.heads
            lines.widths += answer.widths
            lines.tails += answer.tails
    done = {scan.found[start][:4] for start, _ in year_ranges(scan.found)}
    answers.keep_only(done)
    problems, order = settled(library, scan, scan.keys, cache, done, search.unread)
    lines.order = ordered(
        list(range(len(paths))),
        order,
        paths.__getitem__,
        years.__getitem__,
        lambda i: (added[i], titles[i].casefold()),
    )
    return problems, lines


def answer_of(
    found: list[Found], parts: list[Part], paths: list[str], places: list[int] | None = None
) -> YearAnswer:
    """What is kept of the papers ``found`` among the notes at ``paths`` (a year's), printed
    as ``parts``; ``places``: where each is among them, when known."""
    if places is None:
        place = {path: i for i, path in enumerate(paths)} if found else {}
        places = [place[f[PATH]] for f in found]
    return YearAnswer(
        array("I", places),
        [f[YEAR] for f in found],
        [f[ADDED] for f in found],
        [f[RAW_TITLE] for f in found],
        [head for head, _, _ in parts],
        array("I", [width for _, width, _ in parts]),
        [tail for _, _, tail in parts],
    )


def settled(  # noqa: PLR0913 - the search's parts, one each
    library: Library,
    scan: Scan,
    keys: list[bytes],
    cache: SearchFormsCache,
    years: set[str],
    unread: list[Problem],
) -> tuple[list[Problem], Any]:
    """After a search of every year: the forms of years with no note now dropped, the load
    remembered as any load is, and its problems and the document's order."""
    store = library.store
    for spellings in (False, True):  # a year folder with no note now keeps no forms
        for gone in cache.years(spellings) - years:
            cache.remove_year(gone, spellings)
    layout = NoteCacheLoad(store.caches().notes, cache.real_root, scan.started_ns, entries=False)
    layout_data = layout.layout_data(store.root / LAYOUT_FILE, load_layout_yaml)
    layout.finish()  # as a load: document.yaml's parsed data kept in the note cache
    store.remember_load(scan, keys, layout, layout_data, unread, settled=False)
    problems = scan.problems + unread
    try:
        order: Any = library.layout().order
    except FileFormatError as exc:  # as Library._load: ordered without the document's order
        order = ()
        problems = [Problem(exc.path, exc.line, exc.message), *problems]
    return problems, order


def year_ranges(found: list[str]) -> Iterator[tuple[int, int]]:
    """Where the notes of each year folder are in ``found`` (the scan's paths, which it
    sorts: ``NoteFolder.scan``)."""
    start = 0
    while start < len(found):
        year = found[start][:4]  # a year folder's name has four digits (``YEAR_DIR``)
        end = bisect_left(found, year + "0", start)  # "/" sorts just before "0"
        yield start, end
        start = end


class YearSearch:
    """``query`` over the notes of one year folder at a time (``current_forms``, then
    ``found_in``); ``unread`` gathers the problems of the notes that do not read, in scan
    order."""

    def __init__(
        self, store: NoteStore, scan: Scan, cache: SearchFormsCache, query: Query, folder: Any
    ) -> None:
        self.store, self.cache, self.query, self.scan = store, cache, query, scan
        self.folder: TextFolder = folder
        self.matcher = FormsQuery(query)
        self.pinyin = query.uses_pinyin
        self.unread: list[Problem] = []
        self.as_kept = False
        """Whether the last ``current_forms`` are those the cache holds (not made here)."""
        self.vanished = False
        """Whether a note was gone when read (deleted or moved since the scan): the caller
        lets a load list the folder again."""

    def year_answers(
        self, answers: SearchAnswers, render: Render
    ) -> list[tuple[list[str], YearAnswer]] | None:
        """The paths of each year's notes that read, and the papers the query finds there,
        printed (made by ``render``): kept from the same forms, else worked out and kept;
        None when a note went meanwhile (``vanished``). A year whose forms are as kept is
        worked out after the others, with them (the later ones by a child:
        ``search_split``); a year whose forms were made again (its notes changed) at once,
        so that one year's forms are held at a time."""
        kept: list[tuple[list[str], YearAnswer | None]] = []
        todo: list[tuple[str, bytes, int]] = []  # year, its forms' token, its notes
        for start, end in year_ranges(self.scan.found):
            year = self.scan.found[start][:4]
            forms = self.current_forms(year, start, end)
            if self.vanished:
                return None
            answer = answers.read_year(year, forms.token)
            if answer is None and not self.as_kept:
                answer = self.worked_out(year, forms, render)
                if answer is None:
                    return None
                answers.write_year(year, forms.token, answer)
            elif answer is None:  # mapped again when worked out: held mapped, every
                todo.append((year, forms.token, len(forms.paths)))  # year would be resident
            kept.append((forms.paths, answer))
            del forms

        def work(item: tuple[str, bytes, int]) -> YearAnswer | None:
            year, token, _ = item
            forms = self.cache.read_year(year)
            if forms is None or forms.token != token:  # changed meanwhile: a load
                return None  # searches every note
            answer = self.worked_out(year, forms, render)
            if answer is not None:  # kept by the process that worked it out
                answers.write_year(year, token, answer)
            return answer

        if todo:
            answers.make_room()
        weights = [notes for _, _, notes in todo]
        worked = worked_out(todo, weights, work, YearAnswer.payload, YearAnswer.read)
        if worked is None:
            return None
        new = iter(worked)
        return [(paths, answer if answer is not None else next(new)) for paths, answer in kept]

    def worked_out(self, year: str, forms: YearForms, render: Render) -> YearAnswer | None:
        """The papers the query finds in ``forms`` (the current forms of ``year``), printed
        by ``render``; None when a note went meanwhile (``vanished``)."""
        places, found = self.found_places(year, forms)
        return None if self.vanished else answer_of(found, render(found), forms.paths, places)

    def found_in(self, year: str, forms: YearForms) -> list[Found]:
        """The papers of ``forms`` (the current forms of ``year``) that the query finds, in
        scan order."""
        return self.found_places(year, forms)[1]

    def found_places(self, year: str, forms: YearForms) -> tuple[list[int] | None, list[Found]]:
        """``found_in``, with the place of each paper found among the notes of ``forms``
        when known without looking its path up (None: not known)."""
        if self.query.exact:
            return None, exact_year(self.query, self.folder, forms)
        spelled = self.current_spellings(year, forms) if self.pinyin else None
        sounds, sound_starts = (b"", (0,)) if spelled is None else (spelled.spelled, spelled.starts)
        places = Places()
        texts, starts = forms.folded, forms.folded_starts
        matched = self.matcher.matching_joined(texts, starts, sounds, sound_starts, places)
        found = placed(
            self.matcher, forms, matched, sounds, sound_starts, places, lambda i: self.hit(forms, i)
        )
        return matched, found

    def hit(self, forms: YearForms, i: int) -> Hit | None:
        """Where the query matched note ``i`` of ``forms``, one with a field that folds to
        another length (``SearchForms.hits``'s answer): worked out field by field."""
        note = self.read(forms.paths[i])
        if not isinstance(note, Note):
            return None
        return locate(self.query, note.paper, self.folder, decoded(forms.folded_of(i)))

    def current_forms(self, year: str, start: int, end: int) -> YearForms:
        """The forms of the notes of the scan from ``start`` to ``end`` that read, in scan
        order (the problems of the others added to ``unread``): those kept for the same stat
        key as they are, the others made again and kept for next time."""
        paths, keys = self.scan.found[start:end], self.scan.keys[start:end]  # type: ignore[index]
        kept = self.cache.read_year(year)
        same = kept is not None and not kept.problems and kept.holds(paths)
        self.as_kept = same and kept is not None and kept.keys == b"".join(keys)
        if self.as_kept:
            assert kept is not None
            return kept  # every file as it was
        index = {path: i for i, path in enumerate(kept.paths)} if kept is not None else {}
        problems = {p[0]: p for p in kept.problems} if kept is not None else {}
        entries: list[Entry] = []
        unread: list[KeptProblem] = []
        changed = kept is None
        for path, key in zip(paths, keys, strict=True):
            i = index.get(path)
            if kept is not None and i is not None and kept.key(i) == key:
                entries.append(kept.entry(i))
                continue
            problem = problems.get(path)
            if problem is not None and problem[1] == key:
                unread.append(problem)
                self.unread.append(Problem(path, problem[2], problem[3]))
                continue
            changed = True
            kept_key = UNKNOWN if is_racy(key, self.scan.started_ns) else key
            note = self.read(path)
            if isinstance(note, Problem):
                self.unread.append(note)
                if kept_key != UNKNOWN and not note.message.startswith("cannot read"):
                    unread.append((path, kept_key, note.line, note.message))
            elif kept is not None and i is not None and kept.digests[i] == note.digest:
                entries.append(kept.entry(i, kept_key))  # the same bytes: only the stat changed
            else:
                entries.append(entry_of(note, self.folder, kept_key))
        if kept is not None and len(entries) + len(unread) != len(kept.paths) + len(kept.problems):
            changed = True  # a note went
        # Nothing differed: the same forms as the file's, so the same token (search_answers).
        forms = YearForms.of(entries, unread, None if changed or kept is None else kept.token)
        if changed:
            self.cache.write_year(year, forms)
        return forms

    def current_spellings(self, year: str, forms: YearForms) -> YearSpellings:
        """The pinyin spellings of the notes of ``forms``, in their order: those kept for the
        same digest as they are, the others spelled again (kept for next time)."""
        kept = self.cache.read_spellings_year(year)
        if (
            kept is not None  # the same notes with the same bytes: two comparisons, no list
            and kept.joined_paths == forms.joined_paths
            and kept.joined_digests == forms.joined_digests
        ):
            return kept
        index = {path: i for i, path in enumerate(kept.paths)} if kept is not None else {}
        entries = []
        for i, (path, digest) in enumerate(zip(forms.paths, forms.digests, strict=True)):
            at = index.get(path)
            if kept is not None and at is not None and kept.digests[at] == digest:
                entries.append((path, digest, kept.spelling(at)))
            else:
                spelling = self.folder.pinyin_spelling(decoded(forms.folded_of(i)))
                entries.append((path, digest, spelling))
        spellings = YearSpellings.of(entries)
        self.cache.write_spellings_year(year, spellings)
        return spellings

    def read(self, path: str) -> Note | Problem:
        """The note at ``path`` read from its file, or its problem as a load reports it."""
        try:
            return self.store.read(path)
        except NoteFormatError as exc:
            return Problem(path, exc.line, exc.message)
        except OSError as exc:  # may pass: never kept
            self.vanished = self.vanished or self.store.vanished(path, exc)
            return Problem(path, 1, f"cannot read: {exc.strerror or exc}")
