"""``search`` finds its papers and shows each one's passage from the kept search forms of
each note (``library/search_hits.py``): the same papers, passages and spans as folding each
field again, with or without the cache, and without folding or spelling any field of a note
whose forms are kept."""

from __future__ import annotations

import json
import re

import pytest

from papernotes.cli.output import passage
from papernotes.library import Library
from papernotes.library.search import Hit, locate, matches
from papernotes.text.folding import TextFolder
from tests.helpers import run

TRICKY_NOTES = {
    # full-width letters and punctuation, traditional characters, heteronyms (长, 行, 重),
    # pinyin typed as text in a later field
    "2021/wide.md": (
        "ＴｉｎｙＢＥＲＴ：蒸餾與長文本",
        ["長城 Wang", "Li Zhong"],
        ["蒸餾", "知识蒸馏"],
        ["银行长的行长说重要", "蒸馏，蒸餾；正流也是蒸馏", "长长的长", "zheng liu"],
        "正文里也有蒸馏和增长。\n第二行：行长",
    ),
    # a ligature and ß fold to two characters: this note does not fold one for one
    "2021/ligature.md": (
        "The ﬁrst Straße of 蒸馏",
        ["Groß"],
        ["蒸馏"],
        ["ﬁne-tuning 蒸馏 again", "strasse 增长"],
        "",
    ),
    # several words, overlapping matches, a match only in the body
    "2022/overlap.md": (
        "abc abcd bcd",
        ["Ann Bee"],
        [],
        ["西安全", "现全的安全", "长长长"],
        "只在正文：模型蒸馏与推理速度\n推理速度",
    ),
}
QUERIES = [
    "蒸馏",
    "蒸餾",
    "zhengliu",
    "zheng liu",
    "ＢＥＲＴ",
    "tiny",
    "hangzhang",
    "changcheng",
    "zengzhang",
    "xian",
    "anquan",
    "abc bcd",
    "bcd abc",
    "strasse",
    "first",
    "tuilisudu 模型",
    "zhong",
    "wang 蒸馏",
    "yinhang hangzhang",  # two matches overlapping: one span
    "zhangzhang changchang",
    "changzhang",  # one pattern whose second match starts in the token the first ends in
]


def note_text(title: str, authors: list[str], tags: list[str], notes: list[str], body: str):
    lines = ["---", f"title: '{title}'", "year: 2021"]
    lines += ["authors:", *(f"- {a}" for a in authors)]
    lines += ["tags:", *(f"- {t}" for t in tags)] if tags else ["tags: []"]
    lines += ["---", *(f"{i}. {n}" for i, n in enumerate(notes, 1))]
    return "\n".join(lines) + ("\n\n" + body if body else "") + "\n"


@pytest.fixture
def tricky_library(seed_library):
    for path, fields in TRICKY_NOTES.items():
        file = seed_library / path
        file.parent.mkdir(exist_ok=True)
        file.write_text(note_text(*fields), encoding="utf-8")
    return seed_library


def test_hits_from_the_kept_forms_are_those_found_from_each_notes_folded_text(tricky_library):
    library = Library.open(tricky_library)
    assert len(library.problems()) == 0
    aligned = {n.path: library.forms._forms(n)[2] for n in library.notes()}
    assert aligned["2021/ligature.md"] is False and aligned["2021/wide.md"] is True
    folder = TextFolder()  # the reference: each note matched, each hit found, field by field
    notes = library.notes()
    for query in QUERIES:
        parsed = library.query(query)
        found = library.search(parsed)
        forms = [(library.haystack(n), folder.pinyin_form(library.haystack(n))) for n in notes]
        assert found == [n for n, f in zip(notes, forms, strict=True) if matches(parsed, *f)]
        expected = [locate(parsed, n.paper, folder, library.haystack(n)) for n in found]
        assert library.hits(parsed, found) == expected, query
        assert all(hit is not None for hit in expected), query
    shown = {h.text[h.start : h.end] for h in library.hits(library.query("zhengliu"), found)}
    assert "蒸馏" in shown or "蒸餾" in shown


def test_a_warm_search_shows_every_passage_without_folding_or_spelling_a_field(
    tricky_library, trusting_cache, monkeypatch
):
    assert run(tricky_library, "search", "zhengliu").exit_code == 0  # forms and spellings kept
    library = Library.open(tricky_library)
    folded_notes = [n for n in library.notes() if n.path != "2021/ligature.md"]
    queries = [library.query(q) for q in ("zhengliu", "蒸餾", "hangzhang", "abc bcd")]
    found = [library.search(q, folded_notes) for q in queries]

    def refuse(*args):
        raise AssertionError("a field was folded or spelled again")

    for name in ("fold", "simplified", "pinyin_form", "pinyin_tokens", "pinyin_spelling"):
        monkeypatch.setattr(TextFolder, name, refuse)
    for query, notes in zip(queries, found, strict=True):
        assert len(notes) >= 1
        assert all(hit is not None for hit in library.hits(query, notes))


