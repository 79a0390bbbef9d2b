"""config.toml: precedence (option, environment, file, default), every setting taking
effect, file:line for unknown keys and wrong types, and ``config``, ``config path``,
``config edit``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from papernotes.cli.main import cli
from papernotes.config import contact, load_settings
from tests.helpers import folder_bytes, run


def user_config(text: str) -> Path:
    """Write ``config.toml`` in the user config folder (the tests' own XDG_CONFIG_HOME)."""
    path = Path(os.environ["XDG_CONFIG_HOME"]) / "papernotes" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def shown(output: str) -> dict[str, tuple[str, str]]:
    """``papernotes config``'s settings: name -> (value, origin)."""
    rows = {}
    for line in output.splitlines():
        parts = line.split(None, 2)
        if line.startswith("  ") and len(parts) == 3 and not line.startswith("   "):
            name, rest = parts[0], line.split(None, 1)[1]
            value, _, origin = rest.partition("  ")
            rows[name] = (value.strip(), origin.strip())
    return rows


def test_an_option_beats_the_environment_which_beats_the_file_which_beats_the_default(
    seed_library, monkeypatch
):
    path = user_config('color = "never"\npager = "more"\ncontact = "me@example.org"\n')
    monkeypatch.setenv("PAPERNOTES_PAGER", "most")
    result = run(seed_library, "--color", "always", "config")
    assert result.exit_code == 0, result.output
    rows = shown(result.stdout)
    assert rows["color"] == ("'always'", "option (--color)")
    assert rows["pager"] == ("'most'", "environment ($PAPERNOTES_PAGER)")
    assert rows["contact"] == ("'me@example.org'", f"file ({path}:3)")
    assert rows["editor"] == ("'false'", "environment ($EDITOR)")  # conftest's EDITOR=false
    assert rows["arxiv.retries"] == ("3", "default")
    monkeypatch.delenv("EDITOR")
    assert shown(run(seed_library, "config").stdout)["editor"] == ("'vi'", "default")


def test_config_prints_the_paths_papernotes_uses(seed_library):
    result = run(seed_library, "config")
    paths = result.stdout.split("Paths:", 1)[1]
    assert str(seed_library) in paths
    assert os.environ["XDG_CONFIG_HOME"] in paths and "config.toml" in paths
    assert os.environ["XDG_CACHE_HOME"] in paths  # the caches


def test_the_files_settings_take_effect_colour_library_and_export_options(
    seed_library, monkeypatch
):
    user_config(
        f'library = "{seed_library}"\ncolor = "always"\n\n[export.bib]\nwith_notes = true\n'
    )
    listed = run(None, "list")  # no --notes: the library the file names
    assert listed.exit_code == 0 and "he2021deberta" in listed.stdout
    assert "\x1b[" in listed.stdout  # colour although the output is not a terminal
    bib = run(None, "export", "--bib", "tinybert")
    assert "annote" in bib.stdout
    assert "annote" not in run(None, "export", "--bib", "tinybert", "--no-with-notes").stdout
    monkeypatch.setenv("NO_COLOR", "1")  # the file beats NO_COLOR (https://no-color.org)
    assert "\x1b[" in run(None, "list").stdout


def test_papernotes_config_and_an_option_name_the_file_to_read(seed_library, tmp_path, monkeypatch):
    chosen = tmp_path / "other.toml"
    chosen.write_text('color = "always"\n', encoding="utf-8")
    user_config('color = "never"\n')
    assert run(seed_library, "config", "path").stdout.strip().endswith("papernotes/config.toml")
    monkeypatch.setenv("PAPERNOTES_CONFIG", str(chosen))
    assert run(seed_library, "config", "path").stdout.strip() == str(chosen)
    assert "\x1b[" in run(seed_library, "list").stdout
    third = tmp_path / "third.toml"
    third.write_text('color = "never"\n', encoding="utf-8")
    assert run(seed_library, "--config", str(third), "config", "path").stdout.strip() == str(third)
    assert os.environ["PAPERNOTES_CONFIG"] == str(chosen)  # --config held for its run only
    missing = run(seed_library, "--config", str(tmp_path / "nope.toml"), "list")
    assert missing.exit_code == 1 and "does not exist" in missing.stderr


def test_unknown_keys_and_wrong_types_are_reported_with_file_and_line(seed_library):
    path = user_config(
        'colour = "never"\n'  # a typo
        "pager = 3\n"
        "\n[arxiv]\n"
        'interval = "fast"\n'
        "retries = -1\n"
        "\n[venues.COLM]\n"
        'kind = "conference"\n'
        'nam = "Conference on Language Modeling"\n'
    )
    before = folder_bytes(seed_library)
    result = run(seed_library, "list")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert f"{path}:1: unknown setting 'colour'" in result.stderr
    assert f"{path}:2: pager must be a string, not a number." in result.stderr
    assert f"{path}:5: arxiv.interval must be a number, not a string." in result.stderr
    assert f"{path}:6: arxiv.retries must be at least 0." in result.stderr
    assert f"{path}:10: unknown venue key 'nam'." in result.stderr
    assert result.stdout == "" and folder_bytes(seed_library) == before
    # 'config path' still answers, so the file can be found and mended
    assert run(seed_library, "config", "path").stdout.strip() == str(path)


def test_a_file_that_is_not_toml_names_its_line(seed_library):
    path = user_config('color = "never"\npager = \n')
    result = run(seed_library, "list")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {path}:2: not valid TOML")


def test_a_malformed_variable_names_itself(seed_library, monkeypatch):
    monkeypatch.setenv("PAPERNOTES_CONTACT", "x")  # fine
    user_config("[arxiv]\ntimeout = 0\n")
    result = run(seed_library, "list")
    assert result.exit_code == 1 and "arxiv.timeout must be at least 0.1" in result.stderr


def test_config_edit_creates_a_commented_file_opens_the_editor_and_checks_it(
    seed_library, tmp_path, monkeypatch
):
    editor = tmp_path / "editor.py"
    editor.write_text(  # uncomments the template's colour line
        "import sys\nfrom pathlib import Path\np = Path(sys.argv[1])\n"
        "p.write_text(p.read_text().replace('# color = \"auto\"', 'color = \"never\"'))\n"
    )
    monkeypatch.setenv("PAPERNOTES_EDITOR", f"{sys.executable} {editor}")
    result = run(seed_library, "config", "edit")
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip())
    text = path.read_text()
    assert '# pager = "less -R"' in text and '\ncolor = "never"\n' in text
    assert shown(run(seed_library, "config").stdout)["color"][1].startswith("file (")
    editor.write_text(
        "import sys\np = open(sys.argv[1]).read()\n"
        "open(sys.argv[1], 'w').write('colr = 1\\n' + p)\n"
    )
    broken = run(seed_library, "config", "edit")
    assert broken.exit_code == 1 and "unknown setting 'colr'" in broken.stderr
    assert "colr = 1" in path.read_text()  # kept as the user left it, to mend


