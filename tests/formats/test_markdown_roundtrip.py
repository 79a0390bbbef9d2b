"""Exporting the library back to the reading-notes document, and importing that again."""

from __future__ import annotations

import re
from dataclasses import asdict

import pytest

from papernotes.formats.markdown.write import github_anchor
from papernotes.library import Library
from papernotes.model import Paper
from papernotes.storage.library_folder import MARKER_FILE
from tests.conftest import SEED_DOC
from tests.helpers import run


def import_text(root, text: str) -> Library:
    library = Library(root)
    library.store.init()
    library.import_markdown(text, "doc.md")
    library.reload()
    return library


def fields(library: Library) -> list[dict]:
    """Every field of every paper, in library order, without the date it was added."""
    out = []
    for note in library.notes():
        data = asdict(note.paper)
        data.pop("added")
        out.append(data)
    return out


def test_export_holds_every_title_url_venue_and_note_line_of_the_seed(empty_library):
    seed = SEED_DOC.read_text(encoding="utf-8")
    exported = import_text(empty_library, seed).export_markdown()
    for url in re.findall(r"https?://[^\s)\]]+", seed):
        assert url in exported, url
    for line in seed.splitlines():
        text = re.sub(r"\s*<br>\s*$", "", line).strip()
        if not text or text in ("- 2021", "- 阅读笔记：") or text.startswith("- code"):
            continue  # style (b) scaffolding, rewritten in style (a)
        assert text in exported, text
    for venue in ("  - ICLR  [[code]]", "  - EMNLP  [[code]]"):
        assert venue in exported


def test_the_exported_toc_has_the_original_entries_depth_and_anchors(empty_library):
    seed = SEED_DOC.read_text(encoding="utf-8")
    exported = import_text(empty_library, seed).export_markdown()
    toc = lambda text: text.split("<!-- END doctoc")[0]  # noqa: E731
    assert toc(exported) == toc(seed)
    assert "- [词向量](#%E8%AF%8D%E5%90%91%E9%87%8F)" in exported


def test_github_anchors_match_doctoc_for_chinese_and_mixed_headings():
    assert (
        github_anchor("预训练语言模型")
        == "%E9%A2%84%E8%AE%AD%E7%BB%83%E8%AF%AD%E8%A8%80%E6%A8%A1%E5%9E%8B"
    )
    assert github_anchor("长文本PTLM") == "%E9%95%BF%E6%96%87%E6%9C%ACptlm"
    assert github_anchor("Hello, World! (2)") == "hello-world-2"
    seen: dict[str, int] = {}
    assert [github_anchor("Repo", seen) for _ in range(3)] == ["repo", "repo-1", "repo-2"]


def test_sections_come_back_in_their_original_order_with_years_newest_first(empty_library):
    exported = import_text(empty_library, SEED_DOC.read_text(encoding="utf-8")).export_markdown()
    headings = [line for line in exported.splitlines() if line.startswith("#")]
    assert headings == [
        "# Repo",
        "## 预训练语言模型",
        "## 蒸馏",
        "## 长文本PTLM",
        "## tokenizer",
        "# Paper",
        "### 2023",
        "### 2021",
        "### 2020",
        "### 2019",
        "# 词向量",
    ]


def test_importing_the_export_gives_the_same_library(tmp_path):
    first = import_text(tmp_path / "a", SEED_DOC.read_text(encoding="utf-8"))
    exported = first.export_markdown()
    second = import_text(tmp_path / "b", exported)
    assert fields(second) == fields(first)
    assert second.layout() == first.layout()
    assert [n.path for n in second.notes()] == [n.path for n in first.notes()]


def test_exporting_twice_gives_identical_bytes(tmp_path):
    library = import_text(tmp_path / "a", SEED_DOC.read_text(encoding="utf-8"))
    once = library.export_markdown()
    again = import_text(tmp_path / "b", once).export_markdown()
    assert library.export_markdown() == once == again


