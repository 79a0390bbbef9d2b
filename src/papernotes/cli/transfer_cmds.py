"""Moving notes in and out: ``import FILE`` and ``export``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from papernotes.cli.library_access import existing_library, library_to_fill
from papernotes.cli.output import echo
from papernotes.errors import InvalidInputError
from papernotes.library.api import NO_PAPERS
from papernotes.library.files import read_input_file, write_export


def read_text_file(path: Path) -> str:
    """A UTF-8 text file, or one clear error naming the line with the bad bytes."""
    data = read_input_file(path)  # a regular file of bounded size: never /dev/zero
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InvalidInputError(
            f"{path}:{line}: the file is not valid UTF-8; nothing was imported."
        ) from None


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.pass_context
def import_cmd(ctx: click.Context, file: Path, dry_run: bool):
    """Import a reading-notes Markdown document or a .bib file (by its suffix).

    Papers already present are updated (Markdown) or merged into (BibTeX: matched by arXiv
    id, DOI or title; only missing fields are filled in).
    """
    suffix = file.suffix.lower()
    if suffix not in (".md", ".markdown", ".bib"):
        raise InvalidInputError(
            f"Cannot import {file.name}: papernotes imports a Markdown document (.md, "
            ".markdown) or a BibTeX file (.bib)."
        )
    library = library_to_fill(ctx)
    library.layout()  # a broken document.yaml: one line naming it, before anything is written
    text = read_text_file(file)
    if not dry_run:
        library.init()  # a missing or empty folder becomes a library
    if suffix == ".bib":
        from papernotes.cli.bib_cmds import import_bib

        import_bib(library, text, file, dry_run)
        return
    report = library.import_markdown(text, str(file), dry_run=dry_run)
    for problem in report.problems:
        echo(f"warning: {problem}", err=True)
    if not (report.added or report.updated or report.unchanged or report.skipped):
        click.echo(f"warning: {file}: {NO_PAPERS}; only its sections were imported.", err=True)
    for path in report.added:
        echo(f"{'would add' if dry_run else 'added'}: {path}")
    for path in report.updated:
        echo(f"{'would update' if dry_run else 'updated'}: {path}")
    for name in report.sections_added:
        echo(f"{'would add' if dry_run else 'added'} section: {name}")
    for name in report.sections_replaced:
        echo(f"{'would replace' if dry_run else 'replaced'} section: {name}")
    click.echo(("Dry run: " if dry_run else "") + report.summary() + ".")


@click.command("export")
@click.argument("papers", nargs=-1)
@click.option("--md", is_flag=True, help="The reading-notes Markdown document.")
@click.option("--bib", is_flag=True, help="BibTeX entries, ordered by year then key.")
@click.option(
    "-o",
    "--output",
    type=click.Path(allow_dash=True),  # a str: a Path would drop a trailing '/'
    help="Write to this file (atomically replacing it, or a symlink's target) instead of "
    "stdout; '-' is stdout.",
)
@click.option("--year", type=int, help="--bib: only papers of this year.")
@click.option("--tag", help="--bib: only papers with this tag.")
@click.option("--with-notes", is_flag=True, help="--bib: put the reading notes in 'annote'.")
@click.option(
    "--ascii",
    "ascii_only",
    is_flag=True,
    help="--bib: accents as LaTeX (Chinese is kept as UTF-8).",
)
@click.pass_context
def export_cmd(  # noqa: PLR0913 - a click command takes one parameter per option
    ctx: click.Context, papers, md, bib, output: str | None, year, tag, with_notes, ascii_only
):
    """Export the library as Markdown (--md) or BibTeX (--bib [PAPER...]; - reads the papers
    from standard input, one per line)."""
    if md and bib:
        raise click.UsageError("Choose one format: --md or --bib, not both.")
    if not (md or bib):
        raise click.UsageError("Choose a format: --md or --bib.")
    fmt = "md" if md else "bib"
    if fmt == "md" and (papers or year or tag or with_notes or ascii_only):
        raise click.UsageError("PAPER, --year, --tag, --with-notes and --ascii go with --bib.")
    library = existing_library(ctx)
    if fmt == "md":
        library.layout()  # a broken document.yaml: refused in one line, not warned about first
    if fmt == "bib" and not papers:  # kept until a note changes (library/kept_bibtex.py)
        from papernotes.cli.bib_cmds import export_kept_bib

        text = export_kept_bib(library, year, tag, with_notes, ascii_only)
    else:
        for problem in library.problems():
            echo(f"warning: {problem}", err=True)
    if fmt == "bib" and papers:
        from papernotes.cli.bib_cmds import export_bib
        from papernotes.cli.paper_args import papers_with_stdin

        named = papers_with_stdin(papers)
        if papers and not named:  # only "-", and nothing came: never every paper
            click.echo("No papers on standard input; the .bib is empty.", err=True)
        text = (
            ""
            if papers and not named
            else export_bib(library, tuple(named), year, tag, with_notes, ascii_only)
        )
    elif fmt == "md":
        text = library.export_markdown()
    if output is None or output == "-" or is_stdout(Path(output)):
        if sys.stdout is None:  # started with standard output closed (>&-)
            raise InvalidInputError("Standard output is closed; nothing was written (use -o FILE).")
        sys.stdout.write(text)
        return
    if output.endswith("/") and not os.path.isdir(output):
        raise InvalidInputError(
            f"Cannot write {output}: a name ending in '/' is a folder, and there is no such "
            "folder (nothing was written)."
        )
    write_export(library.root, Path(output), text)
    click.echo(f"Wrote {output}", err=True)


def is_stdout(path: Path) -> bool:
    """True when ``path`` is this process's standard output (``/dev/stdout``, ``/dev/fd/1``),
    which is written to like stdout rather than replaced."""
    try:
        return os.path.samestat(os.stat(path), os.fstat(sys.stdout.fileno()))
    except (OSError, ValueError, AttributeError):  # no such file; stdout without a descriptor
        return False
