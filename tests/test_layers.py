"""The packages are layers: each module imports only what its layer may (see each package's
``__init__`` docstring). Every import counts, also those inside functions and under
``TYPE_CHECKING``: a lazy import is still a dependency."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "papernotes"

# Third-party packages only some modules may import: package -> who may (module name prefixes).
THIRD_PARTY = {
    "textual": ("papernotes.tui",),
    "arxiv": ("papernotes.arxiv.client",),
    "requests": ("papernotes.arxiv.client", "papernotes.web.polite"),
    "bibtexparser": ("papernotes.formats.bibtex",),
}
# Small helpers every layer but model and errors may import; they import nothing of ours.
SHARED = {"user_folders", "gc_pause", "blake2"}
# Layer -> the layers of ours it may import (None: any but those in FORBIDDEN).
ALLOWED = {
    "model": set(),
    "errors": set(),
    **{name: set() for name in SHARED},
    "text": {"model", "errors", "text"},
    # the user's settings (config.toml, the environment): read by the library and the UIs
    "config": {"root", "errors", "config"},
    "storage": {"root", "model", "errors", "text", "storage"},
    "formats": {"root", "model", "errors", "text", "formats"},
    "arxiv": {"root", "model", "errors", "text", "arxiv"},
    "web": {"root", "model", "errors", "text", "web"},
    "history": {"root", "model", "errors", "text", "history"},
}
# The UIs reach the notes folder, arXiv and the file formats only through the library API.
FORBIDDEN = {
    "library": {"cli", "tui"},
    "cli": {"tui", "storage", "web", "history"},
    "tui": {"cli", "storage", "arxiv", "formats", "web", "history"},
}
EXCEPTIONS = {("papernotes.cli.tui_cmd", "tui")}  # `papernotes tui` opens the UI


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(name: str) -> bool:
    path = SRC.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports(module: str, source: str) -> list[tuple[int, str]]:
    """(line, imported module) for every import in ``source``, wherever it sits."""
    package = module if is_module(module + ".__init__") else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against this module's package
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.append((node.lineno, sub if is_module(sub) else base))
    return found


def layer(module: str) -> str:
    """``model``, ``text``, ``storage``… for a module of ours; ``root`` for the package itself."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] != "__main__" else "root"


def violations(module: str, source: str) -> list[str]:
    """One sentence per import ``module`` may not make, naming the module, line and import."""
    where = f"{module} (src/{module.replace('.', '/')}.py)"
    own = layer(module)
    found = []
    for line, target in imports(module, source):
        top = target.split(".")[0]
        if top in THIRD_PARTY and not module.startswith(THIRD_PARTY[top]):
            allowed = ", ".join(THIRD_PARTY[top])
            found.append(f"{where}:{line} imports {target}; only {allowed} may")
        if top != "papernotes":
            continue
        theirs = layer(target)
        if theirs in SHARED and ALLOWED.get(own) != set():
            continue
        if (module, theirs) in EXCEPTIONS or theirs == own and own not in ("model", "errors"):
            continue
        if own in ALLOWED and theirs not in ALLOWED[own]:
            may = ", ".join(sorted(ALLOWED[own])) or "nothing of papernotes"
            found.append(f"{where}:{line} imports {target}; the {own} layer may import {may}")
        elif theirs in FORBIDDEN.get(own, ()):
            found.append(f"{where}:{line} imports {target}; {own} never imports {theirs}")
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda path: module_name(path))
def test_each_module_imports_only_what_its_layer_may(path):
    problems = violations(module_name(path), path.read_text(encoding="utf-8"))
    assert not problems, "\n".join(problems)


def test_the_import_check_sees_imports_inside_functions_and_type_checking_blocks():
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from papernotes.library import Library\n"
        "def fetch():\n"
        "    import arxiv\n"
        "    from . import latex\n"
    )
    found = violations("papernotes.formats.markdown.read", source)
    assert found == [
        "papernotes.formats.markdown.read (src/papernotes/formats/markdown/read.py):3 imports "
        "papernotes.library; the formats layer may import errors, formats, model, root, text",
        "papernotes.formats.markdown.read (src/papernotes/formats/markdown/read.py):5 imports "
        "arxiv; only papernotes.arxiv.client may",
    ]
    # `from . import latex` resolved to the package's own module, which is allowed
    assert (6, "papernotes.formats.markdown") in imports("papernotes.formats.markdown.read", source)


