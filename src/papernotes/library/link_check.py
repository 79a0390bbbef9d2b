"""``papernotes check --links``: is every web link in the library still there?

Each distinct URL is asked once, with ``HEAD`` (falling back to ``GET`` when a server
refuses ``HEAD``: 400, 403, 405, 406 or 501), through the shared ``PoliteClient``: one request
per host at a time, ``delay`` seconds apart, Retry-After honoured. Hosts are checked side by
side, one thread per host. Redirects are followed here, hop by hop, so the report names the
chain's final address and whether every hop was permanent (301, 308). Answers are kept in
the web cache for ``max_age`` seconds; offline, only the cache answers.
``fix_redirects`` rewrites permanent redirects in one ``Library.writing()`` block.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from papernotes.errors import ConflictError, InvalidInputError, NetworkError
from papernotes.library.link_sources import (
    LinkPlace,
    find_urls,
    layout_links,
    library_links,
    rewritten_layout,
    rewritten_paper,
)
from papernotes.text.urls import is_browsable
from papernotes.web.polite import Answer, PoliteClient, Politeness, RequestFailedError

if TYPE_CHECKING:
    from papernotes.library import Library
    from papernotes.storage.web_cache import WebCache

HEAD_REFUSED = frozenset({400, 403, 405, 406, 501})
"""Answers to ``HEAD`` after which the same URL is asked with ``GET``: servers that do not
implement ``HEAD`` (405, 501) or refuse it where ``GET`` works (400, 403, 406)."""
PERMANENT = frozenset({301, 308})
MAX_HOPS = 10
MAX_HOSTS = 8
"""Hosts checked at the same time (each still one request at a time)."""
DEFAULT_DELAY = 1.0
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_AGE = 24 * 3600.0
LINK_POLITENESS = Politeness(retries=2, backoff=1.0, max_wait=60.0)
"""A refused connection or a 5xx is asked twice more (1 s, then 2 s later); a 429 after
the server's Retry-After."""
CACHE_PREFIX = "LINK "
ANY_STATUS = frozenset(range(100, 600))
TRANSIENT = frozenset({429, *range(500, 600)})
OK, MOVED, BROKEN, UNCHECKED = "ok", "moved", "broken", "not checked"
_REASONS = {
    "name or service not known": "no such host",
    "timed out": "timeout",
    "reset": "connection reset",
    "certificate verify failed": "certificate not valid",
}


@dataclass(frozen=True)
class LinkResult:
    """What one URL answered: its status after the redirects ``hops`` (status, target), or
    the ``problem`` (``timeout``, ``connection refused``…) that kept it from answering."""

    url: str
    status: int = 0
    hops: tuple[tuple[int, str], ...] = ()
    problem: str = ""
    cached: bool = False

    @property
    def final(self) -> str:
        return self.hops[-1][1] if self.hops else self.url

    @property
    def kind(self) -> str:
        if self.problem == "not in the cache" or self.status == 429:
            return UNCHECKED
        if self.problem or not 200 <= self.status < 300:
            return BROKEN
        return MOVED if self.hops else OK

    def describe(self) -> str:
        """``404``, ``moved to URL``, ``timeout``…: the report's verdict."""
        if self.problem == "not in the cache":
            return "not checked (offline, and not in the cache)"
        if self.status == 429:
            return "429 (rate limited; not checked)"
        if self.kind == OK:
            return "ok"
        failure = self.problem or ("" if 200 <= self.status < 300 else str(self.status))
        if failure:
            return f"{failure} (redirected to {self.final})" if self.hops else failure
        temporary = any(status not in PERMANENT for status, _ in self.hops)
        return f"moved to {self.final}" + (" (temporary redirect)" if temporary else "")

    def permanent_target(self) -> str | None:
        """Where the leading permanent redirects (301, 308) lead, when the chain ends in an
        answer (2xx): the address ``--fix-redirects`` writes. None for anything else."""
        if self.kind != MOVED:
            return None
        target = None
        for status, url in self.hops:
            if status not in PERMANENT:
                break
            target = url
        return target

    def to_json(self) -> bytes:
        return json.dumps({"status": self.status, "hops": self.hops}).encode("utf-8")

    @classmethod
    def from_json(cls, url: str, body: bytes) -> LinkResult | None:
        try:
            data = json.loads(body.decode("utf-8"))
            hops = tuple((int(s), str(u)) for s, u in data["hops"])
            return cls(url, int(data["status"]), hops, cached=True)
        except (ValueError, KeyError, TypeError):
            return None


