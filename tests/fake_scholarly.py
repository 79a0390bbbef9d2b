"""Fake Semantic Scholar, DBLP and Crossref APIs on 127.0.0.1 for tests: no network.

Use the ``fake_scholarly`` fixture: one threaded ``http.server`` on a random port serving

- ``/s2/paper/arXiv:ID`` and ``/s2/paper/DOI:…`` (the Graph API's paper object, 404 with
  ``{"error": …}`` for an unknown id),
- ``/dblp/search/publ/api?q=…&format=json&h=N`` (DBLP's ``result.hits.hit[].info``; one
  author as an object, not a list, as DBLP does; no ``hit`` key when nothing matched),
- ``/crossref/works/DOI`` (``{"status": "ok", "message-type": "work", "message": …}``, 404
  with the plain text ``Resource not found.``) and ``/crossref/works?query.bibliographic=…``,

with the environment variables pointed at it and the politeness made fast. The data is the
seed's eight papers (``tests/data/seed-papers.tsv``) and where they appeared
(``tests/data/published-venues.tsv``): every paper has a preprint record on each service;
XLNet, TinyBERT, ALBERT, DeBERTa and DeBERTaV3 also a published one::

    fake.fail("dblp", 429, retry_after=2, times=1)  # also 503, "slow", "hang", "malformed"
    fake.add_dblp(DblpHit(...))     # one more DBLP record
    fake.add_crossref(Work(...))    # one more Crossref work
    fake.requests                   # every request: .service, .path, .query, .headers, .time
"""

from __future__ import annotations

import contextlib
import csv
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from papernotes.model import normalize_title

DATA = Path(__file__).resolve().parent / "data"
DBLP_VENUE = {"NeurIPS": "NeurIPS", "ICLR": "ICLR", "Findings of EMNLP": "EMNLP (Findings)"}
S2_VENUE = {
    "NeurIPS": ("Neural Information Processing Systems", ["NeurIPS", "NIPS"], "conference"),
    "ICLR": ("International Conference on Learning Representations", ["ICLR"], "conference"),
    "Findings of EMNLP": ("Findings", [], ""),  # S2's own muddle: Crossref must win
}
CONFERENCE_TYPE = "Conference and Workshop Papers"
PREPRINT_TYPE = "Informal and Other Publications"


@dataclass(frozen=True)
class DblpHit:
    key: str
    title: str
    authors: tuple[str, ...]
    venue: str
    year: int
    type: str = CONFERENCE_TYPE
    pages: str = ""
    doi: str = ""

    def info(self) -> dict:
        people = [{"@pid": f"p/{i}", "text": name} for i, name in enumerate(self.authors)]
        info = {
            "authors": {"author": people[0] if len(people) == 1 else people},
            "title": self.title + ".",  # DBLP ends every title with a full stop
            "venue": self.venue,
            "year": str(self.year),
            "type": self.type,
            "access": "open",
            "key": self.key,
            "url": f"https://dblp.org/rec/{self.key}",
        }
        if self.pages:
            info["pages"] = self.pages
        if self.doi:
            info["doi"] = self.doi.upper()  # DBLP writes DOIs in capitals
            info["ee"] = f"https://doi.org/{self.doi}"
        return info


@dataclass(frozen=True)
class Work:
    doi: str
    title: str
    authors: tuple[str, ...]
    container: str
    year: int
    pages: str = ""
    publisher: str = ""
    type: str = "proceedings-article"

    def message(self) -> dict:
        people = []
        for i, name in enumerate(self.authors):
            given, _, family = name.rpartition(" ")
            people.append(
                {
                    "given": given,
                    "family": family,
                    "sequence": "first" if i == 0 else "additional",
                    "affiliation": [],
                }
            )
        return {
            "DOI": self.doi,
            "type": self.type,
            "title": [self.title],
            "author": people,
            "container-title": [self.container],
            "page": self.pages,
            "publisher": self.publisher,
            "issued": {"date-parts": [[self.year, 11]]},
            "published": {"date-parts": [[self.year, 11]]},
            "URL": f"https://doi.org/{self.doi}",
        }