def test_the_editor_setting_beats_visual_and_editor_and_its_own_variable_beats_it(monkeypatch):
    from papernotes.library.editor import editor_command

    monkeypatch.setenv("VISUAL", "nano")
    assert editor_command() == ["nano"]
    user_config('editor = "code --wait"\n')
    assert editor_command() == ["code", "--wait"]
    monkeypatch.setenv("PAPERNOTES_EDITOR", "emacs -nw")
    assert editor_command() == ["emacs", "-nw"]


def test_venues_in_config_toml_name_journals_as_venues_toml_does(empty_library, tmp_path):
    venues = Path(os.environ["XDG_CONFIG_HOME"]) / "papernotes" / "venues.toml"
    venues.parent.mkdir(parents=True, exist_ok=True)
    venues.write_text('[OLDV]\nkind = "journal"\nname = "Journal of Old Venues"\n')
    user_config('[venues.FOOJ]\nkind = "journal"\nname = "Journal of Foo"\n')
    for venue in ("FOOJ", "OLDV"):
        added = run(empty_library, "add", "--year", "2020", "--title", f"T {venue}",
                    "--venue", venue, "--note", "n")  # fmt: skip
        assert added.exit_code == 0, added.output
    bib = run(empty_library, "export", "--bib").stdout
    assert "{Journal of Foo}" in bib and "{Journal of Old Venues}" in bib  # the full names


