"""The reading queue from the command line: ``set`` (status, priority, rating and tags of
many papers at once), ``queue`` (what to read next) and ``stats`` (counts and bar charts)."""

from __future__ import annotations

import click

from papernotes.cli.library_access import existing_library, kept_rows, load_notes, warn
from papernotes.cli.option_checks import non_empty
from papernotes.cli.output import (
    KEPT_BESIDE_NOTES,
    echo,
    list_lines,
    note_dict,
    row_lines,
    to_json,
    write_json_list,
)
from papernotes.cli.paper_args import papers_with_stdin
from papernotes.model import PRIORITIES, STATUSES

PRIORITY_CHOICES = (*PRIORITIES, "none")


@click.command("set")
@click.argument("papers", nargs=-1)
@click.option("--status", type=click.Choice(STATUSES), help="Set the status.")
@click.option(
    "--priority", type=click.Choice(PRIORITY_CHOICES), help="Set the priority (none clears it)."
)
@click.option("--rating", help="Set the rating, 1 to 5 (0 or none clears it).")
@click.option(
    "--tag",
    "tags",
    multiple=True,
    metavar="+TAG|-TAG",
    help="Add (+TAG or TAG) or remove (-TAG) a tag (repeatable).",
)
@click.option("--year", "years", metavar="YEAR[..YEAR]", help="Choose papers of these years.")
@click.option("--with-tag", callback=non_empty, help="Choose papers with this tag.")
@click.option("--with-status", type=click.Choice(STATUSES), help="Choose papers with this status.")
@click.option(
    "--with-priority", type=click.Choice(PRIORITY_CHOICES), help="Choose papers with this priority."
)
@click.option(
    "--search",
    metavar="QUERY",
    callback=non_empty,
    help="Choose papers that 'search QUERY' finds.",
)
@click.option("--dry-run", is_flag=True, help="Print what would change; write nothing.")
@click.pass_context
def set_cmd(  # noqa: PLR0913 - a click command takes one parameter per option
    ctx: click.Context,
    papers,
    status,
    priority,
    rating,
    tags,
    years,
    with_tag,
    with_status,
    with_priority,
    search,
    dry_run,
):
    """Set status, priority, rating or tags of papers: PAPER… (a key, slug, path, arXiv id or
    title part; - reads one per line from standard input) and/or those chosen by --year,
    --with-tag, --with-status, --with-priority and --search (all must hold).

    Every paper is named before anything is written: one that is unknown or ambiguous stops
    the command. A note that changed on disk meanwhile is refused (the others are written);
    the exit status is then 1.

    \b
    Examples:
      papernotes set deberta roberta --status reading --priority high
      papernotes set --year 2020 --tag +distillation --dry-run
      papernotes list --status read --keys | papernotes set - --rating 4
    """
    from papernotes.errors import InvalidInputError
    from papernotes.library import bulk_set
    from papernotes.library.field_filters import year_range

    try:  # a malformed value is wrong usage (exit 2), found before the library is read
        change = bulk_set.make_change(status, priority, rating, tags)
        if years is not None:
            year_range(years)
    except InvalidInputError as exc:
        raise click.UsageError(str(exc)) from None
    if not change:
        raise click.UsageError("Say what to set: --status, --priority, --rating or --tag.")
    selection = bulk_set.Selection(years, with_tag, with_status, with_priority, search)
    library = load_notes(existing_library(ctx))
    warn(library.problems())
    notes = bulk_set.resolve(library, papers_with_stdin(papers), selection)
    if not notes:
        click.echo("No papers match; nothing was changed.", err=True)
        ctx.exit(1)
    report = bulk_set.plan(notes, change) if dry_run else bulk_set.apply(library, notes, change)
    shown = [
        f"{'would change' if dry_run else 'changed'} {note.path}: "
        f"{bulk_set.describe(note.paper, paper)}"
        for note, paper in report.changed
    ]
    if shown:
        echo("\n".join(shown))
    for note, reason in report.refused:
        echo(f"refused {note.path}: {reason}", err=True)
    summary = report.summary()
    click.echo(summary.replace(" changed", " would change", 1) if dry_run else summary)
    if report.refused:
        ctx.exit(1)


