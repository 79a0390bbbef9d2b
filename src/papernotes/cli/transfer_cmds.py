"""Moving notes in and out: ``import FILE`` and ``export``."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from papernotes.cli.completion import complete_paper, complete_tag, complete_year
from papernotes.cli.library_access import existing_library, library_to_fill
from papernotes.cli.option_checks import non_empty
from papernotes.cli.output import echo
from papernotes.cli.terminal import SETTINGS, page, say, warning
from papernotes.errors import InvalidInputError, PapernotesError
from papernotes.library.api import NO_PAPERS
from papernotes.library.files import read_input_file, write_export

if TYPE_CHECKING:
    from papernotes.library.api import Library
    from papernotes.model import Problem


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

    \b
    Examples:
      papernotes import reading-notes.md --dry-run
      papernotes import references.bib
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
        warning(str(problem))
    if not (report.added or report.updated or report.unchanged or report.skipped):
        warning(f"{file}: {NO_PAPERS}; only its sections were imported.")
    if report.added:  # one write for them all: an import may add 10,000
        echo("\n".join(f"{'would add' if dry_run else 'added'}: {p}" for p in report.added))
    for path in report.updated:
        echo(f"{'would update' if dry_run else 'updated'}: {path}")
    for name in report.sections_added:
        echo(f"{'would add' if dry_run else 'added'} section: {name}")
    for name in report.sections_replaced:
        echo(f"{'would replace' if dry_run else 'replaced'} section: {name}")
    if report.publish is not None:
        echo(f"{'would take' if dry_run else 'took'} the document's publish profile")
    click.echo(("Dry run: " if dry_run else "") + report.summary() + ".")


def bib_text(  # noqa: PLR0913
    library, papers, year, tag, with_notes: bool, ascii_only: bool
) -> str | Iterable[str]:
    """The .bib of ``export --bib``, warnings said first: of every paper (of ``year``, tagged
    ``tag``) kept until a note changes (``library/kept_bibtex.py``), else rendered; a long
    one in pieces, made and written one year folder at a time."""
    from papernotes.cli.bib_cmds import export_bib, export_kept_bib

    if not papers:
        return export_kept_bib(library, year, tag, with_notes, ascii_only)
    from papernotes.cli.paper_args import papers_with_stdin

    named = papers_with_stdin(papers)
    for problem in library.problems():
        warning(str(problem))
    if not named:  # only "-", and nothing came (an upstream failure?): never every paper,
        # and never an empty .bib in place of the one the user had
        raise InvalidInputError("No papers on standard input; nothing was written.")
    return export_bib(library, tuple(named), year, tag, with_notes, ascii_only)


def md_problems(library: Library) -> list[Problem]:
    """The problems of the library's load, for ``export --md`` to warn about, once
    ``document.yaml`` is known to read: a broken one is refused in one line, not warned about
    first. Loaded first, so that the layout comes from the note cache's parsed copy (10,000
    papers: a YAML parse of their order, a fifth of the export, saved)."""
    try:
        problems = library.problems()
    except (PapernotesError, OSError):
        library.layout()  # its error first, as when it was read before the load
        raise
    library.layout()
    return problems


def bib_defaults(ctx: click.Context, with_notes, ascii_only) -> tuple[bool, bool]:
    """``--with-notes`` and ``--ascii`` as given, else as the config's ``[export.bib]`` says."""
    settings = ctx.meta.get(SETTINGS)
    if with_notes is None:
        with_notes = bool(settings and settings["export.bib.with_notes"])
    if ascii_only is None:
        ascii_only = bool(settings and settings["export.bib.ascii"])
    return with_notes, ascii_only


