"""Every notes command as a user runs it, with its error paths."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from papernotes.cli.main import COMMANDS, cli
from papernotes.storage.library_folder import MARKER_FILE
from tests.conftest import SEED_DOC
from tests.helpers import folder_bytes, run, run_process


def test_every_command_has_help_text():
    for name in COMMANDS:
        result = run(None, name, "--help")
        assert result.exit_code == 0, name
        assert len(result.stdout.split("\n\n")[1].strip()) > 10, name
    assert run(None, "--help").exit_code == 0


def test_python_dash_m_papernotes_runs(seed_library):
    result = subprocess.run(
        [sys.executable, "-m", "papernotes", "--notes", str(seed_library), "list"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "TinyBERT" in result.stdout


def test_init_creates_an_empty_library(tmp_path):
    root = tmp_path / "lib"
    result = run(root, "init")
    assert result.exit_code == 0
    assert root.is_dir()
    assert run(root, "list").stderr.strip() == "No papers in the library yet."


def test_import_then_list_newest_year_first(tmp_path):
    root = tmp_path / "lib"
    result = run(root, "import", str(SEED_DOC))
    assert result.exit_code == 0
    assert result.stdout.strip().endswith("8 added, 0 updated, 0 unchanged, 0 skipped.")
    years = [line.split()[0] for line in run(root, "list").stdout.splitlines()]
    assert years == ["2023", "2021", "2021", "2021", "2020", "2020", "2019", "2019"]
    again = run(root, "import", str(SEED_DOC))
    assert "0 added, 0 updated, 8 unchanged" in again.stdout


def test_list_filters_by_year_and_tag(seed_library):
    lines = run(seed_library, "list", "--year", "2020").stdout.splitlines()
    assert len(lines) == 2 and all(line.startswith("2020") for line in lines)
    run(seed_library, "add", "--year", "2022", "--title", "Tagged paper", "--tag", "蒸馏")
    tagged = run(seed_library, "list", "--tag", "蒸馏").stdout.splitlines()
    assert len(tagged) == 1 and "Tagged paper" in tagged[0]


def test_list_json_has_every_documented_field(seed_library):
    papers = json.loads(run(seed_library, "list", "--json").stdout)
    assert len(papers) == 8
    tinybert = next(p for p in papers if p["title"].startswith("TinyBERT"))
    for name in ("key", "year", "title", "venue", "code", "arxiv", "authors", "tags", "status"):
        assert name in tinybert
    assert tinybert["path"] == "2020/tinybert.md"
    assert tinybert["year"] == 2020
    assert tinybert["arxiv"] == "1909.10351"
    assert len(tinybert["notes"]) == 4
    assert not tinybert["notes"][0].startswith("1.")


@pytest.mark.parametrize(
    "name", ["tinybert", "2020/tinybert.md", "1909.10351", "arXiv:1909.10351v2", "Distilling BERT"]
)
def test_show_finds_a_paper_by_slug_path_arxiv_id_or_title_fragment(seed_library, name):
    result = run(seed_library, "show", name)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("title:      TinyBERT: Distilling BERT")


def test_show_json_is_one_object(seed_library):
    data = json.loads(run(seed_library, "show", "xlnet", "--json").stdout)
    assert data["arxiv"] == "1906.08237"
    assert data["authors"][0] == "Zhilin Yang"
    assert data["arxiv_title"].startswith("XLNet")


def test_show_unknown_and_ambiguous_papers_are_one_line_errors(seed_library):
    unknown = run(seed_library, "show", "no such paper")
    assert unknown.exit_code == 1
    assert (
        unknown.stderr.strip()
        == "Error: No paper matches 'no such paper'; 'papernotes list' shows them all."
    )
    ambiguous = run(seed_library, "show", "BERT")
    assert ambiguous.exit_code == 1
    assert "matches" in ambiguous.stderr and "Traceback" not in ambiguous.output


def test_search_finds_chinese_substrings(seed_library):
    found = run(seed_library, "search", "蒸馏").stdout
    assert "TinyBERT" in found and "ALBERT" in found and "Mengzi" in found
    papers = [line for line in found.splitlines() if not line.startswith(" ")]  # not passages
    assert len(papers) == 3
    only = run(seed_library, "search", "两阶段").stdout.splitlines()
    assert len(only) == 2 and "TinyBERT" in only[0] and "【两阶段】" in only[1]


def test_search_is_case_insensitive_over_venue_and_authors(seed_library):
    assert len(json.loads(run(seed_library, "search", "iclr", "--json").stdout)) == 3
    by_author = json.loads(run(seed_library, "search", "zettlemoyer", "--json").stdout)
    assert [p["arxiv"] for p in by_author] == ["1907.11692"]
    missing = run(seed_library, "search", "nothing-like-this")
    assert missing.exit_code == 1 and "No paper matches" in missing.stderr


def test_add_writes_a_note_and_prints_its_path(seed_library):
    result = run(
        seed_library,
        "add",
        "--year",
        "2024",
        "--title",
        "A New Paper: with colon",
        "--venue",
        "ACL",
        "--code",
        "https://example.org/c",
        "--tag",
        "t1",
        "--note",
        "first",
        "--note",
        "第二",
    )
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip())
    assert path == seed_library / "2024" / "a-new-paper.md"
    text = path.read_text(encoding="utf-8")
    assert "title: 'A New Paper: with colon'" in text
    assert text.endswith("---\n1. first\n2. 第二\n")


def test_add_reads_notes_from_piped_stdin(seed_library):
    result = run(seed_library, "add", "--year", "2024", "--title", "Piped", input="1. one\n\ntwo\n")
    assert result.exit_code == 0
    shown = json.loads(run(seed_library, "show", "piped", "--json").stdout)
    assert shown["notes"] == ["one", "two"]


def test_adding_a_paper_already_there_is_refused_unless_update(seed_library):
    before = folder_bytes(seed_library)
    duplicate = run(
        seed_library,
        "add",
        "--year",
        "2020",
        "--title",
        "tinybert: distilling bert for natural language understanding",
    )
    assert duplicate.exit_code == 1
    assert "already in the library as 2020/tinybert.md" in duplicate.stderr
    by_id = run(seed_library, "add", "--year", "2020", "--title", "Other", "--arxiv", "1909.10351")
    assert by_id.exit_code == 1
    assert folder_bytes(seed_library) == before
    updated = run(
        seed_library,
        "add",
        "--year",
        "2020",
        "--title",
        "Other",
        "--arxiv",
        "1909.10351",
        "--tag",
        "kd",
        "--update",
    )
    assert updated.exit_code == 0
    assert json.loads(run(seed_library, "show", "tinybert", "--json").stdout)["tags"] == ["kd"]


def test_add_rejects_bad_input_without_writing(seed_library):
    before = folder_bytes(seed_library)
    no_title = run(seed_library, "add", "--year", "2020")
    assert no_title.exit_code == 2
    bad_year = run(seed_library, "add", "--year", "99", "--title", "x")
    assert bad_year.exit_code == 1 and "four-digit year" in bad_year.stderr
    bad_id = run(seed_library, "add", "--year", "2020", "--title", "x", "--arxiv", "not-an-id")
    assert bad_id.exit_code == 1 and "not an arXiv id" in bad_id.stderr
    assert folder_bytes(seed_library) == before


def test_a_missing_library_is_a_clear_error(tmp_path):
    result = run(tmp_path / "nowhere", "list")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: There is no library at")


def test_a_malformed_note_is_reported_and_the_rest_still_lists(seed_library):
    (seed_library / "2020" / "broken.md").write_text(
        "---\ntitle: ok\nyear: [2020\n---\n", encoding="utf-8"
    )
    listed = run(seed_library, "list")
    assert listed.exit_code == 0
    assert len(listed.stdout.splitlines()) == 8
    assert "warning: 2020/broken.md:" in listed.stderr
    check = run(seed_library, "check")
    assert check.exit_code == 1
    assert check.stdout.startswith("2020/broken.md:")


def test_check_passes_on_the_shipped_library(seed_library):
    result = run(seed_library, "check")
    assert result.exit_code == 0
    assert result.stdout.strip() == "8 notes, no problems."


def test_rm_deletes_one_note(seed_library):
    result = run(seed_library, "rm", "xlnet", "--yes")
    assert result.exit_code == 0
    assert not (seed_library / "2019" / "xlnet.md").exists()
    assert run(seed_library, "rm", "xlnet", "--yes").exit_code == 1


def test_rm_without_a_terminal_and_without_yes_refuses_in_one_sentence_and_deletes_nothing(
    seed_library,
):
    (seed_library / "2020" / "bad.md").write_text(BROKEN_NOTE, encoding="utf-8")
    before = folder_bytes(seed_library)
    for name, path in (("xlnet", "2019/xlnet.md"), ("2020/bad.md", "2020/bad.md")):
        # a script: standard input is a pipe (or /dev/null), so nobody can answer
        result = run_process(seed_library, "rm", name)
        assert result.returncode == 1, result.stderr
        assert result.stderr.splitlines()[-1] == (  # after the warning about bad.md
            f"Error: {path} was not deleted: there is no terminal to confirm it on, so pass "
            "--yes to delete without asking."
        )
        assert "Traceback" not in result.stderr
    assert folder_bytes(seed_library) == before  # nothing deleted
    assert run_process(seed_library, "rm", "xlnet", "--yes").returncode == 0
    assert not (seed_library / "2019" / "xlnet.md").exists()


def _rm_answering(root: Path, name: str, answer: bytes) -> tuple[int, bytes, str]:
    """``papernotes rm NAME`` typed in a terminal (stdin and stderr on a pseudo-terminal, stdout
    redirected to a pipe), answering ``answer`` to its question: (exit status, the terminal's
    bytes, the answer's echo and what followed included, stdout)."""
    import pty

    main, secondary = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "papernotes", "--notes", str(root), "rm", name],
        stdin=secondary, stdout=subprocess.PIPE, stderr=secondary,
    )  # fmt: skip
    os.close(secondary)
    import select

    seen = b""
    while b"[y/N]" not in seen:  # the question, on the terminal (or a failure, not a hang)
        ready, _, _ = select.select([main], [], [], 20)
        chunk = os.read(main, 4096) if ready else b""
        if not chunk:
            proc.kill()
            os.close(main)
            raise AssertionError(f"no question on the terminal: {seen!r}")
        seen += chunk
    os.write(main, answer + b"\n")
    out, _ = proc.communicate(timeout=30)
    while select.select([main], [], [], 0)[0]:  # what it wrote after the answer
        try:
            chunk = os.read(main, 4096)
        except OSError:  # EIO: the process has closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(main)
    return proc.returncode, seen, out.decode()