@dataclass(frozen=True)
class S2Paper:
    arxiv: str
    title: str
    authors: tuple[str, ...]
    year: int
    venue: str = "arXiv.org"
    alternates: tuple[str, ...] = ()
    venue_type: str = ""
    doi: str = ""
    dblp_key: str = ""
    pages: str = ""

    def answer(self) -> dict:
        ids = {"ArXiv": self.arxiv, "CorpusId": abs(hash(self.arxiv)) % 10**9}
        ids["DOI"] = self.doi or f"10.48550/arXiv.{self.arxiv}"
        if self.dblp_key:
            ids["DBLP"] = self.dblp_key
        place = None
        if self.venue_type:
            place = {
                "id": "fixture",
                "name": self.venue,
                "type": self.venue_type,
                "alternate_names": list(self.alternates),
            }
        return {
            "paperId": f"s2-{self.arxiv}",
            "externalIds": ids,
            "publicationVenue": place,
            "title": self.title,
            "venue": self.venue,
            "year": self.year,
            "journal": {"name": "", "pages": self.pages} if self.pages else None,
            "publicationTypes": ["JournalArticle", "Conference"] if self.venue_type else None,
            "authors": [{"authorId": str(i), "name": a} for i, a in enumerate(self.authors)],
        }


@dataclass(frozen=True)
class Request:
    service: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    time: float


@dataclass
class FakeScholarly:
    s2: dict[str, S2Paper] = field(default_factory=dict)
    dblp: list[DblpHit] = field(default_factory=list)
    works: dict[str, Work] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    root: str = ""
    slow_seconds: float = 2.0
    """How late a "slow" answer comes."""
    _failures: dict[str, list] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _release: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None

    def add_dblp(self, hit: DblpHit) -> None:
        self.dblp.append(hit)

    def add_crossref(self, work: Work) -> None:
        self.works[work.doi.casefold()] = work

    def add_s2(self, paper: S2Paper) -> None:
        self.s2[paper.arxiv] = paper

    def fail(
        self, service: str, kind: int | str, times: int | None = None, retry_after: float = 0
    ) -> None:
        """Answer ``service``'s next ``times`` requests (all: None) with ``kind``: an HTTP
        status (with ``Retry-After: retry_after`` when given), "slow" (``slow_seconds``
        late), "hang", or "malformed" (cut-off JSON, status 200)."""
        with self._lock:
            self._failures[service] = [kind, times, retry_after]

    def of(self, service: str) -> list[Request]:
        return [r for r in self.requests if r.service == service]

    def close(self) -> None:
        self._release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def next_failure(self, service: str) -> tuple[object, float]:
        with self._lock:
            failure = self._failures.get(service)
            if not failure:
                return None, 0.0
            kind, times, retry_after = failure
            if times is not None:
                failure[1] = times - 1
                if failure[1] <= 0:
                    del self._failures[service]
            return kind, retry_after

    # -- the three services ------------------------------------------------------

    def s2_answer(self, paper_id: str) -> tuple[int, dict]:
        kind, _, value = paper_id.partition(":")
        for paper in self.s2.values():
            if (kind.casefold() == "arxiv" and paper.arxiv == value) or (
                kind.upper() == "DOI" and paper.doi.casefold() == value.casefold()
            ):
                return 200, paper.answer()
        return 404, {"error": f"Paper with id {paper_id} not found"}

    def dblp_answer(self, query: str, size: int) -> dict:
        words = normalize_title(query).split()
        hits = [
            h for h in self.dblp if words and set(words) <= set(normalize_title(h.title).split())
        ][:size]
        found = {
            "@total": str(len(hits)),
            "@computed": str(len(hits)),
            "@sent": str(len(hits)),
            "@first": "0",
        }
        if hits:
            found["hit"] = [
                {"@score": "7", "@id": str(i), "info": h.info(), "url": f"URL#{i}"}
                for i, h in enumerate(hits)
            ]
        status = {"@code": "200", "text": "OK"}
        return {"result": {"query": query, "status": status, "time": {}, "hits": found}}

    def crossref_search(self, query: str, rows: int) -> dict:
        words = set(normalize_title(query).split())
        items = [
            w.message()
            for w in self.works.values()
            if words and len(words & set(normalize_title(w.title).split())) >= len(words) / 2
        ][:rows]
        message = {"total-results": len(items), "items": items, "items-per-page": rows}
        return {"status": "ok", "message-type": "work-list", "message": message}


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        fake = self.server.fake
        parts = urlsplit(self.path)
        service, _, rest = parts.path.lstrip("/").partition("/")
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        request = Request(service, rest, query, dict(self.headers.items()), time.monotonic())
        fake.requests.append(request)
        failure, retry_after = fake.next_failure(service)
        if failure == "hang":
            fake._release.wait(30)
            return
        if failure == "slow":
            time.sleep(fake.slow_seconds)
            failure = None
        if isinstance(failure, int):
            headers = {"Retry-After": f"{retry_after:g}"} if retry_after else {}
            self._send(failure, b"<html><body>Too many requests</body></html>", headers=headers)
            return
        status, body = self._answer(fake, service, unquote(rest), query)
        if failure == "malformed":
            body = body[: len(body) // 2]
        self._send(status, body, "application/json" if body[:1] in (b"{", b"[") else "text/plain")

    @staticmethod
    def _answer(fake: FakeScholarly, service: str, path: str, query: dict) -> tuple[int, bytes]:
        if service == "s2" and path.startswith("paper/"):
            status, data = fake.s2_answer(path.removeprefix("paper/"))
            return status, json.dumps(data).encode()
        if service == "dblp" and path == "search/publ/api":
            data = fake.dblp_answer(query.get("q", ""), int(query.get("h", "30")))
            return 200, json.dumps(data).encode()
        if service == "crossref" and path == "works":
            data = fake.crossref_search(query.get("query.bibliographic", ""), int(query["rows"]))
            return 200, json.dumps(data).encode()
        if service == "crossref" and path.startswith("works/"):
            work = fake.works.get(path.removeprefix("works/").casefold())
            if work is None:
                return 404, b"Resource not found."
            answer = {"status": "ok", "message-type": "work", "message-version": "1.0.0"}
            return 200, json.dumps({**answer, "message": work.message()}).encode()
        return 404, b"Not found"

    def _send(self, status: int, body: bytes, kind: str = "text/html", headers=None) -> None:
        # the client may have given up waiting (a "slow" answer after its timeout)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._write(status, body, kind, headers)

    def _write(self, status: int, body: bytes, kind: str, headers) -> None:
        self.send_response(status)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args) -> None:  # noqa: A002
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    fake: FakeScholarly


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        return list(csv.DictReader(lines, delimiter="\t"))


