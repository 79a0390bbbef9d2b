"""``papernotes link``."""

from __future__ import annotations

import sys

import click

from papernotes.arxiv import DEFAULT_TIMEOUT
from papernotes.arxiv.match import Candidate
from papernotes.cli.completion import complete_paper
from papernotes.cli.library_access import existing_library
from papernotes.cli.output import echo
from papernotes.cli.terminal import warning
from papernotes.errors import InvalidInputError
from papernotes.library.arxiv_links import link_notes
from papernotes.library.arxiv_ops import offline_requested
from papernotes.library.user_settings import arxiv_timeout
from papernotes.model import Note

timeout_option = click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    help="Seconds to wait for each arXiv answer (default: arxiv.timeout in config.toml, "
    f"else {DEFAULT_TIMEOUT:g}).",
)
offline_option = click.option(
    "--offline", is_flag=True, help="Use only cached arXiv answers (also: PAPERNOTES_OFFLINE=1)."
)


@click.command("link")
@click.argument("papers", nargs=-1, shell_complete=complete_paper)
@click.option("--all", "all_notes", is_flag=True, help="Link every paper in the library.")
@click.option("--arxiv", "arxiv_id", default="", help="Link the one named PAPER to this id.")
@click.option("--refresh", is_flag=True, help="Ask arXiv again even for cached answers.")
@click.option("--yes", is_flag=True, help="Confirm relinks and title mismatches; never prompt.")
@offline_option
@timeout_option
@click.pass_context
def link_cmd(ctx: click.Context, papers, all_notes, arxiv_id, refresh, yes, offline, timeout):
    """Fill in arXiv metadata; papers without an arXiv id are found by title.

    A title match is linked automatically when it is clearly right (see docs/arxiv.md,
    "Linking the papers you already have"); otherwise the candidates are listed with their
    scores and the paper is skipped (asked for, when run in a terminal without --yes). An
    arXiv id another note already has is refused. Nothing is written if any request fails.

    \b
    Examples:
      papernotes link --all
      papernotes link tinybert --arxiv 1909.10351
      papernotes link --all --offline
    """
    if not papers and not all_notes:
        raise click.UsageError("Name the papers to link, or pass --all.")
    if papers and all_notes:
        raise click.UsageError("Name papers or pass --all, not both.")
    if arxiv_id and len(papers) != 1:
        raise click.UsageError("--arxiv needs exactly one PAPER.")
    library = existing_library(ctx)
    for problem in library.problems():
        warning(str(problem))
    notes = library.notes() if all_notes else _unique(library.find(p) for p in papers)
    if not notes:
        raise InvalidInputError("The library has no papers to link.")
    interactive = not yes and sys.stdin.isatty() and sys.stdout.isatty()
    report = link_notes(
        library,
        notes,
        yes=yes,
        refresh=refresh,
        offline=offline_requested(offline),
        timeout=arxiv_timeout() if timeout is None else timeout,
        arxiv_id=arxiv_id,
        choose=_ask if interactive else None,
    )
    for result in report.results:
        if result.status == "skipped":
            echo(f"skipped    {result.path}: {result.reason}")
            for candidate in result.candidates:
                echo(f"    {_candidate_line(candidate)}")
        else:
            echo(f"{result.status:<10} {result.path}  arXiv {result.arxiv}")
    tail = " (link one with: papernotes link PAPER --arxiv ID)" if report.skipped else ""
    click.echo(f"{report.summary()}.{tail}")


def _unique(notes) -> list[Note]:
    return list({n.path: n for n in notes}.values())


def _candidate_line(candidate: Candidate) -> str:
    paper = candidate.paper
    return f"{candidate.score:5.1f}  {paper.arxiv:<12} {paper.year}  {paper.title}"


def _ask(note: Note, candidates: list[Candidate]) -> Candidate | None:
    """Ask which candidate ``note`` is; 0 (the default) skips it."""
    echo(f"{note.path}: {note.paper.title}")
    for i, candidate in enumerate(candidates, 1):
        echo(f"  {i}. {_candidate_line(candidate)}")
    choice = click.prompt(
        "Which is it (0 = none, skip)", type=click.IntRange(0, len(candidates)), default=0
    )
    return candidates[choice - 1] if choice else None
