"""``stats`` from the counts kept per year folder (``storage/caches/folder_summaries_cache.py``):
after an edit only the edited folder's rows are loaded and counted, the other folders' counts
are taken as they were kept, and all are added up.

Every count ``stats`` prints is a sum over the papers, and the page is worked out from the
sums alone (``reading_stats.shaped_stats``: each group sorted by its label or its count), so
the counts of the folders added up give what counting every row gives. A summary is used only
for a folder whose paths and stat keys are the scan's; any other folder has its rows loaded
(``storage/block_listing.py``). When ``document.yaml`` does not read (its problem is reported
first), a venue was changed for showing (``reading_stats.row_stats``) or too many rows are
missing, ``stats`` takes the full path.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from papernotes.library.list_blocks import folders_load
from papernotes.library.list_rows import list_row
from papernotes.library.reading_stats import COUNTED, Counts, row_counts
from papernotes.model import Problem

if TYPE_CHECKING:
    from papernotes.library.api import Library

VARIANT = "stats"


def kept_counts(library: Library) -> tuple[int, Counts] | None:
    """How many papers parse and their counts (``reading_stats.row_counts``), from the kept
    summaries where a folder did not change; None to take the full path. The problems go
    where ``kept_rows`` puts them (``Library._listed``)."""
    loaded = folders_load(library, VARIANT, summaries=True)  # (a bad document.yaml:
    if loaded is None:  # reported by the full path, first)
        return None
    load = loaded[0]
    kept = {year: s for year, s in load.kept.items() if _sound(s.data)}
    got = load.rows([year for year, _, _ in load.groups if year not in kept], list_row)
    if got is None:
        return None
    summaries = dict(kept)
    for year, (rows, problems) in got.items():
        counts = row_counts(rows)
        data = (len(rows), counts and [list(c.items()) for c in counts])
        summaries[year] = load.summary(year, b"", problems, data)
    papers, total = 0, [Counter[object]() for _ in COUNTED]
    for year, _, _ in load.groups:
        folder_papers, counts = summaries[year].data
        if counts is None:
            return None  # a venue changed for showing: counted from the notes
        papers += folder_papers
        for whole, part in zip(total, counts, strict=True):
            whole.update(dict(part))
    unread = [Problem(*p) for year, _, _ in load.groups for p in summaries[year].problems]
    load.finish({year: summaries[year] for year in got}, unread)
    library._listed = load.scan.problems + unread
    library._scan = None
    return papers, tuple(total)  # type: ignore[return-value]


def _sound(data: object) -> bool:
    """Whether kept ``data`` is a count of papers and the counts of each group (or None)."""
    if not (isinstance(data, tuple) and len(data) == 2 and isinstance(data[0], int)):
        return False
    counts = data[1]
    if counts is None:
        return True
    return isinstance(counts, list) and len(counts) == len(COUNTED)