def test_rm_in_a_terminal_asks_on_stderr_and_deletes_only_on_yes(seed_library):
    code, seen, out = _rm_answering(seed_library, "xlnet", b"n")
    assert b"Delete 2019/xlnet.md (" in seen  # asked where the user sees it, stdout piped
    assert code == 1 and (seed_library / "2019" / "xlnet.md").exists() and out == ""
    code, _, out = _rm_answering(seed_library, "xlnet", b"y")
    assert code == 0 and not (seed_library / "2019" / "xlnet.md").exists()
    assert out == "Removed 2019/xlnet.md\n"


def test_rm_answered_no_on_a_terminal_says_nothing_was_deleted_in_one_sentence(seed_library):
    (seed_library / "2020" / "bad.md").write_text(BROKEN_NOTE, encoding="utf-8")
    before = folder_bytes(seed_library)
    for name, path in (("xlnet", "2019/xlnet.md"), ("2020/bad.md", "2020/bad.md")):
        code, seen, out = _rm_answering(seed_library, name, b"n")
        assert code == 1 and out == ""
        tail = seen.decode().replace("\r\n", "\n").rstrip("\n").rsplit("\n", 1)[-1]
        assert tail == f"Nothing was deleted: {path} is kept.", seen
        assert b"Aborted!" not in seen
    assert folder_bytes(seed_library) == before


