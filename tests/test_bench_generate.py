"""The benchmark's synthetic library (``bench/generate.py``) is what papernotes itself would
write: the numbers in ``bench/results.md`` are only worth something if the generated notes,
Markdown document and .bib read back as the same papers, from the same bytes every time."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from papernotes.library import Library
from tests.helpers import folder_bytes, run

GENERATE = Path(__file__).resolve().parent.parent / "bench" / "generate.py"
N = 30


def generate(out: Path) -> Path:
    done = subprocess.run(
        [sys.executable, str(GENERATE), "--n", str(N), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return out


def papers_in(root: Path) -> list[tuple[str, int]]:
    result = run(root, "list", "--json")
    assert result.exit_code == 0 and result.stderr == "", result.stderr
    return sorted((paper["title"], paper["year"]) for paper in json.loads(result.stdout))


@pytest.mark.slow
def test_the_generated_library_reads_back_the_same_from_its_notes_markdown_and_bib(tmp_path):
    generated = generate(tmp_path / "bench")
    assert folder_bytes(generate(tmp_path / "again")) == folder_bytes(generated)  # same bytes
    assert (generated / "bib-made-by.txt").read_text() == "papernotes.formats.bibtex.write\n"

    library = Library(generated / "notes")
    assert library.problems() == [] and len(library.notes()) == N
    assert len({note.paper.key for note in library.notes()}) == N
    papers = papers_in(generated / "notes")
    assert len(papers) == N

    for source in ("reading-notes.md", "library.bib"):
        fresh = tmp_path / f"from-{source}"
        imported = run(fresh, "import", str(generated / source))
        assert imported.exit_code == 0, imported.stderr
        assert f"{N} added" in imported.stdout, imported.stdout
        assert papers_in(fresh) == papers, source