HARD_DOC = """\
# Links

- plain text item
- [a link](https://example.org/a)
  - a description with | pipes and *stars*

# Paper

### 2024

- Colon: a title with 'single' and "double" quotes, # hash, | pipe, *star* and [MASK]
  - ACL 2024  [[code]](https://example.org/code?a=1&b=2)
  - <details>
    <summary>阅读笔记: </summary>
    1. a note with <br> inside and YAML: specials - [x] {y} & *z* !tag %pct  <br>
    2. 中文笔记：冒号、引号"和'  <br>
    </details>

- A paper with no notes
  - NeurIPS  [[code]](https://example.org/nonotes)

### 2022

- A paper with no venue
  - [[code]](https://example.org/novenue)
  - <details>
    <summary>阅读笔记: </summary>
    1. only note  <br>
    </details>

- A paper with no code link
  - ICML
  - <details>
    <summary>阅读笔记: </summary>
    1. first  <br>
    2. second  <br>
    </details>

# After

- https://example.org/after
"""


def test_a_canonical_style_a_document_comes_back_byte_for_byte(empty_library):
    assert import_text(empty_library, HARD_DOC).export_markdown() == HARD_DOC


def test_hard_titles_and_notes_survive_the_note_files(empty_library):
    library = import_text(empty_library, HARD_DOC)
    hard = library.find("Colon: a title").paper
    assert hard.title.endswith("*star* and [MASK]")
    assert hard.venue == "ACL 2024"
    assert hard.code == "https://example.org/code?a=1&b=2"
    assert hard.notes == (
        "a note with <br> inside and YAML: specials - [x] {y} & *z* !tag %pct",
        "中文笔记：冒号、引号\"和'",
    )
    assert library.find("no notes").paper.notes == ()
    assert library.find("no venue").paper.venue == ""
    assert library.find("no code link").paper.code == ""


def test_the_hard_document_round_trips_through_a_second_library(tmp_path):
    first = import_text(tmp_path / "a", HARD_DOC)
    second = import_text(tmp_path / "b", first.export_markdown())
    assert fields(second) == fields(first)


def test_reimporting_an_updated_document_updates_instead_of_duplicating(empty_library):
    library = import_text(empty_library, HARD_DOC)
    changed = HARD_DOC.replace("1. first  <br>", "1. first, revised  <br>").replace(
        "# After", "### 2021\n\n- A brand new paper\n  - AAAI\n\n# After"
    )
    report = library.import_markdown(changed, "doc.md")
    assert len(report.added) == 1
    assert len(report.updated) == 1
    assert len(report.unchanged) == 3
    library.reload()
    assert len(library.notes()) == 5
    assert library.find("no code link").paper.notes[0] == "first, revised"


def test_reimport_matches_titles_ignoring_case_and_punctuation(empty_library):
    library = import_text(empty_library, HARD_DOC)
    shouty = HARD_DOC.replace("- A paper with no notes", "- A PAPER, WITH NO NOTES!")
    report = library.import_markdown(shouty, "doc.md")
    assert report.added == ()
    assert len(report.updated) == 1


def test_reimport_keeps_what_the_document_does_not_hold(empty_library):
    from dataclasses import replace

    library = import_text(empty_library, HARD_DOC)
    note = library.find("no notes")
    library.save(note, replace(note.paper, tags=("keep",), status="read", arxiv="2006.03654"))
    library.import_markdown(HARD_DOC, "doc.md")
    library.reload()
    paper = library.find("no notes").paper
    assert (paper.tags, paper.status, paper.arxiv) == (("keep",), "read", "2006.03654")


def test_lines_the_importer_cannot_place_are_reported_with_their_line_number(empty_library):
    doc = "# Paper\n\n### 2020\n\nstray text before any paper\n\n- A paper\n  - ICLR\n  - https://example.org/odd\n"
    report = Library(empty_library).import_markdown(doc, "doc.md")
    messages = [str(p) for p in report.problems]
    assert any(m.startswith("doc.md:5:") and "stray text" in m for m in messages)
    assert any(m.startswith("doc.md:9:") for m in messages)
    note = Library(empty_library).find("A paper")
    assert "https://example.org/odd" in note.paper.body  # kept, not dropped


