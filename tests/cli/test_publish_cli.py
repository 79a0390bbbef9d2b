"""``publish config`` and ``export --md -o FILE --check`` from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from papernotes.library import Library
from tests.helpers import folder_bytes, run

REPO = Path(__file__).resolve().parent.parent.parent
DEFAULT = (
    "publish:\n  title_link: none\n  anchors: false\n  show: []\n  exclude_tags: []\n"
    "  stats: false\n"
)


def test_publish_config_prints_the_profile_and_sets_the_options_given(seed_library):
    before = folder_bytes(seed_library)
    shown = run(seed_library, "publish", "config")
    assert (shown.exit_code, shown.output) == (0, DEFAULT)
    assert folder_bytes(seed_library) == before  # printing writes nothing
    result = run(
        seed_library,
        "publish",
        "config",
        "--title-link",
        "arxiv",
        "--anchors",
        "--show",
        "authors, tags",
        "--exclude-tags",
        "private,draft",
        "--stats",
    )
    assert result.exit_code == 0, result.output
    assert result.output == (
        "publish:\n  title_link: arxiv\n  anchors: true\n  show:\n  - authors\n  - tags\n"
        "  exclude_tags:\n  - private\n  - draft\n  stats: true\n"
    )
    assert result.output in (seed_library / "document.yaml").read_text(encoding="utf-8")
    profile = Library(seed_library).layout().publish
    assert (profile.title_link, profile.show, profile.exclude_tags) == (
        "arxiv",
        ("authors", "tags"),
        ("private", "draft"),
    )
    cleared = run(seed_library, "publish", "config", "--show", "", "--no-anchors")
    assert "show: []" in cleared.output and "anchors: false" in cleared.output
    assert Library(seed_library).layout().publish.title_link == "arxiv"  # left as it was


def test_a_bad_publish_config_value_is_refused_and_writes_nothing(seed_library):
    before = folder_bytes(seed_library)
    result = run(seed_library, "publish", "config", "--show", "authors,venue")
    assert result.exit_code == 2  # wrong usage, as a wrong --title-link is
    assert result.stderr.endswith(
        "Error: Invalid value for '--show': 'venue' is not one of authors, arxiv, tags, status.\n"
    )
    bad_choice = run(seed_library, "publish", "config", "--title-link", "doi")
    assert bad_choice.exit_code == 2 and "'doi' is not one of" in bad_choice.output
    assert folder_bytes(seed_library) == before


@pytest.mark.parametrize(
    ("publish", "line", "message"),
    [
        ("publish: 3\n", 2, "'publish' must be a mapping of title_link, anchors"),
        ("publish:\n  title_link: doi\n", 3, "'title_link' must be none, arxiv or code, not 'doi'"),
        ("publish:\n  anchors: yes please\n", 3, "'anchors' must be true or false"),
        ("publish:\n  show: [authors,\n    venue]\n", 4, "'show' takes authors, arxiv, tags"),
        ("publish:\n  show: authors\n", 3, "'show' must be a list"),
        ("publish:\n  exclude_tags:\n  - [a]\n", 4, "every 'exclude_tags' entry must be text"),
        ("publish:\n  stats: true\n  colour: red\n", 4, "unknown publish option 'colour'"),
    ],
    ids=["mapping", "title_link", "anchors", "show", "show-list", "exclude", "unknown"],
)
def test_a_bad_publish_mapping_in_document_yaml_names_its_line(
    seed_library, publish, line, message
):
    (seed_library / "document.yaml").write_text("toc_depth: 2\n" + publish, encoding="utf-8")
    result = run(seed_library, "export", "--md")
    assert result.exit_code == 1
    (only,) = result.output.splitlines()
    assert only.startswith(f"Error: document.yaml:{line}: ") and message in only, only


def test_export_check_exits_0_when_the_file_is_what_the_library_exports(seed_library, tmp_path):
    readme = tmp_path / "README.md"
    run(seed_library, "export", "--md", "-o", str(readme))
    stamp = readme.stat().st_mtime_ns
    result = run(seed_library, "export", "--md", "-o", str(readme), "--check")
    assert result.exit_code == 0 and f"{readme} is up to date." in result.output
    assert readme.stat().st_mtime_ns == stamp


def test_export_check_exits_1_with_a_diff_and_writes_nothing(seed_library, tmp_path):
    readme = tmp_path / "README.md"
    run(seed_library, "export", "--md", "-o", str(readme))
    old = readme.read_bytes()
    run(seed_library, "publish", "config", "--anchors")
    result = run(seed_library, "export", "--md", "-o", str(readme), "--check")
    assert result.exit_code == 1
    assert readme.read_bytes() == old
    assert f"--- {readme}\n+++ {readme} (papernotes export --md)\n" in result.output
    assert "-- DEBERTA: DECODING-ENHANCED" in result.output
    assert '+- <a id="he2021deberta"></a>DEBERTA: DECODING-ENHANCED' in result.output
    assert "is not what the library exports; run 'papernotes export --md -o" in result.output


def test_export_check_of_a_missing_file_says_so_and_creates_nothing(seed_library, tmp_path):
    readme = tmp_path / "README.md"
    result = run(seed_library, "export", "--md", "-o", str(readme), "--check")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {readme} does not exist, so it is not what the library exports; write it "
        f"with 'papernotes export --md -o {readme}'.\n"
    )
    assert not readme.exists()


def test_export_check_needs_md_and_a_file(seed_library):
    for args in (
        ["--md", "--check"],
        ["--md", "-o", "-", "--check"],
        ["--bib", "-o", "x", "--check"],
    ):
        result = run(seed_library, "export", *args)
        assert result.exit_code == 2 and "--check goes with --md -o FILE" in result.output


def test_export_check_names_a_file_that_differs_only_in_line_endings(seed_library, tmp_path):
    readme = tmp_path / "README.md"
    run(seed_library, "export", "--md", "-o", str(readme))
    readme.write_bytes(readme.read_bytes().replace(b"\n", b"\r\n"))
    result = run(seed_library, "export", "--md", "-o", str(readme), "--check")
    assert result.exit_code == 1
    assert "differs only in its line endings (CRLF instead of LF)" in result.output


def test_the_readme_example_is_the_shipped_library_published(seed_library):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Publishing your list")[1].split("\n## ")[0]
    example = section.split("```console\n")[1].split("```")[0]
    command, rest = example.split("\n", 1)
    config = run(seed_library, *command.removeprefix("$ papernotes ").split())
    shown, exported = rest.split("$ papernotes export --md\n")
    assert config.output == shown
    output = run(seed_library, "export", "--md").output
    lines = [line for line in exported.splitlines() if line.strip() != "…"]
    start = output.index(lines[0] + "\n")
    for line in lines:  # in order, as written ("…" stands for lines left out)
        start = output.index(line + "\n", start) + len(line) + 1


def test_a_publish_config_value_that_is_not_utf8_is_refused_and_writes_nothing(seed_library):
    before = folder_bytes(seed_library)
    result = run(seed_library, "publish", "config", "--exclude-tags", "\udcff")
    assert result.exit_code == 1
    assert result.output == (
        "Error: --exclude-tags is not valid UTF-8 at byte 0 (0xff); nothing was changed.\n"
    )
    assert folder_bytes(seed_library) == before
