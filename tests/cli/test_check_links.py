"""``papernotes check --links``: every web link asked politely, the report's exact lines,
the cache and --offline, --fix-redirects, the progress bar. Against sites on 127.0.0.1."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import threading

from papernotes.library import Library
from papernotes.model import DocumentLayout, LinkItem, Paper, Section
from tests.fake_links import refused_url
from tests.helpers import folder_bytes, run

FAST = ("--delay", "0", "--timeout", "2")


def make_library(root, papers, sections=()) -> Library:
    library = Library(root)
    for paper in papers:
        library.add(paper)
    layout = DocumentLayout(sections=(Section("Paper", 1, papers=True), *sections))
    with library.writing():
        library.save_layout(layout)
    return library


def line_of(root, rel: str, text: str) -> int:
    lines = (root / rel).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


def check_links(root, *args: str):
    return run(root, "check", "--links", *FAST, *args)


def test_each_broken_or_moved_link_is_one_line_naming_its_place_and_the_exit_status_is_1(
    fake_sites, empty_library
):
    site, other = fake_sites
    ok = site.route("/ok")
    site.route("/abs/2006.03654")
    old = site.route("/old", 301, location="/older")
    site.route("/older", 308, location=other.url("/new"))
    new = other.route("/new")
    temporary = site.route("/today", 302, location="/elsewhere")
    site.route("/elsewhere")
    gone = site.route("/gone", 404)
    nohead = other.route("/nohead", head=405)
    slow = other.route("/slow", delay=3.0)
    refused = refused_url()
    dead_repo = other.route("/repo", 410)
    make_library(
        empty_library,
        [
            Paper(
                title="Alpha",
                year=2021,
                code=ok,
                arxiv="2006.03654",
                notes=(f"see {old}, and [the demo]({temporary}).", f"mirror: {gone}"),
                body=f"Slides <{nohead}>\n\nTalk: {slow}",
            ),
            Paper(title="Beta", year=2020, code=refused),
        ],
        [Section("Repo", 1, (LinkItem(label="demo", url=dead_repo), LinkItem(url=ok)))],
    )
    result = run(empty_library, "check", "--links", "--delay", "0", "--timeout", "0.5")
    alpha, beta = "2021/alpha.md", "2020/beta.md"
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines() == [
        f"{alpha}:{line_of(empty_library, alpha, '1. see')}: {old}: moved to {new}",
        f"{alpha}:{line_of(empty_library, alpha, '1. see')}: {temporary}: "
        f"moved to {site.url('/elsewhere')} (temporary redirect)",
        f"{alpha}:{line_of(empty_library, alpha, '2. mirror')}: {gone}: 404",
        f"{alpha}:{line_of(empty_library, alpha, 'Talk:')}: {slow}: timeout",
        f"{beta}:{line_of(empty_library, beta, 'code:')}: {refused}: connection refused",
        f"# Repo: {dead_repo}: 410",
        "10 links checked: 4 broken, 2 moved, 0 not checked.",
    ]
    assert [r.method for r in other.of("/nohead")] == ["HEAD", "GET"]  # 405 to HEAD, then GET
    assert [r.method for r in site.of("/ok")] == ["HEAD"]  # two places, one request
    assert [r.method for r in site.of("/abs/2006.03654")] == ["HEAD"]  # the arXiv page


def test_a_429_with_retry_after_is_waited_out_then_the_link_is_fine(fake_sites, empty_library):
    site, _ = fake_sites
    busy = site.route("/busy", fail=[(429, "1")])
    make_library(empty_library, [Paper(title="Alpha", year=2021, code=busy)])
    result = check_links(empty_library)
    assert result.exit_code == 0, result.output
    assert "1 link checked: 0 broken, 0 moved, 0 not checked." in result.stdout
    first, second = site.of("/busy")
    assert second.start - first.end >= 0.95  # the server's Retry-After: 1


def test_a_host_that_keeps_answering_429_is_not_checked_rather_than_broken(
    fake_sites, empty_library
):
    site, _ = fake_sites
    busy = site.route("/busy", fail=[(429, "0")] * 3)
    make_library(empty_library, [Paper(title="Alpha", year=2021, code=busy)])
    result = check_links(empty_library)
    assert result.exit_code == 0, result.output
    assert f"{busy}: 429 (rate limited; not checked)" in result.stdout
    assert "1 link checked: 0 broken, 0 moved, 1 not checked." in result.stdout


def test_requests_to_one_host_go_one_at_a_time_and_delay_apart_while_hosts_go_side_by_side(
    fake_sites, empty_library
):
    site, other = fake_sites
    other_started = threading.Event()
    # The first host's first answer waits until the other host was asked: checked one host
    # after the other, it would wait in vain and time out.
    urls = [site.route("/a", wait_for=other_started), site.route("/b"), site.route("/c")]
    urls += [other.route("/x", arrived=other_started), other.route("/y"), other.route("/z")]
    notes = tuple(f"link {url}" for url in urls)
    make_library(empty_library, [Paper(title="Alpha", year=2021, notes=notes)])
    result = run(empty_library, "check", "--links", "--delay", "0.3", "--timeout", "5")
    assert result.exit_code == 0, result.output
    assert "6 links checked: 0 broken" in result.stdout
    for host in (site, other):
        seen = sorted(host.requests, key=lambda r: r.start)
        assert len(seen) == 3
        for before, after in zip(seen, seen[1:], strict=False):
            assert after.start >= before.end  # never two at once
            # the delay between two starts, as the server saw them (a loaded machine may
            # take a while to hand the first one over)
            assert after.start - before.start >= 0.2


def test_answers_are_cached_for_their_time_to_live_and_offline_uses_only_the_cache(
    fake_sites, empty_library
):
    site, _ = fake_sites
    gone = site.route("/gone", 404)
    make_library(empty_library, [Paper(title="Alpha", year=2021, code=gone)])
    where = f"2021/alpha.md:{line_of(empty_library, '2021/alpha.md', 'code:')}"
    offline = check_links(empty_library, "--offline")
    assert offline.exit_code == 0, offline.output
    assert offline.stdout.splitlines()[0] == (
        f"{where}: {gone}: not checked (offline, and not in the cache)"
    )
    assert site.requests == []
    first = check_links(empty_library)
    assert first.stdout.splitlines()[0] == f"{where}: {gone}: 404"
    assert len(site.requests) == 1
    again = check_links(empty_library)  # within the time to live: from the cache
    assert again.stdout == first.stdout and again.exit_code == 1
    assert len(site.requests) == 1
    cached = check_links(empty_library, "--offline")
    assert cached.stdout == first.stdout and cached.exit_code == 1
    assert len(site.requests) == 1
    check_links(empty_library, "--max-age", "0")  # too old: asked again
    assert len(site.requests) == 2


def test_fix_redirects_rewrites_301_and_308_in_notes_and_document_yaml_but_not_302_or_307(
    fake_sites, empty_library
):
    site, other = fake_sites
    code = site.route("/code", 301, location=other.url("/code"))
    other.route("/code")
    section_link = site.route("/list", 308, location="/list2")
    site.route("/list2")
    found = site.route("/found", 302, location="/there")
    kept = site.route("/kept", 307, location="/there")
    site.route("/there")
    dead = site.route("/dead", 301, location="/nowhere")  # moved, but to nothing
    site.route("/abs/2006.03654", 301, location="/abs/2006.03654v2")  # made from an id
    site.route("/abs/2006.03654v2")
    note_text = f"demo {found}, mirror {dead}"
    make_library(
        empty_library,
        [Paper(title="Alpha", year=2021, code=code, arxiv="2006.03654", notes=(note_text,))],
        [Section("Repo", 1, (LinkItem(label="list", url=section_link), LinkItem(url=kept)))],
    )
    before = folder_bytes(empty_library)
    plain = check_links(empty_library)
    assert folder_bytes(empty_library) == before  # no URL is rewritten without the option
    assert f"{dead}: 404 (redirected to {site.url('/nowhere')})" in plain.stdout
    fixed = check_links(empty_library, "--fix-redirects")
    where = f"2021/alpha.md:{line_of(empty_library, '2021/alpha.md', 'code:')}"
    assert fixed.stdout.splitlines()[-3:] == [
        f"{where}: rewrote {code} as {other.url('/code')}",
        f"# Repo: rewrote {section_link} as {site.url('/list2')}",
        "6 links checked: 1 broken, 5 moved, 0 not checked.",
    ]
    assert fixed.stdout.splitlines()[:-3] == plain.stdout.splitlines()[:-1]
    library = Library(empty_library)
    paper = library.find("Alpha").paper
    assert paper.code == other.url("/code")
    assert paper.arxiv == "2006.03654"  # an id, not a link: never rewritten
    assert paper.notes == (note_text,)  # 302 and a redirect to a 404 stay as written
    repo = next(s for s in library.layout().sections if s.title == "Repo")
    assert [item.url for item in repo.items] == [site.url("/list2"), kept]
    again = check_links(empty_library, "--fix-redirects")
    assert "rewrote" not in again.stdout


def test_link_options_without_links_are_a_usage_error(empty_library):
    result = run(empty_library, "check", "--offline")
    assert result.exit_code == 2
    assert "--offline goes with --links" in result.output


def test_the_progress_bar_is_drawn_on_a_terminal_and_not_when_stderr_is_piped(
    fake_sites, empty_library
):
    site, _ = fake_sites
    make_library(empty_library, [Paper(title="Alpha", year=2021, code=site.route("/ok"))])
    command = [sys.executable, "-m", "papernotes", "--notes", str(empty_library)]
    command += ["check", "--links", *FAST]
    piped = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert piped.returncode == 0, piped.stderr
    assert piped.stderr == ""
    leader, follower = pty.openpty()
    try:
        shown = subprocess.run(
            command, stdout=subprocess.PIPE, stderr=follower, timeout=60, check=False
        )
        os.close(follower)
        drawn = b""
        try:
            while chunk := os.read(leader, 4096):
                drawn += chunk
        except OSError:  # the terminal's other end is closed: all was read
            pass
    finally:
        os.close(leader)
    assert shown.returncode == 0
    assert b"Checking links" in drawn
    assert b"1 link checked" in shown.stdout and b"Checking" not in shown.stdout