@dataclass(frozen=True)
class LinkReport:
    """Every place with its URL's result, in library order."""

    places: tuple[tuple[LinkPlace, LinkResult], ...]

    def count(self, kind: str) -> int:
        return sum(1 for _, result in self.places if result.kind == kind)

    @property
    def broken(self) -> bool:
        return self.count(BROKEN) > 0

    def summary(self) -> str:
        links = "link" if len(self.places) == 1 else "links"
        return (
            f"{len(self.places)} {links} checked: {self.count(BROKEN)} broken, "
            f"{self.count(MOVED)} moved, {self.count(UNCHECKED)} not checked"
        )


class LinkChecker:
    """Checks URLs politely: ``http`` makes the requests, ``cache`` keeps the answers."""

    def __init__(
        self,
        http: PoliteClient,
        cache: WebCache | None = None,
        *,
        delay: float = DEFAULT_DELAY,
        max_age: float = DEFAULT_MAX_AGE,
        offline: bool = False,
    ) -> None:
        self.http, self.cache = http, cache
        self.delay, self.max_age, self.offline = delay, max_age, offline

    def check_all(
        self, urls: Iterable[str], progress: Callable[[int, int], None] | None = None
    ) -> dict[str, LinkResult]:
        """The result of each distinct URL; hosts side by side, each host's URLs in turn.
        ``progress(done, total)`` is called after each URL (from one thread at a time)."""
        by_host: dict[str, list[str]] = {}
        for url in dict.fromkeys(urls):
            by_host.setdefault(urlsplit(url).netloc.lower(), []).append(url)
        total = sum(len(group) for group in by_host.values())
        results: dict[str, LinkResult] = {}
        lock = threading.Lock()

        def check_host(group: list[str]) -> None:
            for url in group:
                result = self.check(url)
                with lock:
                    results[url] = result
                    if progress is not None:
                        progress(len(results), total)

        if by_host:
            with ThreadPoolExecutor(max_workers=min(MAX_HOSTS, len(by_host))) as pool:
                for done in [pool.submit(check_host, group) for group in by_host.values()]:
                    done.result()
        return results

    def check(self, url: str) -> LinkResult:
        """One URL's result: from the cache when it is young enough, else asked."""
        key = CACHE_PREFIX + url
        if self.cache is not None:
            kept = self.cache.get(key, None if self.offline else self.max_age)
            if kept is not None:
                result = LinkResult.from_json(url, kept[1])
                if result is not None:
                    return result
        if self.offline:
            return LinkResult(url, problem="not in the cache")
        result = self.ask(url)
        # a timeout, a refusal, a 429 or a 5xx is a moment's answer, not the link's
        if self.cache is not None and not result.problem and result.status not in TRANSIENT:
            self.cache.put(key, result.status, result.to_json())
        return result

    def ask(self, url: str) -> LinkResult:
        """Follow ``url``'s redirects hop by hop, with ``HEAD`` (``GET`` where refused)."""
        method, current, seen = "HEAD", url, {url}
        hops: list[tuple[int, str]] = []
        try:
            for _ in range(MAX_HOPS + 1):
                answer = self._request(method, current)
                if method == "HEAD" and answer.status in HEAD_REFUSED:
                    method = "GET"
                    answer = self._request(method, current)
                location = answer.headers.get("Location") or answer.headers.get("location")
                if not (300 <= answer.status < 400 and location):
                    return LinkResult(url, answer.status, tuple(hops))
                target = urljoin(current, location.strip())
                hops.append((answer.status, target))
                if not is_browsable(target):
                    return LinkResult(url, 0, tuple(hops), "redirect to a non-web address")
                if target in seen:
                    return LinkResult(url, 0, tuple(hops), "redirect loop")
                seen.add(target)
                current = target
            return LinkResult(url, 0, tuple(hops), "too many redirects")
        except RequestFailedError as exc:
            problem = "" if exc.status else _REASONS.get(exc.reason, exc.reason)
            return LinkResult(url, exc.status, tuple(hops), problem)
        except NetworkError:
            return LinkResult(url, 0, tuple(hops), "request failed")

    def _request(self, method: str, url: str) -> Answer:
        return self.http.request(
            method,
            url,
            interval=self.delay,
            accept=ANY_STATUS,
            headers={"Accept": "*/*"},
            follow_redirects=False,
            read_body=False,
        )


