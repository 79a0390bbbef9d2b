"""``papernotes check``: every note validated, and with ``--links`` every web link."""

from __future__ import annotations

import click

from papernotes.cli.library_access import existing_library
from papernotes.cli.output import echo
from papernotes.cli.terminal import say
from papernotes.gc_pause import gc_paused


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
    with gc_paused(freeze=True):  # every note held to the end, as load_notes holds them
        problems, count = library.check_counted(full=links)  # every file read, not the cache
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
    click.echo(f"{count} notes, no problems.")
