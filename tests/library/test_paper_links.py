"""Links between papers: ``[[key]]`` resolved when saved, listed, checked, renamed with the
key, written into the Markdown document and read back, and as plain titles in BibTeX."""

from __future__ import annotations

import json
from contextlib import contextmanager

from hypothesis import given, settings
from hypothesis import strategies as st

from papernotes.formats.markdown.paper_links import read_links, written_links
from papernotes.library import Library
from papernotes.text.paper_links import find_links
from papernotes.text.short_names import short_name
from tests.helpers import folder_bytes, run


def notes_bytes(root) -> dict[str, bytes]:
    """The note files (``document.yaml``, which an import may reorder, left out)."""
    return {k: v for k, v in folder_bytes(root).items() if k.endswith(".md")}


def note_lines(root, rel: str) -> str:
    return (root / rel).read_text(encoding="utf-8")


def test_a_slug_or_arxiv_id_typed_in_a_link_is_saved_as_the_papers_key(seed_library):
    run(seed_library, "note", "mengzi", "-q", "用[[roberta]]初始化，比[[2006.03654|DeBERTa]]快")
    text = note_lines(seed_library, "2021/mengzi.md")
    assert "用[[liu2019roberta]]初始化，比[[he2021deberta|DeBERTa]]快" in text


def test_links_in_an_added_paper_and_its_free_text_are_resolved_and_unknown_ones_kept(
    seed_library,
):
    run(
        seed_library,
        "add",
        "--title",
        "Linker: a test paper",
        "--year",
        "2022",
        "--note",
        "see [[xlnet]] and [[nothing-here]]; [[code]](https://example.org) is no link",
    )
    text = note_lines(seed_library, "2022/linker.md")
    assert "see [[yang2019xlnet]] and [[nothing-here]]; [[code]](https://example.org)" in text


def test_an_edit_in_the_editor_that_types_a_slug_in_a_link_is_saved_with_the_key(
    seed_library, monkeypatch, tmp_path
):
    script = tmp_path / "editor.sh"
    script.write_text('#!/bin/sh\nprintf "\\n[[tinybert|TB]] compresses it\\n" >> "$1"\n')
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(script))
    result = run(seed_library, "edit", "albert")
    assert result.exit_code == 0, result.output
    assert "[[jiao2020tinybert|TB]] compresses it" in note_lines(seed_library, "2020/albert.md")


def test_links_lists_outgoing_and_incoming_links_with_their_note_lines(seed_library):
    run(seed_library, "note", "debertav3", "-q", "模型延续了[[deberta]]")
    out = run(seed_library, "links", "debertav3").output
    assert "Links to:\n  he2021deberta (2021/deberta.md)  2023/debertav3.md:" in out
    data = json.loads(run(seed_library, "links", "deberta", "--json").output)
    (use,) = data["linked_from"]
    assert use["source"]["path"] == "2023/debertav3.md"
    assert use["link"] == "[[he2021deberta]]"
    assert use["line_text"] == "5. 模型延续了[[he2021deberta]]"
    lines = (seed_library / "2023/debertav3.md").read_text(encoding="utf-8").split("\n")
    assert lines[use["line"] - 1] == use["line_text"]
    assert data["links_to"] == []


def test_show_lists_the_papers_linking_to_it(seed_library):
    assert "Linked from" not in run(seed_library, "show", "deberta").output
    run(seed_library, "note", "debertav3", "-q", "模型延续了[[deberta]]")
    shown = run(seed_library, "show", "deberta").output
    assert shown.rstrip().endswith(
        "Linked from:\n  he2023debertav3  DEBERTAV3: IMPROVING DEBERTA USING ELECTRA-STYLE "
        "PRE-TRAINING WITH GRADIENTDISENTANGLED EMBEDDING SHARING  (2023/debertav3.md)"
    )
    as_json = json.loads(run(seed_library, "show", "deberta", "--json").output)
    assert as_json["linked_from"] == [
        json.loads(run(seed_library, "show", "debertav3", "--json").output)["key"]
    ]


