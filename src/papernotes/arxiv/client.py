"""The arXiv API client: the only module that imports ``arxiv`` (lazily, on first request).

``arxiv.Client`` does the query building and Atom parsing. A requests adapter mounted on its
session adds what arxiv 4.0.2 lacks: a timeout on every request, our User-Agent, spacing of
requests by a ``RateLimiter``, and a copy of the raw answer, so that an unreadable page (which
the library turns into "zero results") is told apart from a real empty answer. Retries with
backoff are ours too (the library retries connection errors without any delay). Answers come
back as ``Paper`` objects, never ``arxiv.Result``.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from papernotes import __version__
from papernotes.arxiv import DEFAULT_TIMEOUT
from papernotes.errors import NetworkError
from papernotes.model import Paper
from papernotes.text.arxiv_ids import parse_arxiv_id
from papernotes.text.urls import is_loopback, retry_after, retry_wait, tries_said

DEFAULT_URL = "https://export.arxiv.org/api/query"
URL_ENV = "PAPERNOTES_ARXIV_URL"
USER_AGENT = f"papernotes/{__version__}"
ID_BATCH = 100
_ATOM = "{http://www.w3.org/2005/Atom}"
_ATOM_FEED = f"{_ATOM}feed"


@dataclass(frozen=True)
class Politeness:
    """How hard papernotes may press arXiv: spacing, retries and their backoff (seconds)."""

    interval: float = 3.0
    """At least this long between the starts of two requests (arXiv asks for 3 s)."""
    retries: int = 3
    """Further attempts after a 5xx, a 429 or a connection error."""
    backoff: float = 2.0
    """Wait before the first retry; doubles with each further one."""
    max_wait: float = 60.0
    """Upper bound of one wait, including a server's Retry-After."""


DEFAULT_POLITENESS = Politeness()


