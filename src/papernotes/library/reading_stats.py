"""Counts for ``papernotes stats`` and the TUI's stats view: papers by year, status,
priority, venue and tag, and papers read per month."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
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
    fields = itemgetter(YEAR, STATUS, PRIORITY, VENUE, TAGS, READ_ON)
    values = [fields(row) for row in rows]
    if any("\\" in venue for _, _, _, venue, _, _ in values):
        return None
    return counted_stats(values)


def counted_stats(
    papers: Iterable[tuple[int, str, str, str, tuple[str, ...], str]],
) -> dict[str, list[tuple[str, int]]]:
    """``reading_stats`` of each paper's year, status, priority, venue, tags and read_on."""
    years: Counter[int] = Counter()
    statuses: Counter[str] = Counter()
    priorities: Counter[str] = Counter()
    venues: Counter[str] = Counter()
    tags: Counter[str] = Counter()
    months: Counter[str] = Counter()
    for year, status, priority, venue, paper_tags, read_on in papers:
        years[year] += 1
        statuses[status] += 1
        priorities[priority or "none"] += 1
        if venue:
            venues[venue] += 1
        tags.update(paper_tags)
        if read_on:
            months[read_on[:7]] += 1
    return {
        "year": [(str(y), n) for y, n in sorted(years.items(), reverse=True)],
        "status": [(s, statuses[s]) for s in STATUSES if statuses[s]],
        "priority": [(p, priorities[p]) for p in (*PRIORITIES, "none") if priorities[p]],
        "venue": _most_first(venues),
        "tag": _most_first(tags),
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