def test_edit_runs_the_editor_with_arguments_and_checks_the_result(seed_library, tmp_path):
    script = tmp_path / "my editor.py"
    script.write_text(
        "import sys\n"
        "path = sys.argv[-1]\n"
        "assert sys.argv[1] == '--flag'\n"
        "open(path, 'a', encoding='utf-8').write('5. added in the editor\\n')\n",
        encoding="utf-8",
    )
    editor = f'"{sys.executable}" "{script}" --flag'
    result = run(seed_library, "edit", "tinybert", env={"EDITOR": editor})
    assert result.exit_code == 0, result.output
    notes = json.loads(run(seed_library, "show", "tinybert", "--json").stdout)["notes"]
    assert notes[-1] == "added in the editor"


def test_edit_reports_a_note_the_editor_broke(seed_library, tmp_path):
    script = tmp_path / "breaker.py"
    script.write_text("import sys\nopen(sys.argv[-1], 'w').write('---\\ntitle: [x\\n---\\n')\n")
    result = run(seed_library, "edit", "xlnet", env={"EDITOR": f"{sys.executable} {script}"})
    assert result.exit_code == 1
    assert "2019/xlnet.md:2:" in result.stderr


def test_a_failing_editor_is_a_clear_error(seed_library):
    result = run(seed_library, "edit", "xlnet", env={"EDITOR": "false"})
    assert result.exit_code == 1
    assert "exited with status 1" in result.stderr


