"""Importing a document into a library that already has link sections merges them by section."""

from __future__ import annotations

import pytest

from papernotes.library import Library
from papernotes.model import Section
from tests.helpers import folder_bytes, run

SMALL_DOC = """\
# Paper

### 2024

- My new paper

# Other links

- https://example.org/other
"""


def headings(library: Library) -> list[tuple[int, str]]:
    return [(s.level, s.title) for s in library.layout().sections]


def test_a_document_with_one_new_section_keeps_every_other_section_and_the_toc(seed_library):
    library = Library(seed_library)
    before = library.layout()
    report = library.import_markdown(SMALL_DOC, "small.md")
    library.reload()
    after = library.layout()
    assert after.toc_depth == before.toc_depth == 2
    assert headings(library) == [(s.level, s.title) for s in before.sections] + [(1, "Other links")]
    kept = {(s.level, s.title): s for s in after.sections}
    for section in before.sections:  # every seed section, items and all, still there
        assert kept[(section.level, section.title)] == section
    assert kept[(1, "Other links")].items[0].url == "https://example.org/other"
    assert report.sections_added == ("# Other links",)
    assert report.sections_replaced == ()
    exported = library.export_markdown()
    assert "- [Other links](#other-links)" in exported
    assert "# 词向量" in exported and "My new paper" in exported


def test_an_imported_section_replaces_the_same_titled_one_at_the_same_level(seed_library):
    library = Library(seed_library)
    before = headings(library)
    doc = "## 蒸馏\n\n- https://example.org/distil\n\n# 词向量\n\n- https://example.org/vec\n"
    report = library.import_markdown(doc, "doc.md")
    library.reload()
    assert headings(library) == before  # same sections, same places
    sections = {s.title: s for s in library.layout().sections}
    assert [i.url for i in sections["蒸馏"].items] == ["https://example.org/distil"]
    assert [i.url for i in sections["词向量"].items] == ["https://example.org/vec"]
    assert sorted(report.sections_replaced) == ["# Repo / ## 蒸馏", "# 词向量"]  # says where
    assert report.sections_added == ()


def test_a_new_subsection_goes_at_the_end_of_its_parent_section(seed_library):
    library = Library(seed_library)
    library.import_markdown("# Repo\n\n## 新的\n\n- https://example.org/new\n", "doc.md")
    library.reload()
    titles = [title for _, title in headings(library)]
    assert titles.index("新的") == titles.index("tokenizer") + 1
    assert titles.index("新的") < titles.index("Paper")


def test_the_toc_depth_comes_from_the_document_when_it_has_a_toc(seed_library):
    library = Library(seed_library)
    doc = (
        "<!-- START doctoc -->\n- [Repo](#repo)\n<!-- END doctoc -->\n\n"
        "# Repo\n\n- https://example.org/r\n"
    )
    library.import_markdown(doc, "doc.md")
    library.reload()
    assert library.layout().toc_depth == 1


def test_an_unchanged_section_is_not_reported_as_replaced(seed_library):
    library = Library(seed_library)
    report = library.import_markdown(library.export_markdown(), "again.md")
    assert report.sections_added == report.sections_replaced == ()


def test_a_document_into_an_empty_library_takes_all_its_sections(empty_library):
    library = Library(empty_library)
    report = library.import_markdown(SMALL_DOC, "small.md")
    library.reload()
    assert library.layout().sections == (
        Section("Paper", 1, papers=True),
        library.layout().sections[1],
    )
    assert report.sections_added == ("# Paper", "# Other links")


