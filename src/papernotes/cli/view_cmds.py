"""Commands that only read notes: list, show and search (kept lean: see
tests/test_lean_imports.py)."""

from __future__ import annotations

from operator import itemgetter

import click

from papernotes.cli.chosen_outputs import chosen_output, loaded_keeping
from papernotes.cli.completion import complete_paper, complete_tag, complete_year
from papernotes.cli.library_access import (
    existing_library,
    kept_text,
    load_notes,
    open_library,
    warn,
)
from papernotes.cli.option_checks import non_empty
from papernotes.cli.output import (
    KEPT_BESIDE_NOTES,
    LineTemplate,
    found_lines,
    found_parts,
    hit_dict,
    joined_lines,
    line_template,
    list_lines,
    note_dict,
    row_lines,
    show_text,
    to_json,
    write_json_list,
)
from papernotes.cli.terminal import colour_on, page, say
from papernotes.errors import NotFoundError
from papernotes.gc_pause import gc_paused
from papernotes.library.list_rows import rows_of
from papernotes.library.reading_queue import SORTS
from papernotes.model import PRIORITIES, STATUSES, Note


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

    options = (tag, narrowed, sort, reverse, keys, as_json, fill)
    every_paper = year is None and not any(options)  # the text kept per year folder
    every_json = as_json and year is None and not (tag or narrowed or sort or reverse)

    written = False

    def make() -> str | None:
        nonlocal written
        from_rows = None if as_json or fill is not None else listed_text
        text = kept_text(library, colour, every_paper, from_rows)  # only changes are read
        if text is not None:
            return text
        # --json and --format from the kept rows and the JSON kept per year folder
        from papernotes.library.chosen_blocks import list_pick  # choose, folder by folder

        pick = list_pick(library, year, tag, statuses, priorities, rating_min, sort, reverse)
        done, text, keep = chosen_output(library, choose, as_json, fill, every_json, pick)
        if done:
            written = as_json
            return text
        notes = loaded_keeping(library, keep).select(year=year, tag=tag)
        if narrowed or sort or reverse:
            from papernotes.library.reading_queue import filtered_notes, sorted_notes

            notes = filtered_notes(notes, statuses, priorities, rating_min or 0)
            if sort or reverse:
                notes = sorted_notes(notes, sort or "year", reverse)
        if as_json:  # written as made: 100,000 notes' JSON is never held whole
            warn(library.problems())
            written = True
            return write_json_list(map(note_dict, notes), len(notes), KEPT_BESIDE_NOTES)
        return notes_text(notes, keys, fill, colour)

    def choose(rows: list[tuple]) -> list[tuple]:  # as make() from notes, on rows
        from papernotes.library.list_rows import chosen_rows

        fold = library.folder.fold if tag else None
        return chosen_rows(rows, year, tag, fold, statuses, priorities, rating_min, sort, reverse)

    def listed_text(rows: list[tuple]) -> str:
        from papernotes.library.list_rows import KEY, PATH

        rows = choose(rows)
        if keys:
            return "\n".join(r[KEY] or r[PATH] for r in rows)
        return "\n".join(row_lines(rows, colour))

    # Kept until a note changes: a repeated list reads no note (list_output_cache).
    asked = (year, tag, statuses, priorities, rating_min, sort, reverse, keys, as_json)
    name = f"list {asked!r}"
    name += f" --format {template!r}" if fill is not None else " colour" if colour else ""
    problems, text = library.cached_output(name, make)
    if not written:
        warn(problems)
        printed(text, as_json or keys)
    if (written or text) and text != "[]":  # written: "" when too long to keep
        return
    filtered = year is not None or tag is not None or narrowed
    say("No papers match." if filtered else "No papers in the library yet.")
    if filtered:
        ctx.exit(1)  # nothing matched, as grep says it


def notes_text(notes: list[Note], keys: bool, fill: LineTemplate | None, colour: bool) -> str:
    """``list``'s text of ``notes`` (but ``--json``): keys, template lines or list lines."""
    if keys:
        return "\n".join(n.paper.key or n.path for n in notes)
    if fill is not None:
        return "\n".join(fill(n) for n in notes)
    return "\n".join(list_lines(notes, colour))


def printed(text: str, plain: bool) -> None:
    """``list``'s text as kept or made whole: a JSON list or keys as they are (an empty JSON
    list too), lines through the pager on a terminal; nothing when there are none."""
    if plain and text:
        click.echo(text)
    elif text:
        page(text, longer_than_screen=True)


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
    if search_rows(ctx, query, exact) if not as_json else search_json(ctx, query, exact):
        return
    library = open_library(ctx)
    parsed = library.query(query, exact=exact)
    notes = library.search(parsed)
    library.keep_search_forms()  # computed once: the next search reads them
    hits = library.hits(parsed, notes)
    if as_json:  # written as made: the JSON of 100,000 papers found is never held whole
        found = zip(notes, hits, strict=True)
        write_json_list(({**note_dict(n), "match": hit_dict(h)} for n, h in found), len(notes))
        if not notes:
            ctx.exit(1)
        return
    if not notes:
        raise NotFoundError(f"No paper matches {query!r}.")
    click.echo(found_lines(rows_of(notes), hits, colour_on()))  # one write, not two per paper


def search_json(ctx: click.Context, query: str, exact: bool) -> bool:
    """``search --json`` from the kept search forms, a year at a time, each paper found
    written from its kept ``list --json`` text or, when not kept, building only the notes
    found (``library/search_json.py``); False when the forms are not kept."""
    from papernotes.cli.chosen_outputs import found_json

    library = existing_library(ctx)
    found = found_json(library, query, exact, warn)
    if found is None:
        return False
    if not found:
        ctx.exit(1)
    return True


def search_rows(ctx: click.Context, query: str, exact: bool) -> bool:
    """``search`` printed from the kept search forms (``library/search_listing.py``), without
    building every note; False when they are not kept (caching off)."""
    from papernotes.library.search_listing import HIT, listed_lines

    library = existing_library(ctx)
    colour = colour_on()

    def render(found: list) -> list:
        return found_parts(found, map(itemgetter(HIT), found), colour)

    with gc_paused(freeze=True):
        got = listed_lines(library, query, exact, "colour" if colour else "plain", render)
    if got is None:
        return False
    problems, lines = got
    warn(problems)
    if not lines:
        raise NotFoundError(f"No paper matches {query!r}.")
    click.echo(joined_lines(lines.heads, lines.widths, lines.tails, lines.order))
    return True