def test_check_reports_a_link_to_no_paper_at_its_path_and_line(seed_library):
    run(seed_library, "note", "xlnet", "-q", "see [[no-such-paper|this]]")
    result = run(seed_library, "check")
    assert result.exit_code == 1
    lines = (seed_library / "2019/xlnet.md").read_text(encoding="utf-8").split("\n")
    number = next(i for i, line in enumerate(lines, 1) if "no-such-paper" in line)
    assert f"2019/xlnet.md:{number}: link [[no-such-paper|this]] names no paper" in result.output


def test_a_key_change_rewrites_every_link_to_the_old_key_in_one_locked_batch(
    seed_library, monkeypatch
):
    run(seed_library, "note", "debertav3", "-q", "延续了[[deberta]]与[[deberta|它]]")
    run(seed_library, "note", "mengzi", "-q", "比[[he2021deberta]]轻")
    path = seed_library / "2019/xlnet.md"  # a hand edit: the key in another case
    path.write_text(path.read_text(encoding="utf-8") + "\n[[He2021DeBERTa]] too\n", "utf-8")
    library = Library.open(seed_library)
    real, outermost = library.store.locked, []

    @contextmanager
    def recording():
        with real() as outer:
            outermost.append(outer)
            yield outer

    monkeypatch.setattr(library.store, "locked", recording)
    from papernotes.library.bibtex_ops import set_key

    set_key(library, "deberta", "deberta2021")
    assert "延续了[[deberta2021]]与[[deberta2021|它]]" in note_lines(
        seed_library, "2023/debertav3.md"
    )
    assert "比[[deberta2021]]轻" in note_lines(seed_library, "2021/mengzi.md")
    assert "[[deberta2021]] too" in note_lines(seed_library, "2019/xlnet.md")
    assert "he2021deberta" not in note_lines(seed_library, "2023/debertav3.md")
    assert run(seed_library, "check").exit_code == 0
    assert outermost.count(True) == 1 and len(outermost) > 3  # one lock held for all writes


def test_export_writes_links_to_arxiv_or_code_or_words_and_import_reads_them_back_exactly(
    seed_library, tmp_path
):
    run(seed_library, "add", "--title", "Nolink: no URL", "--year", "2022", "--note", "x")
    run(
        seed_library,
        "note",
        "debertav3",
        "-q",
        "延续了[[deberta]]，见[[nolink|无链接 & <b>]]；"
        "我自己写的 [DeBERTa](https://arxiv.org/abs/2006.03654) 和 "
        '<a href="https://arxiv.org/abs/2006.03654">D</a> 不变',
    )
    readme = run(seed_library, "export", "--md").output
    assert (
        '延续了<a href="https://arxiv.org/abs/2006.03654" title="[[he2021deberta]]">DeBERTa</a>'
        in readme
    )
    assert '<a title="[[' in readme and ">无链接 &amp; &lt;b&gt;</a>" in readme
    assert '我自己写的 [DeBERTa](https://arxiv.org/abs/2006.03654) 和 <a href="https' in readme
    before = notes_bytes(seed_library)
    path = tmp_path / "README.md"
    path.write_text(readme, encoding="utf-8")
    result = run(seed_library, "import", str(path))
    assert result.exit_code == 0 and "0 updated" in result.output
    assert notes_bytes(seed_library) == before  # every link read back as it was written
    assert run(seed_library, "export", "--md").output == readme


def test_with_anchors_on_a_link_points_to_the_papers_anchor_unless_it_is_left_out(
    seed_library, tmp_path
):
    run(seed_library, "publish", "config", "--anchors", "--exclude-tags", "private")
    run(seed_library, "note", "mengzi", "-q", "用[[roberta]]初始化，比[[deberta]]轻")
    # deberta is left out of the published list: its link is words naming nothing of it
    deberta = seed_library / "2021" / "deberta.md"
    deberta.write_text(
        deberta.read_text(encoding="utf-8").replace("tags: []", "tags:\n- private"),
        encoding="utf-8",
    )
    readme = run(seed_library, "export", "--md").output
    assert '<a id="liu2019roberta"></a>' in readme
    assert '用<a href="#liu2019roberta" title="[[liu2019roberta]]">RoBERTa</a>' in readme
    assert "比an unlisted paper轻" in readme and "he2021deberta" not in readme
    before = notes_bytes(seed_library)
    path = tmp_path / "README.md"
    path.write_text(readme, encoding="utf-8")
    assert run(seed_library, "import", str(path)).exit_code == 0
    assert notes_bytes(seed_library) == before
    assert run(seed_library, "export", "--md").output == readme


