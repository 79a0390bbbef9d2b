"""One rule for turning typed lines into reading notes, whoever reads them."""

from __future__ import annotations

import json
import sys

from papernotes.text.typed_notes import typed_notes
from papernotes.tui.paper_form import paper_from_form
from tests.helpers import run

TYPED = "1. first\n\n2) second\n3、 third\n#5 is a note about C#, not a comment\n  # also a note\n"
WANTED = ("first", "second", "third", "#5 is a note about C#, not a comment", "# also a note")


def test_note_lines_strip_numbers_and_keep_hash_lines_unless_asked():
    assert typed_notes(TYPED) == WANTED
    assert typed_notes("# a comment\n1. kept\n", comments=True) == ("kept",)


def test_piped_stdin_and_the_tui_form_give_the_same_notes(seed_library):
    result = run(seed_library, "add", "--year", "2024", "--title", "Piped", input=TYPED)
    assert result.exit_code == 0, result.output
    piped = json.loads(run(seed_library, "show", "piped", "--json").stdout)["notes"]
    form = paper_from_form({"year": "2024", "title": "Piped", "notes": TYPED}).notes
    assert tuple(piped) == form == WANTED


def test_the_editor_template_drops_comment_lines_only(seed_library, tmp_path, monkeypatch):
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys\n"
        "path = sys.argv[-1]\n"
        "text = open(path, encoding='utf-8').read()\n"
        "open(path, 'w', encoding='utf-8').write(text + '1、 typed\\n# my comment\\n')\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    from papernotes.cli import add_cmds

    monkeypatch.setattr(add_cmds.sys.stdin, "isatty", lambda: True, raising=False)
    assert add_cmds.read_notes_from_user() == ("typed",)