def link_checker(
    *, timeout: float, delay: float, max_age: float, offline: bool = False
) -> LinkChecker:
    """A checker with the user's contact address in its User-Agent and the web cache
    (none when ``PAPERNOTES_NO_CACHE`` is set); offline also when ``PAPERNOTES_OFFLINE``."""
    import os

    from papernotes.library.arxiv_ops import offline_requested
    from papernotes.storage.web_cache import WebCache
    from papernotes.web.contact import contact_address

    http = PoliteClient(contact=contact_address(), timeout=timeout, politeness=LINK_POLITENESS)
    no_cache = os.environ.get("PAPERNOTES_NO_CACHE", "") not in ("", "0")
    cache = None if no_cache else WebCache()
    return LinkChecker(
        http, cache, delay=delay, max_age=max_age, offline=offline_requested(offline)
    )


def check_links(
    library: Library,
    checker: LinkChecker,
    progress: Callable[[int, int], None] | None = None,
) -> LinkReport:
    """Every link of ``library`` (notes, then the document's link sections) with its result."""
    places = library_links(library)
    results = checker.check_all((p.url for p in places), progress)
    return LinkReport(tuple((p, results[p.url]) for p in places))


@dataclass(frozen=True)
class Rewrite:
    """One URL rewritten (or, with ``skipped``, why not) by ``fix_redirects``."""

    where: str
    old: str
    new: str
    skipped: str = ""


def fix_redirects(library: Library, report: LinkReport) -> list[Rewrite]:
    """Rewrite each permanently redirected URL (301/308 all the way to an answer) to its
    new address, in the notes and ``document.yaml``, in one ``writing()`` block, each file
    as it is on disk then. A temporary redirect (302, 303, 307) is never rewritten."""
    targets: dict[str, str] = {}
    wanted: list[LinkPlace] = []
    for place, result in report.places:
        target = result.permanent_target()
        if target and place.rewritable:
            targets[place.url] = target
            wanted.append(place)
    if not wanted:
        return []

    def new(url: str) -> str | None:
        return targets.get(url)

    done: list[Rewrite] = []
    with library.writing():
        held = {note.path: note for note in library.notes()}
        for path in dict.fromkeys(p.note_path for p in wanted if p.note_path):
            places = [p for p in wanted if p.note_path == path]
            note = held.get(path)
            if note is None:
                done += [
                    Rewrite(p.where, p.url, targets[p.url], "the note is gone") for p in places
                ]
                continue
            try:
                current = library.current(note)
            except (ConflictError, InvalidInputError) as exc:  # moved, removed, unreadable
                done += [Rewrite(p.where, p.url, targets[p.url], str(exc)) for p in places]
                continue
            paper = rewritten_paper(current.paper, new)
            if paper != current.paper:
                library.save(current, paper)
            present = set(find_urls("\n".join([current.paper.code, *current.paper.notes])))
            present.update(find_urls(current.paper.body))
            done += [_rewrite(p, targets[p.url], p.url in present) for p in places]
        sections = [p for p in wanted if not p.note_path]
        if sections:
            layout = library.layout()
            changed = rewritten_layout(layout, new)
            if changed != layout:
                library.save_layout(changed)
            present = {p.url for p in layout_links(layout)}
            done += [_rewrite(p, targets[p.url], p.url in present) for p in sections]
    return done


def _rewrite(place: LinkPlace, target: str, present: bool) -> Rewrite:
    skipped = "" if present else "no longer there (changed since it was checked)"
    return Rewrite(place.where, place.url, target, skipped)