def test_dry_run_import_writes_nothing(empty_library):
    report = Library(empty_library).import_markdown(HARD_DOC, "doc.md", dry_run=True)
    assert len(report.added) == 4
    assert [p.name for p in empty_library.iterdir()] == [MARKER_FILE]  # as init left it


STRAY_DOC = """\
# Paper

### 2024

- A paper with a stray line
  - ICLR
  - <details>
    <summary>阅读笔记: </summary>
    1. a note  <br>
    </details>
  - some stray line here
"""


def test_free_text_the_importer_kept_is_exported_and_imported_back(tmp_path):
    first = import_text(tmp_path / "a", STRAY_DOC)
    assert first.find("stray").paper.body == "- some stray line here"
    exported = first.export_markdown()
    assert "    </details>\n\n  - some stray line here\n" in exported
    second = Library(tmp_path / "b")
    report = second.import_markdown(exported, "export.md")
    assert report.problems == ()
    assert fields(second) == fields(first)
    assert second.export_markdown() == exported


TRICKY_BODY = (
    "A paragraph of free text.\n"
    "\n"
    "# not a heading\n"
    "- not a venue\n"
    "1. not a note\n"
    "code: https://example.org/not-the-code\n"
    "2021\n"
    "<details>\n"
    "```\n"
    "  indented  \n"
    "\ttab\n"
    "\n"
    "\n"
    "阅读笔记：\n"
    "- Not a new paper"
)


def test_free_text_comes_back_exactly_and_is_never_read_as_paper_lines():
    from papernotes.formats.markdown.read import parse_document
    from papernotes.formats.markdown.write import render_document
    from papernotes.model import DocumentLayout, Paper

    papers = [
        Paper(
            title="With all",
            year=2021,
            venue="ICLR",
            code="https://x.org/c",
            notes=("n",),
            body=TRICKY_BODY,
        ),
        Paper(title="Bare", year=2021, body=TRICKY_BODY),
        Paper(title="Older", year=2020, notes=("only notes",)),
    ]
    text = render_document(DocumentLayout(), papers)
    parsed = parse_document(text, "x.md")
    assert parsed.problems == []
    assert [p for p, _ in parsed.papers] == papers
    assert render_document(DocumentLayout(), [p for p, _ in parsed.papers]) == text


def test_an_unindented_paragraph_after_a_paper_is_reported_not_imported(empty_library):
    doc = (
        "# Paper\n\n### 2020\n\n- A paper\n  - ICLR\n\nA stray paragraph.\nIts second line.\n\n"
        "- Next paper\n"
    )
    report = Library(empty_library).import_markdown(doc, "doc.md")
    messages = [str(p) for p in report.problems]
    assert any(m.startswith("doc.md:8: not part of any paper, not imported") for m in messages)
    assert any(m.startswith("doc.md:9: not part of any paper, not imported") for m in messages)
    library = Library(empty_library)
    assert library.find("A paper").paper.body == ""
    assert library.find("Next paper").paper.body == ""


SPACED_DOC = """\
# Paper

### 2021

- Spaced out paper
  - ICLR  [[code]](https://example.org/c)

  - <details>
    <summary>阅读笔记: </summary>
    1. first  <br>
    </details>

- Spaced style b
  - 2021
  - 阅读笔记：
    1. one

    2. two

  - code：https://example.org/b
"""


def test_blank_lines_between_a_papers_own_lines_do_not_turn_them_into_free_text(empty_library):
    library = import_text(empty_library, SPACED_DOC)
    spaced = library.find("Spaced out").paper
    assert (spaced.venue, spaced.code, spaced.notes, spaced.body) == (
        "ICLR",
        "https://example.org/c",
        ("first",),
        "",
    )
    style_b = library.find("style b").paper
    assert (style_b.code, style_b.notes, style_b.body) == (
        "https://example.org/b",
        ("one", "two"),
        "",
    )


