"""The reading queue from the command line: set, list's new options, queue, stats, and the
status, priority, rating and read_on fields in the note files."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path

import pytest

from papernotes.library import Library, bulk_set
from tests.conftest import SEED_DOC
from tests.helpers import folder_bytes, run

TODAY = dt.date.today().isoformat()


def front(root: Path, rel: str) -> str:
    text = (root / rel).read_text(encoding="utf-8")
    return text.split("---\n")[1]


def test_fields_at_their_default_stay_out_of_the_front_matter(seed_library):
    before = folder_bytes(seed_library)
    result = run(seed_library, "set", "tinybert", "--priority", "high")
    assert result.exit_code == 0, result.output
    assert "priority: high\n" in front(seed_library, "2020/tinybert.md")
    for name in ("rating", "read_on"):
        assert f"{name}:" not in front(seed_library, "2020/tinybert.md")
    after = folder_bytes(seed_library)
    assert [p for p in after if after[p] != before[p]] == ["2020/tinybert.md"]
    run(seed_library, "set", "tinybert", "--priority", "none")
    assert folder_bytes(seed_library)["2020/tinybert.md"] == before["2020/tinybert.md"]


def test_set_changes_status_priority_rating_and_tags_of_several_papers(seed_library):
    result = run(
        seed_library, "set", "tinybert", "deberta", "--status", "reading",
        "--priority", "medium", "--rating", "4", "--tag", "+蒸馏", "--tag", "todo",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("2 changed, 0 unchanged, 0 refused")
    papers = {p["path"]: p for p in json.loads(run(seed_library, "list", "--json").stdout)}
    for path in ("2020/tinybert.md", "2021/deberta.md"):
        paper = papers[path]
        assert (paper["status"], paper["priority"], paper["rating"]) == ("reading", "medium", 4)
        assert paper["tags"][-2:] == ["蒸馏", "todo"]
    removed = run(seed_library, "set", "tinybert", "deberta", "--tag", "-todo", "--rating", "0")
    assert "2 changed" in removed.stdout
    papers = {p["path"]: p for p in json.loads(run(seed_library, "list", "--json").stdout)}
    assert "todo" not in papers["2020/tinybert.md"]["tags"]
    assert papers["2020/tinybert.md"]["rating"] == 0


def test_set_counts_papers_it_leaves_unchanged(seed_library):
    run(seed_library, "set", "tinybert", "--status", "read")
    result = run(seed_library, "set", "tinybert", "albert", "--status", "read")
    assert result.stdout.strip().endswith("1 changed, 1 unchanged, 0 refused")


def test_read_on_is_set_the_day_a_paper_first_becomes_read_and_kept_after(seed_library):
    run(seed_library, "set", "tinybert", "--status", "reading")
    assert "read_on" not in front(seed_library, "2020/tinybert.md")
    run(seed_library, "set", "tinybert", "--status", "read")
    assert f"read_on: '{TODAY}'" in front(seed_library, "2020/tinybert.md")
    path = seed_library / "2020/tinybert.md"
    path.write_text(path.read_text().replace(TODAY, "2024-01-02"), encoding="utf-8")
    run(seed_library, "set", "tinybert", "--status", "unread")
    run(seed_library, "set", "tinybert", "--status", "read")
    assert "read_on: '2024-01-02'" in front(seed_library, "2020/tinybert.md")


def test_add_with_status_read_sets_read_on(empty_library):
    run(empty_library, "add", "--year", "2020", "--title", "Read paper", "--status", "read",
        "--note", "n")  # fmt: skip
    paper = json.loads(run(empty_library, "list", "--json").stdout)[0]
    assert paper["read_on"] == TODAY


def test_a_paper_already_read_gets_no_read_on_from_an_unrelated_change(seed_library):
    path = seed_library / "2020/tinybert.md"
    path.write_text(path.read_text().replace("status: unread", "status: read"), encoding="utf-8")
    run(seed_library, "set", "tinybert", "--tag", "+x")
    assert "read_on" not in front(seed_library, "2020/tinybert.md")


def test_set_reads_papers_from_standard_input(seed_library):
    result = run(seed_library, "set", "-", "--priority", "low", input="tinybert\n\n2019/xlnet\n")
    assert result.exit_code == 0, result.output
    assert "2 changed" in result.stdout
    low = run(seed_library, "list", "--priority", "low", "--keys").stdout.split()
    assert sorted(low) == ["jiao2020tinybert", "yang2019xlnet"]


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        (["--year", "2020"], {"2020/albert.md", "2020/tinybert.md"}),
        (
            ["--year", "2019..2020"],
            {"2020/albert.md", "2020/tinybert.md", "2019/roberta.md", "2019/xlnet.md"},
        ),  # fmt: skip
        (["--with-status", "read"], {"2021/deberta.md"}),
        (["--with-priority", "high"], {"2021/mengzi.md"}),
        (["--with-tag", "seen"], {"2021/nezha.md"}),
        (["--search", "TinyBERT"], {"2020/tinybert.md"}),
        (["--year", "2021", "--with-priority", "none"], {"2021/deberta.md", "2021/nezha.md"}),
    ],
)
def test_set_selects_papers_by_their_fields(seed_library, selector, expected):
    run(seed_library, "set", "deberta", "--status", "read")
    run(seed_library, "set", "mengzi", "--priority", "high")
    run(seed_library, "set", "nezha", "--tag", "seen")
    result = run(seed_library, "set", *selector, "--rating", "5", "--dry-run")
    assert result.exit_code == 0, result.output
    would = {line.split()[2].rstrip(":") for line in result.stdout.splitlines()[:-1]}
    assert would == expected


def test_set_aborts_everything_when_one_paper_is_unknown_or_ambiguous(seed_library):
    before = folder_bytes(seed_library)
    unknown = run(seed_library, "set", "tinybert", "no-such-paper", "--status", "read")
    assert unknown.exit_code == 1
    assert "no-such-paper" in unknown.stderr and "Traceback" not in unknown.output
    ambiguous = run(seed_library, "set", "tinybert", "BERT", "--status", "read")
    assert ambiguous.exit_code == 1
    piped = run(seed_library, "set", "-", "--status", "read", input="tinybert\nnothing-here\n")
    assert piped.exit_code == 1
    assert folder_bytes(seed_library) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["tinybert"], "Say what to set"),
        (["--status", "read"], "Name the papers"),
        (["tinybert", "--rating", "6"], "Rating must be 1 to 5"),
        (["tinybert", "--priority", "urgent"], "Invalid value"),
        (["tinybert", "--tag", "+"], "names no tag"),
        (["tinybert", "--tag", "+x", "--tag", "-x"], "both added and removed"),
        (["--year", "20x0", "--status", "read"], "not a year"),
    ],
)
def test_set_refuses_bad_input_in_one_line_and_writes_nothing(seed_library, args, message):
    before = folder_bytes(seed_library)
    result = run(seed_library, "set", *args)
    assert result.exit_code != 0
    assert message in result.stderr and "Traceback" not in result.output
    assert folder_bytes(seed_library) == before


def test_set_with_a_selection_that_matches_nothing_says_so(seed_library):
    result = run(seed_library, "set", "--year", "1999", "--status", "read")
    assert result.exit_code == 1
    assert "No papers match" in result.stderr


def test_set_dry_run_prints_the_changes_and_writes_nothing(seed_library):
    before = folder_bytes(seed_library)
    result = run(seed_library, "set", "tinybert", "--status", "read", "--tag", "+x", "--dry-run")
    assert result.exit_code == 0
    assert (
        f"would change 2020/tinybert.md: status unread → read, read_on none → {TODAY}, +x"
        not in result.stdout
    )  # read_on is set by the write, not planned
    assert "would change 2020/tinybert.md: status unread → read, +x" in result.stdout
    assert result.stdout.strip().endswith("1 would change, 0 unchanged, 0 refused")
    assert folder_bytes(seed_library) == before


@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_set_refuses_a_note_it_cannot_write_writes_the_others_and_exits_1(seed_library):
    path = seed_library / "2020/tinybert.md"
    path.chmod(stat.S_IRUSR | stat.S_IRGRP)
    try:
        result = run(seed_library, "set", "tinybert", "albert", "--tag", "+x")
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert result.exit_code == 1
    assert "refused 2020/tinybert.md" in result.stderr
    assert result.stdout.strip().endswith("1 changed, 0 unchanged, 1 refused")
    assert "- x" in front(seed_library, "2020/albert.md")
    assert "- x" not in front(seed_library, "2020/tinybert.md")


def test_a_note_changed_on_disk_after_it_was_named_is_refused_and_the_others_written(
    seed_library,
):
    library = Library(seed_library)
    notes = bulk_set.resolve(library, ["tinybert", "albert"], bulk_set.Selection())
    path = seed_library / "2020/tinybert.md"
    path.write_text(path.read_text() + "\nEdited meanwhile.\n", encoding="utf-8")
    report = bulk_set.apply(library, notes, bulk_set.make_change(priority="high"))
    assert report.summary() == "1 changed, 0 unchanged, 1 refused"
    assert "changed on disk" in report.refused[0][1]
    assert "Edited meanwhile." in path.read_text() and "priority" not in front(seed_library,
        "2020/tinybert.md")  # fmt: skip
    assert "priority: high" in front(seed_library, "2020/albert.md")


def test_list_filters_by_status_priority_and_rating(seed_library):
    run(seed_library, "set", "tinybert", "albert", "--status", "read")
    run(seed_library, "set", "tinybert", "--rating", "5", "--priority", "high")
    run(seed_library, "set", "albert", "--rating", "3")
    keys = lambda *a: run(seed_library, "list", *a, "--keys").stdout.split()  # noqa: E731
    assert sorted(keys("--status", "read")) == ["jiao2020tinybert", "lan2020albert"]
    assert keys("--status", "read", "--rating-min", "4") == ["jiao2020tinybert"]
    assert keys("--priority", "high") == ["jiao2020tinybert"]
    assert len(keys("--priority", "none")) == 7
    assert len(keys("--status", "unread", "--status", "reading")) == 6
    empty = run(seed_library, "list", "--status", "reading")
    assert empty.stdout == "" and "No papers match" in empty.stderr


def test_list_sorts_by_each_field_and_reverses(seed_library):
    run(seed_library, "set", "tinybert", "--rating", "5", "--priority", "low")
    run(seed_library, "set", "albert", "--rating", "2", "--priority", "high")
    keys = lambda *a: run(seed_library, "list", *a, "--keys").stdout.split()  # noqa: E731
    assert keys("--sort", "rating")[:2] == ["jiao2020tinybert", "lan2020albert"]
    assert keys("--sort", "rating", "--reverse")[:2] == ["lan2020albert", "jiao2020tinybert"]
    assert keys("--sort", "priority")[:2] == ["lan2020albert", "jiao2020tinybert"]
    titles = [p["title"].casefold() for p in json.loads(
        run(seed_library, "list", "--sort", "title", "--json").stdout)]  # fmt: skip
    assert titles == sorted(titles)
    years = [p["year"] for p in json.loads(
        run(seed_library, "list", "--sort", "year", "--reverse", "--json").stdout)]  # fmt: skip
    assert years == sorted(years)
    for name in ("added", "read_on"):
        assert len(keys("--sort", name)) == 8


def test_list_keys_piped_into_export_bib_dash(seed_library):
    run(seed_library, "set", "tinybert", "deberta", "--status", "read")
    keys = run(seed_library, "list", "--status", "read", "--keys").stdout
    bib = run(seed_library, "export", "--bib", "-", input=keys)
    assert bib.exit_code == 0, bib.output
    assert sorted(line.split("{")[1].rstrip(",") for line in bib.stdout.splitlines()
                  if line.startswith("@")) == sorted(keys.split())  # fmt: skip
    nothing = run(seed_library, "export", "--bib", "-", input="")
    assert nothing.exit_code == 1
    assert nothing.stdout == "" and "nothing was written" in nothing.stderr


def test_export_bib_dash_with_nothing_on_standard_input_keeps_the_bib_and_exits_1(
    seed_library, tmp_path
):
    # `list --rating-min 5 --keys | export --bib - -o refs.bib` when list finds nothing
    refs = tmp_path / "refs.bib"
    refs.write_text("@misc{kept, title = {Kept}}\n", encoding="utf-8")
    for given in ("", "\n# a comment\n"):
        result = run(seed_library, "export", "--bib", "-", "-o", str(refs), input=given)
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert result.stderr.strip() == "Error: No papers on standard input; nothing was written."
        assert refs.read_text(encoding="utf-8") == "@misc{kept, title = {Kept}}\n"
    fresh = tmp_path / "new.bib"
    assert run(seed_library, "export", "--bib", "-", "-o", str(fresh), input="").exit_code == 1
    assert not fresh.exists()


def test_queue_lists_reading_first_then_by_priority_then_oldest_added(seed_library):
    for rel, added in (("2021/mengzi.md", "2020-01-01"), ("2021/nezha.md", "2019-01-01")):
        path = seed_library / rel
        text = path.read_text(encoding="utf-8")
        start = text.index("added: ")
        end = text.index("\n", start)
        path.write_text(text[:start] + f"added: '{added}'" + text[end:], encoding="utf-8")
    run(seed_library, "set", "deberta", "--status", "read")
    run(seed_library, "set", "xlnet", "--status", "reading", "--priority", "low")
    run(seed_library, "set", "roberta", "--priority", "high")
    run(seed_library, "set", "albert", "--priority", "medium")
    paths = [p["path"] for p in json.loads(run(seed_library, "queue", "--json").stdout)]
    assert paths[:3] == ["2019/xlnet.md", "2019/roberta.md", "2020/albert.md"]
    assert paths[3:5] == ["2021/nezha.md", "2021/mengzi.md"]  # oldest added first
    assert "2021/deberta.md" not in paths and len(paths) == 7
    text = run(seed_library, "queue").stdout.splitlines()
    assert text[0].startswith("reading  low ") and "yang2019xlnet" in text[0]


def test_queue_of_a_library_with_nothing_to_read_says_so(seed_library):
    run(seed_library, "set", "--year", "1000..2999", "--status", "read")
    result = run(seed_library, "queue")
    assert result.exit_code == 0 and result.stdout == ""
    assert "queue is empty" in result.stderr


def test_stats_counts_by_year_status_priority_venue_tag_and_month(seed_library):
    run(seed_library, "set", "tinybert", "deberta", "--status", "read", "--tag", "+蒸馏")
    run(seed_library, "set", "albert", "--priority", "high")
    stats = json.loads(run(seed_library, "stats", "--json").stdout)
    assert stats["year"] == {"2023": 1, "2021": 3, "2020": 2, "2019": 2}
    assert stats["status"] == {"unread": 6, "read": 2}
    assert stats["priority"] == {"high": 1, "none": 7}
    assert stats["venue"]["ICLR"] == 3
    assert stats["tag"] == {"蒸馏": 2}
    assert stats["read per month"] == {TODAY[:7]: 2}
    text = run(seed_library, "stats").stdout
    assert text.startswith("8 papers")
    for title in ("Papers by year", "Papers by status", "Papers read per month"):
        assert title in text
    assert "  2021  3  ██████████████████████████████" in text  # the most: a full bar


def test_check_names_the_line_of_a_bad_priority_rating_or_read_on(seed_library):
    path = seed_library / "2020/tinybert.md"
    original = path.read_text(encoding="utf-8")
    for line, message in (
        ("priority: urgent", "priority must be one of high, medium, low"),
        ("rating: 7", "rating must be a whole number from 1 to 5"),
        ("rating: good", "rating must be a whole number"),
        ("read_on: yesterday", "read_on must be a date"),
        ("read_on: 2024-02-30", "invalid date in the front matter"),
        ("read_on: '2024-02-30'", "read_on must be a date"),
    ):
        text = original.replace("status: unread\n", f"status: unread\n{line}\n")
        path.write_text(text, encoding="utf-8")
        number = text.split("\n").index(line) + 1
        result = run(seed_library, "check")
        assert result.exit_code == 1
        assert f"2020/tinybert.md:{number}: {message}" in result.stdout, result.stdout


def test_queue_fields_stay_out_of_the_document_and_bibtex(seed_library):
    document, bib = run(seed_library, "export", "--md").stdout, run(
        seed_library, "export", "--bib").stdout  # fmt: skip
    run(seed_library, "set", "--year", "1000..2999", "--status", "read", "--priority", "high",
        "--rating", "5")  # fmt: skip
    assert run(seed_library, "export", "--md").stdout == document
    assert run(seed_library, "export", "--bib").stdout == bib


def test_importing_the_document_again_never_resets_the_queue_fields(tmp_path):
    root = tmp_path / "lib"
    run(root, "import", str(SEED_DOC))
    run(root, "set", "--year", "2020", "--status", "read", "--priority", "high", "--rating", "4")
    before = {p["path"]: p for p in json.loads(run(root, "list", "--json").stdout)}
    again = run(root, "import", str(SEED_DOC))
    assert again.exit_code == 0, again.output
    run(root, "import", str(SEED_DOC))
    after = {p["path"]: p for p in json.loads(run(root, "list", "--json").stdout)}
    for path in ("2020/tinybert.md", "2020/albert.md"):
        fields = ("status", "priority", "rating", "read_on")
        assert [after[path][f] for f in fields] == ["read", "high", 4, TODAY]
        assert [after[path][f] for f in fields] == [before[path][f] for f in fields]
