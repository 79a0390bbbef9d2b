"""papernotes behaves like the command-line tools people know: -h/-V, completion, colour,
a pager, exit statuses, list --format, a man page, --quiet/--verbose."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from papernotes.cli.main import COMMANDS, cli
from papernotes.cli.terminal import pager_command
from papernotes.config import load_settings
from tests.helpers import run, run_process

# -- help and version ----------------------------------------------------------------


def every_command() -> list[tuple[str, ...]]:
    """Every command path of the live CLI, groups' subcommands included."""
    ctx = click.Context(cli, info_name="papernotes")
    paths = []
    for name in sorted(COMMANDS):
        command = cli.get_command(ctx, name)
        assert command is not None, name
        paths.append((name,))
        if isinstance(command, click.Group):
            paths += [(name, sub) for sub in command.list_commands(ctx)]
    return paths


@pytest.mark.parametrize("path", every_command(), ids=" ".join)
def test_every_commands_help_has_a_description_and_an_example(path):
    result = run(None, *path, "-h")
    assert result.exit_code == 0, result.output
    assert result.stdout == run(None, *path, "--help").stdout
    text = result.stdout.split("\n\n")
    assert text[0].split()[2 : 2 + len(path)] == list(path)  # "Usage: papernotes PATH …"
    description = text[1].strip()
    assert len(description) > 20 and description[0].isupper(), description
    examples = result.stdout.split("Examples:", 1)
    assert len(examples) == 2, f"papernotes {' '.join(path)} --help has no Examples:"
    assert f"papernotes {' '.join(path)}" in examples[1]


def test_the_main_help_and_version_answer_to_the_short_options():
    assert run(None, "-h").stdout == run(None, "--help").stdout
    assert "Examples:" in run(None, "-h").stdout
    version = run(None, "-V")
    assert version.exit_code == 0 and version.stdout == run(None, "--version").stdout
    lines = version.stdout.splitlines()
    assert lines[0].startswith("papernotes ") and lines[1].startswith("Python 3.")
    from importlib.metadata import version as installed

    for name in ("textual", "arxiv", "bibtexparser"):
        assert f"{name} {installed(name)}" in lines


