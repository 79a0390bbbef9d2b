"""``fix_redirects`` (``library/link_check.py``) writes on the files as they are on disk then:
an edit made after the check is kept, and a URL gone meanwhile is reported, not rewritten."""

from __future__ import annotations

from dataclasses import replace

from papernotes.library import Library
from papernotes.library.link_check import LinkChecker, check_links, fix_redirects
from papernotes.model import Paper
from papernotes.web.polite import PoliteClient


def test_an_edit_made_after_the_check_is_kept_and_a_url_removed_meanwhile_is_not_written(
    fake_sites, empty_library
):
    site, _ = fake_sites
    code = site.route("/code", 301, location="/code2")
    slides = site.route("/slides", 308, location="/slides2")
    site.route("/code2")
    site.route("/slides2")
    library = Library(empty_library)
    library.add(Paper(title="Alpha", year=2021, code=code, notes=(f"slides {slides}",)))
    report = check_links(library, LinkChecker(PoliteClient(timeout=2), delay=0))
    other = Library(empty_library)  # another program edits the note after the check
    note = other.find("Alpha")
    other.save(note, replace(note.paper, notes=("slides are gone", "new note")))
    changes = fix_redirects(library, report)
    assert [(c.old, c.new, bool(c.skipped)) for c in changes] == [
        (code, site.url("/code2"), False),
        (slides, site.url("/slides2"), True),
    ]
    paper = Library(empty_library).find("Alpha").paper
    assert paper.code == site.url("/code2")
    assert paper.notes == ("slides are gone", "new note")
