#!/usr/bin/env bash
# The whole check: install with the test extras, lint, format check, type check (mypy, configured
# in pyproject.toml), then the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet -e ".[test]"
ruff check src tests bench scripts
ruff format --check src tests bench scripts
mypy
python -m pytest -n 2 "$@"