def test_a_paper_link_without_a_url_and_a_code_only_target(seed_library):
    run(seed_library, "add", "--title", "Coded: x", "--year", "2022", "--code", "https://c.org/x")
    run(seed_library, "note", "xlnet", "-q", "[[coded]]")
    readme = run(seed_library, "export", "--md").output
    assert '<a href="https://c.org/x" title="[[' in readme


def test_a_document_imported_into_a_new_library_keeps_the_keys_its_links_name(
    seed_library, tmp_path
):
    run(seed_library, "add", "--title", "Coded: x", "--year", "2022", "--code", "https://c.org/x")
    assert run(seed_library, "key", "coded", "mycoded").exit_code == 0
    assert run(seed_library, "key", "he2021deberta", "deberta2021").exit_code == 0
    # a link showing the paper's name, and one with its own words pointing at the code
    run(seed_library, "note", "nezha", "-q", "比[[deberta2021]]轻, see [[mycoded|their code]]")
    document = tmp_path / "reading-notes.md"
    assert run(seed_library, "export", "--md", "-o", str(document)).exit_code == 0
    new = tmp_path / "new"
    assert run(new, "import", str(document)).exit_code == 0
    keys = json.loads(run(new, "list", "--json").stdout)
    assert {p["key"] for p in keys} >= {"deberta2021", "mycoded"}
    check = run(new, "check")
    assert check.exit_code == 0 and "names no paper" not in check.output
    shown = run(new, "show", "deberta2021").stdout  # the note's link points at the paper
    assert "Linked from:\n  nezha2021neural" in shown
    # a key taken in the library imported into is never given to another paper
    taken = tmp_path / "taken"
    assert run(taken, "add", "--title", "Other", "--year", "2020", "--note", "x").exit_code == 0
    assert run(taken, "key", "other", "mycoded").exit_code == 0
    assert run(taken, "import", str(document)).exit_code == 0
    coded = json.loads(run(taken, "show", "Coded: x", "--json").stdout)
    assert coded["key"] != "mycoded" and coded["code"] == "https://c.org/x"
    # a .bib carries every key: imported into a new library, each paper keeps its own
    bib = tmp_path / "refs.bib"
    assert run(seed_library, "export", "--bib", "-o", str(bib)).exit_code == 0
    assert run(tmp_path / "from-bib", "import", str(bib)).exit_code == 0
    imported = json.loads(run(tmp_path / "from-bib", "list", "--json").stdout)
    source = json.loads(run(seed_library, "list", "--json").stdout)
    assert sorted(p["key"] for p in imported) == sorted(p["key"] for p in source)


def test_a_key_a_link_names_is_never_taken_first_as_another_imported_papers_usual_key(
    tmp_path,
):
    old = tmp_path / "old"
    for title, year in (("Foo: Bar Baz", 2020), ("Qux: Quux Model", 2020), ("Zed: Linker", 2021)):
        assert run(old, "add", "--year", str(year), "--title", title, "--note", "x").exit_code == 0
    # Foo's usual key (foo2020bar) now belongs to Qux, and Zed links to Qux by it
    assert run(old, "key", "foo2020bar", "xkey").exit_code == 0
    assert run(old, "key", "qux2020quux", "foo2020bar").exit_code == 0
    assert run(old, "note", "zed", "-q", "builds on [[foo2020bar]]").exit_code == 0
    document = tmp_path / "doc.md"
    assert run(old, "export", "--md", "-o", str(document)).exit_code == 0
    new = tmp_path / "new"
    assert run(new, "import", str(document)).exit_code == 0  # Foo comes first in the document
    keys = {p["title"]: p["key"] for p in json.loads(run(new, "list", "--json").stdout)}
    assert keys["Qux: Quux Model"] == "foo2020bar"  # the linked paper keeps its key
    assert keys["Foo: Bar Baz"] not in ("foo2020bar", "")
    assert "Linked from:\n  zed2021linker" in run(new, "show", "Qux: Quux Model").stdout


