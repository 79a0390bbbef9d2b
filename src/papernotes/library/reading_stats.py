"""Counts for ``papernotes stats`` and the TUI's stats view: papers by year, status,
priority, venue and tag, and papers read per month."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import chain
from operator import itemgetter

from papernotes.library.list_rows import PRIORITY, READ_ON, STATUS, TAGS, VENUE, YEAR, Row
from papernotes.model import PRIORITIES, STATUSES, Note

STAT_GROUPS = ("year", "status", "priority", "venue", "tag", "read per month")


def reading_stats(notes: Iterable[Note]) -> dict[str, list[tuple[str, int]]]:
    """Each group of ``STAT_GROUPS`` as ``(label, count)`` rows: years newest first, statuses
    and priorities in their order (``none`` last), venues and tags most papers first (then by
    name), months (from ``read_on``) oldest first. Papers with no venue are not counted there."""
    papers = (note.paper for note in notes)
    return counted_stats((p.year, p.status, p.priority, p.venue, p.tags, p.read_on) for p in papers)


def row_stats(rows: Iterable[Row]) -> dict[str, list[tuple[str, int]]] | None:
    """``reading_stats`` from ``list``'s rows (``library/list_rows.py``), without a note
    built; None when a venue in them was changed for showing (control characters made
    visible): only the note has it as typed."""
    counts = row_counts(list(rows))
    return None if counts is None else shaped_stats(*counts)


COUNTED = ("year", "status", "priority", "venue", "tag", "read_on")
"""What ``row_counts`` counts, in its order."""
Counts = tuple[Counter[int], Counter[str], Counter[str], Counter[str], Counter[str], Counter[str]]


def row_counts(rows: list[Row]) -> Counts | None:
    """How many of ``rows`` have each year, status, priority, venue, tag and ``read_on``
    (``COUNTED``: counted in C, a column at a time); None as ``row_stats``."""
    venues = Counter(map(itemgetter(VENUE), rows))
    if any("\\" in venue for venue in venues):
        return None
    return (
        Counter(map(itemgetter(YEAR), rows)),
        Counter(map(itemgetter(STATUS), rows)),
        Counter(map(itemgetter(PRIORITY), rows)),
        venues,
        Counter(chain.from_iterable(map(itemgetter(TAGS), rows))),
        Counter(map(itemgetter(READ_ON), rows)),
    )


def counted_stats(
    papers: Iterable[tuple[int, str, str, str, tuple[str, ...], str]],
) -> dict[str, list[tuple[str, int]]]:
    """``reading_stats`` of each paper's year, status, priority, venue, tags and read_on."""
    years: Counter[int] = Counter()
    statuses: Counter[str] = Counter()
    priorities: Counter[str] = Counter()
    venues: Counter[str] = Counter()
    tags: Counter[str] = Counter()
    days: Counter[str] = Counter()
    for year, status, priority, venue, paper_tags, read_on in papers:
        years[year] += 1
        statuses[status] += 1
        priorities[priority] += 1
        venues[venue] += 1
        tags.update(paper_tags)
        days[read_on] += 1
    return shaped_stats(years, statuses, priorities, venues, tags, days)


def shaped_stats(  # noqa: PLR0913 - one count per group
    years: Counter[int],
    statuses: Counter[str],
    priorities: Counter[str],
    venues: Counter[str],
    tags: Counter[str],
    days: Counter[str],
) -> dict[str, list[tuple[str, int]]]:
    """``reading_stats`` from how many papers have each value (``COUNTED``): no priority
    counted as ``none``, no venue not counted, ``read_on`` days counted by month. Each group
    is sorted by its labels or counts alone, so counts added up give what counting all
    gives."""
    ranked: Counter[str] = Counter()
    for priority, n in priorities.items():
        ranked[priority or "none"] += n
    months: Counter[str] = Counter()
    for day, n in days.items():
        if day and n:
            months[day[:7]] += n
    return {
        "year": [(str(y), n) for y, n in sorted(years.items(), reverse=True) if n],
        "status": [(s, statuses[s]) for s in STATUSES if statuses[s]],
        "priority": [(p, ranked[p]) for p in (*PRIORITIES, "none") if ranked[p]],
        "venue": _most_first(Counter({v: n for v, n in venues.items() if v and n})),
        "tag": _most_first(Counter({t: n for t, n in tags.items() if n})),
        "read per month": sorted(months.items()),
    }


def _most_first(counts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def stats_text(notes: list[Note], width: int = 30) -> str:
    """The stats as a page of small bar charts, bars up to ``width`` cells long."""
    return stats_page(reading_stats(notes), len(notes), width)


def stats_page(stats: dict[str, list[tuple[str, int]]], papers: int, width: int = 30) -> str:
    """``stats_text`` of these ``stats`` of ``papers`` papers."""
    from papernotes.text.bar_chart import bar_chart

    blocks = [
        "\n".join(bar_chart(TITLES[group], rows, width=width)) for group, rows in stats.items()
    ]
    return f"{papers} papers\n\n" + "\n\n".join(blocks)


TITLES = {
    "year": "Papers by year",
    "status": "Papers by status",
    "priority": "Papers by priority",
    "venue": "Papers by venue",
    "tag": "Papers by tag",
    "read per month": "Papers read per month",
}
