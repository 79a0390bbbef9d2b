"""``papernotes man``: a manual page (roff) made from the CLI's own help, so it cannot
drift from the commands."""

from __future__ import annotations

import click

from papernotes import __version__

EXIT_STATUS = (
    ("0", "Success."),
    (
        "1",
        "A problem (a user error, a note that does not read), or nothing matched: "
        "search without a hit, list --year/--tag matching no paper, show of an unknown paper.",
    ),
    ("2", "Wrong usage: an unknown command or option, a missing or malformed argument."),
    (
        "3",
        "A web service (arXiv, Semantic Scholar, DBLP, Crossref) could not be reached or "
        "failed; nothing was written.",
    ),
    ("130", "Interrupted (Ctrl-C)."),
    ("141", "The reader of the output went away (papernotes list | head)."),
)
ENVIRONMENT = (
    ("PAPERNOTES_DIR", "The library folder (as --notes)."),
    ("PAPERNOTES_CONFIG", "The config file (as --config)."),
    ("PAPERNOTES_EDITOR, VISUAL, EDITOR", "The editor (before and after config.toml's)."),
    ("PAPERNOTES_PAGER, PAGER", "The pager (before and after config.toml's); less -R else."),
    ("NO_COLOR", "Any value: no colour (config.toml and --color win over it)."),
    ("PAPERNOTES_LOCK_TIMEOUT", "Seconds a write waits for the library's lock."),
    ("PAPERNOTES_OFFLINE", "Use only cached arXiv answers."),
    ("PAPERNOTES_CONTACT", "An email address for the User-Agent of web services."),
    ("PAPERNOTES_NO_CACHE", "Turn the library caches off."),
)


def roff(text: str) -> str:
    """``text`` safe in a roff line: backslashes and leading dots or quotes escaped."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\n".join(
        ("\\&" + line if line.startswith((".", "'")) else line) for line in text.splitlines()
    )


def help_paragraphs(help_text: str) -> list[str]:
    """The help's paragraphs, and its ``\\b`` (unwrapped) blocks kept line by line."""
    out = []
    for block in help_text.strip().split("\n\n"):
        lines = [line.strip() for line in block.splitlines()]
        if lines and lines[0] == "\b":
            out.append(".nf\n" + roff("\n".join("  " + line for line in lines[1:])) + "\n.fi")
        else:
            out.append(roff(" ".join(lines)))
    return out


def options_roff(ctx: click.Context, command: click.Command) -> list[str]:
    out = []
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None:
            continue
        names, help_text = record
        out += [".TP", f"\\fB{roff(names)}\\fR", roff(help_text)]
    return out


def manual(root: click.Group, ctx: click.Context) -> str:
    """The whole page: name, synopsis, description, options, every command, exit status,
    environment and files."""
    lines = [
        f'.TH PAPERNOTES 1 "" "papernotes {__version__}" "User Commands"',
        ".SH NAME",
        "papernotes \\- reading notes on research papers, one file per paper, by year",
        ".SH SYNOPSIS",
        "\\fBpapernotes\\fR [\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]...",
        ".SH DESCRIPTION",
    ]
    for paragraph in help_paragraphs(root.help or ""):
        lines += [paragraph, ".PP"]
    lines += [".SH OPTIONS", *options_roff(ctx, root), ".SH COMMANDS"]
    for name in root.list_commands(ctx):
        command = root.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        sub = click.Context(command, info_name=name, parent=ctx)
        lines += [".SS " + roff(f"papernotes {name} {' '.join(command.collect_usage_pieces(sub))}")]
        for paragraph in help_paragraphs(command.help or ""):
            lines += [paragraph, ".PP"]
        lines += options_roff(sub, command)
        if isinstance(command, click.Group):
            for subname in command.list_commands(sub):
                subcommand = command.get_command(sub, subname)
                if subcommand is not None:
                    lines += [".TP", f"\\fBpapernotes {name} {subname}\\fR"]
                    lines += [roff(subcommand.get_short_help_str(200))]
    lines.append(".SH EXIT STATUS")
    for code, meaning in EXIT_STATUS:
        lines += [".TP", f"\\fB{code}\\fR", roff(meaning)]
    lines.append(".SH ENVIRONMENT")
    for name, meaning in ENVIRONMENT:
        lines += [".TP", f"\\fB{roff(name)}\\fR", roff(meaning)]
    lines += [
        ".SH FILES",
        ".TP",
        "\\fI~/.config/papernotes/config.toml\\fR",
        "The settings ($XDG_CONFIG_HOME/papernotes on Linux; 'papernotes config path' names "
        "the file in effect, 'papernotes config' shows every setting and its origin).",
        ".TP",
        "\\fI~/.config/papernotes/venues.toml\\fR",
        "Venue names for BibTeX (also [venues.NAME] tables in config.toml).",
        ".SH SEE ALSO",
        "\\fBgit\\fR(1), \\fBbibtex\\fR(1)",
    ]
    return "\n".join(lines) + "\n"


@click.command("man")
@click.pass_context
def man_cmd(ctx: click.Context) -> None:
    """Print papernotes' manual page (roff), made from the commands' own help.

    \b
    Examples:
      papernotes man | man -l -
      papernotes man > ~/.local/share/man/man1/papernotes.1
    """
    root = ctx.find_root()
    assert isinstance(root.command, click.Group)
    click.echo(manual(root.command, root), nl=False)