def test_the_contact_for_web_services_comes_from_the_file_or_its_variable(monkeypatch):
    assert contact() == ""
    user_config('contact = "me@example.org"\n')
    assert contact() == "me@example.org"
    monkeypatch.setenv("PAPERNOTES_CONTACT", "other@example.org")
    assert contact() == "other@example.org"


def test_arxiv_politeness_from_the_file_is_what_the_client_uses(monkeypatch):
    from papernotes.library.arxiv_ops import Fetcher, offline_requested

    assert Fetcher().client.politeness.retries == 3  # the client's own default
    user_config("[arxiv]\nretries = 0\ninterval = 0.5\ntimeout = 4\noffline = true\n")
    client = Fetcher().client
    assert (client.politeness.retries, client.politeness.interval) == (0, 0.5)
    assert load_settings()["arxiv.timeout"] == 4.0
    assert offline_requested() is True


@pytest.mark.parametrize("value", ["true", '"yes"'])
def test_a_setting_of_the_wrong_type_is_refused_not_guessed(seed_library, value):
    path = user_config(f"lock_timeout = {value}\n")
    result = run(seed_library, "list")
    assert result.exit_code == 1 and f"{path}:1: lock_timeout must be a number" in result.stderr


def test_the_contact_is_named_in_the_user_agent_of_arxiv_requests(fake_arxiv, seed_library):
    from papernotes.library.venue_ops import web_client

    user_config('contact = "me@example.org"\n')
    assert web_client().user_agent.endswith("(mailto:me@example.org)")  # S2, DBLP, Crossref
    result = run(seed_library, "link", "xlnet")
    assert result.exit_code == 0, result.output
    agent = fake_arxiv.requests[0].headers["User-Agent"]
    assert agent.startswith("papernotes/") and agent.endswith("(mailto:me@example.org)")


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_a_lock_timeout_that_is_not_a_finite_number_is_refused_when_the_config_is_read(
    seed_library, value
):
    path = user_config(f"lock_timeout = {value}\n")
    result = run(seed_library, "list")
    assert result.exit_code == 1
    assert f"{path}:1: lock_timeout must be a finite number" in result.stderr
    assert "Traceback" not in result.output and len(result.stderr.splitlines()) == 1


def test_a_library_under_the_home_of_an_unknown_user_is_one_error_naming_where_it_came_from(
    empty_library, monkeypatch
):
    path = user_config('library = "~nosuchuser-papernotes/x"\n')
    result = run(None, "list")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.startswith(f"Error: {path}:1: library = '~nosuchuser-papernotes/x'")
    shown_anyway = run(None, "config")  # 'config' shows the problem so it can be mended
    assert shown_anyway.exit_code == 1 and f"{path}:1: library" in shown_anyway.stderr
    path.unlink()
    monkeypatch.setenv("PAPERNOTES_DIR", "~nosuchuser-papernotes/x")
    result = run(None, "list")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.startswith("Error: $PAPERNOTES_DIR = '~nosuchuser-papernotes/x'")
    completion = CliRunner().invoke(
        cli,
        [],
        prog_name="papernotes",
        env={
            "_PAPERNOTES_COMPLETE": "bash_complete",
            "COMP_WORDS": "papernotes list --tag ",
            "COMP_CWORD": "3",
        },
    )
    assert completion.exception is None and completion.exit_code == 0
    assert completion.output.strip() == ""  # a completion never prints an error
