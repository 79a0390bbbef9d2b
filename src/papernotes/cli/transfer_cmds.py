"""Moving notes in and out: ``import FILE`` and ``export``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from papernotes.errors import InvalidInputError
from papernotes.library import Library
from papernotes.storage.atomic import atomic_write_text


def read_text_file(path: Path) -> str:
    """A UTF-8 text file, or one clear error naming the line with the bad bytes."""
    data = path.read_bytes()
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
    """Import a reading-notes Markdown document, updating papers already present."""
    library = Library(ctx.obj)
    if not dry_run:
        library.store.init()
    text = read_text_file(file)
    report = library.import_markdown(text, str(file), dry_run=dry_run)
    for problem in report.problems:
        click.echo(f"warning: {problem}", err=True)
    for path in report.added:
        click.echo(f"{'would add' if dry_run else 'added'}: {path}")
    for path in report.updated:
        click.echo(f"{'would update' if dry_run else 'updated'}: {path}")
    click.echo(("Dry run: " if dry_run else "") + report.summary() + ".")


@click.command("export")
@click.option("--md", "fmt", flag_value="md", help="The reading-notes Markdown document.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (atomically, replacing it) instead of stdout.",
)
@click.pass_context
def export_cmd(ctx: click.Context, fmt: str | None, output: Path | None):
    """Export the library as Markdown (--md)."""
    if fmt is None:
        raise click.UsageError("Choose a format: --md.")
    library = Library.open(ctx.obj)
    for problem in library.problems():
        click.echo(f"warning: {problem}", err=True)
    text = library.export_markdown()
    if output is None:
        sys.stdout.write(text)
    else:
        atomic_write_text(output, text)
        click.echo(f"Wrote {output}", err=True)
