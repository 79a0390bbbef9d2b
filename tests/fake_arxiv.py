"""A fake arXiv API on 127.0.0.1 for tests: Atom feeds for the eight seed papers, no network.

Use the ``fake_arxiv`` fixture. It starts a threaded ``http.server`` on a random port, points
``PAPERNOTES_ARXIV_URL`` at it, makes arXiv requests fast (no 3 s spacing, no retry backoff;
still 3 retries), and yields a ``FakeArxiv``::

    def test_something(fake_arxiv):
        fake_arxiv.fail(503, times=1)   # the next request answers 503, later ones work
        fake_arxiv.fail(503)            # every request answers 503 (also 429, 500, …)
        fake_arxiv.fail("hang")         # accept, never answer (use a short --timeout)
        fake_arxiv.fail("hold", times=1)  # answer normally, but only after fake_arxiv.release()
        fake_arxiv.fail("html")         # an HTML error page with status 200
        fake_arxiv.fail("malformed")    # broken XML with status 200
        fake_arxiv.fail("empty")        # a valid Atom feed without entries
        fake_arxiv.fail("broken-entry")  # the answer, but <published> missing from each entry
        fake_arxiv.fail(503, on="search")  # only title searches fail ("ids": only id_list)
        fake_arxiv.close()              # stop the server: connections are refused
        fake_arxiv.add(FakePaper(...))  # serve one more paper
        fake_arxiv.release()            # let held requests answer (and later ones not wait)
        fake_arxiv.requests             # every request: .time (monotonic), .query (dict), .headers
        fake_arxiv.id_requests()        # the id_list values asked, one list per request

It answers ``id_list=a,b`` (base or versioned ids; unknown ids are left out) and
``search_query`` made of ``ti:word`` / ``ti:"a phrase"`` terms joined by ``AND``, matched
against the normalised title like arXiv's word search. Summaries are our own fixture text.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape, quoteattr

import pytest

from papernotes.model import normalize_title

SEED_FACTS = Path(__file__).resolve().parent / "data" / "seed-papers.tsv"
_ID = re.compile(r"^(?P<base>.+?)(?:v(?P<version>\d+))?$")


@dataclass(frozen=True)
class FakePaper:
    """One paper the fake serves; ``versions`` versions, v1 on ``published``."""

    arxiv: str
    title: str
    authors: tuple[str, ...]
    published: str
    primary: str = "cs.CL"
    categories: tuple[str, ...] = ("cs.CL",)
    versions: int = 2
    summary: str = "Fixture summary written for the tests."
    doi: str = ""
    journal_ref: str = ""
    comment: str = ""

    def updated(self, version: int) -> str:
        day = dt.date.fromisoformat(self.published) + dt.timedelta(days=40 * (version - 1))
        return f"{day.isoformat()}T12:00:00Z"


def seed_papers() -> list[FakePaper]:
    """The eight seed papers from the verified facts (ids, titles, authors, v1 dates)."""
    with SEED_FACTS.open(encoding="utf-8") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        return [
            FakePaper(
                arxiv=row["arxiv_id"],
                title=row["title"],
                authors=tuple(a.strip() for a in row["authors"].split(";")),
                published=row["v1_date"],
                primary=row["primary"],
                categories=(row["primary"], "cs.LG") if i % 2 else (row["primary"],),
                versions=1 + i % 3,
                summary=f"Fixture text: {row['short']} is a pre-trained language model paper.",
                journal_ref=row["venue"],
                comment="Accepted paper." if row["venue"] else "",
                doi=f"10.48550/arXiv.{row['arxiv_id']}" if i == 0 else "",
            )
            for i, row in enumerate(rows)
        ]


@dataclass(frozen=True)
class Request:
    time: float
    query: dict[str, str]
    headers: dict[str, str]


@dataclass
class FakeArxiv:
    """The server's state; see the module docstring."""

    papers: dict[str, FakePaper] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    url: str = ""
    _failure: object = None
    _failures_left: int | None = None
    _failure_on: str | None = None
    _release: threading.Event = field(default_factory=threading.Event)
    _held: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    def add(self, paper: FakePaper) -> None:
        self.papers[paper.arxiv] = paper

    def fail(self, kind: int | str, times: int | None = None, on: str | None = None) -> None:
        """Answer the next ``times`` requests (all, when None) with ``kind``; see module doc.

        ``on="ids"`` or ``on="search"`` limits the failure to that kind of request.
        """
        with self._lock:
            self._failure, self._failures_left, self._failure_on = kind, times, on

    def id_requests(self) -> list[list[str]]:
        return [r.query["id_list"].split(",") for r in self.requests if r.query.get("id_list")]

    def release(self) -> None:
        """Answer the requests held by ``fail("hold")``."""
        self._held.set()

    def close(self) -> None:
        """Stop serving; the port then refuses connections."""
        self._release.set()
        self._held.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # -- answering -----------------------------------------------------------

    def _next_failure(self, query: dict[str, str]) -> object:
        with self._lock:
            if self._failure is None:
                return None
            if self._failure_on and self._failure_on != ("ids" if "id_list" in query else "search"):
                return None
            kind = self._failure
            if self._failures_left is not None:
                self._failures_left -= 1
                if self._failures_left <= 0:
                    self._failure = None
            return kind

    def answer(self, query: dict[str, str]) -> bytes:
        ids = [i for i in query.get("id_list", "").split(",") if i]
        start = int(query.get("start", "0"))
        size = int(query.get("max_results", "10"))
        found: list[tuple[FakePaper, int]] = []
        if ids:
            for wanted in ids:
                match = _ID.match(wanted)
                base, version = match["base"], match["version"]
                paper = self.papers.get(base)
                if paper and (not version or int(version) <= paper.versions):
                    found.append((paper, int(version) if version else paper.versions))
        else:
            terms = _terms(query.get("search_query", ""))
            for paper in self.papers.values():
                words = normalize_title(paper.title).split()
                if terms and all(_contains(words, term) for term in terms):
                    found.append((paper, paper.versions))
        return feed(found[start : start + size], total=len(found))


