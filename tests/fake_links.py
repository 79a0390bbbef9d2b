"""Web sites on 127.0.0.1 for the link checker's tests: no network.

``fake_sites`` starts two threaded servers (two hosts: ``site.url(path)`` and
``other.url(path)``) answering the routes the test sets::

    site.route("/ok")                            # 200
    site.route("/gone", 404)
    site.route("/old", 301, location="/new")     # relative or absolute Location
    site.route("/nohead", 200, head=405)         # 405 to HEAD, 200 to GET
    site.route("/busy", 200, fail=[(429, "1")])  # first a 429 with Retry-After: 1
    site.route("/slow", 200, delay=2.0)          # answers after 2 s
    site.route("/wait", 200, wait_for=event)     # answers once another server sets event

``site.requests`` lists every request (method, path, start and end time).
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Route:
    status: int = 200
    location: str = ""
    head: int | None = None
    fail: list[tuple[int, str]] = field(default_factory=list)
    delay: float = 0.0
    wait_for: threading.Event | None = None
    arrived: threading.Event | None = None


@dataclass
class Seen:
    method: str
    path: str
    start: float
    end: float = 0.0


class FakeSite:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Seen] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.site = self  # type: ignore[attr-defined]
        self.root = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return self.root + path

    def route(self, path: str, status: int = 200, **options) -> str:
        self.routes[path] = Route(status, **options)
        return self.url(path)

    def of(self, path: str) -> list[Seen]:
        return [r for r in self.requests if r.path == path]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_HEAD(self) -> None:  # noqa: N802 (http.server's naming)
        self._answer("HEAD")

    def do_GET(self) -> None:  # noqa: N802
        self._answer("GET")

    def _answer(self, method: str) -> None:
        site: FakeSite = self.server.site  # type: ignore[attr-defined]
        seen = Seen(method, self.path, time.monotonic())
        site.requests.append(seen)
        route = site.routes.get(self.path, Route(404))
        if route.arrived is not None:
            route.arrived.set()
        if route.wait_for is not None:
            route.wait_for.wait(10)
        if route.delay:
            time.sleep(route.delay)
        headers = {}
        if route.fail:
            status, retry_after = route.fail.pop(0)
            headers["Retry-After"] = retry_after
        elif method == "HEAD" and route.head is not None:
            status = route.head
        else:
            status = route.status
            if route.location:
                headers["Location"] = route.location
        body = b"" if method == "HEAD" else f"answer {status}\n".encode()
        seen.end = time.monotonic()
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body) or 0))
            self.end_headers()
            if method != "HEAD":
                self.wfile.write(body)
        except OSError:
            pass  # the client gave up waiting (a slow answer after its timeout)

    def log_message(self, format, *args) -> None:  # noqa: A002
        pass


def refused_url() -> str:
    """An address on 127.0.0.1 where nothing listens: connecting is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/repo"


@pytest.fixture
def fake_sites(monkeypatch):
    """Two fake hosts, retries without backoff, arXiv pages on the first host."""
    from papernotes.library import link_check
    from papernotes.web.polite import Politeness

    site, other = FakeSite(), FakeSite()
    monkeypatch.setattr(link_check, "LINK_POLITENESS", Politeness(retries=2, backoff=0.0))
    monkeypatch.setenv("PAPERNOTES_ARXIV_ABS_URL", site.url("/abs/"))
    yield site, other
    site.close()
    other.close()
