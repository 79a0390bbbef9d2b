"""The front matter fast path gives exactly what PyYAML gives, or hands the text to PyYAML."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from papernotes.model import FRONT_MATTER_FIELDS
from papernotes.storage import frontmatter
from papernotes.storage.frontmatter import implicit_tag, parse_front, render_front
from papernotes.storage.note_format import NoteFormatError, dump_yaml, parse_note
from tests.conftest import SHIPPED_NOTES
from tests.helpers import bounded

BOUNDED = bounded(200)


def pyyaml_dump(data: object) -> str:
    return yaml.dump(
        data,
        Dumper=yaml.CSafeDumper,
        allow_unicode=True,
        sort_keys=False,
        width=4096,
        default_flow_style=False,
    )


def pyyaml_load(text: str) -> object:
    return yaml.load(text, Loader=yaml.CSafeLoader)


# Pieces YAML gives a meaning to, mixed with CJK, emoji and ordinary words.
PIECES = [
    "no",
    "yes",
    "Yes",
    "NO",
    "on",
    "off",
    "true",
    "False",
    "null",
    "Null",
    "~",
    "y",
    "n",
    "2021",
    "0",
    "00",
    "07",
    "-1",
    "+1",
    "1_000",
    "0x1F",
    "0b101",
    "1.5",
    "1e5",
    "1.0e+5",
    ".5",
    ".inf",
    ".NaN",
    "190:20:30",
    "2024-05-01",
    "2024-5-1 1:02:03",
    "2001-12-14t21:59:43.10-05:00",
    "2006.03654",
    "=",
    "<<",
    "!",
    "&a",
    "*a",
    "!!python/name:os.system",
    "%YAML",
    "@x",
    "`x`",
    "#",
    " #",
    "# x",
    "a#b",
    ":",
    ": ",
    "a:",
    "a: b",
    "a:b",
    "?",
    "? ",
    "?x",
    "-",
    "- ",
    "-x",
    "--",
    "---",
    "...",
    "....",
    "[]",
    "[a]",
    "{}",
    "{a: 1}",
    ",",
    "|",
    ">",
    "'",
    "''",
    '"',
    "\\",
    " ",
    "  ",
    "\t",
    "\n",
    "\r",
    "\x85",
    "\u2028",
    "\ufeff",
    "\x7f",
    "\x00",
    "\xa0",
    "\ufffe",
    "蒸馏",
    "知识蒸馏：综述",
    "魏俊秋",
    "、",
    "：",
    "😀",
    "🧠 brain",
    "é",
    "e\u0301",
    "BERT",
    "Deep Learning",
    "https://github.com/x/y",
    "C#",
    "a, b",
    "x  y",
    "key",
    "title",
]
piece = st.one_of(st.sampled_from(PIECES), st.text(max_size=6))
scalar_text = st.lists(piece, max_size=5).map("".join) | st.text(max_size=12)
long_text = st.integers(3900, 4300).map(lambda n: ("word " * n)[:n])
scalar = st.one_of(
    scalar_text,
    scalar_text,
    long_text,
    st.integers(-(10**20), 10**20),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False),
    st.dates(),
    st.lists(scalar_text, max_size=4),
    st.lists(st.one_of(scalar_text, st.integers()), max_size=3),
    st.dictionaries(scalar_text, scalar_text, max_size=2),
)
key = st.one_of(
    st.sampled_from(["title", "year", "authors", "tags", "rating", "no", "on", "Null", "x1", "_"]),
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,70}", fullmatch=True),
    scalar_text,
)
front_matter = st.dictionaries(key, scalar, max_size=8)


@pytest.mark.slow
@BOUNDED
@given(front_matter)
def test_rendering_gives_pyyaml_bytes_or_falls_back(front):
    fast = render_front(front)
    if fast is not None:
        assert fast == pyyaml_dump(front)
    assert dump_yaml(front) == pyyaml_dump(front)


@pytest.mark.slow
@BOUNDED
@given(front_matter)
def test_reading_what_pyyaml_writes_gives_pyyaml_values(front):
    text = pyyaml_dump(front).removesuffix("\n")
    fast = parse_front(text)
    if fast is not None:
        assert fast == pyyaml_load(text)
        assert _types(fast) == _types(pyyaml_load(text))


# Hand-edited front matters: lines of the subset and lines just outside it.
line = st.one_of(
    st.tuples(key, st.sampled_from([": ", ":", ":  ", " : ", ": '"]), scalar_text).map("".join),
    st.tuples(st.sampled_from(["- ", "-", "  - ", "- '", "-  "]), scalar_text).map("".join),
    st.tuples(key, st.sampled_from([": []", ": [ ]", ": [] ", ": {}", ":", ": ''"])).map("".join),
    st.sampled_from(["", " ", "# comment", "  continued", "---", "...", "? x", "%TAG"]),
)


@pytest.mark.slow
@BOUNDED
@given(st.lists(line, min_size=1, max_size=8).map("\n".join))
def test_reading_any_text_gives_pyyaml_values_or_falls_back(text):
    fast = parse_front(text)
    if fast is None:
        return
    assert fast == pyyaml_load(text)
    assert _types(fast) == _types(pyyaml_load(text))


def _types(value: object) -> object:
    """Types all the way down: 1 == True and 1 == 1.0, but they are not the same value."""
    if isinstance(value, dict):
        return [(type(k), _types(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [_types(v) for v in value]
    return type(value)


@BOUNDED
@given(scalar_text)
def test_implicit_tags_are_pyyaml_s(value):
    tag = yaml.resolver.Resolver().resolve(yaml.ScalarNode, value, (True, False))
    assert implicit_tag(value) == (None if tag == "tag:yaml.org,2002:str" else tag)


def test_the_resolver_table_is_pyyaml_s():
    def table(resolvers):  # verbose patterns: the same up to layout whitespace
        return {
            first: [(tag, "".join(p.pattern.split()), p.flags) for tag, p in entries]
            for first, entries in resolvers.items()
        }

    ours = table(frontmatter.RESOLVERS)
    theirs = table(yaml.resolver.Resolver.yaml_implicit_resolvers)
    assert ours == theirs


def test_every_shipped_note_reads_and_writes_through_the_fast_path():
    notes = sorted(SHIPPED_NOTES.glob("*/*.md"))
    assert notes
    for path in notes:
        text = path.read_text(encoding="utf-8")
        front_text = text.split("---\n", 2)[1].removesuffix("\n")
        expected = pyyaml_load(front_text)
        assert parse_front(front_text) == expected, path
        assert render_front(expected) == pyyaml_dump(expected), path


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("key: 2021", 2021),
        ("key: '2021'", "2021"),
        ("key: 'it''s: # here'", "it's: # here"),
        ("key: 知识蒸馏：综述", "知识蒸馏：综述"),
        ("key: []", []),
        ("key:", None),
        ("key:\n- a\n- 'b'", ["a", "b"]),
        ("key: ''", ""),
        ("key: a  b", "a  b"),
    ],
)
def test_the_subset(text, value):
    assert parse_front(text) == {"key": value} == pyyaml_load(text)


@pytest.mark.parametrize(
    "text",
    [
        'key: "double"',
        "key: no",
        "key: 2024-05-01",
        "key: 1.5",
        "key: 010",
        "key: a # comment",
        "key: [a]",
        "key: &x a",
        "key: !!str a",
        "key: a\n  continued",
        "key:\n  - indented",
        "key: a\nkey: b",
        "key: 'unclosed",
        "key: a: b",
        "key:\ta",
    ],
)
def test_anything_else_is_left_to_pyyaml(text):
    assert parse_front(text) is None
    assert render_front({"key": dt.date(2024, 5, 1)}) is None


# Recorded before the fast path existed: the same lines and messages now.
@pytest.mark.parametrize(
    ("front", "line", "message"),
    [
        ("title: x\nyear: 2020\nvenue: 'unclosed\ntags: []", 5, "found unexpected end of stream"),
        ("title: x\nyear: 2020\nvenue: a: b\ntags: []", 4, "mapping values are not allowed"),
        ("title: x\nyear: 2020\n- a", 4, "did not find expected key"),
        ("title: x\nyear: no", 3, "year must be a whole number, not False"),
        ("title: x\nyear: 2020\nstatus: done", 4, "status must be one of"),
        ("title: x\nyear: 2020\nauthors: {a: 1}", 4, "authors must be a list"),
        ("title: x\nyear: 2020\nvenue: [a, b\nkey: k", 5, "did not find expected ','"),
        ('title: x\nyear: 2020\nvenue: "a', 4, "found unexpected end of stream"),
        ("title: x\ntitle: y\nyear: 20201", 3, "'title' is written twice (keep one)"),
    ],
)
def test_a_malformed_note_names_the_same_line_as_before(front, line, message):
    with pytest.raises(NoteFormatError) as error:
        parse_note(f"---\n{front}\n---\n")
    assert error.value.line == line
    assert message in error.value.message


def test_the_known_field_names_are_plain_keys():
    for name in FRONT_MATTER_FIELDS:
        assert frontmatter._KEY.fullmatch(name) and implicit_tag(name) is None


def test_the_character_classes_spelled_as_their_complement_match_libyamls_printable_ranges():
    """Issue 20: the negated classes cost 60 ms to compile on every start (a fifth of `show`);
    the cheap spellings must match exactly the same code points."""
    import re

    from papernotes.storage import frontmatter

    every = "".join(map(chr, range(0x110000)))
    printable_read = (
        "[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
    )
    printable_write = "[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]"
    assert frontmatter._OUTSIDE_READ.findall(every) == re.findall(printable_read, every)
    assert re.findall(frontmatter._OUTSIDE_WRITE, every) == re.findall(printable_write, every)


def test_a_field_written_twice_in_front_matter_is_refused_at_its_line_not_dropped(seed_library):
    from tests.helpers import run

    deberta = seed_library / "2021" / "deberta.md"
    text = deberta.read_text(encoding="utf-8")
    line = text.splitlines().index("status: unread") + 2  # the second status line
    deberta.write_text(text.replace("status: unread", "status: reading\nstatus: read"), "utf-8")
    before = deberta.read_bytes()
    result = run(seed_library, "check")
    assert result.exit_code == 1
    assert f"2021/deberta.md:{line}: invalid YAML front matter: 'status' is written twice" in (
        result.stdout + result.stderr
    )
    assert run(seed_library, "set", "2021/deberta.md", "--priority", "high").exit_code == 1
    assert deberta.read_bytes() == before  # neither value dropped by a save


def test_a_value_repeated_from_note_to_note_is_checked_once():
    """Authors, tags, statuses and days repeat across a library: a load of 10,000 notes reads
    each distinct value through the YAML rules once (an eighth of a cold ``list``)."""
    frontmatter._scalar.cache_clear()
    front = "title: A\nyear: 2020\nauthors:\n- Ada Lovelace\n- 魏俊秋\ntags:\n- nlp\nstatus: read"
    first = parse_front(front)
    checked = frontmatter._scalar.cache_info().misses
    assert [parse_front(front) for _ in range(3)] == [first] * 3
    assert frontmatter._scalar.cache_info().misses == checked  # nothing checked again
    assert first == pyyaml_load(front)
