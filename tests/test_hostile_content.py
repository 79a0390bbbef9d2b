"""Hostile content: YAML tags, path traversal, symlinks, tricky $EDITOR values, odd URLs."""

from __future__ import annotations

import json
import os
import resource
import sys

import pytest

from papernotes.errors import InvalidInputError, NotFoundError
from papernotes.library import Library
from papernotes.library.editor import editor_command
from papernotes.model import Paper
from papernotes.storage.note_format import NoteFormatError, parse_note, render_note
from papernotes.storage.store import NoteStore
from papernotes.text.urls import is_browsable
from tests.helpers import folder_bytes, run, run_process

# -- YAML tags --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system ['touch {marker}']",
        "!!python/object/new:os.system ['touch {marker}']",
        "!!python/name:os.system",
        "!!python/object:__main__.Evil {{}}",
    ],
    ids=["apply", "new", "name", "object"],
)
def test_a_python_yaml_tag_in_a_note_is_a_problem_and_runs_nothing(empty_library, tmp_path, tag):
    marker = tmp_path / "executed"
    (empty_library / "2021").mkdir()
    note = f"---\ntitle: Evil\nyear: 2021\nvenue: {tag.format(marker=marker)}\n---\n1. x\n"
    (empty_library / "2021" / "evil.md").write_text(note, encoding="utf-8")
    result = run(empty_library, "check")
    assert result.exit_code == 1
    assert result.output.startswith("2021/evil.md:4: invalid YAML front matter")
    assert not marker.exists()


def test_a_python_yaml_tag_in_document_yaml_is_a_clear_error(seed_library, tmp_path):
    marker = tmp_path / "executed"
    (seed_library / "document.yaml").write_text(
        f"sections: !!python/object/apply:os.system ['touch {marker}']\n", encoding="utf-8"
    )
    result = run(seed_library, "export", "--md")
    assert result.exit_code == 1
    assert result.output.startswith("Error: document.yaml:1: invalid YAML: could not determine")
    assert not marker.exists()


def test_yaml_looking_titles_and_notes_are_kept_as_plain_text(empty_library):
    paper = Paper(
        title="!!python/object/apply:os.system ['id']",
        year=2021,
        venue="&anchor *alias",
        notes=("--- not a separator", "key: value # not YAML", "{ not: a mapping }"),
    )
    note = Library(empty_library).add(paper)
    back = Library(empty_library).find(note.path).paper
    assert (back.title, back.venue, back.notes) == (paper.title, paper.venue, paper.notes)


# -- YAML alias bombs -------------------------------------------------------------------

ALIASES_REFUSED = "anchors and aliases (& and *) are not allowed; papernotes never writes them"
GIGABYTE = 1 << 30


