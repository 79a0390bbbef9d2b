"""Commands that make a library and put papers in it: init and add (the notes typed or piped
for a new paper included)."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from papernotes.arxiv import DEFAULT_TIMEOUT
from papernotes.cli.completion import complete_tag, complete_year
from papernotes.cli.library_access import library_to_fill
from papernotes.cli.terminal import warning
from papernotes.errors import (
    DuplicateError,
    FileFormatError,
    InvalidInputError,
    PapernotesError,
    user_message,
)
from papernotes.library import Library
from papernotes.model import STATUSES, Note, Paper

if TYPE_CHECKING:
    from papernotes.library.note_edit import EditCopy


NOTES_TEMPLATE = "# One reading note per line. Lines starting with '#' are ignored.\n"


@click.command("init")
@click.option(
    "--git", "git", is_flag=True, help="Keep the library's history in git (see 'git on')."
)
@click.pass_context
def init_cmd(ctx: click.Context, git: bool) -> None:
    """Create an empty library, or make an existing folder one (its files are left alone).

    \b
    Examples:
      papernotes init
      papernotes --notes ~/papers init
    """
    root = Path(ctx.obj)
    library = Library(root)
    kind = library.init()
    if kind == "library" and not git:
        click.echo(f"{root} is already a papernotes library; nothing to do.")
    elif kind == "library":
        click.echo(f"{root} is already a papernotes library.")
    elif kind in ("missing", "empty"):
        click.echo(f"Created an empty library at {root}.")
    else:
        click.echo(f"Made {root} a papernotes library; the files in it are left as they are.")
    if git:
        top = library.history.enable()
        click.echo(f"History is on: changes are committed in the repository at {top}.")


@click.command("add")
@click.option(
    "--year", type=int, shell_complete=complete_year, help="The year the paper goes under."
)
@click.option("--title", help="The title as you want to see it.")
@click.option("--venue", default="", help="Where it was published (ICLR, EMNLP, …).")
@click.option("--code", default="", help="URL of the paper's code.")
@click.option("--arxiv", "arxiv_id", default="", help="arXiv id, e.g. 2006.03654.")
@click.option("--doi", default="", help="DOI or https://doi.org/ link: metadata from Crossref.")
@click.option(
    "--tag", "tags", shell_complete=complete_tag, multiple=True, help="A tag (repeatable)."
)
@click.option("--note", "notes", multiple=True, help="A reading note (repeatable).")
@click.option("--status", type=click.Choice(STATUSES), default="unread", show_default=True)
@click.option("--update", is_flag=True, help="Update the paper if it is already in the library.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    help=f"arXiv timeout (s; default: arxiv.timeout in config.toml, else {DEFAULT_TIMEOUT:g}).",
)
@click.option("--offline", is_flag=True, help="With --arxiv or --doi: use only cached answers.")
@click.pass_context
def add_cmd(  # noqa: PLR0913 - a click command takes one parameter per option
    ctx: click.Context,
    year,
    title,
    venue,
    code,
    arxiv_id,
    doi,
    tags,
    notes,
    status,
    update,
    timeout,
    offline,
):
    """Add a paper; notes come from --note, else piped stdin, else $EDITOR.

    With --arxiv ID the metadata comes from arXiv, and --title and --year default to
    arXiv's title and the first version's year. With --doi DOI they come from Crossref,
    with the venue, pages and publisher.

    \b
    Examples:
      papernotes add --arxiv 2006.03654 --tag nlp
      papernotes add --year 2019 --title "TinyBERT" --venue EMNLP --note "distils BERT"
      papernotes add --doi 10.18653/v1/2020.findings-emnlp.372
      echo "one note per line" | papernotes add --year 2020 --title "A paper"
    """
    if arxiv_id and doi:
        raise click.UsageError("Give --arxiv or --doi, not both (run 'papernotes venue' later).")
    if not (arxiv_id or doi) and (year is None or not title):
        raise click.UsageError("add needs --year and --title, or --arxiv ID, or --doi DOI.")
    given = Paper(
        title=title or "",
        year=year or 0,
        venue=venue,
        code=code,
        arxiv=arxiv_id,
        doi=doi,
        tags=tuple(tags),
        status=status,
        notes=tuple(notes),
    )
    if timeout is None:
        from papernotes.library.user_settings import arxiv_timeout  # reads config: add only

        timeout = arxiv_timeout()
    library = library_to_fill(ctx)  # a missing or empty folder becomes a library, once the
    try:  # paper is checked and the notes typed: a refused add makes no folder
        note = add_paper(library, given, update, timeout, offline)
    except DuplicateError as exc:
        if update:  # refused though --update was given: the paper matches two notes
            raise
        raise DuplicateError(f"{str(exc).removesuffix('.')}; use --update to change it.") from None
    click.echo(str(library.root / note.path))


def add_paper(library: Library, given: Paper, update: bool, timeout: float, offline: bool) -> Note:
    """Add ``given``; the checks (and, by arXiv id, the request: ``library/arxiv_add.py``)
    come before the notes are asked for, so a refused paper never costs the user their
    typing; notes typed in the editor are kept in their file until the add succeeded."""
    plan = None
    typing = not given.notes and sys.stdin.isatty()  # a duplicate is looked for first only then
    if given.arxiv:
        from papernotes.library.arxiv_add import plan_arxiv_add, planned_paper
        from papernotes.library.arxiv_ops import Fetcher

        fetcher = Fetcher(timeout=timeout, offline=offline)
        plan = plan_arxiv_add(library, given, update=update, fetcher=fetcher)
        if plan.warning:
            warning(plan.warning)
        library.addable(planned_paper(given, plan), update, look=typing)
    elif given.doi:
        from papernotes.library.doi_add import paper_for_doi
        from papernotes.library.venue_ops import web_client

        http = web_client(timeout=timeout, offline=offline)
        given = paper_for_doi(library, given, update=update, http=http)
        library.addable(given, update, look=typing)
    else:
        library.addable(given, update, look=typing)
    notes, kept = (given.notes, None) if given.notes else notes_from_user()
    given = replace(given, notes=notes)
    try:
        library.init()
        if plan is None:
            note = library.add(given, update=update)
        else:
            from papernotes.library.arxiv_add import add_from_arxiv

            note = add_from_arxiv(library, given, plan, update=update)
    except (PapernotesError, OSError) as exc:
        if kept is None:
            raise
        said = (user_message(exc) or str(exc)).removesuffix(".")
        kind = DuplicateError if isinstance(exc, DuplicateError) else type(exc)
        if not isinstance(exc, PapernotesError) or isinstance(exc, FileFormatError):
            kind = InvalidInputError  # one sentence, as any user error
        raise kind(f"{said}; your notes are kept in {kept.path}.") from None
    if kept is not None:
        kept.discard()
    return note


def read_notes_from_user() -> tuple[str, ...]:
    """Notes from piped stdin, or from the editor when interactive; either must be UTF-8."""
    notes, kept = notes_from_user()
    if kept is not None:
        kept.discard()
    return notes


def notes_from_user() -> tuple[tuple[str, ...], EditCopy | None]:
    """Notes from piped stdin, or from the editor when interactive, with the editor's file
    (kept for the caller to discard once the notes are written); either must be UTF-8."""
    from papernotes.text.typed_notes import typed_notes
    from papernotes.text.utf8 import bad_byte, decode_utf8, describe

    if not sys.stdin.isatty():
        from papernotes.library.files import read_bounded

        data = read_bounded(sys.stdin.buffer, "Standard input")
        return typed_notes(decode_utf8(data, "Standard input")), None
    from papernotes.library.editor import run_editor  # subprocess: not for list or search
    from papernotes.library.note_edit import EditCopy, abandon_edit, run_catching

    copy = EditCopy.make("notes.md", NOTES_TEMPLATE.encode("utf-8"))
    failure = run_catching(run_editor, copy.path)
    if failure is not None:
        raise InvalidInputError(abandon_edit(copy, failure))
    data = copy.edited()
    where = bad_byte(data)
    if where is not None:
        raise InvalidInputError(
            f"{copy.path} is not valid UTF-8 at {describe(where)}; nothing was written, "
            "and your notes are kept in that file."
        )
    return typed_notes(data.decode("utf-8"), comments=True), copy
