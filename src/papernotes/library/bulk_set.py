"""Changing status, priority, rating and tags of many papers at once (``papernotes set``, the
TUI's marked rows): every paper is named first, then each note is written under one lock."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import chain
from typing import TYPE_CHECKING, Any

from papernotes.errors import ConflictError, InvalidInputError, user_message
from papernotes.library.field_filters import year_range
from papernotes.model import PRIORITIES, STATUSES, Note, Paper

if TYPE_CHECKING:
    from papernotes.library.api import Library


@dataclass(frozen=True)
class Change:
    """What to set: None (or no tags) leaves a field as it is. ``priority`` ``""`` and
    ``rating`` 0 clear them."""

    status: str | None = None
    priority: str | None = None
    rating: int | None = None
    add_tags: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return any(
            (
                self.status is not None,
                self.priority is not None,
                self.rating is not None,
                self.add_tags,
                self.remove_tags,
            )
        )

    def applied(self, paper: Paper) -> Paper:
        """``paper`` with this change made (tags removed, then added at the end)."""
        tags = tuple(t for t in paper.tags if t not in self.remove_tags)
        tags += tuple(t for t in self.add_tags if t not in tags)
        return replace(
            paper,
            status=paper.status if self.status is None else self.status,
            priority=paper.priority if self.priority is None else self.priority,
            rating=paper.rating if self.rating is None else self.rating,
            tags=tags,
        )


def make_change(
    status: str | None = None,
    priority: str | None = None,
    rating: str | None = None,
    tags: Iterable[str] = (),
) -> Change:
    """A ``Change`` from the words a user typed, each checked: ``priority`` ``none`` and
    ``rating`` ``0``/``none`` clear; a tag ``+T`` (or ``T``) adds T, ``-T`` removes it."""
    if status is not None and status not in STATUSES:
        raise InvalidInputError(f"Status must be one of {', '.join(STATUSES)}, not {status!r}.")
    if priority is not None:
        priority = "" if priority.casefold() == "none" else priority.casefold()
        if priority and priority not in PRIORITIES:
            raise InvalidInputError(
                f"Priority must be one of {', '.join(PRIORITIES)} or none, not {priority!r}."
            )
    number = None
    if rating is not None:
        number = 0 if rating.casefold() == "none" else -1
        if rating.strip() in ("0", "1", "2", "3", "4", "5"):
            number = int(rating)
        if number < 0:
            raise InvalidInputError(f"Rating must be 1 to 5, or 0 or none, not {rating!r}.")
    add: list[str] = []
    remove: list[str] = []
    for text in tags:
        signed = text[:1] in ("+", "-")  # not `in "+-"`: "" is in every string
        sign, name = (text[0], text[1:].strip()) if signed else ("+", text.strip())
        if not name:
            raise InvalidInputError(f"--tag {text!r} names no tag (write +TAG or -TAG).")
        (add if sign == "+" else remove).append(name)
    both = set(add) & set(remove)
    if both:
        raise InvalidInputError(f"Tag {sorted(both)[0]!r} is both added and removed.")
    return Change(status, priority, number, tuple(add), tuple(remove))


@dataclass(frozen=True)
class Selection:
    """Papers chosen by their fields (``set --year … --with-tag …``): every given one holds."""

    years: str | None = None
    tag: str | None = None
    status: str | None = None
    priority: str | None = None
    search: str | None = None

    def __bool__(self) -> bool:
        given = (self.years, self.tag, self.status, self.priority, self.search)
        return any(value is not None for value in given)

    def chosen(self, library: Library, notes: list[Note]) -> list[Note]:
        if self.years is not None:
            low, high = year_range(self.years)
            notes = [n for n in notes if low <= n.paper.year <= high]
        if self.tag is not None:
            fold = library.folder.fold
            wanted = fold(self.tag)
            notes = [n for n in notes if any(fold(t) == wanted for t in n.paper.tags)]
        if self.status is not None:
            notes = [n for n in notes if n.paper.status == self.status]
        if self.priority is not None:
            wanted_priority = "" if self.priority == "none" else self.priority
            notes = [n for n in notes if n.paper.priority == wanted_priority]
        if self.search is not None:
            notes = library.search(self.search, notes)
        return notes


def resolve(library: Library, names: Iterable[str], selection: Selection) -> list[Note]:
    """The notes ``names`` name (each as ``find`` reads it) narrowed by ``selection``, or the
    notes ``selection`` chooses when no name is given; each once, in the order given. A name
    that does not resolve, or resolves to several papers, raises before anything is written."""
    names = [n for n in (name.strip() for name in names) if n]
    if names:
        found: dict[str, Note] = {}
        for name in names:
            note = library.find(name)
            found.setdefault(note.path, note)
        notes = list(found.values())
    elif selection:
        notes = library.notes()
    else:
        raise InvalidInputError(
            "Name the papers to change (PAPER…, or - to read them from standard input), "
            "or choose them with --year, --with-tag, --with-status, --with-priority or --search."
        )
    return selection.chosen(library, notes) if selection else notes


_KINDS: tuple[str, ...] = ("changed", "unchanged", "refused")


@dataclass
class SetReport:
    """What a bulk change did (or, for a dry run, would do) to each note."""

    changed: list[tuple[Note, Paper]] = field(default_factory=list)
    """The note as it was and the paper written (or to write)."""
    unchanged: list[Note] = field(default_factory=list)
    refused: list[tuple[Note, str]] = field(default_factory=list)
    """The note and why it was not written."""
    kept: int | None = None
    """How many notes each list keeps (None: all); the others are only counted, so a change
    of 10,000 notes read one at a time (the TUI's marked rows) never holds them all."""
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_KINDS, 0))
    """How many notes were changed, unchanged and refused (the lists may keep fewer)."""

    def add(self, kind: str, item: Any) -> None:
        """Count ``item`` (a note, or a pair) as ``kind``, kept when its list has room."""
        self.counts[kind] += 1
        held: list[Any] = getattr(self, kind)
        if self.kept is None or len(held) < self.kept:
            held.append(item)

    def summary(self) -> str:
        changed, unchanged, refused = (self.counts[kind] for kind in _KINDS)
        return f"{changed} changed, {unchanged} unchanged, {refused} refused"


