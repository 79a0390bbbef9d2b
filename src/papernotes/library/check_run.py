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

from typing import TYPE_CHECKING, Any, cast

from papernotes.library.check_facts import (
    ADDED,
    FACTS,
    MARKER,
    RAW_TITLE,
    YEAR,
    Columns,
    Fact,
    facts_problems,
    library_order,
    note_facts,
    rows_of,
)
from papernotes.model import Note, Problem
from papernotes.storage.caches.check_facts import CheckFactsCache, Joined
from papernotes.storage.check_load import CheckLoad, changed_positions, check_load, full_read_state
from papernotes.storage.note_writes import digest

if TYPE_CHECKING:
    from papernotes.library import Library

ORDER_FACTS = (YEAR, ADDED, RAW_TITLE)
MOST_DELTA = 500
"""Notes whose facts are kept in the state file (changed since the facts file was written)
beyond which the facts file is written again."""


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
    return _full(library, kept, full)


def _full(library: Library, kept: CheckFactsCache, hold: bool) -> tuple[list[Problem], int]:
    """Every note read from its file (``Library.check`` as it always was), then kept;
    the notes held after when ``hold``."""
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
    columns = note_facts(notes, data_of)
    count, loaded = len(notes), library.problems()
    digests = {note.path: note.digest for note in notes}
    del notes
    if not hold:  # the notes let go before the problems are worked out from their facts
        library.reload()  # (their memory is then used again: 100,000 notes, 15 MB less)
    problems = facts_problems(library, loaded, paths, columns)
    load = full_read_state(store, digests) if exact[0] else None
    if load is None:
        kept.clear()
        return problems, count
    order = sorted(range(count), key=paths.__getitem__)  # path order: the scan's
    for n, column in enumerate(columns):  # one column at a time: no second copy of all
        columns[n] = list(map(column.__getitem__, order))
    note_rels = list(map(paths.__getitem__, order))
    del order
    joined = Joined([digests[rel] for rel in note_rels])
    if kept.write_facts((note_rels, joined, columns)):
        _keep_state(load, kept, problems, count, {})
    return problems, count


def _from_facts(
    library: Library, load: CheckLoad, kept: CheckFactsCache
) -> tuple[list[Problem], int] | None:
    """The problems and number of notes from the quick read ``load`` and the facts kept;
    None when a note's facts are not kept for its bytes."""
    assert load.kept is not None
    output, delta = load.kept[5], load.kept[6]
    if _plain_listing(load) and output[0] == load.inputs_digest():
        assert isinstance(output[1], list) and isinstance(output[2], int)
        state = load.state(output, delta)
        if _state_changed(load):
            kept.write_state(state)
        elif _keys_changed(load):
            kept.write_keys(state[7], state[8])
        return [Problem(*p) for p in output[1]], output[2]
    same = _same_output(load, kept, output, delta)
    if same is not None:
        return same
    facts = kept.read_facts()
    if facts is None:
        return None
    problems_of = load.problems
    rels = [rel for rel in load.rels if rel not in problems_of] if problems_of else load.rels
    digests = (
        [d for rel, d in zip(load.rels, load.digests, strict=True) if rel not in problems_of]
        if problems_of
        else load.digests
    )
    columns, new_delta = _columns(load, facts, delta, rels, digests)
    if columns is None:
        return None
    places, layout_problems = library_order(library, rels, columns)
    ordered_paths = list(map(rels.__getitem__, places))
    ordered = [  # (the order's own facts are not needed in order)
        column if n in ORDER_FACTS else list(map(column.__getitem__, places))
        for n, column in enumerate(columns)
    ]
    unread = [Problem(rel, *problems_of[rel]) for rel in load.rels if rel in problems_of]
    before = [*layout_problems, *load.scan.problems, *unread]
    problems = facts_problems(library, before, ordered_paths, ordered)
    if len(new_delta) > MOST_DELTA:
        if kept.write_facts((rels, Joined(digests), columns)):
            new_delta = {}
        else:
            kept.clear()
            return problems, len(rels)
    _keep_state(load, kept, problems, len(rels), new_delta)
    return problems, len(rels)


def _columns(
    load: CheckLoad,
    facts: tuple[list[str], bytes, Columns],
    delta: dict[str, Any],
    rels: list[str],
    digests: list[bytes],
) -> tuple[Columns | None, dict[str, Any]]:
    """The facts of the notes at ``rels`` (bytes of ``digests``) as columns: from the facts
    file, the state's ``delta`` or the notes parsed now; (None, _) when some note's facts
    are not kept for its bytes. Also the new delta: the facts of every note not as the facts
    file holds it."""
    kept_rels, kept_digests, kept_columns = facts
    if len(kept_columns) != FACTS:
        return None, {}
    where = None if kept_rels == rels else {rel: i for i, rel in enumerate(kept_rels)}
    changed = changed_positions(digests, kept_digests, where, rels)
    if where is None:
        columns = kept_columns
    elif not kept_rels:
        columns = [[None] * len(rels) for _ in range(FACTS)]
    else:
        at = [where.get(rel, 0) for rel in rels]  # (a changed place is filled in below)
        columns = [list(map(column.__getitem__, at)) for column in kept_columns]
    fresh = [load.parsed[rels[i]] for i in changed if rels[i] in load.parsed]
    made = dict(
        zip(
            (note.path for note in fresh),
            rows_of(note_facts(fresh, lambda note: load.parsed_data.get(note.path))),
            strict=True,
        )
    )
    new_delta: dict[str, Any] = {}
    for i in changed:
        rel, d = rels[i], digests[i]
        fact: Fact | None = made.get(rel)
        if fact is None:
            known = delta.get(rel)
            if not (isinstance(known, tuple) and len(known) == 2 and known[0] == d):
                return None, {}
            fact = known[1]
            if not (isinstance(fact, tuple) and len(fact) == FACTS):
                return None, {}
        new_delta[rel] = (d, fact)
        for column, value in zip(columns, fact, strict=True):
            column[i] = value
    return columns, new_delta


