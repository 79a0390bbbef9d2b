"""One polite HTTP client for every web service but arXiv (and for a later link checker).

Per host: one request at a time, at least ``interval`` seconds between the starts of two,
and a ``Retry-After`` a server sent (429, 503) honoured by every later request to it.
Every request has a timeout and our User-Agent (``papernotes/VERSION (mailto:CONTACT)``);
429, 5xx and refused connections are retried with doubling backoff. Answers can be kept in
a cache (anything with ``get(key, max_age)`` and ``put(key, status, body)``, such as
``storage.web_cache.WebCache``): offline, only the cache answers.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlencode, urlsplit

from papernotes import __version__
from papernotes.errors import NetworkError
from papernotes.text.urls import is_loopback, retry_after, retry_wait, tries_said
from papernotes.web import DEFAULT_TIMEOUT

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Politeness:
    """How hard papernotes may press one service (seconds)."""

    retries: int = 3
    """Further attempts after a 429, a 5xx or a refused connection."""
    backoff: float = 2.0
    """Wait before the first retry; doubles with each further one."""
    max_wait: float = 60.0
    """Upper bound of one wait, a server's Retry-After included."""


DEFAULT_POLITENESS = Politeness()


class OfflineMissError(NetworkError):
    """Offline, and the answer is not in the cache."""

    reached_network = False  # nothing was asked: exit status 1, not the network's 3


class RequestFailedError(NetworkError):
    """A request that got no usable answer: ``reason`` says why in a word or two
    (``timeout``, ``connection refused``, ``429``…), ``status`` the last HTTP status (0: none)."""

    def __init__(self, message: str, reason: str, status: int = 0) -> None:
        super().__init__(message)
        self.reason, self.status = reason, status


class AnswerCache(Protocol):
    """Where answers are kept: ``storage.web_cache.WebCache``."""

    def get(self, key: str, max_age: float | None) -> tuple[int, bytes] | None: ...

    def put(self, key: str, status: int, body: bytes) -> None: ...


@dataclass(frozen=True)
class Answer:
    """One HTTP answer: its status, body and (when it came from the network) headers."""

    status: int
    body: bytes
    url: str
    headers: Mapping[str, str]
    cached: bool = False