def alias_bomb(levels: int = 9) -> str:
    """A few hundred bytes of YAML standing for 9**9 (387 million) strings once walked."""
    lines = ["b0: &b0 [" + ", ".join(["lol"] * 9) + "]"]
    for level in range(1, levels):
        lines.append(f"b{level}: &b{level} [" + ", ".join([f"*b{level - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def small_address_space() -> None:
    """For the child: at most 1 GB of memory (the old reader needed several)."""
    resource.setrlimit(resource.RLIMIT_AS, (GIGABYTE, GIGABYTE))


@pytest.mark.slow
def test_an_alias_bomb_in_document_yaml_is_refused_with_its_line_in_bounded_time_and_memory(
    seed_library,
):
    bomb = alias_bomb()
    (seed_library / "document.yaml").write_text(
        f"toc_depth: 2\n{bomb}order: *b8\nsections:\n- {{title: x, items: [{{label: *b8}}]}}\n",
        encoding="utf-8",
    )
    message = f"document.yaml:2: invalid YAML: {ALIASES_REFUSED}"

    def papernotes(*args: str):
        return run_process(seed_library, *args, preexec_fn=small_address_space)

    listed = papernotes("list")
    assert listed.returncode == 0 and listed.stdout and listed.stderr == f"warning: {message}\n"
    check = papernotes("check")
    assert (check.returncode, check.stdout) == (1, f"{message}\n")
    exported = papernotes("export", "--md")
    assert (exported.returncode, exported.stdout, exported.stderr) == (1, "", f"Error: {message}\n")


@pytest.mark.slow
def test_an_aliased_unknown_field_in_a_note_is_refused_with_its_line_in_bounded_memory(
    seed_library,
):
    bomb = alias_bomb()
    note = f"---\ntitle: Bomb\nyear: 2021\n{bomb}extra: *b8\n---\n1. boom\n"
    (seed_library / "2021" / "bomb.md").write_text(note, encoding="utf-8")
    warning = f"warning: 2021/bomb.md:4: invalid YAML front matter: {ALIASES_REFUSED}"
    for args in (["list", "--json"], ["show", "--json", "deberta"], ["search", "--json", "o"]):
        result = run_process(seed_library, *args, preexec_fn=small_address_space)
        assert result.returncode == 0 and json.loads(result.stdout), (args, result.stderr[-500:])
        assert result.stderr.splitlines() == [warning]
        assert "Bomb" not in result.stdout


@pytest.mark.parametrize(
    ("front", "line"),
    [
        ("title: &t Anchored\nyear: 2021\n", 2),
        ("title: T\nyear: 2021\nvenue: *t\n", 4),
        ("title: T\nyear: 2021\ntags:\n- *t\n", 5),
        ("title: T\nyear: 2021\n&k venue: ACL\n", 4),
    ],
    ids=["anchor", "alias", "alias-in-list", "anchored-key"],
)
def test_anchors_and_aliases_are_refused_even_in_the_simple_front_matter_papernotes_writes(
    front, line
):
    with pytest.raises(NoteFormatError) as refused:
        parse_note(f"---\n{front}---\n")
    assert refused.value.line == line and ALIASES_REFUSED in refused.value.message


HUGE = "1" + "0" * 5000  # more digits than Python converts to or from text (4300)


@pytest.mark.parametrize(
    ("field", "message"),
    [
        (f"extra: {HUGE}", "invalid YAML front matter: an integer with too many digits"),
        (f"year: {HUGE}", "invalid YAML front matter: an integer with too many digits"),
        (f"year: '{HUGE}'", "year must be a four-digit year, not a number of 5001 digits"),
    ],
    ids=["unknown-field", "year", "quoted-year"],
)
def test_an_integer_too_long_for_python_in_a_note_is_a_problem_at_its_line(
    seed_library, field, message
):
    note = f"---\ntitle: Huge\n{field}\nstatus: unread\n---\n1. x\n"
    if not field.startswith("year"):
        note = note.replace("title: Huge\n", "title: Huge\nyear: 2021\n")
    (seed_library / "2021" / "huge.md").write_text(note, encoding="utf-8")
    line = 4 if field.startswith("extra") else 3
    warning = f"warning: 2021/huge.md:{line}: {message}"
    for env in ({}, {"PAPERNOTES_NO_CACHE": "1"}):
        result = run_process(seed_library, "list", env={**os.environ, **env})
        assert result.returncode == 0 and "deberta" in result.stdout, result.stderr[-300:]
        assert result.stderr.splitlines() == [warning]
    check = run_process(seed_library, "check")
    assert (check.returncode, check.stdout) == (1, f"{warning.removeprefix('warning: ')}\n")


def test_an_integer_too_long_for_python_in_document_yaml_is_an_error_at_its_line(seed_library):
    layout = seed_library / "document.yaml"
    text = layout.read_text(encoding="utf-8").replace("toc_depth: 2", f"toc_depth: {HUGE}")
    layout.write_text(text, encoding="utf-8")
    message = "document.yaml:2: invalid YAML: an integer with too many digits"
    exported = run_process(seed_library, "export", "--md")
    assert (exported.returncode, exported.stderr) == (1, f"Error: {message}\n")
    listed = run_process(seed_library, "list")
    assert listed.returncode == 0 and listed.stderr == f"warning: {message}\n"


def test_papernotes_never_writes_anchors_even_for_a_value_it_holds_twice(empty_library):
    shared = {"url": "https://example.org", "note": ["a", "b"]}
    paper = Paper(title="Shared", year=2021, extra=(("first", shared), ("second", shared)))
    text = render_note(paper)
    assert "&" not in text and "*" not in text
    assert parse_note(text).extra == paper.extra


# -- path traversal -----------------------------------------------------------------------


TRAVERSALS = [
    "../../etc/passwd",
    "/etc/passwd",
    "..",
    "../",
    "a/../../b",
    "..\\..\\win",
    "~/x",
    ".",
]


@pytest.mark.parametrize("title", TRAVERSALS)
def test_traversal_titles_become_notes_inside_their_year(tmp_path, title):
    root = tmp_path / "lib" / "notes"
    root.mkdir(parents=True)
    note = Library(root).add(Paper(title=title, year=2021, key=title))
    folder, name = note.path.split("/")
    assert folder == "2021" and name.endswith(".md") and not name.startswith(".")
    assert (root / note.path).resolve().parent == (root / "2021").resolve()
    assert sorted(p.name for p in (tmp_path / "lib").iterdir()) == ["notes"]  # nothing beside it
    assert Library(root).find(note.path).paper.key == title  # the key is only text


@pytest.mark.parametrize("query", ["../../etc/passwd", "/etc/passwd", "2021/../../x.md"])
def test_commands_never_reach_outside_the_library(seed_library, query):
    before = folder_bytes(seed_library.parent)
    for command in ("show", "edit", "rm"):
        result = (
            run(seed_library, command, query, "--yes")
            if command == "rm"
            else run(seed_library, command, query)
        )
        assert result.exit_code == 1 and "Traceback" not in result.output
    assert folder_bytes(seed_library.parent) == before


@pytest.mark.parametrize("rel", ["../x.md", "/etc/passwd", "2021/../../x.md", "2021\\..\\x.md", ""])
def test_the_store_refuses_relative_paths_that_leave_the_library(empty_library, rel):
    with pytest.raises(InvalidInputError):
        NoteStore(empty_library).path_of(rel)


# -- symlinks ------------------------------------------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_a_year_folder_linking_outside_is_skipped_reported_and_never_written(
    empty_library, tmp_path
):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("---\ntitle: Secret\nyear: 2020\n---\n", encoding="utf-8")
    (empty_library / "2020").symlink_to(outside, target_is_directory=True)
    library = Library(empty_library)
    assert library.notes() == []
    assert [str(p) for p in library.check()] == [
        "2020:1: symlink points outside the library; skipped"
    ]
    with pytest.raises(InvalidInputError, match="leads outside the library"):
        library.add(Paper(title="Planted", year=2020))
    assert sorted(p.name for p in outside.iterdir()) == ["secret.md"]
    result = run(empty_library, "add", "--year", "2020", "--title", "Planted", "--note", "x")
    assert result.exit_code == 1 and "nothing was written" in result.output
    assert sorted(p.name for p in outside.iterdir()) == ["secret.md"]


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_a_note_linking_outside_is_skipped_and_reported_by_list_and_check(seed_library, tmp_path):
    outside = tmp_path / "elsewhere.md"
    outside.write_text("---\ntitle: Elsewhere\nyear: 2021\n---\n", encoding="utf-8")
    (seed_library / "2021" / "link.md").symlink_to(outside)
    listed = run(seed_library, "list")
    assert "Elsewhere" not in listed.output
    assert "2021/link.md:1: symlink points outside the library; skipped" in listed.output
    assert run(seed_library, "check").exit_code == 1


# -- $EDITOR ---------------------------------------------------------------------------------


EDIT_SCRIPT = """
import json, sys
with open(sys.argv[1], "w", encoding="utf-8") as log:
    json.dump(sys.argv[2:], log)
"""


def test_an_editor_with_spaces_and_arguments_is_split_like_a_shell_but_run_without_one(
    seed_library, tmp_path, monkeypatch
):
    folder = tmp_path / "my tools"
    folder.mkdir()
    script = folder / "edit.py"
    script.write_text(EDIT_SCRIPT, encoding="utf-8")
    log = tmp_path / "argv.json"
    marker = tmp_path / "pwned"
    editor = f"{sys.executable} '{script}' '{log}' --flag $(touch {marker}) ;touch {marker}"
    monkeypatch.setenv("EDITOR", editor)
    result = run(seed_library, "edit", "2006.03654")
    assert result.exit_code == 0, result.output
    argv = json.loads(log.read_text(encoding="utf-8"))
    assert argv[:5] == ["--flag", "$(touch", f"{marker})", ";touch", str(marker)]
    assert argv[5].endswith("2021/deberta.md")
    assert not marker.exists()  # no shell ever saw the value


@pytest.mark.parametrize("value", ["vim 'unclosed", "   "])
def test_an_unusable_editor_value_is_one_clear_error(seed_library, monkeypatch, value):
    monkeypatch.setenv("EDITOR", value)
    result = run(seed_library, "edit", "2006.03654")
    assert result.exit_code == 1 and result.output.startswith("Error: $EDITOR")


def test_visual_wins_over_editor(monkeypatch):
    monkeypatch.setenv("VISUAL", "code --wait")
    monkeypatch.setenv("EDITOR", "vi")
    assert editor_command() == ["code", "--wait"]


# -- URLs opened in a browser ------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["https://github.com/microsoft/DeBERTa", "http://example.org/a_(b)?q=1#f", "HTTPS://X.ORG"],
)
def test_http_and_https_urls_may_be_opened(url):
    assert is_browsable(url)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "javascript:alert(1)",
        "data:text/html,<script>x</script>",
        "ftp://example.org/x",
        "github.com/x",
        "/usr/bin/evil",
        "-https://x.org",
        "https://",
        "https:///etc/passwd",
        "https://x.org/a b",
        "https://x.org/\n--flag",
        "http://[::1",
        "",
    ],
)
def test_anything_else_is_never_opened(url):
    assert not is_browsable(url)