def test_export_md_to_a_file_replaces_it(seed_library, tmp_path):
    out = tmp_path / "out.md"
    out.write_text("old content that must go\n", encoding="utf-8")
    assert run(seed_library, "export", "--md", "-o", str(out)).exit_code == 0
    first = out.read_bytes()
    assert run(seed_library, "export", "--md", "-o", str(out)).exit_code == 0
    assert out.read_bytes() == first
    assert b"old content" not in first
    assert first == run(seed_library, "export", "--md").stdout_bytes


def test_the_library_comes_from_the_environment_then_the_current_folder(seed_library, monkeypatch):
    monkeypatch.setenv("PAPERNOTES_DIR", str(seed_library))
    assert len(run(None, "list").stdout.splitlines()) == 8
    monkeypatch.delenv("PAPERNOTES_DIR")
    monkeypatch.chdir(seed_library.parent)
    assert len(run(None, "list").stdout.splitlines()) == 8


def test_import_of_a_missing_or_binary_file_is_a_clear_error(empty_library, tmp_path):
    missing = run(empty_library, "import", str(tmp_path / "nope.md"))
    assert missing.exit_code == 2
    binary = tmp_path / "bad.md"
    binary.write_bytes(b"# Paper\n\n### 2020\n\n- ok\n\xff\xfe broken\n")
    result = run(empty_library, "import", str(binary))
    assert result.exit_code == 1
    assert f"{binary}:6: the file is not valid UTF-8" in result.stderr
    assert [p.name for p in empty_library.iterdir()] == [MARKER_FILE]  # as init left it


def test_no_command_prints_help_when_not_in_a_terminal():
    result = run(None)
    assert result.exit_code == 0
    assert "Commands:" in result.stdout
    assert os.environ.get("PAPERNOTES_DIR") is None
    assert cli.name


def test_search_folds_case_of_wide_latin_letters_and_exact_keeps_their_width(seed_library):
    run(
        seed_library, "add", "--year", "2022", "--title", "ＢＥＲＴ in full width", "--note", "蒸馏"
    )
    exact = json.loads(run(seed_library, "search", "--exact", "ｂｅｒｔ", "--json").stdout)
    assert [p["title"] for p in exact] == ["ＢＥＲＴ in full width"]
    wide = json.loads(run(seed_library, "search", "ｂｅｒｔ", "--json").stdout)
    assert wide == json.loads(run(seed_library, "search", "bert", "--json").stdout)
    assert "ＢＥＲＴ in full width" in [p["title"] for p in wide]
    both = json.loads(run(seed_library, "search", "蒸馏 ｂｅｒｔ", "--json").stdout)
    assert len(both) == 4  # the new paper, Mengzi (roBERTa), ALBERT and TinyBERT
    assert len(json.loads(run(seed_library, "search", "蒸馏", "--json").stdout)) == 4


BROKEN_NOTE = "---\ntitle: Broken\nyear: [2020\n---\n1. a note worth saving\n"