def test_bibtex_notes_show_links_as_the_papers_titles_or_their_words(seed_library):
    run(seed_library, "note", "mengzi", "-q", "用[[roberta]]初始化，比[[deberta|它]]轻")
    bib = run(seed_library, "export", "--bib", "--with-notes", "mengzi").output
    assert "用RoBERTa: A Robustly Optimized BERT Pretraining Approach初始化，比它轻" in bib
    assert "[[" not in bib


def test_links_suggest_lists_unlinked_short_names_in_the_shipped_library_and_writes_nothing(
    seed_library,
):
    before = folder_bytes(seed_library)
    result = run(seed_library, "links", "--suggest")
    assert folder_bytes(seed_library) == before
    lines = [line for line in result.stdout.splitlines() if line]
    assert [line.split(": ", 1)[1].split("  ")[0] for line in lines] == [
        "deberta -> [[he2021deberta]]",
        "roberta -> [[liu2019roberta]]",
    ]
    assert lines[0].startswith("2023/debertav3.md:") and lines[1].startswith("2021/mengzi.md:")
    run(seed_library, "note", "mengzi", "-q", "见[[roberta]]")
    again = run(seed_library, "links", "--suggest", "--json").stdout
    assert [s["path"] for s in json.loads(again)] == ["2023/debertav3.md"]


def test_links_suggest_on_the_imported_seed_suggests_only_real_paper_names(
    empty_library,
):
    from tests.conftest import SEED_DOC  # the seed document

    run(empty_library, "import", str(SEED_DOC))
    found = json.loads(run(empty_library, "links", "--suggest", "--json").stdout)
    assert sorted((s["word"], s["paper"]["title"].split(":")[0]) for s in found) == [
        ("deberta", "DEBERTA"),
        ("roberta", "RoBERTa"),
    ]


def test_short_names_come_from_the_word_before_the_colon_never_a_common_word():
    assert short_name("DEBERTA: DECODING-ENHANCED", "DeBERTa: Decoding-enhanced") == "DeBERTa"
    assert short_name("ERNIE-Gram: Pre-Training") == "ERNIE-Gram"
    assert short_name("Survey: things") == short_name("Attention Is All You Need") == ""
    assert short_name("A Big Model: two words") == ""


def test_written_links_read_back_byte_for_byte_and_leave_other_links_alone():
    text = '[[k1]] [[k2|a "q" & <b>]] [x](https://arxiv.org/abs/1) <a href="u" title="t">y</a>'
    written = written_links(text, {"k1": "https://arxiv.org/abs/1"}.get, lambda k: f"T{k}")
    assert written.startswith('<a href="https://arxiv.org/abs/1" title="[[k1]]">Tk1</a> <a ')
    assert read_links(written) == text
    assert [link.source for link in find_links(text)] == ["[[k1]]", '[[k2|a "q" & <b>]]']


NAMES = st.text(alphabet="abcdefghij0123456789.:-_/+", min_size=1, max_size=12)
WORDS = st.lists(st.sampled_from(list("ab \"&<>'|中 ()") + ["&amp;", "<a ", 'title="'])).map(
    "".join
)
PROSE = st.lists(
    st.sampled_from(list("xy 中<>&\"'()") + ["[[", "]]", "<a ", "](u)", "</a>", 'title="'])
).map("".join)


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(st.lists(st.tuples(PROSE, NAMES, st.none() | WORDS, st.booleans()), max_size=4), PROSE)
def test_any_text_with_links_is_read_back_exactly_from_the_written_document(parts, tail):
    text = (
        "".join(
            f"{prose}[[{name}]]" if words is None else f"{prose}[[{name}|{words}]]"
            for prose, name, words, _ in parts
        )
        + tail
    )
    known = {name for _, name, _, known in parts if known}
    hrefs = {name: f"https://arxiv.org/abs/{len(name)}" for name in known if len(name) % 2}
    written = written_links(text, hrefs.get, lambda n: f"T<{n}>" if n in known else None)
    assert "\n" not in written
    if read_links(text) == text:  # no <a> of the written form typed by hand in the prose
        assert read_links(written) == text
