"""Adding by arXiv id (``library/arxiv_add.py``): the one set of rules ``add --arxiv`` and
the TUI's add form follow, checked on the library itself."""

from __future__ import annotations

import pytest

from papernotes.errors import DuplicateError, InvalidInputError, NotFoundError
from papernotes.library import Library
from papernotes.library.arxiv_add import add_from_arxiv, plan_arxiv_add
from papernotes.library.arxiv_ops import Fetcher, OfflineMissError
from papernotes.model import Paper
from tests.helpers import folder_bytes


def offline() -> Fetcher:
    """A fetcher that may not ask arXiv, over an empty cache: every lookup is a miss."""
    return Fetcher(offline=True)


def test_an_id_another_note_has_is_refused_before_any_request(seed_library):
    library = Library.open(seed_library)
    before = folder_bytes(seed_library)
    given = Paper(title="Something else", year=2021, arxiv="arXiv:1909.10351v2")
    # offline over an empty cache: a request would be an OfflineMissError, not this
    with pytest.raises(DuplicateError) as caught:
        plan_arxiv_add(library, given, fetcher=offline())
    assert str(caught.value) == "arXiv 1909.10351 is already in the library as 2020/tinybert.md."
    assert folder_bytes(seed_library) == before


def test_an_update_builds_on_the_note_with_the_id_and_keeps_its_fields(seed_library):
    library = Library.open(seed_library)
    old = library.find("2020/tinybert.md")
    given = Paper(title="", year=0, arxiv="1909.10351", tags=("kd",))
    plan = plan_arxiv_add(library, given, update=True, fetcher=offline())
    assert plan.source == old.paper and not plan.warning
    note = add_from_arxiv(library, given, plan, update=True)
    assert note.path == old.path
    assert note.paper.title == old.paper.title and note.paper.year == old.paper.year
    assert note.paper.tags == ("kd",)
    assert len(library.notes()) == len(Library.open(seed_library).notes())


def test_an_update_whose_title_names_another_note_than_the_id_is_refused(seed_library):
    library = Library.open(seed_library)
    albert = next(n for n in library.notes() if n.path == "2020/albert.md")
    given = Paper(title=albert.paper.title, year=2020, arxiv="1909.10351")
    with pytest.raises(InvalidInputError, match="--title names 2020/albert.md"):
        plan_arxiv_add(library, given, update=True, fetcher=offline())


def test_offline_with_a_cache_miss_adds_the_id_only_when_title_and_year_are_given(empty_library):
    library = Library.open(empty_library)
    with pytest.raises(OfflineMissError):
        plan_arxiv_add(library, Paper(title="", year=0, arxiv="2006.03654"), fetcher=offline())
    given = Paper(title="DeBERTa", year=2020, arxiv="2006.03654")
    plan = plan_arxiv_add(library, given, fetcher=offline())
    assert plan.source is None
    assert plan.warning.startswith("arXiv 2006.03654 is not cached; adding it without")
    note = add_from_arxiv(library, given, plan)
    assert (note.paper.title, note.paper.arxiv, note.paper.authors) == ("DeBERTa", "2006.03654", ())


def test_what_the_ui_fetched_is_used_for_its_id_and_ignored_for_another(empty_library):
    library = Library.open(empty_library)
    fetched = Paper(title="arXiv's title", year=2019, arxiv="1909.10351", authors=("A. Author",))
    given = Paper(title="Mine", year=2020, arxiv="1909.10351")
    plan = plan_arxiv_add(library, given, fetched=fetched)  # no fetcher: no request at all
    note = add_from_arxiv(library, given, plan)
    assert (note.paper.title, note.paper.year, note.paper.authors) == ("Mine", 2020, ("A. Author",))
    other = Paper(title="Other", year=2020, arxiv="2006.03654")
    assert plan_arxiv_add(library, other, fetched=fetched).source is None


def test_an_id_arxiv_does_not_know_is_not_found_and_nothing_is_written(fake_arxiv, empty_library):
    library = Library.open(empty_library)
    with pytest.raises(NotFoundError):
        plan_arxiv_add(library, Paper(title="", year=0, arxiv="2012.99999"), fetcher=Fetcher())
    assert library.notes() == []