@click.command("export")
@click.argument("papers", nargs=-1, shell_complete=complete_paper)
@click.option("--md", is_flag=True, help="The reading-notes Markdown document.")
@click.option("--bib", is_flag=True, help="BibTeX entries, ordered by year then key.")
@click.option(
    "-o",
    "--output",
    type=click.Path(allow_dash=True),  # a str: a Path would drop a trailing '/'
    help="Write to this file (atomically replacing it, or a symlink's target) instead of "
    "stdout; '-' is stdout.",
)
@click.option(
    "--year", type=int, shell_complete=complete_year, help="--bib: only papers of this year."
)
@click.option(
    "--tag",
    shell_complete=complete_tag,
    callback=non_empty,
    help="--bib: only papers with this tag.",
)
@click.option(
    "--with-notes/--no-with-notes",
    default=None,
    help="--bib: put the reading notes in 'annote' (default: export.bib.with_notes in "
    "config.toml, else no).",
)
@click.option(
    "--ascii/--no-ascii",
    "ascii_only",
    default=None,
    help="--bib: accents as LaTeX; Chinese is kept as UTF-8 (default: export.bib.ascii in "
    "config.toml, else no).",
)
@click.option(
    "--check",
    is_flag=True,
    help="--md -o FILE: write nothing; exit 1 with a diff if FILE is not what the library "
    "exports (for CI and pre-commit hooks).",
)
@click.pass_context
def export_cmd(  # noqa: PLR0913 - a click command takes one parameter per option
    ctx: click.Context,
    papers,
    md,
    bib,
    output: str | None,
    year,
    tag,
    with_notes,
    ascii_only,
    check: bool,
):
    """Export the library as Markdown (--md) or BibTeX (--bib [PAPER...]; - reads the
    papers from standard input, one per line), to standard output (through the pager on a
    terminal) or a file.

    \b
    Examples:
      papernotes export --md -o reading-notes.md
      papernotes export --bib --year 2021 > refs.bib
      papernotes export --bib he2021deberta --with-notes
      papernotes list --status read --keys | papernotes export --bib -
    """
    if md and bib:
        raise click.UsageError("Choose one format: --md or --bib, not both.")
    if not (md or bib):
        raise click.UsageError("Choose a format: --md or --bib.")
    fmt = "md" if md else "bib"
    if fmt == "md" and (papers or year or tag or with_notes is not None or ascii_only is not None):
        raise click.UsageError("PAPER, --year, --tag, --with-notes and --ascii go with --bib.")
    if check and (fmt != "md" or output is None or output == "-" or is_stdout(Path(output))):
        raise click.UsageError("--check goes with --md -o FILE (the file to compare).")
    library = existing_library(ctx)
    if fmt == "md":
        text: str | Iterable[str | bytes] = markdown_text(library)  # written as made
    else:
        with_notes, ascii_only = bib_defaults(ctx, with_notes, ascii_only)
        text = bib_text(library, papers, year, tag, with_notes, ascii_only)
    if check:
        check_export(Path(output or ""), whole(text))
        return
    if output is None or output == "-" or is_stdout(Path(output)):
        if sys.stdout is None:  # started with standard output closed (>&-)
            raise InvalidInputError("Standard output is closed; nothing was written (use -o FILE).")
        if sys.stdout.isatty():
            page(whole(text).removesuffix("\n"))
        else:
            from papernotes.cli.block_outputs import write_pieces

            write_pieces([text] if isinstance(text, str) else text)
        return
    if output.endswith("/") and not os.path.isdir(output):
        raise InvalidInputError(
            f"Cannot write {output}: a name ending in '/' is a folder, and there is no such "
            "folder (nothing was written)."
        )
    write_export(library.root, Path(output), text)
    say(f"Wrote {output}")


def whole(text: str | Iterable[str | bytes]) -> str:
    """``text`` given in pieces (text, or UTF-8 bytes) as one text (to page or compare)."""
    if isinstance(text, str):
        return text
    return "".join(
        p.decode("utf-8", "surrogateescape") if isinstance(p, bytes) else p for p in text
    )


def markdown_text(library: Library) -> Iterator[str | bytes]:
    """``export --md``'s document in pieces, its load's problems warned about first: from
    the text kept per year folder (``library/markdown_blocks.py``), else made from the
    notes, never whole."""
    from papernotes.library.markdown_blocks import kept_markdown

    kept = kept_markdown(library)
    if kept is None:
        from papernotes.library.link_export import markdown_pieces

        problems = md_problems(library)
        for problem in problems:
            warning(str(problem))
        return markdown_pieces(library)
    for problem in kept[0]:
        warning(str(problem))
    return kept[1]


def is_stdout(path: Path) -> bool:
    """True when ``path`` is this process's standard output (``/dev/stdout``, ``/dev/fd/1``),
    which is written to like stdout rather than replaced."""
    try:
        return os.path.samestat(os.stat(path), os.fstat(sys.stdout.fileno()))
    except (OSError, ValueError, AttributeError):  # no such file; stdout without a descriptor
        return False


def check_export(path: Path, text: str) -> None:
    """``export --check``: exit 0 when ``path`` holds ``text``, else print the diff and exit 1."""
    from papernotes.library.publish import export_difference

    diff = export_difference(path, text)
    if not diff:
        click.echo(f"{path} is up to date.", err=True)
        return
    click.echo(diff, nl=False)
    click.echo(
        f"{path} is not what the library exports; run 'papernotes export --md -o {path}' "
        "to update it.",
        err=True,
    )
    sys.exit(1)
