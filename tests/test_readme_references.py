"""What README.md, every page of docs/ and CONTRIBUTING.md name exists: each promise's
tests, and the modules and files they point to.

A test is named ``tests/FILE.py::test_name``, or ``::test_name`` for one more test of the file
named last before it under the same heading or bold promise. Modules are named by path
(``storage/atomic.py``, relative to ``src/papernotes``) or dotted (``papernotes.text.urls``,
optionally with an attribute).
"""

from __future__ import annotations

import ast
import importlib
import re
from functools import cache
from pathlib import Path
from urllib.parse import unquote

import pytest

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
PACKAGE = REPO / "src" / "papernotes"

CODE = re.compile(r"`([^`\n]+)`")
TEST_REF = re.compile(r"^(tests/[\w/]+\.py)(?:::(\w+))?$")
SHORTHAND = re.compile(r"^::(\w+)$")
LINK = re.compile(r"\]\(([^)\s]+)\)")
DOTTED = re.compile(r"^papernotes(?:\.\w+)+$")


@cache
def defined_tests(path: Path) -> frozenset[str]:
    """Names of the module-level test functions in a test file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return frozenset(
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test")
    )


def references(text: str) -> list[tuple[int, str]]:
    """(line, code span) for every inline code span, in reading order; ``""`` marks where a
    heading or a bold promise starts, which ends the reach of ``::test_name`` shorthands."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith(("#", "**")):
            found.append((number, ""))
        found += [(number, span) for span in CODE.findall(line)]
    return found


def missing_tests(text: str, source: str = "README.md") -> list[str]:
    """One sentence per test the README (or ``source``) names that does not exist."""
    problems = []
    last_file: str | None = None
    for line, span in references(text):
        if not span:
            last_file = None
            continue
        if match := TEST_REF.match(span):
            last_file, name = match.groups()
        elif match := SHORTHAND.match(span):
            name = match.group(1)
            if last_file is None:
                problems.append(f"{source}:{line}: {span} follows no tests/FILE.py reference")
                continue
        else:
            continue
        path = REPO / last_file
        if not path.is_file():
            problems.append(f"{source}:{line}: {last_file} does not exist")
        elif name and name not in defined_tests(path):
            problems.append(f"{source}:{line}: {last_file} has no test {name}")
    return problems


def module_problems(text: str, source: str = "README.md") -> list[str]:
    """One sentence per module path or dotted name the README (or ``source``) gives that does
    not exist."""
    problems = []
    for line, span in references(text):
        if span.endswith(".py") and not span.startswith(("tests/", "/")) and " " not in span:
            candidates = [REPO / span, PACKAGE / span]
            if not any(path.is_file() for path in candidates):
                problems.append(f"{source}:{line}: {span} is no file of the repository")
        elif DOTTED.match(span) and not resolves(span):
            problems.append(f"{source}:{line}: {span} is no module or attribute of papernotes")
    return problems


def resolves(dotted: str) -> bool:
    """Whether ``dotted`` is a module of papernotes, or an attribute of one."""
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        name = ".".join(parts[:split])
        try:
            target = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        try:
            for attribute in parts[split:]:
                target = getattr(target, attribute)
        except AttributeError:
            return False
        return True
    return False


DOCS = ["README.md", "CONTRIBUTING.md"] + sorted(
    f"docs/{page.name}" for page in (REPO / "docs").glob("*.md")
)


def test_the_guarantees_page_names_its_tests():
    text = (REPO / "docs" / "guarantees.md").read_text(encoding="utf-8")
    named = [span for _, span in references(text) if TEST_REF.match(span) or SHORTHAND.match(span)]
    assert len(named) > 100  # the Guarantees really were read


@pytest.mark.parametrize("doc", DOCS)
def test_every_test_module_and_file_the_docs_name_exists(doc):
    text = (REPO / doc).read_text(encoding="utf-8")
    problems = missing_tests(text, doc) + module_problems(text, doc)
    assert not problems, "\n".join(problems)


def test_every_relative_link_of_the_docs_leads_to_a_file():
    problems = []
    for doc in DOCS:
        path = REPO / doc
        fenced = False
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            fenced ^= line.startswith("```")
            for target in [] if fenced else LINK.findall(CODE.sub("", line)):
                if "://" in target or target.startswith(("#", "mailto:")):
                    continue
                file = unquote(target.split("#")[0])
                if file and not (path.parent / file).exists():
                    problems.append(f"{doc}:{number}: {target} leads to no file")
    assert not problems, "\n".join(problems)


def test_a_wrong_or_orphaned_reference_is_reported():
    text = (
        "Under a heading, `::test_orphan`.\n"
        "- `tests/test_layers.py::test_no_such_test`, `::test_each_module_imports_only_what_its_"
        "layer_may`\n"
        "- `tests/no_such_file.py`, `storage/no_such.py`, `papernotes.model.NoSuchClass`,\n"
        "  `storage/store.py`, `papernotes.text.urls.is_browsable`\n"
    )
    assert missing_tests(text) == [
        "README.md:1: ::test_orphan follows no tests/FILE.py reference",
        "README.md:2: tests/test_layers.py has no test test_no_such_test",
        "README.md:3: tests/no_such_file.py does not exist",
    ]
    assert module_problems(text) == [
        "README.md:3: storage/no_such.py is no file of the repository",
        "README.md:3: papernotes.model.NoSuchClass is no module or attribute of papernotes",
    ]
