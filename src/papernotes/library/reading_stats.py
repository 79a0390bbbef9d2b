"""Counts for ``papernotes stats`` and the TUI's stats view: papers by year, status,
priority, venue and tag, and papers read per month."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from papernotes.model import PRIORITIES, STATUSES, Note

STAT_GROUPS = ("year", "status", "priority", "venue", "tag", "read per month")


def reading_stats(notes: Iterable[Note]) -> dict[str, list[tuple[str, int]]]:
    """Each group of ``STAT_GROUPS`` as ``(label, count)`` rows: years newest first, statuses
    and priorities in their order (``none`` last), venues and tags most papers first (then by
    name), months (from ``read_on``) oldest first. Papers with no venue are not counted there."""
    years: Counter[int] = Counter()
    statuses: Counter[str] = Counter()
    priorities: Counter[str] = Counter()
    venues: Counter[str] = Counter()
    tags: Counter[str] = Counter()
    months: Counter[str] = Counter()
    for note in notes:
        paper = note.paper
        years[paper.year] += 1
        statuses[paper.status] += 1
        priorities[paper.priority or "none"] += 1
        if paper.venue:
            venues[paper.venue] += 1
        tags.update(paper.tags)
        if paper.read_on:
            months[paper.read_on[:7]] += 1
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
    from papernotes.text.bar_chart import bar_chart

    stats = reading_stats(notes)
    blocks = [
        "\n".join(bar_chart(TITLES[group], rows, width=width)) for group, rows in stats.items()
    ]
    return f"{len(notes)} papers\n\n" + "\n\n".join(blocks)


TITLES = {
    "year": "Papers by year",
    "status": "Papers by status",
    "priority": "Papers by priority",
    "venue": "Papers by venue",
    "tag": "Papers by tag",
    "read per month": "Papers read per month",
}
