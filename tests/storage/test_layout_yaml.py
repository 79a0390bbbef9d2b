"""``document.yaml`` read with its paper order split off as text (``storage/layout_yaml.py``)
gives exactly PyYAML's data, or PyYAML's error, whatever the file holds."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from papernotes.model import DocumentLayout, LinkItem, Section
from papernotes.storage.document_file import render_layout
from papernotes.storage.layout_yaml import load_layout_yaml
from papernotes.storage.note_format import load_yaml
from tests.helpers import bounded


def read_both(text: str) -> tuple[object, object]:
    """What each reader gives: the data, or the error's kind, message and place."""

    def outcome(read):
        try:
            data = read(text)
        except (yaml.YAMLError, ValueError) as exc:
            mark = getattr(exc, "problem_mark", None)
            return type(exc), str(exc), mark.line if mark is not None else None
        return data, list(data) if isinstance(data, dict) else None  # keys in their order

    return outcome(load_layout_yaml), outcome(load_yaml)


HEAD = "toc_depth: 2\nyear_level: 3\nsections:\n- title: Paper\n  level: 1\n  papers: true\n"
ODD_TEXTS = [
    HEAD + "order:\n- 2020/a.md\n- 2021/预训练-第1.md\n",
    HEAD + "order:\n- 2020/a.md\n- 2021/b.md",  # no last line break
    HEAD + "order:\n",  # no paper: None, not []
    HEAD + "order: []\n",
    HEAD + "order:\n- 2020/a.md\n\n",  # a blank line at the end
    HEAD + "order:\n- 2020/a.md\n# a comment\n",
    HEAD + "order:\n- 2020/a.md\n- '2020/quoted.md'\n",
    HEAD + "order:\n- 2020/a.md\n- 2020/with space.md\n",
    HEAD + "order:\n- 2020/a.md\n- 2020/colon:x.md\n",
    HEAD + "order:\n- 2020/a.md\n- 2020/hash#x.md\n",
    HEAD + "order:\n- 2020/a.md\n- -2020/dash.md\n",
    HEAD + "order:\n- 2020/a.md\n- 2020/a.md\n",  # twice: PyYAML keeps both
    HEAD + "order:\n- 2020/a.md\n- 2020/sub/deeper.md\n",
    HEAD + "order:\n- 2020/a.md\n  - 2020/nested.md\n",
    HEAD + "order:\n- 2020/a.md\r\n- 2020/b.md\r\n",
    HEAD + "order:\n- 2020/a.md\n- 2020/b.txt\n",
    HEAD + "order:\n- 2020/a.md\n- 2020/tab\t.md\n",
    HEAD + "order:\n- 2020/a.md\n- 2020/nbsp\u00a0x.md\n",
    HEAD + "order:\n- 2020/a.md\n- 2020/ls\u2028x.md\n",
    HEAD + "order:\n- 2020/a.md\n- 2020/bom\ufeffx.md\n",
    HEAD + "order:\n- 2020/a.md\n- 2020/nel\x85x.md\n",
    HEAD + "order:\n- 2020/ctl\x07x.md\n",
    "order:\n- 2020/a.md\n",  # no line before it: read whole by PyYAML
    HEAD + "order: [1]\norder:\n- 2020/a.md\n",  # written twice: PyYAML's error
    HEAD + "title: 'never closed\norder:\n- 2020/a.md\n",  # inside a quoted scalar
    HEAD + "title: [never closed\norder:\n- 2020/a.md\n",  # inside a flow sequence
    HEAD + "title: |\n  text\norder:\n- 2020/a.md\n",  # after a block scalar
    HEAD + "---\norder:\n- 2020/a.md\n",  # a second document
    "- a list\norder:\n- 2020/a.md\n",  # not a mapping
    "[1, 2]\norder:\n- 2020/a.md\n",
    HEAD + "order:\n- 2020/a.md\nother: 1\n",  # not the last key
    HEAD + "order:\n- 2020/yes.md\n- 2020/null.md\n- 2020/1.5.md\n- 2020/2020-01-01.md\n",
]


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_document_yaml_reads_as_pyyaml_reads_it_whatever_its_order_holds(text):
    mine, pyyaml = read_both(text)
    assert mine == pyyaml


SPECIALS = " -?:#'\"[]{},&*!|>%@`\\/.\t\x85\u2028\ufeff\x07"
path_names = st.text(
    st.sampled_from(SPECIALS) | st.characters(codec="utf-8", exclude_categories=("Cs",)),
    min_size=1,
    max_size=12,
)


@bounded(200)
@given(
    st.lists(
        st.tuples(st.sampled_from(["2020", "1999", "x y", "-1"]), path_names, st.booleans()),
        min_size=1,
        max_size=8,
    ),
    st.booleans(),
)
def test_a_written_document_yaml_reads_as_pyyaml_reads_it(entries, with_sections):
    order = tuple(f"{year}/{name}.md" if md else f"{year}/{name}" for year, name, md in entries)
    sections = (Section("Repo", 1, items=(LinkItem(label="a: b", url="u"),)),) * with_sections
    text = render_layout(DocumentLayout(sections=sections, order=order))
    mine, pyyaml = read_both(text)
    assert mine == pyyaml
    assert isinstance(mine[0], dict) and tuple(mine[0]["order"]) == order
