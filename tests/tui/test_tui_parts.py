"""The TUI's plain parts: column fitting, filtering and sorting, the form, the detail text."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from rich.cells import cell_len

from papernotes.errors import InvalidInputError
from papernotes.library import Library
from papernotes.library.paper_rows import PaperRows, slug
from papernotes.model import Paper
from papernotes.text.urls import is_browsable
from papernotes.tui.detail_markdown import paper_markdown
from papernotes.tui.paper_filter import SORTS, PaperFilter
from papernotes.tui.paper_form import FormError, paper_from_form, split_tags
from papernotes.tui.widgets.paper_list import fit


@pytest.mark.parametrize(
    "text", ["知识蒸馏的两阶段方法", "TinyBERT 蒸馏", "plain ascii title that is long", "", "蒸"]
)
@pytest.mark.parametrize("width", [1, 2, 5, 9, 20])
def test_a_cell_is_cut_and_padded_to_its_width_in_terminal_columns(text, width):
    cell = fit(text, width)
    assert cell_len(cell) == width
    if cell_len(text) > width:
        assert cell.rstrip().endswith("…") or width == 1


def loaded_rows(root: Path) -> PaperRows:
    rows = PaperRows(Library.open(root))
    rows.load()
    return rows


def test_the_filter_combines_year_and_text_over_the_in_memory_haystacks(seed_library):
    rows = loaded_rows(seed_library)
    titles = lambda f: [slug(rows.rows[i]) for i in f.apply(rows)]  # noqa: E731
    assert titles(PaperFilter(query="蒸馏")) == ["mengzi", "albert", "tinybert"]
    assert titles(PaperFilter(year=2020, query="蒸馏")) == ["albert", "tinybert"]
    assert titles(PaperFilter(query="两阶段")) == ["tinybert"]
    by_title = titles(PaperFilter(sort="title"))
    assert by_title[0] == "albert" and by_title[-1] == "xlnet"
    assert rows.year_counts() == [(2023, 1), (2021, 3), (2020, 2), (2019, 2)]
    cycled = PaperFilter()
    for _ in SORTS:
        cycled = cycled.next_sort()
    assert cycled == PaperFilter()


def test_the_form_turns_typed_text_into_a_paper():
    paper = paper_from_form(
        {
            "year": "2024",
            "title": "  知识蒸馏:   A Survey ",
            "venue": "ACL",
            "code": "https://github.com/x/y",
            "arxiv": "arXiv:2401.01234v2",
            "tags": "蒸馏，survey; 蒸馏",
            "notes": "1. 第一条\n\n2) second\nthird",
        }
    )
    assert paper.title == "知识蒸馏: A Survey"
    assert paper.year == 2024 and paper.arxiv == "2401.01234"
    assert paper.tags == ("蒸馏", "survey")
    assert paper.notes == ("第一条", "second", "third")
    assert split_tags(" , ，") == ()


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("title", {"year": "2024", "title": "  "}),
        ("year", {"year": "24", "title": "T"}),
        ("code", {"year": "2024", "title": "T", "code": "ftp://x"}),
        ("arxiv", {"year": "2024", "title": "T", "arxiv": "not-an-id"}),
    ],
)
def test_the_form_names_the_field_that_is_wrong(field, values):
    with pytest.raises(FormError) as caught:
        paper_from_form(values)
    assert caught.value.field == field
    assert isinstance(caught.value, InvalidInputError)


def test_the_detail_text_shows_the_arxiv_title_only_when_it_differs():
    paper = Paper(
        title="DEBERTA: DECODING-ENHANCED BERT",
        year=2021,
        arxiv="2006.03654",
        arxiv_title="DeBERTa: Decoding-enhanced BERT",
        notes=("a_b *c*",),
    )
    text = paper_markdown(paper, "2021/deberta.md")
    assert "arXiv title" not in text  # same title, other case
    other = paper_markdown(Paper(title="DeBERTa", year=2021, arxiv_title="Another title"))
    assert "*arXiv title:* Another title" in other
    assert "1. a\\_b \\*c\\*" in text  # notes are text, not Markdown markup
    assert "[PDF](https://arxiv.org/pdf/2006.03654)" in text
    assert "*No notes yet" in other


def test_the_stylesheet_parses_and_styles_only_widgets_the_ui_makes(seed_library):
    """A rule for an id or class no widget has (a widget renamed, the rule left behind)
    silently styles nothing; every id and class the app's stylesheet names is given to a
    widget somewhere in ``papernotes.tui``, and every type it names is a Textual class."""
    import textual.screen
    import textual.widgets
    from textual.css.model import SelectorType
    from textual.css.stylesheet import Stylesheet

    from papernotes.tui import app as app_module
    from papernotes.tui.start import build_app

    path = Path(app_module.__file__).with_name(app_module.PapernotesApp.CSS_PATH)
    variables = build_app(seed_library).get_css_variables()
    stylesheet = Stylesheet(variables=variables)
    stylesheet.read(path)
    stylesheet.parse()  # raises StylesheetParseError on any CSS error
    named = {
        (selector.type, selector.name)
        for rule in stylesheet.rules
        for selector_set in rule.selector_set
        for selector in selector_set.selectors
    }
    assert {name for kind, name in named if kind == SelectorType.ID} >= {"papers", "form"}
    ids, classes = _ids_and_classes_given(Path(app_module.__file__).parent)
    types = _classes_defined(Path(app_module.__file__).parent)

    def given(kind: SelectorType, name: str) -> bool:
        if kind == SelectorType.ID:
            return any(re.fullmatch(pattern, name) for pattern in ids)
        if kind == SelectorType.CLASS:
            return name in classes
        return hasattr(textual.widgets, name) or hasattr(textual.screen, name) or name in types

    sign = {SelectorType.ID: "#", SelectorType.CLASS: "."}
    unused = sorted(sign.get(kind, "") + name for kind, name in named if not given(kind, name))
    assert unused == [], f"{path.name} styles what no widget is: {unused}"


def _ids_and_classes_given(package: Path) -> tuple[set[str], set[str]]:
    """The ids (as patterns: ``f"field-{name}"`` is ``field-.+``) and the classes that the
    code under ``package`` gives widgets (``id=``, ``classes=``, ``add_class``)."""
    ids: set[str] = set()
    classes: set[str] = set()
    for source in package.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            classes.update(_breakpoint_classes(node))
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                if keyword.arg == "id" and isinstance(keyword.value, ast.Constant):
                    ids.add(re.escape(keyword.value.value))
                elif keyword.arg == "id" and isinstance(keyword.value, ast.JoinedStr):
                    ids.add(
                        "".join(
                            re.escape(part.value) if isinstance(part, ast.Constant) else ".+"
                            for part in keyword.value.values
                        )
                    )
                elif keyword.arg == "classes" and isinstance(keyword.value, ast.Constant):
                    classes.update(keyword.value.value.split())
            called = node.func.attr if isinstance(node.func, ast.Attribute) else ""
            if called in ("add_class", "set_class", "toggle_class"):
                classes.update(
                    arg.value
                    for arg in node.args
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                )
    return ids, classes


def _breakpoint_classes(node: ast.AST) -> set[str]:
    """The classes a screen's ``HORIZONTAL_BREAKPOINTS``/``VERTICAL_BREAKPOINTS`` set."""
    if not isinstance(node, ast.Assign) or not any(
        isinstance(t, ast.Name) and t.id.endswith("_BREAKPOINTS") for t in node.targets
    ):
        return set()
    return {
        c.value
        for c in ast.walk(node.value)
        if isinstance(c, ast.Constant) and isinstance(c.value, str)
    }


