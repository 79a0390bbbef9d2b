"""Commands on the notes themselves: init, add, list, show, search, edit, rm, check."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from papernotes.arxiv import DEFAULT_TIMEOUT
from papernotes.cli.completion import complete_paper, complete_tag, complete_year
from papernotes.cli.library_access import existing_library, library_to_fill
from papernotes.cli.option_checks import non_empty
from papernotes.cli.output import (
    echo,
    hit_dict,
    hit_label,
    line_template,
    list_lines,
    note_dict,
    passage,
    row_lines,
    show_text,
    to_json,
)
from papernotes.cli.terminal import colour_on, page, say, warning
from papernotes.errors import (
    AmbiguousError,
    ConflictError,
    DuplicateError,
    FileFormatError,
    InvalidInputError,
    NotFoundError,
    PapernotesError,
    user_message,
)
from papernotes.gc_pause import gc_paused
from papernotes.library import Library
from papernotes.library.names import exact_matches
from papernotes.library.reading_queue import SORTS
from papernotes.model import PRIORITIES, STATUSES, Note, Paper, Problem

if TYPE_CHECKING:
    from papernotes.library.note_edit import EditCopy

NOTES_TEMPLATE = "# One reading note per line. Lines starting with '#' are ignored.\n"


def open_library(ctx: click.Context) -> Library:
    """The library with its notes read; what could not be read is shown as warnings."""
    library = load_notes(existing_library(ctx))
    warn(library.problems())
    return library


def load_notes(library: Library) -> Library:
    """``library`` with its notes read. A command is short and keeps what it read to the end,
    so the cyclic garbage collector is paused while the notes are built and they are frozen
    out of its sight after (at 100,000 notes it otherwise walks them three times: half a
    second). Notes hold no cycles; reference counting still frees them."""
    with gc_paused(freeze=True):
        library.notes()
    return library


def kept_rows(library: Library) -> list[tuple[object, ...]] | None:
    """``list``'s kept rows (``Library.list_rows``), the collector paused and the rows frozen
    out of its sight as ``load_notes`` does for notes."""
    with gc_paused(freeze=True):
        return library.list_rows()


def warn(problems: list[Problem]) -> None:
    for problem in problems:
        warning(str(problem))


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


@click.command("list")
@click.option("--year", type=int, shell_complete=complete_year, help="Only this year.")
@click.option(
    "--tag", shell_complete=complete_tag, callback=non_empty, help="Only papers with this tag."
)
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(STATUSES),
    help="Only papers with this status (repeatable).",
)
@click.option(
    "--priority",
    "priorities",
    multiple=True,
    type=click.Choice((*PRIORITIES, "none")),
    help="Only papers with this priority (repeatable; none: no priority).",
)
@click.option("--rating-min", type=click.IntRange(1, 5), help="Only papers rated at least N.")
@click.option(
    "--sort",
    type=click.Choice(SORTS),
    help="Order: year, added, read_on and rating newest or best first, priority "
    "high first, title A to Z (papers without the value last).",
)
@click.option("--reverse", is_flag=True, help="The order turned around.")
@click.option("--keys", is_flag=True, help="Only each paper's key, one per line (for pipes).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.option(
    "--format",
    "template",
    metavar="TEMPLATE",
    help="One line per paper from TEMPLATE, for scripts: {key} {year} {title} {venue} "
    "{arxiv} {tags} {status} {authors} {slug} {path} … ('\\t' is a tab).",
)
@click.pass_context
def list_cmd(  # noqa: PLR0913 - a click command takes one parameter per option
    ctx: click.Context,
    year,
    tag,
    statuses,
    priorities,
    rating_min,
    sort,
    reverse,
    keys,
    as_json,
    template,
):
    """List papers, newest year first; exit status 1 when a filter matches none.

    \b
    Examples:
      papernotes list --year 2020
      papernotes list --status unread --priority high --sort added
      papernotes list --status read --keys | papernotes export --bib -
      papernotes list --format '{key}\\t{year}\\t{title}'
    """
    chosen = [("--keys", keys), ("--json", as_json), ("--format", template is not None)]
    outputs = [name for name, on in chosen if on]
    if len(outputs) > 1:
        raise click.UsageError(f"Choose one output: {' or '.join(outputs)}, not both.")
    fill = line_template(template) if template is not None else None
    library = existing_library(ctx)
    colour = not outputs and colour_on()
    narrowed = bool(statuses or priorities or rating_min)

    def make() -> str:
        rows = kept_rows(library) if not as_json and fill is None else None
        if rows is not None:  # kept rows: only the changed notes are read
            return listed_text(rows)
        notes = load_notes(library).select(year=year, tag=tag)
        if narrowed or sort or reverse:
            from papernotes.library.reading_queue import filtered_notes, sorted_notes

            notes = filtered_notes(notes, statuses, priorities, rating_min or 0)
            if sort or reverse:
                notes = sorted_notes(notes, sort or "year", reverse)
        if keys:
            return "\n".join(n.paper.key or n.path for n in notes)
        if as_json:
            return to_json([note_dict(n) for n in notes])
        if fill is not None:
            return "\n".join(fill(n) for n in notes)
        return "\n".join(list_lines(notes, colour))

    def listed_text(rows: list[tuple]) -> str:  # as make() from notes, on rows
        from papernotes.library.list_rows import KEY, PATH, chosen_rows

        fold = library.folder.fold if tag else None
        rows = chosen_rows(rows, year, tag, fold, statuses, priorities, rating_min, sort, reverse)
        if keys:
            return "\n".join(r[KEY] or r[PATH] for r in rows)
        return "\n".join(row_lines(rows, colour))

    # Kept until a note changes: a repeated list reads no note (list_output_cache).
    asked = (year, tag, statuses, priorities, rating_min, sort, reverse, keys, as_json)
    name = f"list {asked!r}"
    name += f" --format {template!r}" if fill is not None else " colour" if colour else ""
    problems, text = library.cached_output(name, make)
    warn(problems)
    filtered = year is not None or tag is not None or narrowed
    if text and text != "[]":
        if as_json or keys:
            click.echo(text)
        else:
            page(text, longer_than_screen=True)
        return
    if as_json:
        click.echo(text)
    say("No papers match." if filtered else "No papers in the library yet.")
    if filtered:
        ctx.exit(1)  # nothing matched, as grep says it


@click.command("show")
@click.argument("paper", shell_complete=complete_paper)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@click.pass_context
def show_cmd(ctx: click.Context, paper, as_json):
    """Show one paper: a key, slug, arXiv id or unique part of the title (through the pager
    on a terminal).

    \b
    Examples:
      papernotes show he2021deberta
      papernotes show 2006.03654 --json
    """
    library = existing_library(ctx)
    problems, note, linked = library.find_named(paper)  # a few notes read while none changed
    if note is None or linked is None:
        problems = load_notes(library).problems()
    warn(problems)
    if note is None or linked is None:
        from papernotes.library.paper_links import linked_from  # the index has them

        note = library.find(paper)
        linked = linked_from(library, note)
    if as_json:
        click.echo(
            to_json({**note_dict(note), "linked_from": [n.paper.key or n.path for n in linked]})
        )
    else:
        page(show_text(note, linked, colour_on()))


@click.command("search")
@click.argument("query")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.option(
    "--exact",
    is_flag=True,
    help="Match the text as typed (case aside): no width folding, script conversion or pinyin.",
)
@click.pass_context
def search_cmd(ctx: click.Context, query, as_json, exact):
    """Find papers whose title, notes, venue, tags or authors contain QUERY; exit status 1
    when none does.

    Full-width and ASCII letters, traditional and simplified characters match each other,
    and a word in pinyin of two or more syllables (zhengliu) matches the Chinese it spells.

    \b
    Examples:
      papernotes search distillation
      papernotes search 蒸馏
      papernotes search zhengliu --json
    """
    library = open_library(ctx)
    parsed = library.query(query, exact=exact)
    notes = library.search(parsed)
    library.keep_search_forms()  # computed once: the next search reads them
    hits = library.hits(parsed, notes)
    if as_json:
        click.echo(
            to_json(
                [{**note_dict(n), "match": hit_dict(h)} for n, h in zip(notes, hits, strict=True)]
            )
        )
        if not notes:
            ctx.exit(1)
        return
    if not notes:
        raise NotFoundError(f"No paper matches {query!r}.")
    colour = colour_on()
    shown: list[str] = []  # printed at once: one write, not two per paper
    for line, hit in zip(list_lines(notes, colour), hits, strict=True):
        shown.append(line)  # list_lines made the user's text safe
        if hit is not None:
            shown.append(f"      {hit_label(hit)}: {passage(hit, colour=colour)}")
    click.echo("\n".join(shown))


@click.command("edit")
@click.argument("paper", shell_complete=complete_paper)
@click.pass_context
def edit_cmd(ctx: click.Context, paper):
    """Open a paper's note in $EDITOR (a path such as 2020/bad.md opens even a broken note).

    The editor works on a copy; the edited text is written back only if nobody changed,
    moved or removed the note meanwhile, and kept in a file whose path is printed otherwise.

    \b
    Examples:
      papernotes edit he2021deberta
      papernotes edit 2020/bad.md
    """
    library = open_library(ctx)
    rel = library.file_named(paper) or library.find(paper).path
    if not (library.root / rel).is_file():  # a FIFO: an editor reading it would wait forever
        raise InvalidInputError(f"{rel} is not a regular file, so it is not opened; rm removes it.")
    from papernotes.library.editor import run_editor  # subprocess: not for list or search
    from papernotes.library.note_edit import edit_note, edit_warnings

    edited = edit_note(library, rel, run_editor)
    if edited is None:
        say(f"No changes to {rel}; nothing was written.")
    for problem in edit_warnings(library, edited) if edited is not None else ():
        warning(f"{problem} (the edit is written as it is)")
    click.echo(str(library.root / rel))


@click.command("rm")
@click.argument("paper", shell_complete=complete_paper)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def rm_cmd(ctx: click.Context, paper, yes):
    """Delete a paper's note (a path such as 2020/bad.md removes even a broken note).

    \b
    Examples:
      papernotes rm he2021deberta
      papernotes rm 2020/bad.md --yes
    """
    library = open_library(ctx)
    rel = library.file_named(paper)
    if rel is not None and all(n.path != rel for n in library.notes()):
        # a file that does not read as a note: removed as it is, without parsing it
        named = ", ".join(exact_matches(library.notes(), paper))
        if named:
            raise AmbiguousError(
                f"{paper!r} names {rel} (which does not read as a note) and {named}; "
                "name one by its path with .md."
            )
        asked = f"Delete {rel} (it does not read as a note)?"
        ask = not yes and sys.stdin.isatty()
        # deleted only if, under the lock, it still holds what it held when asked
        library.remove_file(rel, (lambda: click.confirm(asked, abort=True)) if ask else None)
        click.echo(f"Removed {rel}")
        return
    note = library.find(paper)  # a name two rules give to two papers is an error, never a pick
    confirmed = not yes and sys.stdin.isatty()
    if confirmed:
        click.confirm(f"Delete {note.path} ({note.paper.title})?", abort=True)
    # named again, and removed, as the folder is now
    with library.writing(message=f"rm {note.paper.key or note.path}: {note.paper.title}"):
        latest = library.find(paper)
        if latest.path != note.path:
            raise ConflictError(f"{paper!r} names {latest.path} now; nothing was removed.")
        # what was confirmed must still be there; else the file as it is now (not the cache)
        library.remove(note if confirmed else library.current(latest))
    click.echo(f"Removed {note.path}")


@click.command("check")
@click.option("--links", is_flag=True, help="Also check every web link (docs/link-check.md).")
@click.option("--offline", is_flag=True, help="With --links: answer only from the cache.")
@click.option(
    "--fix-redirects", is_flag=True, help="With --links: rewrite permanent redirects (301, 308)."
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.01),
    default=10.0,
    show_default=True,
    help="With --links: seconds to wait for each answer.",
)
@click.option(
    "--delay",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    help="With --links: seconds between two requests to one host.",
)
@click.option(
    "--max-age",
    type=click.FloatRange(min=0),
    default=24.0,
    show_default=True,
    metavar="HOURS",
    help="With --links: reuse a link's cached answer this long.",
)
@click.pass_context
def check_cmd(ctx: click.Context, links, offline, fix_redirects, timeout, delay, max_age):  # noqa: PLR0913
    """Validate every note; one line per problem, exit 1 if any. With --links, also every
    web link: PLACE: URL: 404 | moved to URL | timeout…

    \b
    Examples:
      papernotes check
      papernotes check --links
      papernotes check --links --offline
    """
    link_options = {"--offline": offline, "--fix-redirects": fix_redirects}
    given = [name for name, value in link_options.items() if value]
    if given and not links:
        raise click.UsageError(f"{given[0]} goes with --links.")
    library = existing_library(ctx)
    for rel in library.remove_temp_files():
        say(f"removed {rel}: left by an interrupted write; no note was affected")
    problems = library.check()  # every note read from its file, not the cache
    for rel in library.repaired():
        click.echo(
            f"repaired the note cache: {rel} had changed without its size or times "
            "changing, and commands showed the old note until now",
            err=True,
        )
    for problem in problems:
        echo(str(problem))
    broken_links = False
    if links:
        from papernotes.cli.link_check_cmd import report_links

        broken_links = report_links(
            library,
            offline=offline,
            fix=fix_redirects,
            timeout=timeout,
            delay=delay,
            max_age_hours=max_age,
        )
    if problems or broken_links:
        ctx.exit(1)
    click.echo(f"{len(library.notes())} notes, no problems.")
