"""Every ``papernotes …`` command line README.md and docs/ show (in code blocks and inline
code) names commands and options the live CLI has, so the guide cannot drift from the program.

It reads README.md and the CLI as they are: commands other work adds are checked too."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

from papernotes.cli.main import cli

REPO = Path(__file__).resolve().parents[1]
PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
STOPS = ("|", "||", "&&", ";", ">", ">>", "<", "2>", "2>&1", "&")
INLINE = re.compile(r"`(papernotes(?: [^`]*)?)`")


def readme_command_lines(text: str) -> list[tuple[int, str]]:
    """(line number, command line) for each line of a fenced block starting with
    ``papernotes`` (or ``$ papernotes``) and each inline ``papernotes …`` code span."""
    found, fenced = [], False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        stripped = line.strip().removeprefix("$ ")
        if fenced and re.match(r"papernotes(\s|$)", stripped):
            found.append((number, stripped))
        elif not fenced:
            found += [(number, span) for span in INLINE.findall(line)]
    return found


def takes_values(param: click.Parameter) -> int:
    """How many words after the option are its values (0 for a flag)."""
    if isinstance(param, click.Option) and (param.is_flag or param.count):
        return 0
    return param.nargs if param.nargs > 0 else 1


def find_option(ctx: click.Context, command: click.Command, name: str) -> click.Parameter | None:
    for param in command.get_params(ctx):
        if isinstance(param, click.Option) and name in (*param.opts, *param.secondary_opts):
            return param
    return None


def problems_in(line: str) -> list[str]:
    """What ``line`` names that the CLI does not have; [] when all of it exists."""
    try:
        words = shlex.split(line, comments=True)[1:]
    except ValueError:  # an apostrophe in prose: fall back to plain words
        words = line.split("#", 1)[0].split()[1:]
    problems: list[str] = []
    command: click.Command = cli
    ctx = click.Context(cli, info_name="papernotes", **cli.context_settings)  # -h as well
    positional = False
    skip = 0
    for raw in words:
        if skip:
            skip -= 1
            continue
        word = raw.strip("[]…").removesuffix("...")
        if raw in STOPS or raw.startswith((">", "|", "2>")):
            break
        if not word or word == "-":
            continue
        if word.startswith("-"):
            name, _, value = word.partition("=")
            param = find_option(ctx, command, name)
            if param is None:
                where = "papernotes" if command is cli else f"papernotes {ctx.info_name}"
                problems.append(f"{where} has no option {name}")
            elif not value:
                skip = takes_values(param)
        elif isinstance(command, click.Group) and not positional and not word.isupper():
            names = word.split("/")  # `papernotes add/edit/rm`
            for name in names:
                if command.get_command(ctx, name) is None:
                    problems.append(f"no command {name!r} in {ctx.command_path}")
            found = command.get_command(ctx, names[0])
            if found is None:
                break
            ctx = click.Context(found, info_name=f"{ctx.command_path} {names[0]}", parent=ctx)
            ctx.info_name = names[0]
            command = found
        else:
            positional = True
    return problems


def test_every_command_and_option_the_readme_names_exists():
    problems, seen = [], 0
    for page in PAGES:
        lines = readme_command_lines(page.read_text(encoding="utf-8"))
        seen += len(lines)
        where = page.relative_to(REPO)
        problems += [f"{where}:{n}: {p} ({line})" for n, line in lines for p in problems_in(line)]
    assert seen > 30  # the pages really were read
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("papernotes list --nosuch", "papernotes list has no option --nosuch"),
        ("papernotes lst --year 2020", "no command 'lst' in papernotes"),
        ("papernotes --colour never list --tag x", ""),
        ("papernotes config pth", "no command 'pth' in papernotes config"),
        ("papernotes note tinybert --move 6 1 --quiet  # comment --nosuch", ""),
        ("papernotes export --bib [-o FILE] [--year Y] [PAPER…] | less", ""),
        ("papernotes add/edit/rmm", "no command 'rmm' in papernotes"),
        ("papernotes --notes DIR COMMAND", ""),  # a placeholder, in capitals
    ],
)
def test_the_readme_check_finds_unknown_commands_and_options(line, problem):
    assert problems_in(line) == ([problem] if problem else [])