@click.command("queue")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_context
def queue_cmd(ctx: click.Context, as_json):
    """What to read next: papers being read, then unread ones by priority, oldest added first.

    \b
    Examples:
      papernotes queue
      papernotes queue --json
    """
    from papernotes.library.list_rows import queue_rows
    from papernotes.library.reading_queue import queue_notes

    library = existing_library(ctx)
    written = False

    def make() -> str | None:
        nonlocal written
        if not as_json:  # from the kept rows: no note built, only the changed ones parsed
            kept = kept_queue_text(library)  # from each year folder's kept lines, first
            if kept is not None:
                return kept
            rows = kept_rows(library)
            if rows is not None:
                return "\n".join(queue_row_lines(queue_rows(rows)))
        keep = False
        if as_json:  # from the kept rows and each note's kept text: only changes are read
            from papernotes.cli.chosen_outputs import KEEP, chosen_json
            from papernotes.library.chosen_blocks import queue_pick

            written, text = chosen_json(library, queue_rows, warn, queue_pick())
            if written:
                return text
            keep = text == KEEP
        from papernotes.cli.chosen_outputs import loaded_keeping

        notes = queue_notes(loaded_keeping(library, keep).notes())
        if as_json:  # written as made, as list --json (kept only when short)
            warn(library.problems())
            written = True
            return write_json_list(map(note_dict, notes), len(notes), KEPT_BESIDE_NOTES)
        return "\n".join(queue_lines(notes))

    problems, text = library.cached_output(f"queue {as_json!r}", make)
    if written:
        return
    warn(problems)
    if text:
        echo(text)
    else:
        click.echo("The queue is empty: no unread or reading papers.", err=True)


def queue_lines(notes) -> list[str]:
    """``list`` lines led by a status and priority column: ``reading  high  2020  key  …``."""
    lines = list_lines(notes)
    return [
        f"{n.paper.status:<7}  {n.paper.priority or '-':<6}  {line}"
        for n, line in zip(notes, lines, strict=True)
    ]


def queue_row_lines(rows, column: int | None = None) -> list[str]:
    """``queue_lines`` from ``list``'s rows (``library/list_rows.py``), the names padded to
    ``column`` (default: the widest of ``rows``)."""
    from papernotes.library.list_rows import PRIORITY, STATUS

    lines = row_lines(rows, column=column)
    return [
        f"{r[STATUS]:<7}  {r[PRIORITY] or '-':<6}  {line}"
        for r, line in zip(rows, lines, strict=True)
    ]


def kept_queue_text(library) -> str | None:
    """``queue``'s text from what was kept of each year folder (``library/queue_blocks.py``),
    the collector paused as for ``kept_rows``; None to take the full path."""
    from papernotes.gc_pause import gc_paused
    from papernotes.library.queue_blocks import queue_text

    with gc_paused(freeze=True):
        return queue_text(library, queue_row_lines)


@click.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@click.pass_context
def stats_cmd(ctx: click.Context, as_json):
    """Counts of papers by year, status, priority, venue and tag, and papers read per month,
    as small bar charts.

    \b
    Examples:
      papernotes stats
      papernotes stats --json
    """
    from papernotes.gc_pause import gc_paused
    from papernotes.library.reading_stats import reading_stats, row_stats, shaped_stats, stats_page
    from papernotes.library.stats_blocks import kept_counts

    library = existing_library(ctx)

    def make() -> str:  # from list's kept rows: after an edit only that note is read
        with gc_paused(freeze=True):  # each year folder's counts kept (library/stats_blocks.py)
            counted = kept_counts(library)
        stats: dict[str, list[tuple[str, int]]] | None = None
        if counted is not None:
            papers, counts = counted
            stats = shaped_stats(*counts)
        else:
            rows = kept_rows(library)
            stats = row_stats(rows) if rows is not None else None
            papers = len(rows) if rows is not None else 0
        if stats is None:
            notes = load_notes(library).notes()
            stats, papers = reading_stats(notes), len(notes)
        if as_json:
            return to_json({group: dict(counts) for group, counts in stats.items()})
        return stats_page(stats, papers)

    problems, text = library.cached_output(f"stats {as_json!r}", make)  # kept per state
    warn(problems)
    if as_json:
        click.echo(text)
    else:
        echo(text)
