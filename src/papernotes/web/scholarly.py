"""Semantic Scholar, DBLP and Crossref: where a paper was published, as each service says it.

Each client asks one service through a shared ``PoliteClient`` and turns its JSON (formats as
documented by the services: the S2 Graph API's paper object, DBLP's publication search API,
Crossref's REST ``work``) into ``Record`` objects. Base URLs come from the environment
(``PAPERNOTES_S2_URL``, ``PAPERNOTES_DBLP_URL``, ``PAPERNOTES_CROSSREF_URL``) so tests can
serve recorded-format answers from 127.0.0.1. A malformed answer is a ``NetworkError``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from papernotes.errors import NetworkError
from papernotes.web.polite import PoliteClient

S2_URL_ENV, S2_URL = "PAPERNOTES_S2_URL", "https://api.semanticscholar.org/graph/v1"
DBLP_URL_ENV, DBLP_URL = "PAPERNOTES_DBLP_URL", "https://dblp.org/search/publ/api"
CROSSREF_URL_ENV, CROSSREF_URL = "PAPERNOTES_CROSSREF_URL", "https://api.crossref.org"
S2, DBLP, CROSSREF = "s2", "dblp", "crossref"
SOURCES = (DBLP, S2, CROSSREF)
SERVICE_NAMES = {S2: "Semantic Scholar", DBLP: "DBLP", CROSSREF: "Crossref"}
INTERVALS = {S2: 1.0, DBLP: 1.0, CROSSREF: 0.2}
"""Seconds between two requests to each service: S2 asks unauthenticated users for about one
a second, DBLP answers bursts with 429, Crossref's public pool allows a few a second."""
CACHE_SECONDS = 14 * 24 * 3600.0
"""How long an answer is reused: a preprint may be published meanwhile, so not forever."""
S2_FIELDS = "title,authors,year,venue,publicationVenue,externalIds,journal,publicationTypes"
CONFERENCE, JOURNAL, PREPRINT, OTHER = "conference", "journal", "preprint", "other"
_PREPRINT_VENUE = re.compile(r"^(arxiv(\.org)?|corr|biorxiv|medrxiv|ssrn)$", re.IGNORECASE)
_DBLP_KINDS = {
    "Conference and Workshop Papers": CONFERENCE,
    "Journal Articles": JOURNAL,
    "Informal and Other Publications": PREPRINT,
    "Informal Publications": PREPRINT,
}
_CROSSREF_KINDS = {
    "proceedings-article": CONFERENCE,
    "journal-article": JOURNAL,
    "posted-content": PREPRINT,
}
_HOMONYM_NUMBER = re.compile(r"\s+\d{4}$")  # DBLP's "Wei Chen 0001"


@dataclass(frozen=True)
class Record:
    """One service's description of a paper and where it appeared."""

    source: str
    title: str
    authors: tuple[str, ...] = ()
    year: int = 0
    venue: str = ""
    """The venue as the service names it: DBLP's short one, Crossref's container title."""
    venue_names: tuple[str, ...] = ()
    """Other names the service gives the venue (S2's alternate names)."""
    kind: str = ""
    pages: str = ""
    doi: str = ""
    publisher: str = ""
    key: str = ""
    """The service's own id: DBLP's record key, S2's paper id, the DOI for Crossref."""
    dblp_key: str = ""
    """S2's link to DBLP's record, when it has one."""

    @property
    def published(self) -> bool:
        return bool(self.venue) and self.kind not in (PREPRINT, OTHER)


def base_url(source: str) -> str:
    env, default = {
        S2: (S2_URL_ENV, S2_URL),
        DBLP: (DBLP_URL_ENV, DBLP_URL),
        CROSSREF: (CROSSREF_URL_ENV, CROSSREF_URL),
    }[source]
    return (os.environ.get(env) or default).rstrip("/")


def is_arxiv_doi(doi: str) -> bool:
    """arXiv's own DOIs (``10.48550/arXiv.…``) name the preprint, not a publication."""
    return doi.casefold().startswith("10.48550/")