def test_edit_opens_a_malformed_note_named_by_its_path(seed_library, tmp_path):
    (seed_library / "2020" / "bad.md").write_text(BROKEN_NOTE, encoding="utf-8")
    script = tmp_path / "fixer.py"
    script.write_text(
        "import sys\n"
        "path = sys.argv[-1]\n"
        "text = open(path, encoding='utf-8').read().replace('[2020', '2020')\n"
        "open(path, 'w', encoding='utf-8').write(text)\n",
        encoding="utf-8",
    )
    for name in ("2020/bad.md", "2020/bad"):
        (seed_library / "2020" / "bad.md").write_text(BROKEN_NOTE, encoding="utf-8")
        result = run(seed_library, "edit", name, env={"EDITOR": f"{sys.executable} {script}"})
        assert result.exit_code == 0, result.output
        assert json.loads(run(seed_library, "show", "Broken", "--json").stdout)["notes"] == [
            "a note worth saving"
        ]


def test_rm_removes_a_malformed_note_named_by_its_path(seed_library):
    (seed_library / "2020" / "bad.md").write_text(BROKEN_NOTE, encoding="utf-8")
    result = run(seed_library, "rm", "2020/bad.md", "--yes")
    assert result.exit_code == 0, result.output
    assert "Removed 2020/bad.md" in result.stdout
    assert not (seed_library / "2020" / "bad.md").exists()
    assert run(seed_library, "check").exit_code == 0
    assert run(seed_library, "rm", "../outside.md", "--yes").exit_code == 1


def test_export_with_both_formats_is_a_usage_error(seed_library):
    for flags in (("--md", "--bib"), ("--bib", "--md")):
        result = run(seed_library, "export", *flags)
        assert result.exit_code == 2, flags
        assert "--md or --bib, not both" in result.stderr
        assert result.stdout == ""


def test_import_refuses_a_file_that_is_neither_markdown_nor_bibtex(seed_library, tmp_path):
    before = folder_bytes(seed_library)
    other = tmp_path / "url.txt"
    other.write_text("https://arxiv.org/abs/2006.03654\n", encoding="utf-8")
    result = run(seed_library, "import", str(other))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and ".md" in result.stderr and ".bib" in result.stderr
    assert folder_bytes(seed_library) == before
    for name in ("doc.md", "doc.markdown", "DOC.MD"):
        doc = tmp_path / name
        doc.write_text("# Paper\n\n### 2024\n\n- From " + name + "\n", encoding="utf-8")
        assert run(seed_library, "import", str(doc)).exit_code == 0, name


def test_a_markdown_file_without_papers_or_headings_is_refused(seed_library, tmp_path):
    before = folder_bytes(seed_library)
    doc = tmp_path / "links.md"
    doc.write_text("just a line of text\nhttps://example.org\n", encoding="utf-8")
    result = run(seed_library, "import", str(doc))
    assert result.exit_code == 1
    assert "no papers found" in result.stderr
    assert folder_bytes(seed_library) == before


def test_a_markdown_file_with_sections_but_no_papers_imports_its_sections(seed_library, tmp_path):
    doc = tmp_path / "links.md"
    doc.write_text("# More links\n\n- https://example.org\n", encoding="utf-8")
    result = run(seed_library, "import", str(doc))
    assert result.exit_code == 0
    assert "no papers found" in result.stderr
    assert "added section: # More links" in result.stdout


def test_the_library_says_a_paper_is_a_duplicate_and_only_the_cli_names_update(seed_library):
    from papernotes.errors import DuplicateError
    from papernotes.library import Library
    from papernotes.model import Paper

    with pytest.raises(DuplicateError) as caught:  # what the TUI form shows
        Library(seed_library).add(Paper(title="TinyBERT", year=2020, arxiv="1909.10351"))
    assert str(caught.value) == "'TinyBERT' is already in the library as 2020/tinybert.md."
    by_title = run(
        seed_library,
        "add",
        "--year",
        "2020",
        "--title",
        "tinybert: distilling bert for natural language understanding",
    )
    by_id = run(seed_library, "add", "--arxiv", "1909.10351", "--note", "x")
    for result in (by_title, by_id):
        assert result.exit_code == 1
        assert "already in the library as 2020/tinybert.md; use --update to change it." in (
            result.stderr
        )


def test_add_update_of_a_paper_matching_two_notes_does_not_suggest_update(seed_library):
    text = (seed_library / "2020" / "tinybert.md").read_text(encoding="utf-8")
    twin = text.replace("arxiv: '1909.10351'", "arxiv: ''").replace("jiao2020tinybert", "twin")
    (seed_library / "2020" / "twin.md").write_text(twin, encoding="utf-8")  # by hand: one title
    title = "TinyBERT: distilling BERT for natural language understanding"
    result = run(seed_library, "add", "--update", "--year", "2020", "--title", title, "--note", "x")
    assert result.exit_code == 1
    assert "matches 2020/tinybert.md and 2020/twin.md; nothing was written." in result.stderr
    assert "use --update" not in result.stderr