class RateLimiter:
    """Lets one request start at a time, at least ``interval`` seconds after the previous one.

    Share one limiter (one ``ArxivClient``) per process; clock and sleep are injectable
    so tests can check the spacing without waiting.
    """

    def __init__(
        self,
        interval: float = DEFAULT_POLITENESS.interval,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = interval
        self._clock = clock
        self._sleep = sleep
        self._last: float | None = None
        self._lock = threading.Lock()

    def wait(self) -> None:
        """Block until a request may start, and count it as started."""
        with self._lock:
            if self._last is not None:
                remaining = self._last + self.interval - self._clock()
                if remaining > 0:
                    self._sleep(remaining)
            self._last = self._clock()


class _Attempt(Exception):
    """One failed attempt: whether another may help, and the sentence to show if none is left."""

    def __init__(self, message: str, retry: bool, wait: float = 0.0) -> None:
        super().__init__(message)
        self.retry = retry
        self.wait = wait


class ArxivClient:
    """Asks the arXiv API (or ``$PAPERNOTES_ARXIV_URL``) for papers by id or by title."""

    def __init__(
        self,
        url: str | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        politeness: Politeness | None = None,
        limiter: RateLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
        contact: str = "",
    ) -> None:
        self.url = url or os.environ.get(URL_ENV) or DEFAULT_URL
        # arXiv (like Crossref) asks to be told whom to write to about a misbehaving client
        self.user_agent = f"{USER_AGENT} (mailto:{contact})" if contact else USER_AGENT
        self.timeout = timeout
        # Read the default at call time so tests can make retries fast.
        self.politeness = politeness or DEFAULT_POLITENESS
        self.limiter = limiter or RateLimiter(self.politeness.interval)
        self._sleep = sleep
        self._client: Any = None
        self._last_response: Any = None
        # One request at a time: the arxiv.Client's page size and the last answer are shared
        # (the TUI's "fetch" and "arxiv" workers use one client).
        self._request_lock = threading.Lock()

    # -- public ------------------------------------------------------------

    def fetch_ids(self, ids: Sequence[str]) -> dict[str, Paper]:
        """Papers for ``ids`` (base or versioned), in one ``id_list`` request per 100 ids.

        Keys are the ids as asked; an id arXiv has no entry for is simply absent.
        """
        found: dict[str, Paper] = {}
        wanted = list(dict.fromkeys(ids))
        for start in range(0, len(wanted), ID_BATCH):
            batch = wanted[start : start + ID_BATCH]
            what = batch[0] if len(batch) == 1 else f"{len(batch)} ids ({batch[0]}, …)"
            papers = self._query(what, id_list=batch, max_results=len(batch))
            for key in batch:
                base, version = parse_arxiv_id(key)
                for paper in papers:
                    if paper.arxiv == base and version in (0, paper.arxiv_version):
                        found[key] = paper
                        break
        return found

    def search(self, query: str, max_results: int = 10) -> list[Paper]:
        """Papers answering an arXiv search query such as ``ti:deberta AND ti:attention``."""
        return self._query(f"the search {query!r}", query=query, max_results=max_results)

    # -- one query, with retries -------------------------------------------

    def _query(self, what: str, *, query: str = "", id_list=(), max_results: int) -> list[Paper]:
        attempts = self.politeness.retries + 1
        for attempt in range(attempts):
            try:
                with self._request_lock:
                    return self._attempt(what, query, list(id_list), max_results)
            except _Attempt as failed:
                if not failed.retry:
                    raise NetworkError(str(failed)) from None
                if attempt + 1 == attempts:
                    said = tries_said(attempts)
                    raise NetworkError(f"{failed}{said}; retrying later may help.") from None
                polite = self.politeness
                self._sleep(retry_wait(attempt, polite.backoff, failed.wait, polite.max_wait))
        raise AssertionError("unreachable")

    def _attempt(self, what: str, query: str, id_list: list[str], max_results: int) -> list[Paper]:
        import arxiv
        import requests

        client = self._arxiv_client()
        client.page_size = min(max_results, ID_BATCH)
        search = arxiv.Search(query=query, id_list=id_list, max_results=max_results)
        self._last_response = None
        try:
            results = list(client.results(search))
        except arxiv.HTTPError as exc:
            raise self._http_failure(what, exc.status) from None
        except (ValueError, TypeError):  # the parser chokes on a malformed date or field
            raise _Attempt(
                f"arXiv sent an unreadable answer for {what} (a malformed entry); "
                "nothing was written, and retrying later may help.",
                retry=False,
            ) from None
        except requests.exceptions.Timeout:
            raise _Attempt(
                f"arXiv did not answer within {self.timeout:g} s while fetching {what}; "
                "retrying later (or with a longer --timeout) may help.",
                retry=False,
            ) from None
        except requests.exceptions.ConnectionError as exc:
            raise _Attempt(
                f"Cannot connect to arXiv at {self._host()} while fetching {what} ({_reason(exc)})",
                retry=True,
            ) from None
        except requests.exceptions.RequestException as exc:
            raise _Attempt(
                f"The request to arXiv for {what} failed ({_reason(exc)}); retrying may help.",
                retry=False,
            ) from None
        body = getattr(self._last_response, "content", b"") or b""
        entries = _entry_count(body)
        if entries is None:
            raise _Attempt(
                f"arXiv sent an unreadable answer for {what} (not an Atom feed: an error page "
                "or broken XML); nothing was written, and retrying later may help.",
                retry=False,
            )
        papers = [_to_paper(r, what) for r in results if "/api/errors" not in r.entry_id]
        if len(papers) < min(entries, max_results):
            raise _Attempt(
                f"arXiv sent {entries - len(papers)} unreadable entries for {what} (required "
                "fields missing); nothing was written, and retrying later may help.",
                retry=False,
            )
        return papers

    def _http_failure(self, what: str, status: int) -> _Attempt:
        if status == 429:
            retry_after = _retry_after(self._last_response)
            return _Attempt(
                f"arXiv is limiting our requests (HTTP 429) while fetching {what}",
                retry=True,
                wait=retry_after,
            )
        if status >= 500:
            return _Attempt(f"arXiv answered HTTP {status} while fetching {what}", retry=True)
        return _Attempt(
            f"arXiv refused the request for {what} (HTTP {status}); retrying will not help, "
            "check the id or PAPERNOTES_ARXIV_URL.",
            retry=False,
        )

    # -- the arxiv.Client and its session ------------------------------------

    def _arxiv_client(self) -> Any:
        if self._client is None:
            import arxiv

            # Problems the library only logs (skipped entries) are reported by us instead.
            arxiv_log = logging.getLogger("arxiv")
            if not arxiv_log.handlers:
                arxiv_log.addHandler(logging.NullHandler())

            client = arxiv.Client(page_size=ID_BATCH, delay_seconds=0.0, num_retries=0)
            client.query_url_format = f"{self.url}?{{}}"
            session = client._session  # arxiv 4.0.2 (pinned) exposes no other hook
            session.trust_env = not is_loopback(self.url)
            adapter = _make_adapter(self)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            self._client = client
        return self._client

    def _host(self) -> str:
        return urlsplit(self.url).netloc or self.url


def _make_adapter(owner: ArxivClient) -> Any:
    """A requests adapter: waits for the limiter, sets timeout and User-Agent, keeps the answer."""
    from requests.adapters import HTTPAdapter

    class PoliteAdapter(HTTPAdapter):
        def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
            owner.limiter.wait()
            request.headers["User-Agent"] = owner.user_agent
            response = super().send(
                request,
                stream=stream,
                timeout=timeout if timeout is not None else owner.timeout,
                verify=verify,
                cert=cert,
                proxies=proxies,
            )
            owner._last_response = response
            return response

    return PoliteAdapter(max_retries=0)


def _to_paper(result: Any, what: str) -> Paper:
    """Our ``Paper`` for one ``arxiv.Result``: arXiv's title, v1's year, every arXiv field."""
    try:
        base, version = parse_arxiv_id(result.entry_id)
    except Exception:
        raise _Attempt(
            f"arXiv sent an entry with an unreadable id ({result.entry_id!r}) for {what}; "
            "retrying later may help.",
            retry=False,
        ) from None
    title = " ".join(result.title.split())
    return Paper(
        title=title,
        year=result.published.year,
        arxiv=base,
        arxiv_version=version,
        arxiv_title=title,
        authors=tuple(" ".join(a.name.split()) for a in result.authors if a.name.strip()),
        abstract=" ".join((result.summary or "").split()),
        published=result.published.date().isoformat(),
        updated=result.updated.date().isoformat(),
        categories=tuple(result.categories),
        primary_category=result.primary_category or "",
        doi=(result.doi or "").strip(),
        journal_ref=" ".join((result.journal_ref or "").split()),
        comment=" ".join((result.comment or "").split()),
    )


def _entry_count(body: bytes) -> int | None:
    """Entries in an Atom feed, not counting arXiv's error entries; None if not a feed."""
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        return None
    if root.tag != _ATOM_FEED:
        return None
    ids = [entry.findtext(f"{_ATOM}id") or "" for entry in root.iter(f"{_ATOM}entry")]
    return sum(1 for entry_id in ids if "/api/errors" not in entry_id)


def _retry_after(response: Any) -> float:
    """Seconds the response's ``Retry-After`` asks for; 0 without a response or header."""
    headers = getattr(response, "headers", None)
    return retry_after(headers.get("Retry-After") if headers is not None else None)


def _reason(exc: Exception) -> str:
    """A short cause for a requests error, without urllib3's nested reprs."""
    text = str(exc)
    for marker in ("Connection refused", "Name or service not known", "timed out", "reset"):
        if marker.lower() in text.lower():
            return marker.lower()
    return type(exc).__name__
