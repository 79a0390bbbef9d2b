"""The JSON the commands print: ``json_text.indented_json`` writes exactly what
``json.dumps(data, ensure_ascii=False, indent=2)`` writes, and ``note_dict`` holds every
field as the dataclass's own ``asdict`` copy gave it."""

from __future__ import annotations

import json
from dataclasses import asdict, replace

from hypothesis import given
from hypothesis import strategies as st

from papernotes.cli.json_text import indented_json
from papernotes.cli.output import ARXIV_OUTPUT_FIELDS, note_dict, to_json
from papernotes.model import Note, Paper
from tests.helpers import bounded

BOUNDED = bounded(300)

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12) | st.sampled_from(
    ["", "蒸馏", 'a "quote" \\ back', "\x1b]0;x\x07", "\x85\x9f\x7f", "\u2028\u2029", "😀"]
)
scalars = st.one_of(
    text,
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(text | st.integers(0, 9) | st.booleans() | st.none(), inner, max_size=4)
    ),
    max_leaves=20,
)


@BOUNDED
@given(values)
def test_indented_json_is_what_json_dumps_writes_for_any_value(value):
    assert indented_json(value) == json.dumps(value, ensure_ascii=False, indent=2)


def test_a_value_json_cannot_encode_raises_as_json_raises():
    for bad in ({"a": {1, 2}}, [object()], {("tuple", "key"): 1}):
        try:
            json.dumps(bad, ensure_ascii=False, indent=2)
        except TypeError as exc:
            expected = str(exc)
        try:
            indented_json(bad)
        except TypeError as exc:
            assert str(exc) == expected
        else:
            raise AssertionError(f"{bad!r} was encoded")


def _old_note_dict(note: Note) -> dict:
    """``note_dict`` as it was made before (through ``dataclasses.asdict``): the oracle."""
    paper = asdict(note.paper)
    data = {
        name: paper[name]
        for name in ("key", "year", "title", "venue", "code", "arxiv", "authors", "tags", "status")
    }
    data["added"] = paper["added"]
    for name in ("priority", "rating", "read_on"):
        data[name] = paper[name]
    data["notes"] = list(note.paper.notes)
    data["path"] = note.path
    for name in ARXIV_OUTPUT_FIELDS:
        data[name] = paper[name]
    for name in ("authors", "tags", "categories"):
        data[name] = list(data[name])
    for name in ("venue_full", "pages", "publisher", "venue_source"):
        if paper[name]:
            data[name] = paper[name]
    if note.paper.body:
        data["body"] = note.paper.body
    return data


@BOUNDED
@given(
    st.builds(
        Paper,
        title=text,
        year=st.integers(1900, 2100),
        venue=text,
        authors=st.lists(text, max_size=3).map(tuple),
        tags=st.lists(text, max_size=3).map(tuple),
        categories=st.lists(text, max_size=2).map(tuple),
        notes=st.lists(text, max_size=3).map(tuple),
        body=text,
        abstract=text,
        venue_full=text,
        pages=text,
        publisher=text,
        venue_source=text,
        priority=text,
        rating=st.integers(0, 5),
        read_on=text,
        arxiv_version=st.integers(0, 9),
    ),
    text,
)
def test_a_notes_json_object_holds_what_the_dataclass_copy_held(paper, path):
    note = Note(replace(paper), path)
    assert note_dict(note) == _old_note_dict(note)
    assert to_json([note_dict(note)]) == to_json([_old_note_dict(note)])
    assert list(note_dict(note)) == list(_old_note_dict(note))  # the same keys in order