class SemanticScholar:
    """The S2 Graph API: a paper by ``arXiv:ID`` or ``DOI:…``."""

    def __init__(self, http: PoliteClient) -> None:
        self.http, self.url = http, base_url(S2)

    def paper(self, paper_id: str) -> Record | None:
        """The paper S2 knows as ``paper_id`` (``arXiv:1906.08237``), or None."""
        url = f"{self.url}/paper/{quote(paper_id, safe=':/')}"
        data = self._get(url, {"fields": S2_FIELDS})
        return None if data is None else _s2_record(data, url)

    def _get(self, url: str, params: dict[str, str]) -> Any:
        return self.http.get_json(
            SERVICE_NAMES[S2],
            url,
            params,
            interval=INTERVALS[S2],
            max_age=CACHE_SECONDS,
            absent=frozenset({400, 404}),  # 400: an id S2 cannot parse is no paper either
        )


class Dblp:
    """DBLP's publication search."""

    def __init__(self, http: PoliteClient) -> None:
        self.http, self.url = http, base_url(DBLP)

    def search(self, title: str, hits: int = 20) -> list[Record]:
        """DBLP's records for a title search (its words, punctuation dropped)."""
        words = " ".join(re.sub(r"[^\w\s-]", " ", title).split())
        data = self.http.get_json(
            SERVICE_NAMES[DBLP],
            self.url,
            {"q": words, "format": "json", "h": str(hits)},
            interval=INTERVALS[DBLP],
            max_age=CACHE_SECONDS,
        )
        return [] if data is None else _dblp_records(data, self.url)


class Crossref:
    """Crossref's REST API: a work by DOI, or works by a bibliographic query."""

    def __init__(self, http: PoliteClient) -> None:
        self.http, self.url = http, base_url(CROSSREF)

    def work(self, doi: str) -> Record | None:
        url = f"{self.url}/works/{quote(doi, safe='/():;')}"
        data = self._get(url, None)
        if data is None:
            return None
        return _crossref_record(_field(data, "message", dict, url), url)

    def search(self, title: str, rows: int = 10) -> list[Record]:
        data = self._get(f"{self.url}/works", {"query.bibliographic": title, "rows": str(rows)})
        if data is None:
            return []
        message = _field(data, "message", dict, self.url)
        items = _field(message, "items", list, self.url)
        return [_crossref_record(item, self.url) for item in items if isinstance(item, dict)]

    def _get(self, url: str, params: dict[str, str] | None) -> Any:
        return self.http.get_json(
            SERVICE_NAMES[CROSSREF],
            url,
            params,
            interval=INTERVALS[CROSSREF],
            max_age=CACHE_SECONDS,
        )


# -- JSON -> Record ---------------------------------------------------------------


def _s2_record(data: Any, url: str) -> Record:
    if not isinstance(data, dict) or not isinstance(data.get("title"), str):
        raise _unreadable(S2, url, "no paper object")
    ids = data.get("externalIds") or {}
    place = data.get("publicationVenue") or {}
    journal = data.get("journal") or {}
    venue = _text(data.get("venue")) or _text(place.get("name"))
    names = tuple(_text(n) for n in [place.get("name"), *(place.get("alternate_names") or [])])
    kind = _text(place.get("type")).casefold()
    if not venue or _PREPRINT_VENUE.match(venue):
        kind = PREPRINT
    elif kind not in (CONFERENCE, JOURNAL):
        kind = CONFERENCE if "Conference" in (data.get("publicationTypes") or []) else JOURNAL
    doi = _text(ids.get("DOI")) if isinstance(ids, dict) else ""
    return Record(
        source=S2,
        title=_text(data["title"]),
        authors=tuple(_text(a.get("name")) for a in data.get("authors") or [] if _name_of(a)),
        year=_year(data.get("year")),
        venue=venue,
        venue_names=tuple(n for n in names if n),
        kind=kind,
        pages=_pages(journal.get("pages")) if isinstance(journal, dict) else "",
        doi="" if is_arxiv_doi(doi) else doi,
        key=_text(data.get("paperId")),
        dblp_key=_text(ids.get("DBLP")) if isinstance(ids, dict) else "",
    )