def test_every_code_link_of_the_seed_is_browsable(seed_library):
    links = [n.paper.code for n in Library(seed_library).notes() if n.paper.code]
    assert links and all(is_browsable(url) for url in links)


def test_an_unknown_paper_is_not_found_not_a_crash(seed_library):
    with pytest.raises(NotFoundError):
        Library(seed_library).find("../../../../etc/shadow")


# -- terminal control characters --------------------------------------------------------

ESC_BIB = (
    "@misc{evil, title={Innocent \x1b]0;pwned\x07 paper}, author={A, B}, year={2020}}\n"
    "@misc{notes, title={Fine}, author={A, B}, year={2021},\n"
    "  annote={\x1b]52;c;cm0gLXJmIH4K\x07 x}, abstract={\x9b31m red}}\n"
)
RAW_CONTROLS = ("\x1b", "\x07", "\x9b")


def test_a_control_character_in_a_one_line_field_is_refused_at_add_and_import(
    empty_library, tmp_path
):
    before = folder_bytes(empty_library)
    result = run(empty_library, "add", "--year", "2020", "--title", "T \x1b[31m", "--note", "x")
    assert result.exit_code != 0
    assert "holds the control character U+001B" in result.stderr
    assert not any(c in result.stderr for c in RAW_CONTROLS)
    for option in ("--venue", "--tag", "--code"):
        result = run(empty_library, "add", "--year", "2020", "--title", "T", option, "a\x9bb")
        assert result.exit_code != 0, option
        assert "U+009B" in result.stderr
    assert folder_bytes(empty_library) == before
    bib = tmp_path / "e.bib"
    bib.write_text(ESC_BIB, encoding="utf-8")
    result = run(empty_library, "import", str(bib))
    assert result.exit_code == 0, result.output
    assert f"{bib}:1: entry 'evil': The title 'Innocent \\x1b]0;pwned\\x07 paper'" in result.stderr
    assert result.stdout.strip().endswith("1 added, 0 merged, 1 skipped, 1 problem(s) reported.")


