"""BibTeX on the command line: ``key``, and the .bib halves of ``import`` and ``export``."""

from __future__ import annotations

from pathlib import Path

import click

from papernotes.cli.completion import complete_paper
from papernotes.cli.library_access import existing_library
from papernotes.cli.output import echo
from papernotes.cli.terminal import say, warning
from papernotes.library import Library
from papernotes.library.bibtex_ops import (
    UnexportableError,
    export_bibtex,
    import_bibtex,
    select_notes,
    set_key,
)


def export_bib(library: Library, papers, year, tag, with_notes: bool, ascii_only: bool) -> str:
    """The .bib text; notes without a key get one first (stored, and said on stderr)."""
    notes = select_notes(library, papers, year=year, tag=tag)
    if not notes:
        say("No papers match; the .bib is empty.")
    try:
        text, assigned = export_bibtex(library, notes, with_notes=with_notes, ascii=ascii_only)
    except UnexportableError as exc:
        for problem in exc.problems:
            echo(f"{problem.path}: {problem.message}", err=True)
        count = len({p.path for p in exc.problems})
        raise click.ClickException(
            f"{count} note(s) cannot be exported (fix them; 'papernotes check' lists every "
            "problem); nothing was written."
        ) from None
    for note in assigned:
        say(f"assigned key {note.paper.key} to {note.path}")
    return text


def import_bib(library: Library, text: str, file: Path, dry_run: bool) -> None:
    report = import_bibtex(library, text, str(file), dry_run=dry_run)
    for problem in report.problems:
        warning(str(problem))
    would = "would " if dry_run else ""
    for path in report.added:
        echo(f"{would}add: {path}" if dry_run else f"added: {path}")
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
    library = existing_library(ctx)
    if new_key is None:
        note = library.find(paper)
        click.echo(note.paper.key or "(no key yet: 'export --bib' assigns one)")
        return
    old, note = set_key(library, paper, new_key)
    if old == new_key:
        click.echo(f"{note.path} already has the key {new_key}.")
    else:
        click.echo(f"{note.path}: key {old or '(none)'} -> {new_key}")
