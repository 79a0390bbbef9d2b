"""The arXiv client and the library API behind ``link``: politeness, caching, title matching."""

from __future__ import annotations

from dataclasses import replace

import pytest

from papernotes.arxiv import client as arxiv_client
from papernotes.arxiv.client import ArxivClient, Politeness, RateLimiter
from papernotes.arxiv.match import rank, sure_match, title_queries, title_similarity, year_closeness
from papernotes.errors import NetworkError, NotFoundError
from papernotes.library import Library
from papernotes.library.arxiv_links import link_notes
from papernotes.library.arxiv_ops import apply_metadata, fetch_paper
from papernotes.model import ARXIV_FIELDS, Paper
from papernotes.storage.arxiv_cache import ArxivCache
from tests.fake_arxiv import seed_papers


class FakeClock:
    """Time that only moves when someone sleeps; records every sleep."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_the_rate_limiter_spaces_requests_three_seconds_apart():
    clock = FakeClock()
    limiter = RateLimiter(3.0, clock=clock, sleep=clock.sleep)
    limiter.wait()
    clock.now += 1.0
    limiter.wait()
    limiter.wait()
    clock.now += 10.0
    limiter.wait()
    assert clock.sleeps == [2.0, 3.0]


def test_linking_by_title_keeps_every_request_three_seconds_apart(fake_arxiv, seed_library):
    library = Library.open(seed_library)
    for note in library.notes():
        library.save(note, replace(note.paper, arxiv=""))
    clock = FakeClock()
    client = ArxivClient(limiter=RateLimiter(3.0, clock=clock, sleep=clock.sleep))
    report = link_notes(library, library.notes(), client=client)
    assert len(report.with_status("linked")) == 8
    # One search per paper; every request after the first waited the full 3 s.
    assert len(fake_arxiv.requests) == 8
    assert clock.sleeps == [3.0] * 7


def test_a_typo_in_the_title_is_found_through_the_name_before_the_colon(fake_arxiv, seed_library):
    library = Library.open(seed_library)
    note = library.find("nezha")
    title = "NEZHA: Neural Contextualised Representation for Chinese Language Understanding"
    library.save(note, replace(note.paper, arxiv="", title=title))
    report = link_notes(library, [library.find("nezha")])
    assert report.summary() == "1 linked, 0 updated, 0 unchanged, 0 skipped"
    assert [r.query["search_query"] for r in fake_arxiv.requests][1] == "ti:nezha"
    assert library.find("nezha").paper.arxiv == "1909.00204"


def test_requests_are_spaced_by_the_default_interval(fake_arxiv, monkeypatch):
    monkeypatch.setattr(arxiv_client, "DEFAULT_POLITENESS", Politeness(interval=0.2, backoff=0))
    client = ArxivClient()
    client.fetch_ids(["2006.03654"])
    client.search("ti:bert")
    first, second = fake_arxiv.requests
    assert second.time - first.time >= 0.15  # a lower bound only: sleeping never undershoots


def test_requests_name_papernotes_in_the_user_agent(fake_arxiv):
    fetch_paper("2006.03654")
    assert fake_arxiv.requests[0].headers["User-Agent"].startswith("papernotes/")


def test_a_proxy_in_the_environment_does_not_capture_loopback(fake_arxiv, monkeypatch):
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    assert fetch_paper("1909.10351").arxiv == "1909.10351"


def test_eight_ids_go_in_one_request_and_come_back_keyed_as_asked(fake_arxiv):
    ids = [p.arxiv for p in seed_papers()]
    found = ArxivClient().fetch_ids([*ids[:7], f"{ids[7]}v1"])
    assert len(fake_arxiv.requests) == 1
    assert set(found) == {*ids[:7], f"{ids[7]}v1"}
    assert found[f"{ids[7]}v1"].arxiv_version == 1


def test_retries_back_off_with_doubling_waits(fake_arxiv):
    fake_arxiv.fail(503, times=3)
    waits: list[float] = []
    client = ArxivClient(politeness=Politeness(interval=0, backoff=0.5), sleep=waits.append)
    assert "2006.03654" in client.fetch_ids(["2006.03654"])
    assert waits == [0.5, 1.0, 2.0]


def test_a_404_is_not_retried(fake_arxiv):
    fake_arxiv.fail(404)
    with pytest.raises(NetworkError, match="HTTP 404.*retrying will not help"):
        fetch_paper("2006.03654")
    assert len(fake_arxiv.requests) == 1


def test_an_unknown_id_is_not_found_naming_it(fake_arxiv):
    with pytest.raises(NotFoundError, match="no entry for id 2006.99999"):
        fetch_paper("2006.99999")


def test_fetch_paper_fills_every_arxiv_field(fake_arxiv):
    paper = fetch_paper("arXiv:2111.09543")
    assert paper.title == paper.arxiv_title == seed_papers()[0].title
    assert (paper.year, paper.published, paper.arxiv_version) == (2021, "2021-11-18", 1)
    assert paper.doi == "10.48550/arXiv.2111.09543" and paper.journal_ref == "ICLR 2023"
    assert paper.primary_category == "cs.CL" and paper.categories == ("cs.CL",)
    assert paper.comment and paper.updated and paper.abstract and paper.authors


def test_answers_are_cached_per_id_in_the_user_cache_folder(fake_arxiv, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    fetch_paper("2006.03654v2")
    assert (tmp_path / "cache" / "papernotes" / "arxiv" / "ids" / "2006.03654v2.json").is_file()
    fetch_paper("2006.03654v2")
    assert len(fake_arxiv.requests) == 1
    fetch_paper("2006.03654v2", refresh=True)
    assert len(fake_arxiv.requests) == 2


def test_a_corrupt_cache_file_counts_as_a_miss(fake_arxiv, tmp_path):
    cache = ArxivCache(tmp_path)
    cache.id_path("2006.03654").parent.mkdir(parents=True)
    cache.id_path("2006.03654").write_text("{not json", encoding="utf-8")
    assert fetch_paper("2006.03654", cache=cache).arxiv == "2006.03654"
    assert cache.get_id("2006.03654") is not None


def test_link_after_a_partial_failure_does_not_fetch_again_what_it_has(fake_arxiv, seed_library):
    library = Library.open(seed_library)
    note = library.find("xlnet")
    library.save(note, replace(note.paper, arxiv=""))
    before = {p.name: p.read_bytes() for p in seed_library.rglob("*.md")}
    fake_arxiv.fail(503, on="search")
    with pytest.raises(NetworkError, match="HTTP 503 while fetching the search"):
        link_notes(library, library.notes())
    assert {p.name: p.read_bytes() for p in seed_library.rglob("*.md")} == before
    assert len(fake_arxiv.id_requests()) == 1
    fake_arxiv.fail(None)
    report = link_notes(Library.open(seed_library), Library.open(seed_library).notes())
    assert report.summary() == "1 linked, 7 updated, 0 unchanged, 0 skipped"
    assert len(fake_arxiv.id_requests()) == 1  # the seven ids came from the cache


def test_apply_metadata_never_touches_the_users_fields():
    user = Paper(
        title="My title",
        year=2023,
        venue="ICLR",
        code="https://example.org/code",
        key="he2023deberta",
        tags=("nlp",),
        notes=("a note",),
        arxiv="",
    )
    fetched = replace(
        seed_paper := Paper(title="DeBERTaV3: …", year=2021),
        arxiv="2111.09543",
        arxiv_version=2,
        arxiv_title=seed_paper.title,
        authors=("Pengcheng He",),
        abstract="Text.",
        published="2021-11-18",
        updated="2023-03-24",
        categories=("cs.CL", "cs.LG"),
        primary_category="cs.CL",
        doi="10.1/x",
        journal_ref="ICLR 2023",
        comment="c",
        venue="other",
        code="other",
        tags=("other",),
        notes=("other",),
        key="other",
    )
    merged = apply_metadata(user, fetched)
    for name in ("title", "year", "venue", "code", "key", "tags", "notes", "status", "body"):
        assert getattr(merged, name) == getattr(user, name), name
    for name in ("arxiv", *ARXIV_FIELDS):
        assert getattr(merged, name) == getattr(fetched, name), name


def test_titles_match_ignoring_case_punctuation_and_accents():
    assert title_similarity("Ça marche: BERT—vite!", "ca marche bert vite") == 100
    assert title_similarity("BERT", "ALBERT: A Lite BERT for Self-supervised Learning") < 50


def test_year_closeness_allows_a_year_of_conference_delay():
    assert year_closeness(2019, 2019) == year_closeness(2020, 2019) == 100
    assert year_closeness(2021, 2019) == 75 and year_closeness(2018, 2019) == 75
    assert year_closeness(2000, 2019) == 0


def test_a_near_tie_between_two_arxiv_papers_is_not_sure():
    note = Paper(title="Distilling BERT", year=2021)
    twins = [
        Paper(title="Distilling BERT", year=2021, arxiv="2101.00001"),
        Paper(title="Distilling BERT", year=2021, arxiv="2101.00002"),
    ]
    assert sure_match(rank(note, twins)) is None
    assert sure_match(rank(note, twins[:1])).arxiv == "2101.00001"


def test_title_queries_fall_back_to_the_name_before_the_colon():
    queries = title_queries("DEBERTAV3: IMPROVING DEBERTA USING ELECTRA-STYLE PRE-TRAINING")
    assert queries[0].startswith("ti:debertav3 AND ti:improving AND ti:deberta")
    assert queries[1] == "ti:debertav3"
    assert title_queries("A Study of the Things") == ["ti:study AND ti:things"]


def test_the_cache_keeps_every_arxiv_field(tmp_path):
    paper = Paper(
        title="T",
        year=2021,
        arxiv="2006.03654",
        arxiv_version=2,
        arxiv_title="T",
        authors=("A", "B"),
        abstract="Abs.",
        published="2020-06-05",
        updated="2021-10-06",
        categories=("cs.CL", "cs.LG"),
        primary_category="cs.CL",
        doi="10.1/x",
        journal_ref="ICLR 2021",
        comment="c",
    )
    cache = ArxivCache(tmp_path)
    cache.put_id("2006.03654", paper)
    assert cache.get_id("2006.03654") == paper
    assert all(getattr(paper, name) for name in ARXIV_FIELDS)  # every field was filled


def test_the_arxiv_cache_lives_in_the_one_user_cache_folder(tmp_path, monkeypatch):
    from papernotes.storage.caches import location

    monkeypatch.setattr(location, "user_cache_dir", lambda: tmp_path / "elsewhere")
    assert ArxivCache().root == tmp_path / "elsewhere" / "arxiv"


def test_one_client_in_two_threads_asks_one_thing_at_a_time(fake_arxiv):
    """The TUI's add form and its link key share one client: each answer is read whole,
    for the request that asked for it, before the next request goes out."""
    import threading
    import time

    client = ArxivClient()
    fake_arxiv.fail("hold", times=1)
    found: dict[str, object] = {}
    ids = threading.Thread(target=lambda: found.update(ids=client.fetch_ids(["2006.03654"])))
    ids.start()
    deadline = time.monotonic() + 10
    while not fake_arxiv.requests and time.monotonic() < deadline:
        time.sleep(0.01)
    search = threading.Thread(target=lambda: found.update(search=client.search("ti:tinybert")))
    search.start()
    time.sleep(0.5)
    assert len(fake_arxiv.requests) == 1  # the search waits for the held answer
    fake_arxiv.release()
    ids.join(10)
    search.join(10)
    assert [r.query.get("id_list") for r in fake_arxiv.requests] == ["2006.03654", None]
    assert found["ids"]["2006.03654"].arxiv == "2006.03654"
    assert [p.arxiv for p in found["search"]] == ["1909.10351"]
