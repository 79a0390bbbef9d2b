"""The polite HTTP client: spacing, Retry-After, retries, timeouts, the cache, the User-Agent."""

from __future__ import annotations

import pytest

from papernotes import __version__
from papernotes.errors import NetworkError
from papernotes.storage.web_cache import WebCache
from papernotes.text.urls import retry_after
from papernotes.web.contact import contact_address
from papernotes.web.polite import (
    OfflineMissError,
    PoliteClient,
    Politeness,
    RequestFailedError,
)

FAST = Politeness(retries=3, backoff=0.0)


class FakeTime:
    """A clock that moves only when slept on, and the sleeps asked for."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 3))
        self.now += seconds


def client(**options) -> tuple[PoliteClient, FakeTime]:
    fake_time = FakeTime()
    options.setdefault("politeness", FAST)
    made = PoliteClient(clock=fake_time.clock, sleep=fake_time.sleep, **options)
    return made, fake_time


def dblp_url(fake) -> str:
    return f"{fake.root}/dblp/search/publ/api"


def ask(http: PoliteClient, fake, words: str = "XLNet", interval: float = 0.0):
    return http.get_json("DBLP", dblp_url(fake), {"q": words, "format": "json"}, interval=interval)


def test_requests_to_one_service_start_at_least_its_interval_apart(fake_scholarly):
    http, fake_time = client()
    ask(http, fake_scholarly, "XLNet", interval=1.5)
    ask(http, fake_scholarly, "TinyBERT", interval=1.5)
    ask(http, fake_scholarly, "ALBERT", interval=1.5)
    assert fake_time.sleeps == [1.5, 1.5]
    assert len(fake_scholarly.of("dblp")) == 3


def test_a_429_with_retry_after_is_waited_out_before_the_retry(fake_scholarly):
    fake_scholarly.fail("dblp", 429, times=1, retry_after=7)
    http, fake_time = client()
    data = ask(http, fake_scholarly)
    assert data["result"]["hits"]["@total"] != "0"
    assert sum(fake_time.sleeps) >= 7  # the server's wish, though our own backoff is 0
    requests = fake_scholarly.of("dblp")
    assert len(requests) == 2


def test_retry_after_as_an_http_date_and_as_seconds_are_both_understood():
    assert retry_after("12") == 12.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: no wait
    assert retry_after("soon") == 0.0 and retry_after(None) == 0.0


def test_a_503_is_retried_with_doubling_backoff_and_then_answered(fake_scholarly):
    fake_scholarly.fail("dblp", 503, times=2)
    http, fake_time = client(politeness=Politeness(retries=3, backoff=2.0))
    assert ask(http, fake_scholarly) is not None
    assert fake_time.sleeps == [2.0, 4.0]


def test_a_service_that_always_answers_503_is_one_sentence_after_all_tries(fake_scholarly):
    fake_scholarly.fail("dblp", 503)
    http, _ = client()
    with pytest.raises(NetworkError) as caught:
        ask(http, fake_scholarly)
    assert "DBLP answered HTTP 503" in str(caught.value)
    assert "on all 4 tries" in str(caught.value)
    assert len(fake_scholarly.of("dblp")) == 4


def test_a_slow_service_is_a_timeout_error_not_a_hang(fake_scholarly):
    fake_scholarly.fail("dblp", "slow", times=1)
    http, _ = client(timeout=0.3)
    with pytest.raises(NetworkError, match=r"DBLP did not answer within 0.3 s"):
        ask(http, fake_scholarly)


def test_malformed_json_is_an_error_and_is_not_cached(fake_scholarly, tmp_path):
    cache = WebCache(tmp_path / "web")
    fake_scholarly.fail("dblp", "malformed", times=1)
    http, _ = client(cache=cache)
    with pytest.raises(NetworkError, match="unreadable answer"):
        ask(http, fake_scholarly)
    assert not list((tmp_path / "web").glob("*.json"))
    assert ask(http, fake_scholarly) is not None  # asked again, and now readable


def test_a_cached_answer_is_reused_and_offline_answers_only_from_the_cache(
    fake_scholarly, tmp_path
):
    cache = WebCache(tmp_path / "web")
    first = ask(client(cache=cache)[0], fake_scholarly)
    assert len(fake_scholarly.requests) == 1
    http = client(cache=cache)[0]
    assert (
        http.get_json(
            "DBLP", dblp_url(fake_scholarly), {"q": "XLNet", "format": "json"}, max_age=3600
        )
        == first
    )
    assert len(fake_scholarly.requests) == 1
    offline = client(cache=cache, offline=True)[0]
    assert ask(offline, fake_scholarly) == first
    with pytest.raises(OfflineMissError, match="not in the cache"):
        ask(offline, fake_scholarly, "TinyBERT")
    assert len(fake_scholarly.requests) == 1


def test_an_answer_older_than_its_time_to_live_is_asked_again(fake_scholarly, tmp_path):
    cache = WebCache(tmp_path / "web")
    params = {"q": "XLNet", "format": "json"}
    client(cache=cache)[0].get_json("DBLP", dblp_url(fake_scholarly), params, max_age=3600)
    client(cache=cache)[0].get_json("DBLP", dblp_url(fake_scholarly), params, max_age=-1)
    assert len(fake_scholarly.requests) == 2


def test_the_user_agent_names_papernotes_and_the_configured_contact(
    fake_scholarly, monkeypatch, tmp_path
):
    monkeypatch.setenv("PAPERNOTES_CONTACT", "reader@example.org")
    ask(client(contact=contact_address())[0], fake_scholarly)
    agent = fake_scholarly.requests[-1].headers["User-Agent"]
    assert agent == f"papernotes/{__version__} (mailto:reader@example.org)"
    monkeypatch.delenv("PAPERNOTES_CONTACT")
    (tmp_path / "venues.toml").write_text('contact = "me@example.org"\n', encoding="utf-8")
    assert contact_address(tmp_path) == "me@example.org"
    assert contact_address(tmp_path / "none") == ""


def test_a_contact_line_in_venues_toml_is_not_taken_for_a_venue(tmp_path):
    from papernotes.formats.bibtex.venues import VenueTable

    (tmp_path / "venues.toml").write_text(
        'contact = "me@example.org"\n[COLM2]\nname = "Conference on Language Models"\n',
        encoding="utf-8",
    )
    assert VenueTable.load(tmp_path).find("COLM2") is not None


def test_two_threads_sharing_a_client_send_one_request_at_a_time_to_a_service(fake_scholarly):
    """The TUI's workers share one client: a second request waits for the first answer."""
    import threading

    fake_scholarly.slow_seconds = 0.5
    fake_scholarly.fail("dblp", "slow", times=1)
    http = PoliteClient(politeness=FAST)
    first = threading.Thread(target=ask, args=(http, fake_scholarly, "XLNet"))
    first.start()
    while not fake_scholarly.of("dblp"):  # the slow request has arrived
        threading.Event().wait(0.01)
    ask(http, fake_scholarly, "TinyBERT")
    first.join()
    started = [r.time for r in fake_scholarly.of("dblp")]
    assert len(started) == 2
    assert started[1] - started[0] >= 0.45  # sent only once the slow answer had come


def test_a_redirect_can_be_the_answer_and_a_failed_request_says_why_in_a_word(fake_sites):
    site, _ = fake_sites
    moved = site.route("/old", 301, location="/new")
    site.route("/new")
    http, _ = client(timeout=0.3)
    answer = http.request("HEAD", moved, follow_redirects=False, accept=frozenset({301}))
    assert (answer.status, answer.headers["Location"]) == (301, "/new")
    assert http.request("GET", moved, read_body=False).status == 200  # followed by default
    with pytest.raises(RequestFailedError) as refused:
        http.request("GET", site.route("/gone", 404))
    assert (refused.value.reason, refused.value.status) == ("404", 404)
    with pytest.raises(RequestFailedError) as slow:
        http.request("GET", site.route("/slow", delay=1.0))
    assert slow.value.reason == "timeout"