def plan(notes: Iterable[Note], change: Change, kept: int | None = None) -> SetReport:
    """Which of ``notes`` ``change`` changes, with nothing written: a dry run."""
    report = SetReport(kept=kept)
    for note in notes:
        paper = change.applied(note.paper)
        if paper == note.paper:
            report.add("unchanged", note)
        else:
            report.add("changed", (note, paper))
    return report


def apply(
    library: Library,
    notes: Iterable[Note],
    change: Change,
    progress: Callable[[int], object] | None = None,
    kept: int | None = None,
) -> SetReport:
    """Make ``change`` to ``notes`` (as they were read), all under one hold of the lock (one
    ``writing()`` block, its writes flushed together). Each note is written atomically, and
    refused, the others still written, when its file changed on disk since it was read, was
    moved or removed, or cannot be written. ``progress`` is called with the notes done so far.
    The notes are taken from ``notes`` one at a time as they are written (only the first two
    to change are looked at before the lock, to know whether there are several), so with
    ``kept`` (``SetReport.kept``) a change of many notes read lazily holds few of them."""
    report = SetReport(kept=kept)
    given = iter(notes)
    first: list[tuple[Note, Paper]] = []  # the first two notes to change, planned now
    for note in given:
        paper = change.applied(note.paper)
        if paper == note.paper:
            report.add("unchanged", note)
            continue
        first.append((note, paper))
        if len(first) == 2:
            break
    many = len(first) > 1  # flushed to disk together; one note: its own fsync
    with library.writing(batch=many):
        for done, (note, paper) in enumerate(chain(first, _changing(given, change, report)), 1):
            try:
                saved = library.save(note, paper)
            except (ConflictError, InvalidInputError, OSError) as exc:
                report.add("refused", (note, user_message(exc) or str(exc)))
            else:
                report.add("changed", (note, saved.paper))
            if progress is not None:
                progress(done)
    return report


def _changing(
    notes: Iterator[Note], change: Change, report: SetReport
) -> Iterator[tuple[Note, Paper]]:
    """The notes of ``notes`` that ``change`` changes, with their changed paper; the others
    counted as unchanged in ``report``."""
    for note in notes:
        paper = change.applied(note.paper)
        if paper == note.paper:
            report.add("unchanged", note)
        else:
            yield note, paper


def describe(before: Paper, after: Paper) -> str:
    """What changed between two versions of a paper, shortly: ``status unread → read, +x``."""
    parts = [
        f"{name} {_shown(getattr(before, name))} → {_shown(getattr(after, name))}"
        for name in ("status", "priority", "rating", "read_on")
        if getattr(before, name) != getattr(after, name)
    ]
    parts += [f"+{t}" for t in after.tags if t not in before.tags]
    parts += [f"-{t}" for t in before.tags if t not in after.tags]
    return ", ".join(parts)


def _shown(value: object) -> str:
    return str(value) if value else "none"