def test_list_with_a_year_no_paper_has_says_no_papers_match_and_exits_1(seed_library):
    for args in (["--year", "0"], ["--year", "1999"], ["--tag", "no-such-tag"]):
        result = run(seed_library, "list", *args)
        assert result.exit_code == 1 and result.stdout == ""  # nothing matched, as grep
        assert result.stderr.strip() == "No papers match.", args


def _typing_in_a_terminal(monkeypatch):
    """``add`` without --note or piped stdin opens $EDITOR: stdin looks like a terminal."""
    import click.testing

    monkeypatch.setattr(click.testing._NamedTextIOWrapper, "isatty", lambda self: True)


def test_a_refused_add_makes_no_library_folder_and_never_opens_the_editor(
    seed_library, tmp_path, monkeypatch
):
    _typing_in_a_terminal(monkeypatch)
    opened = tmp_path / "editor-opened"
    script = tmp_path / "editor.py"
    script.write_text(f"open({str(opened)!r}, 'w').close()\n", encoding="utf-8")
    env = {"EDITOR": f"{sys.executable} {script}"}
    new_folder = tmp_path / "new"
    bad_venue = run(
        new_folder, "add", "--year", "2020", "--title", "X", "--venue", "https://x.org", env=env
    )
    assert bad_venue.exit_code == 1 and "links go in code" in bad_venue.stderr
    assert not new_folder.exists()
    title = "tinybert: distilling bert for natural language understanding"
    duplicate = run(seed_library, "add", "--year", "2020", "--title", title, env=env)
    assert duplicate.exit_code == 1 and "already in the library" in duplicate.stderr
    assert not opened.exists()  # refused before any typing


def test_notes_typed_for_an_add_refused_at_the_write_are_kept_in_the_file_the_error_names(
    empty_library, tmp_path, monkeypatch
):
    _typing_in_a_terminal(monkeypatch)
    script = tmp_path / "editor.py"
    script.write_text(  # while the user types, another papernotes adds the same paper
        "import subprocess, sys\n"
        f"subprocess.run([sys.executable, '-m', 'papernotes', '--notes', {str(empty_library)!r},"
        " 'add', '--year', '2020', '--title', 'Same Paper', '--note', 'theirs'], check=True)\n"
        "open(sys.argv[-1], 'a', encoding='utf-8').write('my long notes\\n')\n",
        encoding="utf-8",
    )
    env = {"EDITOR": f"{sys.executable} {script}"}
    result = run(empty_library, "add", "--year", "2020", "--title", "Same Paper", env=env)
    assert result.exit_code == 1
    assert "already in the library" in result.stderr
    kept = result.stderr.split("your notes are kept in ")[1].split(";")[0].strip().rstrip(".")
    assert "my long notes" in Path(kept).read_text(encoding="utf-8")


def test_rm_of_a_broken_note_repaired_while_the_user_confirms_keeps_the_repaired_note(
    seed_library, monkeypatch
):
    _typing_in_a_terminal(monkeypatch)
    bad = seed_library / "2020" / "bad.md"
    bad.write_text(BROKEN_NOTE, encoding="utf-8")
    repaired = (seed_library / "2020" / "tinybert.md").read_text(encoding="utf-8")
    repaired = repaired.replace("TinyBERT", "Repaired TinyBERT", 1)
    for fix in (repaired, BROKEN_NOTE + "still broken, but other bytes\n"):
        bad.write_text(BROKEN_NOTE, encoding="utf-8")

        def fix_while_asked(*args, fix=fix, **kwargs):  # another program writes meanwhile
            bad.write_text(fix, encoding="utf-8")
            return True

        monkeypatch.setattr(click, "confirm", fix_while_asked)
        result = run(seed_library, "rm", "2020/bad.md")
        assert result.exit_code == 1
        assert "2020/bad.md was changed on disk since it was named" in result.stderr
        assert bad.read_text(encoding="utf-8") == fix  # nothing was removed