def _dblp_records(data: Any, url: str) -> list[Record]:
    result = _field(data, "result", dict, url)
    hits = _field(result, "hits", dict, url).get("hit") or []
    if isinstance(hits, dict):
        hits = [hits]
    records = []
    for hit in hits:
        info = hit.get("info") if isinstance(hit, dict) else None
        if not isinstance(info, dict) or not isinstance(info.get("title"), str):
            raise _unreadable(DBLP, url, "a hit without a title")
        authors = (info.get("authors") or {}).get("author") or []
        if isinstance(authors, dict):
            authors = [authors]
        venue = info.get("venue") or ""
        if isinstance(venue, list):
            venue = venue[0] if venue else ""
        kind = _DBLP_KINDS.get(_text(info.get("type")), OTHER)
        records.append(
            Record(
                source=DBLP,
                title=_text(info["title"]).removesuffix("."),
                authors=tuple(
                    _HOMONYM_NUMBER.sub("", _text(a.get("text") if isinstance(a, dict) else a))
                    for a in authors
                ),
                year=_year(info.get("year")),
                venue=_text(venue),
                kind=PREPRINT if _PREPRINT_VENUE.match(_text(venue)) else kind,
                pages=_pages(info.get("pages")),
                doi=_text(info.get("doi")).lower(),  # DBLP writes DOIs in capitals
                key=_text(info.get("key")),
            )
        )
    return records


def _crossref_record(item: dict[str, Any], url: str) -> Record:
    titles = item.get("title") or []
    if not isinstance(titles, list) or not titles or not isinstance(titles[0], str):
        raise _unreadable(CROSSREF, url, "a work without a title")
    containers = item.get("container-title") or []
    authors = []
    for person in item.get("author") or []:
        if isinstance(person, dict):
            name = " ".join(_text(person.get(p)) for p in ("given", "family") if person.get(p))
            authors.append(name or _text(person.get("name")))
    kind = _CROSSREF_KINDS.get(_text(item.get("type")), OTHER)
    return Record(
        source=CROSSREF,
        title=_text(titles[0]),
        authors=tuple(a for a in authors if a),
        year=_crossref_year(item),
        venue=_text(containers[0]) if isinstance(containers, list) and containers else "",
        kind=kind,
        pages=_pages(item.get("page")),
        doi=_text(item.get("DOI")),
        publisher=_text(item.get("publisher")),
        key=_text(item.get("DOI")),
    )


def _crossref_year(item: dict[str, Any]) -> int:
    for name in ("published-print", "published", "issued", "published-online"):
        parts = (item.get(name) or {}).get("date-parts") or []
        if parts and isinstance(parts[0], list) and parts[0]:
            return _year(parts[0][0])
    return 0


def _field(data: Any, name: str, kind: type, url: str) -> Any:
    value = data.get(name) if isinstance(data, dict) else None
    if not isinstance(value, kind):
        service = next((s for s in SOURCES if url.startswith(base_url(s))), "the service")
        raise _unreadable(service, url, f"no {name!r}")
    return value


def _unreadable(source: str, url: str, what: str) -> NetworkError:
    name = SERVICE_NAMES.get(source, source)
    return NetworkError(
        f"{name} sent an answer papernotes cannot read for {url} ({what}); nothing was "
        "written, and retrying later may help."
    )


def _name_of(author: Any) -> bool:
    return isinstance(author, dict) and bool(_text(author.get("name")))


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _pages(value: Any) -> str:
    """A page range as notes keep it, ``4163-4174`` (the .bib export writes ``--``)."""
    text = _text(value if isinstance(value, str) else str(value or ""))
    return re.sub(r"(?<=\w)\s*[-–—]+\s*(?=\w)", "-", text)


def _year(value: Any) -> int:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        return 0
    return year if 1000 <= year <= 2999 else 0
