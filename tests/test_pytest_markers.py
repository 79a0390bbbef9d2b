"""The test suite's own configuration (pyproject's ``[tool.pytest.ini_options]``): a misspelt
marker is an error instead of a mark nobody selects, and ``-m "not slow"`` (CONTRIBUTING.md)
skips exactly the tests marked slow."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def pytest_in_repo(test_file: Path, *args: str) -> subprocess.CompletedProcess:
    """Run pytest with the repository's configuration on one file outside ``tests/`` (no
    third-party plugins: they take seconds to load and the markers are pytest's own)."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-c", str(REPO / "pyproject.toml"), "--rootdir",
         str(REPO), "-p", "no:cacheprovider", *args, str(test_file)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        check=False,
    )  # fmt: skip


def test_an_unregistered_marker_is_an_error_and_not_slow_skips_the_slow_tests(tmp_path):
    typo = tmp_path / "test_typo.py"
    typo.write_text("import pytest\n\n@pytest.mark.sloww\ndef test_a():\n    pass\n")
    result = pytest_in_repo(typo)
    assert result.returncode != 0
    assert "'sloww' not found in `markers` configuration option" in result.stdout

    marked = tmp_path / "test_marked.py"
    marked.write_text(
        "import pytest\n\n@pytest.mark.slow\ndef test_slow():\n    pass\n\n"
        "def test_quick():\n    pass\n"
    )
    result = pytest_in_repo(marked, "-m", "not slow", "-rA")
    assert result.returncode == 0, result.stdout
    assert "test_quick" in result.stdout and "test_slow" not in result.stdout
    assert "1 passed, 1 deselected" in result.stdout