@pytest.mark.parametrize("args", [("zhengliu",), ("蒸餾", "--json"), ("zheng liu", "--json")])
def test_search_prints_the_same_with_no_cache_a_cold_cache_and_a_warm_one(
    tricky_library, trusting_cache, args
):
    without = run(tricky_library, "search", *args, env={"PAPERNOTES_NO_CACHE": "1"})
    assert without.exit_code == 0 and without.stdout
    cold = run(tricky_library, "search", *args)
    warm = run(tricky_library, "search", *args)
    assert cold.stdout == without.stdout and warm.stdout == without.stdout
    if "--json" in args:
        keys = {paper["path"] for paper in json.loads(without.stdout)}
        assert {"2021/wide.md", "2021/ligature.md"} <= keys


def test_a_passage_reads_the_same_with_and_without_colour_control_characters_included():
    text = "前文\x1b]0;x\x07 知识蒸馏\t和\x85\n迁移学习的很长很长很长很长很长很长很长的后文尾"
    at = text.index("蒸馏")
    hit = Hit("notes", 0, text, at, at + 2)
    plain, coloured = passage(hit), passage(hit, colour=True)
    assert re.sub("\x1b\\[[0-9;]*m", "", coloured) == plain
    assert plain.startswith("前文\\x1b]0;x\\x07 知识【蒸馏】 和\\x85 迁移") and plain.endswith("…")
    assert "\x1b" not in plain and "\x85" not in plain


@pytest.mark.parametrize("query", ["蒸馏", "zhengliu", "bert", "first"])
def test_search_prints_the_same_lines_with_colour_as_without_it_the_colours_aside(
    tricky_library, trusting_cache, query
):
    """Without colour each line is made in ``found_lines``' own loop; with colour by
    ``row_lines`` and ``passage``, as ``list`` makes its lines: papers with and without a
    venue, keys of every width."""
    for env in ({"PAPERNOTES_NO_CACHE": "1"}, None):
        plain = run(tricky_library, "search", query, env=env)
        coloured = run(tricky_library, "--color", "always", "search", query, env=env)
        assert plain.exit_code == 0 and "\x1b[" in coloured.stdout
        assert re.sub("\x1b\\[[0-9;]*m", "", coloured.stdout) == plain.stdout
        papers = plain.stdout.splitlines()[::2]
        if query == "蒸馏":  # some with a venue, some without
            assert any(p.endswith("]") for p in papers) and not all(p.endswith("]") for p in papers)


MANY_PATTERN_QUERIES = [
    "tuili sudu",  # two pinyin words and the whole: three patterns, matches touching
    "yinhang hangzhang",
    "zhangzhang changchang",
    "zhang chang",  # two syllables: only the whole run is pinyin
    "xian anquan",
    "moxing zhengliu",
    "zhengliu 推理",
    "tuilisudu",
    "changzhang",
]


@pytest.mark.parametrize("colour", [False, True])
def test_search_places_every_pinyin_hit_from_what_matching_found_as_a_run_without_caches_does(
    tricky_library, trusting_cache, monkeypatch, colour
):
    """A hit's passage comes from where matching the year's texts and spellings first found
    each word and pattern in its note: no note's text or spelling is searched again (the
    old search did for every hit of a query of several words), and the lines are those a
    run without caches prints."""
    from papernotes.library.search_hits import FormsQuery

    colours = ["--color", "always"] if colour else []
    no_cache = {"PAPERNOTES_NO_CACHE": "1"}
    expected = {q: run(tricky_library, *colours, "search", q, env=no_cache) for q in QUERIES}
    expected |= {
        q: run(tricky_library, *colours, "search", q, env=no_cache) for q in MANY_PATTERN_QUERIES
    }
    assert run(tricky_library, "search", "zhengliu").exit_code == 0  # forms and spellings kept

    def refuse(*args):
        raise AssertionError("a note's text or spelling was searched again")

    monkeypatch.setattr(FormsQuery, "text_place", refuse)
    monkeypatch.setattr(FormsQuery, "pinyin_place", refuse)
    for query, want in expected.items():
        got = run(tricky_library, *colours, "search", query)
        assert (got.exit_code, got.stdout, got.stderr) == (
            want.exit_code,
            want.stdout,
            want.stderr,
        ), query
    assert expected["tuili sudu"].exit_code == 0 and "【推理速度】" in expected["tuili sudu"].stdout
