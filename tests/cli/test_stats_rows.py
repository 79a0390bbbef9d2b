"""``stats`` from ``list``'s kept rows (and its text kept per folder state) prints what
``stats`` from every note prints, caches off: venues typed with control characters or a
backslash (shown changed in the rows) are counted from the notes as typed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers import run

NO_CACHE = {"PAPERNOTES_NO_CACHE": "1"}


def add_paper(root: Path, name: str, venue_yaml: str, extra: str = "") -> Path:
    path = root / "2022" / f"{name}.md"
    path.parent.mkdir(exist_ok=True)
    path.write_text(
        f"---\ntitle: 'Paper {name}'\nyear: 2022\nvenue: {venue_yaml}\n"
        f"tags: [t1, 蒸馏]\nstatus: read\nread_on: '2024-03-05'\n{extra}---\n1. a note\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("odd_venue", ['"Conf\\e[31m"', "'A\\B'", "'中文信息学报'"])
@pytest.mark.parametrize("args", [(), ("--json",)])
def test_stats_from_kept_rows_is_what_stats_from_every_note_gives(
    seed_library, trusting_cache, odd_venue, args
):
    edited = add_paper(seed_library, "plain", "'NeurIPS'")
    add_paper(seed_library, "odd", odd_venue, extra="priority: high\n")
    assert run(seed_library, "list").exit_code == 0  # the rows kept
    expected = run(seed_library, "stats", *args, env=NO_CACHE)
    assert expected.exit_code == 0 and "2022" in expected.stdout
    for _ in range(2):  # from the rows, then the kept text
        got = run(seed_library, "stats", *args)
        assert (got.exit_code, got.stdout, got.stderr) == (
            expected.exit_code,
            expected.stdout,
            expected.stderr,
        )
    edited.write_text(
        edited.read_text(encoding="utf-8").replace("'NeurIPS'", "'ICML'"), encoding="utf-8"
    )
    os.utime(edited, (1_700_000_000, 1_700_000_000))
    expected = run(seed_library, "stats", *args, env=NO_CACHE)
    assert "ICML" in expected.stdout
    got = run(seed_library, "stats", *args)
    assert (got.stdout, got.stderr) == (expected.stdout, expected.stderr)


def test_stats_warns_about_a_malformed_note_from_the_rows_as_from_the_notes(
    seed_library, trusting_cache
):
    (seed_library / "2021" / "broken.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    assert run(seed_library, "list").exit_code == 0
    expected = run(seed_library, "stats", env=NO_CACHE)
    assert "broken.md" in expected.stderr
    for _ in range(2):
        got = run(seed_library, "stats")
        assert (got.stdout, got.stderr) == (expected.stdout, expected.stderr)