def _terms(search_query: str) -> list[list[str]]:
    terms = []
    for part in search_query.split(" AND "):
        part = part.strip()
        if part.startswith("ti:"):
            terms.append(normalize_title(part[3:].strip('"')).split())
    return terms


def _contains(words: list[str], phrase: list[str]) -> bool:
    n = len(phrase)
    return any(words[i : i + n] == phrase for i in range(len(words) - n + 1))


def feed(entries: list[tuple[FakePaper, int]], total: int) -> bytes:
    """An arXiv-style Atom feed with ``entries`` (paper, version)."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom"'
        ' xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">',
        "<title>arXiv Query</title><id>http://arxiv.org/api/fake</id>",
        "<updated>2026-01-01T00:00:00-05:00</updated>",
        f"<opensearch:totalResults>{total}</opensearch:totalResults>",
        "<opensearch:startIndex>0</opensearch:startIndex>",
        f"<opensearch:itemsPerPage>{len(entries)}</opensearch:itemsPerPage>",
    ]
    for paper, version in entries:
        abs_url = f"http://arxiv.org/abs/{paper.arxiv}v{version}"
        # arXiv wraps long titles; the client must collapse the whitespace.
        title = escape(paper.title).replace(": ", ":\n  ", 1)
        parts += [
            "<entry>",
            f"<id>{abs_url}</id>",
            f"<updated>{paper.updated(version)}</updated>",
            f"<published>{paper.published}T17:59:00Z</published>",
            f"<title>{title}</title>",
            f"<summary>  {escape(paper.summary)}\n</summary>",
            *(f"<author><name>{escape(a)}</name></author>" for a in paper.authors),
            f'<link href="{abs_url}" rel="alternate" type="text/html"/>',
            f'<link title="pdf" href="http://arxiv.org/pdf/{paper.arxiv}v{version}"'
            ' rel="related" type="application/pdf"/>',
            f'<arxiv:primary_category term="{paper.primary}"/>',
            *(f"<category term={quoteattr(c)}/>" for c in paper.categories),
        ]
        for tag, value in (
            ("doi", paper.doi),
            ("journal_ref", paper.journal_ref),
            ("comment", paper.comment),
        ):
            if value:
                parts.append(f"<arxiv:{tag}>{escape(value)}</arxiv:{tag}>")
        parts.append("</entry>")
    parts.append("</feed>")
    return "\n".join(parts).encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        fake = self.server.fake
        query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        fake.requests.append(Request(time.monotonic(), query, dict(self.headers.items())))
        failure = fake._next_failure(query)
        if failure == "hang":
            fake._release.wait(30)
            return
        if failure == "hold":
            fake._held.wait(30)
            failure = None
        if isinstance(failure, int):
            self._send(failure, b"<html><body>Service unavailable</body></html>", "text/html")
        elif failure == "html":
            self._send(200, b"<!DOCTYPE html><html><body><h1>Oops</h1><p>x<br></body></html>")
        elif failure == "malformed":
            self._send(200, feed([], 0)[:-30], "application/atom+xml")
        elif failure == "broken-entry":
            body = re.sub(rb"<published>[^<]*</published>", b"", fake.answer(query))
            self._send(200, body, "application/atom+xml")
        elif failure == "empty":
            self._send(200, feed([], 0), "application/atom+xml")
        else:
            self._send(200, fake.answer(query), "application/atom+xml")

    def _send(self, status: int, body: bytes, kind: str = "text/html") -> None:
        self.send_response(status)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args) -> None:  # noqa: A002
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    fake: FakeArxiv


def start(papers: list[FakePaper] | None = None) -> FakeArxiv:
    """A running fake with ``papers`` (default: the eight seed papers); ``close()`` it after."""
    fake = FakeArxiv()
    for paper in seed_papers() if papers is None else papers:
        fake.add(paper)
    server = _Server(("127.0.0.1", 0), _Handler)
    server.fake = fake
    fake._server = server
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/api/query"
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return fake


@pytest.fixture
def fake_arxiv(monkeypatch):
    """A ``FakeArxiv`` serving the seed papers; PAPERNOTES_ARXIV_URL points at it."""
    from papernotes.arxiv import client as arxiv_client

    fake = start()
    monkeypatch.setenv("PAPERNOTES_ARXIV_URL", fake.url)
    monkeypatch.setattr(
        arxiv_client, "DEFAULT_POLITENESS", arxiv_client.Politeness(interval=0.0, backoff=0.0)
    )
    yield fake
    fake.close()