def test_list_show_search_and_check_print_control_characters_as_visible_escapes(
    empty_library, tmp_path
):
    bib = tmp_path / "e.bib"
    bib.write_text(ESC_BIB, encoding="utf-8")
    assert run(empty_library, "import", str(bib)).exit_code == 0
    # a hand-written note: its title was never checked
    (empty_library / "2019").mkdir()
    hand = '---\ntitle: "Hand \\e]0;x\\a made"\nyear: 2019\n---\n1. \x1b[2J cleared\n'
    (empty_library / "2019" / "hand.md").write_text(hand, encoding="utf-8")
    shown = run(empty_library, "show", "notes")
    assert "1. \\x1b]52;c;cm0gLXJmIH4K\\x07 x" in shown.stdout
    assert "\\x9b31m red" in shown.stdout
    listed = run(empty_library, "list")
    assert "Hand \\x1b]0;x\\x07 made" in listed.stdout
    found = run(empty_library, "search", "cleared")
    assert "Hand \\x1b]0;x\\x07 made" in found.stdout
    assert "notes[1]: \\x1b[2J 【cleared】" in found.stdout  # the matched passage too
    as_json = run(empty_library, "show", "notes", "--json")
    assert json.loads(as_json.stdout)["abstract"] == "\x9b31m red"
    for result in (shown, listed, found, as_json, run(empty_library, "show", "hand")):
        assert result.exit_code == 0, result.output
        assert not any(c in result.output for c in RAW_CONTROLS), result.output