def test_free_text_that_looks_like_a_paper_line_comes_back_as_free_text(tmp_path):
    from papernotes.model import Paper

    library = Library(tmp_path / "a")
    library.store.init()
    body = "- <details>\n- code: https://example.org/not-the-code\n1. not a note"
    library.add(Paper(title="Tricky", year=2020, notes=("real note",), body=body))
    again = import_text(tmp_path / "b", library.export_markdown()).find("Tricky").paper
    assert (again.notes, again.code, again.body) == (("real note",), "", body)


@pytest.mark.parametrize(
    "body",
    [
        "- code: https://example.org/not-the-code\n- <details>\nmore text",
        "- <details>\n1. not a note",
        "- 阅读笔记:\n1. not a note",
        "\n- [[code]](https://example.org/x) not the code",
    ],
)
def test_free_text_that_looks_like_a_paper_line_survives_without_notes(tmp_path, body):
    library = Library(tmp_path / "a")
    library.store.init()
    added = library.add(Paper(title="Bare", year=2020, venue="ICLR", body=body)).paper
    exported = library.export_markdown()
    again = import_text(tmp_path / "b", exported)
    paper = again.find("Bare").paper
    assert (paper.venue, paper.code, paper.notes, paper.body) == ("ICLR", "", (), added.body)
    assert again.export_markdown() == exported


def test_thematic_breaks_under_a_year_are_reported_and_never_become_papers(tmp_path):
    doc = tmp_path / "t.md"
    doc.write_text(
        "# Paper\n\n### 2020\n\n- First\n  - ICLR\n\n---\n\n- - -\n\n* * *\n\n___\n\n- Second\n",
        encoding="utf-8",
    )
    root = tmp_path / "lib"
    result = run(root, "import", str(doc))
    assert result.exit_code == 0, result.output
    for line, rule in ((8, "---"), (10, "- - -"), (12, "* * *"), (14, "___")):
        assert f"{doc}:{line}: '{rule}' is a thematic break, not a paper; skipped" in (
            result.stderr
        )
    assert sorted(n.paper.title for n in Library(root).notes()) == ["First", "Second"]
    assert run(root, "check").exit_code == 0


def test_a_code_link_with_a_space_is_stored_encoded_and_survives_markdown_export_and_import(
    tmp_path,
):
    root = tmp_path / "lib"
    root.mkdir()
    added = run(
        root, "add", "--year", "2020", "--title", "X", "--venue", "ICLR", "--code",
        "https://g.com/a b", "--note", "n",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    paper = Library(root).find("X").paper
    assert paper.code == "https://g.com/a%20b"
    again = import_text(tmp_path / "again", run(root, "export", "--md").stdout)
    back = again.find("X").paper
    assert (back.venue, back.code, back.notes) == ("ICLR", "https://g.com/a%20b", ("n",))


def test_free_text_ending_in_a_spaces_only_line_reads_the_same_from_the_note_and_the_export(
    tmp_path,
):
    root = tmp_path / "lib"
    root.mkdir()
    assert run(root, "init").exit_code == 0
    (root / "2020").mkdir()
    note = "---\ntitle: X\nyear: 2020\n---\n1. n\n\n   \nfree text\n   \n"
    (root / "2020" / "x.md").write_text(note, encoding="utf-8")
    body = Library(root).find("X").paper.body
    assert body == "free text"
    again = import_text(tmp_path / "again", run(root, "export", "--md").stdout)
    assert again.find("X").paper.body == body


def test_a_dry_run_reports_a_paper_listed_twice_as_the_import_does(empty_library, tmp_path):
    doc = tmp_path / "twice.md"
    doc.write_text(
        "# Papers\n\n### 2020\n\n- The Same Paper\n- Another Paper\n\n"
        "### 2021\n\n- the same paper\n",
        encoding="utf-8",
    )
    dry = run(empty_library, "import", str(doc), "--dry-run")
    real = run(empty_library, "import", str(doc))
    assert real.exit_code == 0 and dry.exit_code == 0, real.output + dry.output
    summary = real.stdout.strip().splitlines()[-1]
    assert "2 added" in summary and "1 skipped" in summary
    assert summary.removesuffix(".") in dry.stdout
    assert "appears twice; skipped" in dry.stderr
    assert "appears twice; skipped" in real.stderr
