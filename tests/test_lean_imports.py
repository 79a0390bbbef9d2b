"""Everyday commands start fast: they never import Textual, arxiv or bibtexparser."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("textual", "arxiv", "bibtexparser", "requests", "lxml", "rich")


def imported_modules(root: Path, *args: str, driver: str | None = None) -> set[str]:
    """Top-level modules ``python -m papernotes ARGS`` imports, from ``-X importtime``."""
    start = ["-c", driver] if driver else ["-m", "papernotes"]
    result = subprocess.run(
        [sys.executable, "-X", "importtime", *start, "--notes", str(root), *args],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    names = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    assert "papernotes" in names  # the report really was parsed
    return names


@pytest.mark.parametrize(
    "args",
    [
        ("list",),
        ("list", "--json"),
        ("show", "tinybert"),
        ("search", "蒸馏"),
        ("export", "--md"),
    ],
    ids=lambda args: " ".join(args),
)
def test_everyday_commands_import_no_heavy_library(seed_library, args):
    heavy = imported_modules(seed_library, *args) & set(HEAVY)
    assert not heavy, f"'papernotes {' '.join(args)}' imported {sorted(heavy)}"


# The cache keeps only files older than its racy margin; trust fresh test files at once.
TRUSTING = (
    "import papernotes.storage.caches.note_cache as c; c.RACY_MARGIN_NS = -3600 * 10**9; "
    "from papernotes.cli.main import main; main()"
)


def test_a_warm_list_does_not_even_import_yaml(seed_library):
    cold = imported_modules(seed_library, "list", driver=TRUSTING)
    assert "yaml" in cold  # the first run parses every note
    warm = imported_modules(seed_library, "list", driver=TRUSTING)
    assert "yaml" not in warm
    fast_path = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", TRUSTING, "--notes", str(seed_library), "list"],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    assert "papernotes.storage.note_format" in fast_path  # the report names submodules too
    assert "papernotes.storage.frontmatter" not in fast_path  # only parsing needs it


def test_commands_that_do_not_search_never_import_the_search_folding(seed_library):
    """Full-width, traditional and pinyin folding is loaded by the first search, not by
    ``list`` or ``show`` (every command's start-up pays for what it imports)."""
    for command in (("list",), ("show", "tinybert")):
        report = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "papernotes", "--notes"]
            + [str(seed_library), *command],
            capture_output=True,
            text=True,
            check=True,
        ).stderr
        for module in ("papernotes.library.search", "papernotes.text.folding"):
            assert module not in report, (command, module)
    searched = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "papernotes", "--notes"]
        + [str(seed_library), "search", "蒸馏"],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    assert "papernotes.text.folding" in searched


def test_a_warm_show_imports_no_writer_and_no_link_rules(seed_library):
    """A ``show`` answered from the kept name index reads one note: the bulk writer (and the
    ``secrets`` it needs), slug making, the link rules, the settings and typed notes are
    loaded by the commands that use them."""
    command = [sys.executable, "-X", "importtime", "-c", TRUSTING, "--notes", str(seed_library)]
    subprocess.run([*command, "show", "tinybert"], capture_output=True, check=True)
    report = subprocess.run(
        [*command, "show", "tinybert"], capture_output=True, text=True, check=True
    ).stderr
    modules = {line.rsplit("|", 1)[1].strip() for line in report.splitlines() if "|" in line}
    assert "papernotes.library.name_index" in modules  # the report was read
    unwanted = {
        "papernotes.storage.batch",
        "papernotes.storage.slugs",
        "papernotes.library.paper_links",
        "papernotes.library.user_settings",  # the config file: read by add
        "papernotes.text.typed_notes",  # notes typed by add and edit
        "secrets",
        "hashlib",  # its OpenSSL part: 2.5 ms; blake2b comes from papernotes.blake2
    }
    assert not modules & unwanted, sorted(modules & unwanted)


def test_an_export_from_kept_entries_imports_no_toml_parser_and_compiles_no_latex_reading(
    seed_library,
):
    """``export --bib`` after an edit renders from kept entries: ``tomllib`` is for a
    ``venues.toml`` (there is none), and the patterns that read LaTeX are for imports; both
    cost start-up (issue 20)."""
    report = (
        "import atexit, sys; atexit.register(lambda: sys.stderr.write("
        "'reading patterns compiled: %d\\n' % "
        "sys.modules['papernotes.formats.bibtex.latex']._reading.cache_info().currsize)); "
    )
    command = [sys.executable, "-X", "importtime", "-c", report + TRUSTING]
    command += ["--notes", str(seed_library), "export", "--bib"]
    subprocess.run(command, capture_output=True, check=True)  # keeps every entry
    note = next(seed_library.glob("20*/*.md"))
    note.write_text(note.read_text(encoding="utf-8") + "\nmore\n", encoding="utf-8")
    after_edit = subprocess.run(command, capture_output=True, text=True, check=True).stderr
    modules = {line.rsplit("|", 1)[1].strip() for line in after_edit.splitlines() if "|" in line}
    assert "papernotes.library.bib_entries_export" in modules  # from the kept entries
    assert "tomllib" not in modules
    assert "reading patterns compiled: 0" in after_edit


def test_keeping_caches_needs_no_tempfile(seed_library, tmp_path):
    """A first ``list`` and an ``export --bib`` after an edit keep cache files: they are made
    without ``tempfile``, whose imports (``shutil``, ``random``, the compression modules)
    cost 4 to 8 ms at every such command (issue 20). Run where importing it fails."""
    cache = tmp_path / "cache"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    driver = "import sys; sys.modules['tempfile'] = None; " + TRUSTING
    command = [sys.executable, "-c", driver, "--notes", str(seed_library)]
    subprocess.run([*command, "export", "--bib"], capture_output=True, check=True, env=env)
    note = next(seed_library.glob("20*/*.md"))
    note.write_text(note.read_text(encoding="utf-8") + "\nmore\n", encoding="utf-8")
    for args in (("list",), ("export", "--bib")):
        done = subprocess.run([*command, *args], capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stderr[-2000:]
    kept = [p for p in cache.rglob("*") if p.is_file()]
    assert any(p.parent.name.endswith(".views") for p in kept)  # the outputs were kept
    assert any(p.parent.name.endswith(".bibblocks") for p in kept)
    assert not [p for p in kept if p.name.startswith(".tmp-")]