def test_an_edit_that_adds_a_control_character_is_refused_and_the_text_kept_aside(
    empty_library, tmp_path
):
    run(empty_library, "add", "--year", "2020", "--title", "Plain", "--note", "x")
    before = folder_bytes(empty_library)
    script = tmp_path / "ed.py"
    script.write_text(
        "import sys\np = sys.argv[1]\nt = open(p).read()\n"
        "open(p, 'w').write(t.replace('title: Plain', 'title: \"Pl\\\\e[31main\"'))\n",
        encoding="utf-8",
    )
    result = run(empty_library, "edit", "plain", env={"EDITOR": f"{sys.executable} {script}"})
    assert result.exit_code != 0
    assert "holds the control character U+001B; remove it" in result.stderr
    assert "your edited text is kept in" in result.stderr
    assert folder_bytes(empty_library) == before
    script.write_text(
        "import sys\np = sys.argv[1]\nt = open(p).read()\n"
        "open(p, 'w').write(t + '2. \\x1b]0;x\\x07 raw\\n')\n",
        encoding="utf-8",
    )
    result = run(empty_library, "edit", "plain", env={"EDITOR": f"{sys.executable} {script}"})
    assert result.exit_code != 0
    assert "holds the control character U+001B; a terminal would run it." in (result.stderr)
    assert folder_bytes(empty_library) == before


def test_note_prints_control_characters_in_notes_as_visible_escapes(seed_library):
    """Reading notes may hold control characters (only one-line fields refuse them): the
    notes ``note`` prints after a change show them escaped, never run by the terminal."""
    result = run(seed_library, "note", "tinybert", "evil \x1b]0;pwned\x07 title")
    assert result.exit_code == 0, result.output
    assert "evil \\x1b]0;pwned\\x07 title" in result.stdout
    assert not any(c in result.output for c in RAW_CONTROLS), result.output