def _plain_listing(load: CheckLoad) -> bool:
    """Whether the output can be told by its inputs' digest: no problem of the listing
    names a ``.md`` or ``.yaml`` file (whose bytes the check reads, unhashed)."""
    return not any(p.path.endswith((".md", ".yaml")) for p in load.scan.problems)


def _state_changed(load: CheckLoad) -> bool:
    assert load.kept is not None
    rels, digests, _, crcs, marks, _, _, _, _ = load.kept
    changed: bool = (
        rels != load.rels
        or marks != load.marks
        or crcs != load.shard_crcs
        or digests != b"".join(load.digests)
    )
    return changed


def _keys_changed(load: CheckLoad) -> bool:
    """Whether a stat changed (a note touched) or a file of kept rows or forms."""
    assert load.kept is not None
    more, keys = load.kept[7], load.kept[8]
    return more != load.outputs or keys != b"".join(load.keys)


def _keep_state(
    load: CheckLoad,
    kept: CheckFactsCache,
    problems: list[Problem],
    count: int,
    delta: dict[str, Any],
) -> None:
    """Keep the state for the next check (written after the facts file it goes with)."""
    inputs = load.inputs_digest() if _plain_listing(load) else b""
    listed = [(p.path, p.line, p.message) for p in problems]
    output = (inputs, listed, count, load.layout_part, _listing_text(load))
    kept.write_state(load.state(output, delta))


def _listing_text(load: CheckLoad) -> str:
    return repr([(p.path, p.line, p.message) for p in load.scan.problems])


def _same_output(
    load: CheckLoad, kept: CheckFactsCache, output: tuple[Any, ...], delta: dict[str, Any]
) -> tuple[list[Problem], int] | None:
    """The kept output again, when only the text of notes changed: the notes whose bytes
    changed since the last check (a few) all parse and have the facts they had, none is
    named by the output (a field's line may have moved) or holds a conflict marker, and
    nothing else changed (the paths, ``document.yaml``, the listing's problems, the files
    that do not parse). The problems across notes are then those worked out last time;
    None when it cannot tell."""
    assert load.kept is not None
    kept_rels, kept_digests, kept_problems = load.kept[0], load.kept[1], load.kept[2]
    if not (
        _plain_listing(load)
        and output[0]
        and len(output) == 5
        and kept_rels == load.rels
        and kept_problems == load.problems
        and output[3] == load.layout_part
        and output[4] == _listing_text(load)
    ):
        return None
    changed = changed_positions(load.digests, kept_digests, None, load.rels)
    named = {problem[0] for problem in output[1]}
    rels = [load.rels[i] for i in changed]
    if (
        not rels
        or len(rels) > MOST_DELTA
        or any(rel not in load.parsed or rel in named for rel in rels)
    ):
        return None
    fresh = [load.parsed[rel] for rel in rels]
    new = rows_of(note_facts(fresh, lambda note: load.parsed_data.get(note.path)))
    old = _old_facts(kept, delta, rels, [kept_digests[32 * i : 32 * i + 32] for i in changed])
    if old != new or any(fact[MARKER] for fact in new):
        return None
    new_delta = {**delta}
    new_delta.update(
        (rel, (load.digests[i], fact)) for rel, i, fact in zip(rels, changed, new, strict=True)
    )
    if len(new_delta) > MOST_DELTA:
        return None  # (the full way writes the facts file again)
    problems = [Problem(*problem) for problem in output[1]]
    _keep_state(load, kept, problems, output[2], new_delta)
    return problems, output[2]


def _old_facts(
    kept: CheckFactsCache, delta: dict[str, Any], rels: list[str], digests: list[bytes]
) -> list[Fact] | None:
    """The facts kept for the bytes ``digests`` of the notes at ``rels`` (the state's delta,
    else the facts file: only their pieces of it unpacked); None when some are not kept."""
    found: list[Fact | None] = []
    for rel, known_digest in zip(rels, digests, strict=True):
        known = delta.get(rel)
        if isinstance(known, tuple) and len(known) == 2 and known[0] == known_digest:
            found.append(known[1])
        else:
            found.append(None)
    missing = [rel for rel, fact in zip(rels, found, strict=True) if fact is None]
    if missing:
        rows = kept.read_facts_of(missing) or {}
        for n, (rel, known_digest) in enumerate(zip(rels, digests, strict=True)):
            row = rows.get(rel)
            if found[n] is None and row is not None and row[0] == known_digest:
                found[n] = row[1]
    if any(fact is None for fact in found):
        return None
    return cast("list[Fact]", found)
