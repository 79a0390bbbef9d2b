"""``papernotes check --links``: the report of the link check (``library/link_check.py``)
and its progress bar, drawn on stderr only when stderr is a terminal."""

from __future__ import annotations

import sys
from contextlib import nullcontext

import click

from papernotes.cli.output import echo
from papernotes.library import Library
from papernotes.library.link_check import OK, check_links, fix_redirects, link_checker


def report_links(
    library: Library,
    *,
    offline: bool,
    fix: bool,
    timeout: float,
    delay: float,
    max_age_hours: float,
) -> bool:
    """Check every link, print ``PLACE: URL: VERDICT`` for each that is not plainly fine,
    rewrite permanent redirects when ``fix``; True when a link is broken."""
    checker = link_checker(
        timeout=timeout, delay=delay, max_age=max_age_hours * 3600, offline=offline
    )
    terminal = sys.stderr.isatty()
    bar = (
        click.progressbar(length=1, label="Checking links", file=sys.stderr)
        if terminal
        else nullcontext(None)
    )
    with bar as shown:

        def progress(done: int, total: int) -> None:
            if shown is not None:
                shown.length = total
                shown.update(done - shown.pos)

        report = check_links(library, checker, progress)
    for place, result in report.places:
        if result.kind != OK:
            echo(f"{place.where}: {place.url}: {result.describe()}")
    if fix:
        for change in fix_redirects(library, report):
            if change.skipped:
                echo(f"{change.where}: {change.old}: not rewritten, {change.skipped}")
            else:
                echo(f"{change.where}: rewrote {change.old} as {change.new}")
    click.echo(f"{report.summary()}.")
    return report.broken
