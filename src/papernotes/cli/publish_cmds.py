"""``publish config``: how ``export --md`` presents the papers (a published README)."""

from __future__ import annotations

import click

from papernotes.cli.library_access import existing_library
from papernotes.cli.main import TextCheckedContext
from papernotes.model import SHOWN_FIELDS, TITLE_LINKS


def _names(value: str | None) -> tuple[str, ...] | None:
    """``a,b`` as ``("a", "b")``; ``""`` as none at all; None when the option was not given."""
    if value is None:
        return None
    return tuple(name.strip() for name in value.split(",") if name.strip())


@click.group("publish")
def publish_cmd() -> None:
    """Publish the reading list: how 'export --md' presents it (a README kept in sync).

    \b
    Examples:
      papernotes publish config
      papernotes publish config --anchors --title-link arxiv --show authors,tags
    """


@publish_cmd.command("config")
@click.option(
    "--title-link",
    type=click.Choice(TITLE_LINKS),
    help="Make each title a link to the paper's arXiv page or its code (none: plain).",
)
@click.option(
    "--anchors/--no-anchors",
    default=None,
    help='An HTML anchor per paper (<a id="KEY"></a>), so #KEY links to it.',
)
@click.option(
    "--show",
    metavar="FIELDS",
    help=f"Extra lines per paper, comma-separated, in order: {', '.join(SHOWN_FIELDS)} "
    "('' for none).",
)
@click.option(
    "--exclude-tags",
    metavar="TAGS",
    help="Leave out papers with any of these tags, comma-separated ('' for none).",
)
@click.option(
    "--stats/--no-stats",
    default=None,
    help="A line of counts (papers, then per year) under the papers heading.",
)
@click.pass_context
def config_cmd(  # noqa: PLR0913 - a click command takes one parameter per option
    ctx: click.Context,
    title_link: str | None,
    anchors: bool | None,
    show: str | None,
    exclude_tags: str | None,
    stats: bool | None,
) -> None:
    """Show the publish profile (document.yaml's 'publish:'), or change the options given.

    Without options it prints the profile; with any, it writes them and prints the result.

    \b
    Examples:
      papernotes publish config
      papernotes publish config --anchors --stats --exclude-tags private
      papernotes publish config --title-link none --no-anchors
    """
    from papernotes.library.publish import describe_profile, set_publish_profile

    unknown = [name for name in _names(show) or () if name not in SHOWN_FIELDS]
    if unknown:  # wrong usage (exit 2), as a wrong --title-link is
        raise click.BadParameter(
            f"{unknown[0]!r} is not one of {', '.join(SHOWN_FIELDS)}.", param_hint="'--show'"
        )
    library = existing_library(ctx)
    changes = {
        "title_link": title_link,
        "anchors": anchors,
        "show": _names(show),
        "exclude_tags": _names(exclude_tags),
        "stats": stats,
    }
    if all(value is None for value in changes.values()):
        profile = library.layout().publish
    else:
        profile = set_publish_profile(library, **changes)
    click.echo(describe_profile(profile), nl=False)


# A subcommand gets its own context: refuse text arguments that are not UTF-8 here too.
config_cmd.context_class = TextCheckedContext