def _classes_defined(package: Path) -> set[str]:
    """The names of the classes (widgets, screens) defined under ``package``."""
    return {
        node.name
        for source in package.rglob("*.py")
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef)
    }


def _rendered_links(markdown_text: str) -> tuple[set[str], str]:
    """The hyperlinks the detail view's renderer makes of ``markdown_text``, and its text."""
    from rich.console import Console
    from rich.markdown import Markdown

    console = Console(width=200, record=True, force_terminal=True, color_system="truecolor")
    segments = list(console.render(Markdown(markdown_text, hyperlinks=True)))
    links = {s.style.link for s in segments if s.style is not None and s.style.link}
    return links, "".join(s.text for s in segments)


def test_links_in_user_text_never_become_hyperlinks_to_other_schemes():
    hostile = "[share](smb://evil/share) <ssh://evil> ![i](vscode://file/etc/passwd)"
    paper = Paper(
        title=f"T {hostile}",
        year=2021,
        venue="<file:///etc/passwd>",
        authors=("[A](ssh://a)",),
        tags=("[t](smb://t)",),
        arxiv="2006.03654",
        code="smb://evil/code",
        doi="10.1/x) [d](smb://d",
        abstract=f"Abstract {hostile}",
        notes=(f"note {hostile}", "<a href='smb://evil'>html</a>"),
        body=f"free text {hostile}\n- [x](ssh://x)\n\n| a |\n| - |\n<smb://evil>",
    )
    links, text = _rendered_links(paper_markdown(paper, "2021/t.md"))
    assert links and all(is_browsable(link) for link in links), links
    assert {"https://arxiv.org/abs/2006.03654", "https://arxiv.org/pdf/2006.03654"} <= links
    assert text.count("[share](smb://evil/share)") == 4  # title, abstract, note, body: as typed
    assert "<ssh://evil>" in text and "- [x](ssh://x)" in text and "<smb://evil>" in text
    assert "<a href='smb://evil'>html</a>" in text


def test_the_free_text_keeps_its_lines_and_its_characters():
    body = "first line\n# not a heading\n1. not a list\n\nafter a blank *line*"
    links, text = _rendered_links(paper_markdown(Paper(title="T", year=2021, body=body)))
    lines = [line.strip() for line in text.splitlines()]
    for line in ("first line", "# not a heading", "1. not a list", "after a blank *line*"):
        assert line in lines, line