def test_import_and_its_dry_run_say_which_sections_are_added_or_replaced(seed_library, tmp_path):
    doc = tmp_path / "small.md"
    doc.write_text(SMALL_DOC.replace("# Other links", "# 词向量"), encoding="utf-8")
    before = (seed_library / "document.yaml").read_bytes()
    dry = run(seed_library, "import", str(doc), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "would replace section: # 词向量" in dry.stdout
    assert (seed_library / "document.yaml").read_bytes() == before
    doc.write_text(SMALL_DOC, encoding="utf-8")
    dry = run(seed_library, "import", str(doc), "--dry-run")
    assert "would add section: # Other links" in dry.stdout
    real = run(seed_library, "import", str(doc))
    assert "added section: # Other links" in real.stdout
    assert "title: Repo" in (seed_library / "document.yaml").read_text(encoding="utf-8")


def test_a_subsection_replaces_only_the_one_under_the_same_parent_and_the_report_says_where(
    empty_library, tmp_path
):
    first = tmp_path / "d1.md"
    first.write_text("# A\n\n## Repo\n\n- itemA\n\n# B\n\n## Repo\n\n- itemB\n", encoding="utf-8")
    second = tmp_path / "d2.md"
    second.write_text("# B\n\n## Repo\n\n- itemB-new\n", encoding="utf-8")
    assert run(empty_library, "import", str(first)).exit_code == 0
    result = run(empty_library, "import", str(second))
    assert result.exit_code == 0, result.output
    assert "replaced section: # B / ## Repo" in result.stdout
    assert "section: # A" not in result.stdout
    exported = run(empty_library, "export", "--md").stdout
    a_part, b_part = exported.split("# B\n")
    assert "itemA" in a_part and "itemB" not in a_part
    assert "itemB-new" in b_part and "itemA" not in b_part
    assert b_part.count("## Repo") == 1


# -- a broken document.yaml ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("toc_depth: 2\nsections: [\n  {title: A}\n", 4, "invalid YAML: did not find expected"),
        ("sections: 3\n", 1, "'sections' must be a list"),
        ("sections:\n- title: A\n  level: 99\n", 3, "'level' must be a whole number from 1 to 6"),
        ("sections:\n- title: A\n  items:\n  - just text\n", 4, "every item must be a mapping"),
        ("sections:\n- title: A\n- level: 2\n", 3, "every section needs a title"),
        ("toc_depth: 2\norder:\n- [a, b]\n", 3, "every 'order' entry must be a path"),
        ("year_level: 3\nsections: [{title: x}]\nx: \xff\n", 3, "not valid UTF-8"),
        ("toc_depth: 1\nsections: " + "[" * 200 + "\n", 2, "nested more than 100 levels"),
    ],
    ids=["syntax", "sections", "level", "item", "title", "order", "utf8", "deep"],
)
def test_a_bad_document_yaml_is_one_line_naming_its_line(seed_library, text, line, message):
    data = text.encode("utf-8").replace("\xff".encode(), b"\xff")
    (seed_library / "document.yaml").write_bytes(data)
    result = run(seed_library, "export", "--md")
    assert result.exit_code == 1
    (only,) = result.output.splitlines()
    assert only.startswith(f"Error: document.yaml:{line}: ") and message in only


def test_a_bad_document_yaml_stops_only_export_md_and_import(seed_library, tmp_path):
    (seed_library / "document.yaml").write_text("sections: 3\n", encoding="utf-8")
    refused = "Error: document.yaml:1: 'sections' must be a list\n"
    warning = "warning: document.yaml:1: 'sections' must be a list"
    doc = tmp_path / "doc.md"
    doc.write_text(SMALL_DOC, encoding="utf-8")
    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{x2024, title = {A Bib Paper}, year = {2024}}\n", encoding="utf-8")
    before = folder_bytes(seed_library)
    for args in (["export", "--md"], ["import", str(doc)], ["import", str(bib)]):
        result = run(seed_library, *args)
        assert (result.exit_code, result.output) == (1, refused), args
    assert folder_bytes(seed_library) == before
    added = run(seed_library, "add", "--year", "2024", "--title", "Still Added", "--note", "n")
    assert added.exit_code == 0 and added.output.endswith("still-added.md\n")
    for args in (
        ["list"],
        ["show", "Still Added"],
        ["search", "Still"],
        ["export", "--bib", "Still Added"],
        ["key", "Still Added"],
        ["rm", "--yes", "Still Added"],
    ):
        result = run(seed_library, *args)
        assert result.exit_code == 0, (args, result.output)
        assert result.output.splitlines().count(warning) == (0 if args[0] == "key" else 1)
    listed = run(seed_library, "list")
    assert "Still Added" not in listed.output
    check = run(seed_library, "check")
    assert check.exit_code == 1 and check.output.splitlines()[0] == refused[7:-1]


def test_export_md_takes_the_layout_from_the_note_cache_without_parsing_document_yaml(
    seed_library, trusting_cache, monkeypatch
):
    """At 10,000 papers parsing ``document.yaml`` (their order) is a fifth of ``export
    --md``: the export loads the notes first, so the note cache's parsed copy serves."""
    from papernotes.storage import store

    first = run(seed_library, "export", "--md")
    parsed: list[str] = []
    real_parse = store.parse_layout

    def counting_parse(text: str):
        parsed.append(text)
        return real_parse(text)

    monkeypatch.setattr(store, "parse_layout", counting_parse)
    again = run(seed_library, "export", "--md")
    assert (again.exit_code, again.output) == (first.exit_code, first.output)
    assert parsed == []