def test_version_imports_none_of_the_packages_it_names():
    code = (
        "import sys\nfrom papernotes.cli.main import main\nsys.argv = ['papernotes', '-V']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('textual', 'arxiv', 'bibtexparser') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("[]")


# -- completion ------------------------------------------------------------------------


def completions(root: Path, words: str) -> list[str]:
    """What bash's Tab offers after ``papernotes --notes ROOT WORDS`` (click's protocol)."""
    args = f"papernotes --notes {root} {words}"
    env = {
        "_PAPERNOTES_COMPLETE": "bash_complete",
        "COMP_WORDS": args,
        "COMP_CWORD": str(len(args.split()) - (0 if args.endswith(" ") else 1)),
    }
    result = CliRunner().invoke(cli, [], env=env, prog_name="papernotes")
    assert result.exit_code == 0, result.output
    return [line.split(",", 1)[1] for line in result.stdout.splitlines() if line]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_prints_the_script_for_each_shell(shell):
    result = run(None, "completion", shell)
    assert result.exit_code == 0
    assert "_PAPERNOTES_COMPLETE" in result.stdout and f"{shell}_complete" in result.stdout
    assert run(None, "completion", "tcsh").exit_code == 2


def test_paper_arguments_complete_with_keys_and_slugs(seed_library):
    assert completions(seed_library, "show he20") == ["he2021deberta", "he2023debertav3"]
    assert "tinybert" in completions(seed_library, "edit tiny")  # a slug (no key yet)
    assert completions(seed_library, "rm zzz") == []
    assert set(completions(seed_library, "export --bib he")) == {"he2021deberta", "he2023debertav3"}


def test_tag_and_year_options_complete_with_the_librarys_tags_and_years(empty_library):
    for title, year, tags in (("A", "2019", ("nlp", "distillation")), ("B", "2021", ("nlp",))):
        tagged = [arg for tag in tags for arg in ("--tag", tag)]
        run(empty_library, "add", "--year", year, "--title", title, "--note", "n", *tagged)
    assert completions(empty_library, "list --tag ") == ["distillation", "nlp"]
    assert completions(empty_library, "list --tag n") == ["nlp"]
    assert completions(empty_library, "list --year ") == ["2021", "2019"]
    assert completions(empty_library, "export --bib --year 201") == ["2019"]


def test_completion_is_served_from_the_kept_output_once_made(seed_library, monkeypatch):
    from papernotes.storage.caches import note_cache
    from papernotes.storage.store import NoteStore

    monkeypatch.setattr(note_cache, "RACY_MARGIN_NS", -3600 * 10**9)
    loads = []
    real = NoteStore.load
    monkeypatch.setattr(
        NoteStore, "load", lambda self, *a, **k: loads.append(1) or real(self, *a, **k)
    )
    first = completions(seed_library, "show he20")
    assert completions(seed_library, "show he20") == first and len(loads) == 1  # no note read


def test_completion_of_a_library_that_cannot_be_read_offers_nothing_and_says_nothing(tmp_path):
    assert completions(tmp_path / "missing", "show x") == []


# -- colour ------------------------------------------------------------------------


def test_colour_is_off_when_piped_and_follows_color_and_no_color(seed_library, monkeypatch):
    assert "\x1b[" not in run(seed_library, "list").stdout  # not a terminal: auto means off
    coloured = run(seed_library, "--color", "always", "list").stdout
    assert "\x1b[36mhe2021deberta\x1b[0m" in coloured
    assert "\x1b[" not in run(seed_library, "--color", "never", "list").stdout
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in run(seed_library, "--color", "auto", "show", "tinybert").stdout
    assert "\x1b[" in run(seed_library, "--color", "always", "show", "tinybert").stdout


@pytest.mark.slow
def test_colour_on_a_real_terminal_and_not_through_a_pipe(seed_library):
    seen = in_terminal(seed_library, "list", "--year", "2021", pager="")  # "": no pager
    assert b"\x1b[36mhe2021deberta" in seen
    piped = run_process(seed_library, "list", "--year", "2021")
    assert "he2021deberta" in piped.stdout and "\x1b" not in piped.stdout


def test_search_highlights_the_match_chinese_included(seed_library):
    result = run(seed_library, "--color", "always", "search", "蒸馏")
    assert result.exit_code == 0
    assert "\x1b[1;31m【蒸馏】\x1b[0m" in result.stdout
    plain = run(seed_library, "search", "蒸馏").stdout
    assert "【蒸馏】" in plain and "\x1b" not in plain


def test_warnings_are_coloured_only_with_colour(seed_library):
    (seed_library / "2020" / "broken.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    coloured = run(seed_library, "--color", "always", "list").stderr
    assert "\x1b[33m\x1b[1mwarning:\x1b[0m" in coloured
    plain = run(seed_library, "list")
    assert plain.stderr.startswith("warning: ") and "\x1b" not in plain.stderr
    assert run(seed_library, "--quiet", "list").stderr == ""  # --quiet: no warnings


def test_user_text_never_carries_terminal_codes_even_with_colour(seed_library):
    from tests.helpers import run as cli_run

    cli_run(seed_library, "add", "--year", "2022", "--title", "Clean", "--note", "a\x1b]0;x\x07b")
    shown = cli_run(seed_library, "--color", "always", "show", "clean").stdout
    assert "\x1b]" not in shown and "\\x1b]0;x\\x07b" in shown


# -- pager ---------------------------------------------------------------------------


def test_the_pager_is_chosen_like_git_and_never_without_a_terminal(monkeypatch, tmp_path):
    settings = load_settings()
    assert pager_command(settings, paging=True, terminal=False) is None
    assert pager_command(settings, paging=False, terminal=True) is None
    assert pager_command(settings, paging=True, terminal=True) == "less -R"
    monkeypatch.setenv("PAGER", "more")
    assert pager_command(load_settings(), True, True) == "more"
    config = tmp_path / "c.toml"
    config.write_text('pager = "most"\n')
    assert pager_command(load_settings(config), True, True) == "most"  # the file beats $PAGER
    monkeypatch.setenv("PAPERNOTES_PAGER", "less -S")
    assert pager_command(load_settings(config), True, True) == "less -S"
    config.write_text('pager = ""\n')
    monkeypatch.delenv("PAPERNOTES_PAGER")
    assert pager_command(load_settings(config), True, True) is None


def in_terminal(root: Path, *args: str, pager: str) -> bytes:
    """Run papernotes with its output on a pseudo-terminal and ``pager`` as the pager."""
    main, secondary = pty.openpty()
    env = {**os.environ, "PAPERNOTES_PAGER": pager}
    proc = subprocess.Popen(
        [sys.executable, "-m", "papernotes", "--notes", str(root), *args],
        stdout=secondary, stderr=secondary, stdin=subprocess.DEVNULL, env=env,
    )  # fmt: skip
    os.close(secondary)
    seen = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    assert proc.wait(timeout=30) == 0, seen
    os.close(main)
    return seen


@pytest.mark.slow
def test_show_and_export_page_on_a_terminal_but_not_with_no_pager_or_through_a_pipe(
    seed_library, tmp_path
):
    paged = tmp_path / "paged.txt"
    pager = f"cat > {paged}"
    in_terminal(seed_library, "show", "tinybert", pager=pager)
    assert "TinyBERT" in paged.read_text() and "title:" in paged.read_text()
    paged.unlink()
    in_terminal(seed_library, "export", "--md", pager=pager)
    assert "### 2020" in paged.read_text()
    paged.unlink()
    direct = in_terminal(seed_library, "--no-pager", "show", "tinybert", pager=pager)
    assert not paged.exists() and b"TinyBERT" in direct
    piped = run_process(
        seed_library, "show", "tinybert", env={**os.environ, "PAPERNOTES_PAGER": pager}
    )
    assert not paged.exists() and "TinyBERT" in piped.stdout


@pytest.mark.slow
def test_list_pages_only_when_longer_than_the_screen(seed_library, tmp_path):
    paged = tmp_path / "paged.txt"
    short = in_terminal(seed_library, "list", "--year", "2021", pager=f"cat > {paged}")
    assert not paged.exists() and b"he2021deberta" in short  # pty: 24 lines; 2 fit
    for i in range(30):
        run(seed_library, "add", "--year", "2001", "--title", f"Filler {i}", "--note", "n")
    in_terminal(seed_library, "list", pager=f"cat > {paged}")
    assert "Filler 29" in paged.read_text()


# -- exit statuses ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (("list",), 0),
        (("search", "distillation"), 0),
        (("search", "nothing-like-this"), 1),
        (("search", "nothing-like-this", "--json"), 1),
        (("list", "--year", "1999"), 1),
        (("list", "--tag", "nosuch"), 1),
        (("list", "--year", "1999", "--json"), 1),
        (("show", "no-such-paper"), 1),
        (("check",), 0),
        (("--no-such-option", "list"), 2),
        (("no-such-command",), 2),
        (("list", "--year", "soon"), 2),
        (("list", "--format", "{nosuch}"), 2),
        (("link", "tinybert", "--arxiv", "1909.10351"), 3),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else str(value),
)
def test_exit_statuses_are_those_of_the_table(seed_library, tmp_path, args, status):
    config = tmp_path / "fast.toml"  # arXiv (a closed port here) fails at once
    config.write_text("[arxiv]\nretries = 0\ninterval = 0\n")
    result = run(seed_library, "--config", str(config), *args)
    assert result.exit_code == status, result.output
    if status == 3:
        assert "Cannot connect to arXiv" in result.stderr


def test_an_unknown_library_is_a_problem_not_a_usage_error(tmp_path):
    assert run(tmp_path / "missing", "list").exit_code == 1


# -- list --format, man, verbosity --------------------------------------------------


def test_list_format_fills_each_field_for_scripts(seed_library):
    result = run(
        seed_library, "list", "--year", "2021", "--format", "{key}\\t{year}|{venue}|{status}"
    )
    assert result.exit_code == 0
    assert "he2021deberta\t2021|ICLR|" in result.stdout.splitlines()[0]
    every = "{key} {slug} {year} {title} {venue} {arxiv} {tags} {status} {authors} {path}"
    assert run(seed_library, "list", "--format", every).exit_code == 0
    wrong = run(seed_library, "list", "--format", "{key} {titel}")
    assert wrong.exit_code == 2
    assert "unknown field {titel}" in wrong.stderr and "{title}" in wrong.stderr


def test_list_format_output_is_kept_apart_from_the_plain_lists(seed_library):
    plain = run(seed_library, "list").stdout
    assert run(seed_library, "list", "--format", "{key}").stdout != plain
    assert run(seed_library, "list").stdout == plain


def test_the_man_page_is_made_from_the_commands_help():
    page = run(None, "man").stdout
    assert page.startswith(".TH PAPERNOTES 1")
    for name in COMMANDS:
        hidden = cli.get_command(click.Context(cli), name).hidden  # type: ignore[union-attr]
        assert (f".SS papernotes {name}" in page) is not hidden, name
    assert "\\-\\-format" in page and ".SH EXIT STATUS" in page
    if subprocess.run(["sh", "-c", "command -v groff"], capture_output=True).returncode == 0:
        rendered = subprocess.run(
            ["groff", "-man", "-Tutf8"], input=page, capture_output=True, text=True, check=True
        )
        assert "papernotes list" in rendered.stdout and rendered.stderr == ""


def test_verbose_names_the_library_and_the_config_file(seed_library):
    result = run(seed_library, "--verbose", "list", "--year", "2021")
    assert f"library {seed_library}" in result.stderr and "config file none" in result.stderr
    assert "library" not in run(seed_library, "list", "--year", "2021").stderr


def test_ctrl_c_during_a_command_exits_130_as_the_exit_code_table_says(seed_library, monkeypatch):
    from papernotes.library.api import Library

    def interrupted(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(Library, "notes", interrupted)
    result = run(seed_library, "list", "--json")
    assert result.exit_code == 130
    assert "Interrupted" in result.stderr and "Aborted!" not in result.stderr


def test_ctrl_c_while_the_program_is_still_loading_exits_130_without_a_traceback(seed_library):
    """The interrupt arrives while the command line is imported (as when Ctrl-C is pressed in
    the first tens of milliseconds): ``python -m papernotes`` runs the entry point, which
    must end as a command does, not with a traceback of the import."""
    script = (
        "import runpy, sys\n"
        "class Stopped:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'click':\n"
        "            raise KeyboardInterrupt\n"
        "sys.meta_path.insert(0, Stopped())\n"
        "sys.argv = ['papernotes', '--notes', sys.argv[1], 'list']\n"
        "runpy.run_module('papernotes', run_name='__main__')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(seed_library)], capture_output=True, text=True
    )
    assert (done.returncode, done.stdout, done.stderr) == (130, "", "Interrupted.\n")


@pytest.mark.parametrize("args", [("show", "tinybert"), ("list", "--json"), ("export", "--md")])
def test_an_output_the_locale_cannot_encode_is_one_sentence_not_a_traceback(seed_library, args):
    """Standard output in latin-1 (a non-UTF-8 locale) and notes in Chinese: the write raised
    ``UnicodeEncodeError`` and the user saw a traceback; now one sentence that says what to
    set, and exit 1."""
    env = {**os.environ, "PYTHONIOENCODING": "latin-1"}
    done = run_process(seed_library, *args, env=env)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "Error: the output holds characters that standard output's encoding (iso8859-1) "
        "cannot write; use a UTF-8 locale (LANG=C.UTF-8) or PYTHONIOENCODING=utf-8."
    ]