class HostGate:
    """Lets one request to a host run at a time, ``interval`` seconds after the last began,
    and not before a time a server named (Retry-After)."""

    def __init__(self, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
        self.lock = threading.Lock()  # held for a whole request: one at a time per host
        self._clock, self._sleep = clock, sleep
        self._last: float | None = None
        self._not_before = 0.0

    def wait(self, interval: float) -> None:
        """Sleep until a request may start (call with ``lock`` held); count it as started."""
        start = self._not_before
        if self._last is not None:
            start = max(start, self._last + interval)
        remaining = start - self._clock()
        if remaining > 0:
            self._sleep(remaining)
        self._last = self._clock()

    def hold_off(self, seconds: float) -> None:
        """No request before ``seconds`` from now (a server's Retry-After)."""
        self._not_before = max(self._not_before, self._clock() + seconds)


class PoliteClient:
    """HTTP GET/HEAD for papernotes' web services, polite per host (module docstring).

    Share one client for a whole command (or a whole TUI session): its gates space the
    requests to each host. ``clock`` and ``sleep`` are injectable so tests see every wait.
    """

    def __init__(
        self,
        *,
        contact: str = "",
        timeout: float = DEFAULT_TIMEOUT,
        politeness: Politeness | None = None,
        cache: AnswerCache | None = None,
        offline: bool = False,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.user_agent = f"papernotes/{__version__}" + (f" (mailto:{contact})" if contact else "")
        self.timeout = timeout
        self.politeness = politeness or DEFAULT_POLITENESS  # read at call time: tests patch it
        self.cache = cache
        self.offline = offline
        self._clock, self._sleep = clock, sleep
        self._gates: dict[str, HostGate] = {}
        self._gates_lock = threading.Lock()
        self._sessions: dict[bool, Any] = {}

    # -- what the services call ----------------------------------------------

    def get_json(
        self,
        service: str,
        url: str,
        params: Mapping[str, str] | None = None,
        *,
        interval: float = 1.0,
        max_age: float | None = None,
        absent: frozenset[int] = frozenset({404}),
    ) -> Any:
        """The JSON ``url`` answers, or None when it answers one of the ``absent`` statuses
        (404: no such paper). Cached answers younger than ``max_age`` seconds are used;
        offline, any cached answer. A malformed answer is a ``NetworkError`` and is not cached.
        """
        full = with_query(url, params)
        key = f"GET {full}"
        if self.cache is not None:
            kept = self.cache.get(key, None if self.offline else max_age)
            if kept is not None:
                status, body = kept
                return None if status in absent else _json(service, body, full)
        if self.offline:
            raise OfflineMissError(
                f"{service}'s answer for {_shown(full)} is not in the cache, and offline "
                "mode (--offline or PAPERNOTES_OFFLINE) forbids asking; run without it."
            )
        answer = self.request("GET", full, service=service, interval=interval, accept=absent)
        data = None if answer.status in absent else _json(service, answer.body, full)
        if self.cache is not None:
            self.cache.put(key, answer.status, b"" if data is None else answer.body)
        return data

    def request(
        self,
        method: str,
        url: str,
        *,
        service: str = "",
        interval: float = 1.0,
        accept: frozenset[int] = frozenset(),
        headers: Mapping[str, str] | None = None,
        follow_redirects: bool = True,
        read_body: bool = True,
    ) -> Answer:
        """One request (``GET``, ``HEAD``), retried as the politeness allows. A status other
        than 2xx or ``accept`` is a ``NetworkError`` naming ``service`` (default: the host).
        Without ``follow_redirects`` a 3xx is the answer (the link checker reports each hop);
        without ``read_body`` the body is not downloaded (``Answer.body`` is empty)."""
        service = service or urlsplit(url).netloc
        attempts = self.politeness.retries + 1
        for attempt in range(attempts):
            try:
                answer = self._attempt(
                    method, url, service, interval, headers, follow_redirects, read_body
                )
            except _Retry as failed:
                if attempt + 1 == attempts:
                    raise RequestFailedError(
                        f"{failed}{tries_said(attempts)}; retrying later may help.",
                        failed.reason,
                        failed.status,
                    ) from None
                polite = self.politeness
                self._sleep(retry_wait(attempt, polite.backoff, failed.wait, polite.max_wait))
                continue
            if 200 <= answer.status < 300 or answer.status in accept:
                return answer
            raise RequestFailedError(
                f"{service} refused the request for {_shown(url)} (HTTP {answer.status}); "
                "retrying will not help.",
                str(answer.status),
                answer.status,
            )
        raise AssertionError("unreachable")

    # -- one attempt ----------------------------------------------------------

    def _attempt(
        self,
        method: str,
        url: str,
        service: str,
        interval: float,
        headers: Mapping[str, str] | None,
        follow_redirects: bool = True,
        read_body: bool = True,
    ) -> Answer:
        import requests

        gate = self._gate(url)
        sent = {"User-Agent": self.user_agent, "Accept": "application/json", **(headers or {})}
        with gate.lock:
            gate.wait(interval)
            try:
                response = self._requests_session(is_loopback(url)).request(
                    method,
                    url,
                    headers=sent,
                    timeout=self.timeout,
                    allow_redirects=follow_redirects,
                    stream=not read_body,
                )
            except requests.exceptions.Timeout:
                raise RequestFailedError(
                    f"{service} did not answer within {self.timeout:g} s for {_shown(url)}; "
                    "nothing was written, and retrying later (or with a longer --timeout) "
                    "may help.",
                    "timeout",
                ) from None
            except requests.exceptions.ConnectionError as exc:
                reason = _reason(exc)
                raise _Retry(f"Cannot connect to {service} ({reason})", reason=reason) from None
            except requests.exceptions.RequestException as exc:
                raise RequestFailedError(
                    f"The request to {service} for {_shown(url)} failed ({_reason(exc)}).",
                    _reason(exc),
                ) from None
            if response.status_code in RETRY_STATUSES:
                response.close()
                wait = retry_after(response.headers.get("Retry-After"))
                if wait:
                    gate.hold_off(min(wait, self.politeness.max_wait))
                raise _Retry(
                    f"{service} answered HTTP {response.status_code} for {_shown(url)}",
                    wait,
                    str(response.status_code),
                    response.status_code,
                )
            body = b"" if method == "HEAD" or not read_body else response.content
            response.close()
            return Answer(response.status_code, body, response.url, dict(response.headers))

    def _gate(self, url: str) -> HostGate:
        host = urlsplit(url).netloc
        with self._gates_lock:
            gate = self._gates.get(host)
            if gate is None:
                gate = self._gates[host] = HostGate(self._clock, self._sleep)
            return gate

    def _requests_session(self, loopback: bool) -> Any:
        """A session per kind of host: an environment proxy never sees loopback requests."""
        session = self._sessions.get(loopback)
        if session is None:
            import requests

            session = self._sessions[loopback] = requests.Session()
            session.trust_env = not loopback
        return session


class _Retry(Exception):
    """One failed attempt that another may mend; ``wait``: the server's Retry-After."""

    def __init__(self, message: str, wait: float = 0.0, reason: str = "", status: int = 0) -> None:
        super().__init__(message)
        self.wait, self.reason, self.status = wait, reason, status


def with_query(url: str, params: Mapping[str, str] | None) -> str:
    """``url`` with ``params`` appended as its query, in the order given."""
    if not params:
        return url
    return f"{url}{'&' if '?' in url else '?'}{urlencode(dict(params))}"


def _json(service: str, body: bytes, url: str) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise NetworkError(
            f"{service} sent an unreadable answer for {_shown(url)} (not JSON: an error page "
            "or a cut-off answer); nothing was written, and retrying later may help."
        ) from None


def _shown(url: str) -> str:
    """A URL short enough for a one-line message."""
    return url if len(url) <= 120 else url[:117] + "…"


def _reason(exc: Exception) -> str:
    """A short cause for a requests error, without urllib3's nested reprs."""
    text = str(exc).lower()
    markers = (
        "connection refused",
        "name or service not known",
        "timed out",
        "reset",
        "certificate verify failed",
    )
    for marker in markers:
        if marker in text:
            return marker
    return type(exc).__name__
