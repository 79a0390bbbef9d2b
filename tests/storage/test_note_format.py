"""The note file format: YAML front matter in a fixed order, then numbered notes and free text."""

from __future__ import annotations

import pytest

from papernotes.model import FRONT_MATTER_FIELDS, Paper
from papernotes.storage.note_format import NoteFormatError, parse_note, render_note

PAPER = Paper(
    title="DEBERTA: DECODING-ENHANCED BERT WITH DISENTANGLED ATTENTION",
    year=2021,
    venue="ICLR",
    code="https://github.com/microsoft/DeBERTa",
    arxiv="2006.03654",
    authors=("Pengcheng He", "魏俊秋"),
    tags=("蒸馏", "no"),
    added="2024-05-01",
    notes=(
        "相比bert，deberta的每个token使用content向量",
        "second: with a colon\nand a second line",
    ),
    body="## Free text\n\nkept *as written*.",
)


def test_a_note_reads_back_exactly_as_written():
    assert parse_note(render_note(PAPER)) == PAPER


def test_front_matter_fields_come_in_the_fixed_order():
    text = render_note(PAPER)
    keys = [line.split(":")[0] for line in text.split("---")[1].splitlines() if line[:1].isalpha()]
    assert keys == [k for k in FRONT_MATTER_FIELDS if k in keys]
    assert keys[:10] == list(FRONT_MATTER_FIELDS[:10])


def test_chinese_is_written_as_is_not_escaped():
    text = render_note(PAPER)
    assert "魏俊秋" in text and "蒸馏" in text
    assert "\\u" not in text


def test_values_yaml_would_misread_stay_strings():
    text = render_note(PAPER)
    assert "arxiv: '2006.03654'" in text  # not the float 2006.03654
    assert "added: '2024-05-01'" in text  # not a date object
    assert parse_note(text).tags == ("蒸馏", "no")  # not False


def test_the_body_is_numbered_notes_then_free_markdown():
    text = render_note(PAPER)
    body = text.split("---\n", 2)[2]
    assert body.startswith("1. 相比bert")
    assert "2. second: with a colon\n   and a second line\n\n## Free text" in body


def test_unknown_front_matter_fields_are_kept():
    text = render_note(PAPER).replace("status: unread\n", "status: unread\nstars: 5\n")
    paper = parse_note(text)
    assert paper.extra == (("stars", 5),)
    assert "stars: 5" in render_note(paper)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("no front matter", 1, "must start with '---'"),
        ("---\ntitle: x\n", 1, "no closing"),
        ("---\ntitle: [unclosed\nyear: 2020\n---\n", 3, "invalid YAML"),
        ("---\nyear: 2020\n---\n", 2, "no title"),
        ("---\ntitle: x\nyear: twenty\n---\n", 3, "year must be"),
        ("---\ntitle: x\nyear: 20201\n---\n", 3, "four-digit year"),
        ("---\ntitle: x\n---\n", 2, "no year"),
        ("---\ntitle: x\nyear: 2020\nstatus: done\n---\n", 4, "status must be"),
        ("---\n- a list\n---\n", 2, "mapping"),
        (  # lines of a block scalar that look like the end of the front matter are not
            "---\ntitle: x\nyear: 2020\nabstract: |\n  ...\n  ---\n  more\nstatus: done\n---\n",
            8,
            "status must be",
        ),
        ("---\ntitle: !!python/object/apply:os.system [echo hi]\nyear: 2020\n---\n", 2, "YAML"),
    ],
)
def test_a_malformed_note_names_its_line(text, line, message):
    with pytest.raises(NoteFormatError) as error:
        parse_note(text)
    assert error.value.line == line
    assert message in error.value.message


def test_crlf_and_a_byte_order_mark_are_read():
    text = "\ufeff" + render_note(PAPER).replace("\n", "\r\n")
    assert parse_note(text) == PAPER
