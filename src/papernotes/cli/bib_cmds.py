"""BibTeX on the command line: ``key``, and the .bib halves of ``import`` and ``export``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from papernotes.cli.completion import complete_paper
from papernotes.cli.library_access import existing_library
from papernotes.cli.output import echo
from papernotes.cli.terminal import say, warning
from papernotes.errors import PapernotesError
from papernotes.library import Library

if TYPE_CHECKING:
    from papernotes.library.bibtex_ops import UnexportableError


def export_bib(library: Library, papers, year, tag, with_notes: bool, ascii_only: bool) -> str:
    """The .bib text; notes without a key get one first (stored, and said on stderr)."""
    from papernotes.library.bibtex_ops import UnexportableError, export_bibtex, select_notes

    notes = select_notes(library, papers, year=year, tag=tag)
    if not notes:
        say("No papers match; the .bib is empty.")
    try:
        text, assigned = export_bibtex(library, notes, with_notes=with_notes, ascii=ascii_only)
    except UnexportableError as exc:
        raise _unexportable(exc) from None
    for note in assigned:
        say(f"assigned key {note.paper.key} to {note.path}")
    return text


def export_kept_bib(
    library: Library, year, tag, with_notes: bool, ascii_only: bool
) -> str | Iterable[str]:
    """``export_bib`` of every paper (of ``year``, tagged ``tag``), printing the same lines
    in the same order, from the text kept while no note changed (``library/kept_bibtex.py``)."""
    from papernotes.library.kept_bibtex import export_bibtex_kept

    try:
        result = export_bibtex_kept(
            library, year=year, tag=tag, with_notes=with_notes, ascii=ascii_only
        )
    except PapernotesError as exc:
        for problem in library.problems():  # read already: warned about first, as before
            warning(str(problem))
        from papernotes.library.bibtex_ops import UnexportableError

        if isinstance(exc, UnexportableError):
            raise _unexportable(exc) from None
        raise
    for problem in result.problems:
        warning(str(problem))
    if result.is_empty():
        say("No papers match; the .bib is empty.")
    for note in result.assigned:
        say(f"assigned key {note.paper.key} to {note.path}")
    return result.output()  # a long text in pieces, made one year folder at a time


def _unexportable(exc: UnexportableError) -> click.ClickException:
    """The error for notes that cannot be exported, each named on stderr first."""
    for problem in exc.problems:
        echo(f"{problem.path}: {problem.message}", err=True)
    count = len({p.path for p in exc.problems})
    return click.ClickException(
        f"{count} note(s) cannot be exported (fix them; 'papernotes check' lists every "
        "problem); nothing was written."
    )


def import_bib(library: Library, text: str, file: Path, dry_run: bool) -> None:
    from papernotes.library.bib_import import import_bibtex

    report = import_bibtex(library, text, str(file), dry_run=dry_run)
    for problem in report.problems:
        warning(str(problem))
    would = "would " if dry_run else ""
    if report.added:  # one write for them all: an import may add 10,000
        echo("\n".join(f"{would}add: {p}" if dry_run else f"added: {p}" for p in report.added))
    for path in report.merged:
        what = "fills in missing fields" if path in report.changed else "nothing new"
        echo(f"{would}merge into {path} ({what})" if dry_run else f"merged: {path} ({what})")
    click.echo(("Dry run: " if dry_run else "") + report.summary() + ".")


@click.command("key")
@click.argument("paper", shell_complete=complete_paper)
@click.argument("new_key", required=False)
@click.pass_context
def key_cmd(ctx: click.Context, paper: str, new_key: str | None):
    """Show a paper's citation key, or set it to NEW_KEY (refused if taken or invalid).

    \b
    Examples:
      papernotes key deberta
      papernotes key deberta he2021deberta
    """
    from papernotes.library.bibtex_ops import set_key

    library = existing_library(ctx)
    if new_key is None:
        _, found, _ = library.find_named(paper)  # one note read while the name index holds
        note = found or library.find(paper)
        click.echo(note.paper.key or "(no key yet: 'export --bib' assigns one)")
        return
    old, note = set_key(library, paper, new_key)
    if old == new_key:
        click.echo(f"{note.path} already has the key {new_key}.")
    else:
        click.echo(f"{note.path}: key {old or '(none)'} -> {new_key}")
