"""``papernotes venue``: report lines, --dry-run, --yes, --offline, and the seed's two cases."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from dataclasses import replace

import pytest

from papernotes.library import Library
from tests.fake_scholarly import DblpHit
from tests.helpers import folder_bytes, run

MENGZI = "Mengzi: Towards Lightweight yet Ingenious Pre-trained Models for Chinese"
MENGZI_AUTHORS = ("Zhuosheng Zhang", "Hanqing Zhang", "Keming Chen")


def lines(result) -> dict[str, str]:
    """Report line per note path."""
    found = {}
    for line in result.stdout.splitlines():
        parts = line.split()
        if len(parts) > 1 and "/" in parts[1] and parts[1].endswith(".md"):
            found[parts[1]] = line
        elif len(parts) > 2 and parts[2].endswith(".md"):  # "would update PATH"
            found[parts[2]] = line
    return found


def test_venue_all_on_the_shipped_library_gives_xlnet_neurips_2019_and_tinybert_findings(
    seed_library, fake_scholarly
):
    before = {n.path: n.paper for n in Library(seed_library).notes()}
    result = run(seed_library, "venue", "--all", "--yes")
    assert result.exit_code == 0, result.output
    report = lines(result)
    assert report["2019/xlnet.md"].startswith("updated      2019/xlnet.md  NeurIPS 2019 [dblp]")
    assert report["2020/tinybert.md"].startswith(
        "updated      2020/tinybert.md  Findings of EMNLP 2020 [crossref]: venue EMNLP -> "
        "Findings of EMNLP"
    )
    for path in ("2019/roberta.md", "2021/nezha.md", "2021/mengzi.md"):
        assert report[path].startswith(f"not found    {path}")
    assert result.stdout.splitlines()[-1] == (
        "5 updated, 0 unchanged, 0 kept, 0 ambiguous, 3 not found."
    )
    library = Library(seed_library)
    xlnet = library.find("yang2019xlnet").paper
    assert (xlnet.venue, xlnet.venue_source, xlnet.pages, xlnet.doi) == ("NeurIPS", "dblp", "", "")
    assert xlnet.venue_full == "Advances in Neural Information Processing Systems 32 (NeurIPS 2019)"
    tinybert = library.find("jiao2020tinybert").paper
    assert tinybert.venue == "Findings of EMNLP"
    assert tinybert.venue_full == (
        "Findings of the Association for Computational Linguistics: EMNLP 2020"
    )
    assert (tinybert.doi, tinybert.pages) == ("10.18653/v1/2020.findings-emnlp.372", "4163-4174")
    roberta = library.find("liu2019roberta").paper
    assert roberta.venue == before["2019/roberta.md"].venue == "EMNLP"  # the reader's own label
    for note in library.notes():  # year, key and notes never change
        old = before[note.path]
        assert (note.paper.year, note.paper.key, note.paper.notes) == (old.year, old.key, old.notes)
    bib = run(seed_library, "export", "--bib", "jiao2020tinybert").stdout
    assert bib.startswith("@inproceedings{jiao2020tinybert,")
    assert (
        "booktitle = {Findings of the Association for Computational Linguistics: EMNLP 2020}" in bib
    )
    assert "pages = {4163--4174}" in bib and "eprint = {1909.10351}" in bib
    assert "doi = {10.18653/v1/2020.findings-emnlp.372}" in bib


def test_a_different_venue_is_kept_without_yes_and_the_report_says_so(seed_library, fake_scholarly):
    result = run(seed_library, "venue", "jiao2020tinybert", "yang2019xlnet")
    assert result.exit_code == 0, result.output
    report = lines(result)
    assert report["2020/tinybert.md"] == (
        "kept         2020/tinybert.md  venue 'EMNLP' kept; crossref says "
        "'Findings of EMNLP 2020' (pass --yes to change it)"
    )
    assert report["2019/xlnet.md"].startswith("updated")  # an empty venue is simply filled
    library = Library(seed_library)
    tinybert = library.find("jiao2020tinybert").paper
    assert (tinybert.venue, tinybert.venue_full, tinybert.doi) == ("EMNLP", "", "")


def test_a_second_run_reports_unchanged_and_writes_nothing(seed_library, fake_scholarly):
    run(seed_library, "venue", "yang2019xlnet")
    before = folder_bytes(seed_library)
    result = run(seed_library, "venue", "yang2019xlnet")
    assert lines(result)["2019/xlnet.md"] == "unchanged    2019/xlnet.md  NeurIPS 2019 [dblp]"
    assert folder_bytes(seed_library) == before


def test_dry_run_says_what_would_change_and_writes_nothing(seed_library, fake_scholarly):
    before = folder_bytes(seed_library)
    result = run(seed_library, "venue", "--all", "--dry-run", "--yes")
    assert result.exit_code == 0, result.output
    assert lines(result)["2019/xlnet.md"].startswith("would update 2019/xlnet.md  NeurIPS 2019")
    assert result.stdout.splitlines()[-1].startswith("Dry run: 5 updated")
    assert folder_bytes(seed_library) == before


def test_an_ambiguous_title_lists_its_candidates_and_changes_nothing(seed_library, fake_scholarly):
    for key, venue in (("conf/acl/Z22", "ACL"), ("conf/emnlp/Z22", "EMNLP")):
        fake_scholarly.add_dblp(DblpHit(key, MENGZI, MENGZI_AUTHORS, venue, 2022))
    before = folder_bytes(seed_library)
    result = run(seed_library, "venue", "zhang2021mengzi")
    out = result.stdout.splitlines()
    assert out[0] == (
        "ambiguous    2021/mengzi.md  DBLP has 2 published papers with this title; not changed"
    )
    assert out[1].split()[:2] == ["ACL", "2022"] and out[2].split()[:2] == ["EMNLP", "2022"]
    assert folder_bytes(seed_library) == before


def test_a_failing_service_writes_nothing_and_says_so_in_one_line(seed_library, fake_scholarly):
    fake_scholarly.fail("crossref", 503)
    before = folder_bytes(seed_library)
    result = run(seed_library, "venue", "--all", "--yes")
    assert result.exit_code == 3  # a web service failed (README, Exit codes)
    assert result.stderr.count("\n") == 1
    assert "Crossref answered HTTP 503" in result.stderr
    assert folder_bytes(seed_library) == before


def test_offline_answers_from_the_cache_and_refuses_what_it_lacks(seed_library, fake_scholarly):
    run(seed_library, "venue", "--all", "--dry-run")
    asked = len(fake_scholarly.requests)
    fake_scholarly.close()
    result = run(seed_library, "venue", "--all", "--offline", "--yes")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].startswith("5 updated")
    assert len(fake_scholarly.requests) == asked
    other = run(seed_library, "venue", "--all", "--offline", "--source", "crossref")
    assert other.exit_code == 1 and "not in the cache" in other.stderr


def test_an_unknown_source_is_a_usage_error(seed_library):
    result = run(seed_library, "venue", "--all", "--source", "dblp,google")
    assert result.exit_code == 1
    assert "--source takes a comma-separated list of dblp, s2, crossref" in result.stderr


def test_link_after_venue_keeps_the_published_doi_and_fills_one_where_there_is_none(
    seed_library, fake_scholarly, fake_arxiv
):
    run(seed_library, "venue", "jiao2020tinybert", "--yes")
    fake_arxiv.papers["1909.10351"] = replace(
        fake_arxiv.papers["1909.10351"], doi="10.48550/arXiv.1909.10351"
    )
    fake_arxiv.papers["1907.11692"] = replace(fake_arxiv.papers["1907.11692"], doi="10.5555/rob")
    result = run(seed_library, "link", "jiao2020tinybert", "liu2019roberta")
    assert result.exit_code == 0, result.output
    library = Library(seed_library)
    assert library.find("jiao2020tinybert").paper.doi == "10.18653/v1/2020.findings-emnlp.372"
    assert library.find("liu2019roberta").paper.doi == "10.5555/rob"


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_in_a_terminal_a_different_venue_is_asked_about_and_changed_when_confirmed(
    seed_library, fake_scholarly
):
    run(seed_library, "venue", "jiao2020tinybert", "--dry-run")  # the answers, cached
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "papernotes", "--notes", str(seed_library)]
        + ["venue", "jiao2020tinybert", "--offline"],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env={**os.environ, "TERM": "dumb"},
    )
    os.close(follower)
    seen = b""
    try:
        deadline = time.monotonic() + 30
        while b"change it [y/N]" not in seen:
            assert time.monotonic() < deadline, seen
            if select.select([leader], [], [], 0.2)[0]:
                seen += os.read(leader, 4096)
        assert b"venue 'EMNLP', but crossref says 'Findings of EMNLP 2020'" in seen
        os.write(leader, b"y\n")
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
        os.close(leader)
    assert Library(seed_library).find("jiao2020tinybert").paper.venue == "Findings of EMNLP"