def test_the_real_code_is_what_the_rules_see():
    """The rules would pass vacuously if modules were not found or lazy imports not read."""
    client = PACKAGE / "arxiv" / "client.py"
    seen = {target for _, target in imports("papernotes.arxiv.client", client.read_text())}
    assert {"arxiv", "requests", "papernotes.text.arxiv_ids"} <= seen
    assert len(MODULES) > 50
    names = {module_name(path) for path in MODULES}
    assert {"papernotes.model", "papernotes.tui.app", "papernotes.library"} <= names


def store_accesses(source: str) -> list[int]:
    """The lines of ``source`` reading an attribute named ``store`` (``library.store``)."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute) and node.attr == "store"
    ]


UI_MODULES = [p for p in MODULES if layer(module_name(p)) in ("cli", "tui")]


@pytest.mark.parametrize("path", UI_MODULES, ids=lambda path: module_name(path))
def test_the_cli_and_the_tui_never_touch_the_library_store(path):
    lines = store_accesses(path.read_text(encoding="utf-8"))
    where = f"src/{module_name(path).replace('.', '/')}.py"
    assert not lines, f"{where} uses .store at line(s) {lines}; call a Library method instead"


def lock_takers(source: str) -> list[int]:
    """The lines of ``source`` calling ``.locked()`` or ``.batch()`` (the store's lock)."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("locked", "batch")
    ]


@pytest.mark.parametrize(
    "path",
    [p for p in MODULES if layer(module_name(p)) not in ("storage",)],
    ids=lambda path: module_name(path),
)
def test_every_write_above_storage_takes_the_lock_through_library_writing(path):
    """Lock, read the folder again, (batch): written once, in ``Library.writing``; the one
    other lock taker is ``Library.current``, which reads a note under the lock."""
    lines = lock_takers(path.read_text(encoding="utf-8"))
    if module_name(path) == "papernotes.library.api":
        assert len(lines) == 3, f"library/api.py takes the lock at lines {lines}"
        return
    where = f"src/{module_name(path).replace('.', '/')}.py"
    assert not lines, f"{where} takes the store's lock at line(s) {lines}; use Library.writing()"


def test_the_ui_checks_see_storage_imports_store_access_and_lock_taking():
    source = (
        "def init(ctx):\n"
        "    from papernotes.storage.library_folder import folder_kind\n"
        "    from papernotes.formats.bibtex.write import render_entry\n"
        "    Library(ctx.obj).store.init()\n"
        "    with library.store.locked():\n"
        "        pass\n"
    )
    found = violations("papernotes.tui.screens.main_screen", source)
    assert [line.split(" imports ", 1)[1] for line in found] == [
        "papernotes.storage.library_folder; tui never imports storage",
        "papernotes.formats.bibtex.write; tui never imports formats",
    ]
    assert store_accesses(source) == [4, 5]
    assert lock_takers(source) == [5]


def test_the_settings_sit_below_the_library_and_above_nothing_but_errors():
    """``config`` reads a file outside the library: the library and the UIs may ask it,
    the layers that handle notes, formats and arXiv may not (they are given values)."""
    source = "from papernotes.config import load_settings\n"
    for module in ("papernotes.library.editor", "papernotes.cli.main", "papernotes.tui.app"):
        assert violations(module, source) == []
    for module in ("papernotes.storage.store", "papernotes.formats.bibtex.venues"):
        assert violations(module, source), module
    assert violations("papernotes.config.settings", "from papernotes.model import Paper\n")
    assert violations("papernotes.config.settings", "from papernotes.errors import X\n") == []


def test_every_layer_but_model_and_errors_may_import_the_shared_helpers():
    source = "from papernotes.user_folders import cache_folder\nfrom papernotes import gc_pause\n"
    for module in ("papernotes.text.urls", "papernotes.storage.atomic", "papernotes.cli.main"):
        assert violations(module, source) == []
    assert len(violations("papernotes.model", source)) == 2
    assert violations("papernotes.gc_pause", "from papernotes.model import Paper\n")
