"""``papernotes check`` after an edit at the cost of reading every file, not of building
every note: the quick read (``storage/check_load.py``) hashes every file and parses only
those whose bytes the last check did not see; every other note's facts
(``check_facts.py``) are the ones kept for its bytes, and when no file's bytes,
``document.yaml`` or the listing changed, the output is the one kept.

Whenever the quick read cannot vouch for what is kept (nothing kept, a file unreadable or
changing meanwhile, a note cache entry to repair, ...) every note is read as before
(``NoteStore.load(from_disk=True)``), and what is kept is made again from that read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from papernotes.library.check_facts import Fact, facts_problems, library_order, note_facts
from papernotes.model import Note, Problem
from papernotes.storage.caches.check_facts import CheckFactsCache
from papernotes.storage.check_load import CheckLoad, check_load, full_read_state
from papernotes.storage.note_writes import digest

if TYPE_CHECKING:
    from papernotes.library import Library


def checked(library: Library, full: bool = False) -> tuple[list[Problem], int]:
    """Every problem in the library and its number of notes; ``full``: every note read
    from its file and held by ``library`` (``check --links`` then goes through them)."""
    store = library.store
    kept = CheckFactsCache.for_library(str(store.folder.real_root))
    library.reload()
    load = None if full else check_load(store, kept)
    if load is not None:
        answer = _from_facts(library, load, kept)
        if answer is not None:
            return answer
        library.reload()
    return _full(library, kept)


def _full(library: Library, kept: CheckFactsCache) -> tuple[list[Problem], int]:
    """Every note read from its file (``Library.check`` as it always was), then kept."""
    library._load(from_disk=True)
    notes = library.notes()
    store = library.store
    exact = [True]

    def data_of(note: Note) -> bytes | None:
        try:
            data = store.note_bytes(note.path)
        except OSError:
            exact[0] = False
            return None
        if digest(data) != note.digest:  # changed since read: its facts are not kept
            exact[0] = False
        return data

    paths = [note.path for note in notes]
    facts = note_facts(notes, data_of)
    problems = facts_problems(library, library.problems(), paths, facts)
    if exact[0]:
        load = full_read_state(store, {note.path: note.digest for note in notes})
        if load is not None:
            by_path = dict(zip(paths, facts, strict=True))
            kept_facts = {
                rel: (d, by_path[rel])
                for rel, d in zip(load.rels, load.digests, strict=True)
                if rel in by_path
            }
            _keep(load, kept, problems, len(notes), kept_facts)
    elif kept.state_path is not None:
        kept.clear()
    return problems, len(notes)


def _from_facts(
    library: Library, load: CheckLoad, kept: CheckFactsCache
) -> tuple[list[Problem], int] | None:
    """The problems and number of notes from the quick read ``load`` and the facts kept;
    None when a note's facts are not kept for its bytes."""
    assert load.kept is not None
    inputs = load.inputs_digest()
    output = load.kept[5]
    lone = not any(p.path.endswith((".md", ".yaml")) for p in load.scan.problems)
    if lone and output[0] == inputs and isinstance(output[1], list):
        problems = [Problem(*p) for p in output[1]]
        count = output[2]
        assert isinstance(count, int)
        if _state_changed(load):
            kept.write_state(load.state((inputs, output[1], count)))
        return problems, count
    facts_kept = kept.read_facts()
    if facts_kept is None:
        return None
    rels, digests, parsed = load.rels, load.digests, load.parsed
    paths: list[str] = []
    facts: list[Fact | None] = []
    fresh: list[Note] = []
    for rel, d in zip(rels, digests, strict=True):
        if rel in load.problems:
            continue
        paths.append(rel)
        note = parsed.get(rel)
        if note is not None:
            fresh.append(note)
            facts.append(None)
            continue
        known = facts_kept.get(rel)
        if known is None or known[0] != d:
            return None
        facts.append(known[1])
    if fresh:
        made = iter(note_facts(fresh, lambda note: load.parsed_data.get(note.path)))
        facts = [fact if fact is not None else next(made) for fact in facts]
    complete = cast("list[Fact]", facts)
    places, layout_problems = library_order(library, paths, complete)
    ordered_paths = [paths[i] for i in places]
    ordered_facts = [complete[i] for i in places]
    unread = [Problem(rel, *load.problems[rel]) for rel in rels if rel in load.problems]
    before = [*layout_problems, *load.scan.problems, *unread]
    problems = facts_problems(library, before, ordered_paths, ordered_facts)
    by_path = dict(zip(paths, complete, strict=True))
    kept_facts = {
        rel: (d, by_path[rel]) for rel, d in zip(rels, digests, strict=True) if rel in by_path
    }
    _keep(load, kept, problems, len(paths), kept_facts)
    return problems, len(paths)


def _state_changed(load: CheckLoad) -> bool:
    assert load.kept is not None
    rels, digests, _, crcs, marks, _ = load.kept
    return (
        rels != load.rels
        or marks != load.marks
        or crcs != load.shard_crcs
        or digests != b"".join(load.digests)
    )


def _keep(
    load: CheckLoad,
    kept: CheckFactsCache,
    problems: list[Problem],
    count: int,
    facts: dict[str, tuple[bytes, Fact]],
) -> None:
    """Keep the facts and the state for the next check (the facts first: a state is only
    ever read with the facts of its time or later)."""
    lone = not any(p.path.endswith((".md", ".yaml")) for p in load.scan.problems)
    inputs = load.inputs_digest() if lone else b""
    output = (inputs, [(p.path, p.line, p.message) for p in problems], count)
    if not kept.write_facts(facts):
        kept.clear()
        return
    kept.write_state(load.state(output))