def seed_data(fake: FakeScholarly) -> None:
    """The seed papers as the three services know them (module docstring)."""
    venues = {row["arxiv"]: row for row in _rows("published-venues.tsv")}
    for row in _rows("seed-papers.tsv"):
        arxiv, title = row["arxiv_id"], row["title"]
        authors = tuple(a.strip() for a in row["authors"].split(";"))
        v1_year = int(row["v1_date"][:4])
        corr = f"journals/corr/abs-{arxiv.replace('.', '-')}"
        fake.add_dblp(DblpHit(corr, title, authors, "CoRR", v1_year, PREPRINT_TYPE))
        place = venues.get(arxiv, {})
        short = place.get("venue", "")
        if not short:
            fake.add_s2(S2Paper(arxiv, title, authors, v1_year, dblp_key=corr))
            continue
        year = int(place["year"])
        key = f"conf/{short.split()[-1].lower()}/{authors[0].split()[-1]}{year % 100}"
        doi, pages = place["doi"], place["pages"]
        fake.add_dblp(DblpHit(key, title, authors, DBLP_VENUE[short], year, pages=pages, doi=doi))
        name, alternates, kind = S2_VENUE[short]
        fake.add_s2(
            S2Paper(arxiv, title, authors, v1_year, name, tuple(alternates), kind, doi, key, pages)
        )
        if doi:
            publisher = "Association for Computational Linguistics"
            fake.add_crossref(
                Work(doi, title, authors, place["venue_full"], year, pages, publisher)
            )


def start() -> FakeScholarly:
    fake = FakeScholarly()
    seed_data(fake)
    server = _Server(("127.0.0.1", 0), _Handler)
    server.fake = fake
    fake._server = server
    fake.root = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return fake


@pytest.fixture
def fake_scholarly(monkeypatch):
    """A ``FakeScholarly`` with the seed's papers; the three services' URLs point at it."""
    from papernotes.web import polite, scholarly

    fake = start()
    monkeypatch.setenv("PAPERNOTES_S2_URL", f"{fake.root}/s2")
    monkeypatch.setenv("PAPERNOTES_DBLP_URL", f"{fake.root}/dblp/search/publ/api")
    monkeypatch.setenv("PAPERNOTES_CROSSREF_URL", f"{fake.root}/crossref")
    monkeypatch.setattr(polite, "DEFAULT_POLITENESS", polite.Politeness(backoff=0.0))
    monkeypatch.setattr(scholarly, "INTERVALS", dict.fromkeys(scholarly.INTERVALS, 0.0))
    yield fake
    fake.close()
