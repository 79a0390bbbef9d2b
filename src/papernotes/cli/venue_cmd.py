"""``papernotes venue``: where the papers were published, from DBLP, Semantic Scholar, Crossref."""

from __future__ import annotations

import sys

import click

from papernotes.cli.completion import complete_paper
from papernotes.cli.library_access import existing_library
from papernotes.cli.output import echo
from papernotes.errors import InvalidInputError
from papernotes.library.venue_ops import DEFAULT_TIMEOUT
from papernotes.model import Note


@click.command("venue")
@click.argument("papers", nargs=-1, shell_complete=complete_paper)
@click.option("--all", "all_notes", is_flag=True, help="Look up every paper in the library.")
@click.option(
    "--source",
    "source_text",
    default="dblp,s2,crossref",
    show_default=True,
    help="The services to ask, comma-separated.",
)
@click.option("--dry-run", is_flag=True, help="Say what would change; write nothing.")
@click.option("--yes", is_flag=True, help="Replace a different venue without asking.")
@click.option(
    "--offline", is_flag=True, help="Use only cached answers (also: PAPERNOTES_OFFLINE=1)."
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    help="Seconds to wait for each answer.",
)
@click.pass_context
def venue_cmd(ctx: click.Context, papers, all_notes, source_text, dry_run, yes, offline, timeout):
    """Find where preprints were published: venue, full venue name, DOI, pages, publisher.

    Looked up by arXiv id on Semantic Scholar, by DOI on Crossref, else by title on DBLP
    (accepted only with a close title and, when known, the same authors; see
    docs/published.md). An empty venue is filled; a different one is replaced only
    with --yes or when you confirm it. The year, key and notes are never changed. Every
    request is made before anything is written.

    \b
    Examples:
      papernotes venue --all --dry-run
      papernotes venue xlnet tinybert
      papernotes venue --all --source crossref --yes
    """
    from papernotes.library.venue_ops import (
        apply_venues,
        conflicts,
        parse_sources,
        plan_venues,
        web_client,
    )

    if not papers and not all_notes:
        raise click.UsageError("Name the papers to look up, or pass --all.")
    if papers and all_notes:
        raise click.UsageError("Name papers or pass --all, not both.")
    sources = parse_sources(source_text)
    library = existing_library(ctx)
    for problem in library.problems():
        echo(f"warning: {problem}", err=True)
    notes = library.notes() if all_notes else _unique(library.find(p) for p in papers)
    if not notes:
        raise InvalidInputError("The library has no papers to look up.")
    plan = plan_venues(notes, sources=sources, http=web_client(timeout=timeout, offline=offline))
    confirmed: set[str] = set()
    if not yes and not dry_run and sys.stdin.isatty() and sys.stdout.isatty():
        for note, found in conflicts(plan):
            question = (
                f"{note.path}: venue {note.paper.venue!r}, but {found.source} says "
                f"{found.label()!r}; change it"
            )
            if click.confirm(question, default=False):
                confirmed.add(note.path)
    report = apply_venues(library, plan, yes=yes, confirmed=confirmed, dry_run=dry_run)
    for result in report.results:
        for line in result_lines(result, report.dry_run):
            echo(line)
    click.echo(f"{report.summary()}.")


def result_lines(result, dry_run: bool = False) -> list[str]:
    """The report's lines for one paper: ``STATUS  PATH  what``, candidates indented."""
    found = result.published
    status = result.status
    if status == "updated" and dry_run:
        status = "would update"
    head = f"{status:<12} {result.path}"
    if status in ("updated", "would update"):
        details = ", ".join(_change(result, name) for name in result.changes)
        return [f"{head}  {found.label()} [{found.source}]: {details}"]
    if status == "unchanged":
        return [f"{head}  {found.label()} [{found.source}]"]
    if status == "kept":
        return [
            f"{head}  venue {result.old_venue!r} kept; {found.source} says {found.label()!r} "
            "(pass --yes to change it)"
        ]
    if status == "ambiguous":
        lines = [f"{head}  {result.reason}; not changed"]
        lines += [f"    {c.label():<28} {c.title}  [{c.source}]" for c in result.candidates]
        return lines
    return [f"{head}  {result.reason}"]


def _change(result, name: str) -> str:
    value = getattr(result.published, "venue_full" if name == "venue_full" else name)
    if name == "venue" and result.old_venue:
        return f"venue {result.old_venue} -> {value}"
    return f"{name} {value}"


def _unique(notes) -> list[Note]:
    return list({n.path: n for n in notes}.values())
