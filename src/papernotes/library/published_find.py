"""Finding where a preprint was published: Semantic Scholar, DBLP and Crossref combined.

For one paper, in this order (each step only with its service among the chosen sources):
1. by arXiv id on Semantic Scholar (``arXiv:ID``), which also gives the DOI and DBLP's key;
   without an arXiv id, by the paper's DOI (``DOI:…``) when Crossref is not asked;
2. by DOI (the note's, unless it is arXiv's own ``10.48550/…``, else S2's) on Crossref,
   whose container title is the proceedings' full name, with pages and publisher;
3. DBLP's record with the key S2 named (found by a title search);
4. only when none of these names a published venue: a title search on DBLP, then Crossref.
   A hit counts only if its title score (``arxiv.match.score``: the one ``link`` uses) passes
   ``link``'s thresholds and, when both sides list authors, half the shorter author list's
   family names appear in the other; several distinct hits that pass are "ambiguous".
Preprint records (arXiv, CoRR, posted content) never count as a published version.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from papernotes.arxiv.match import AUTO_LINK_MARGIN, AUTO_LINK_SCORE, AUTO_LINK_TITLE, score
from papernotes.formats.bibtex.venues import JOURNAL, Venue, VenueTable
from papernotes.model import Paper
from papernotes.web.polite import PoliteClient
from papernotes.web.scholarly import (
    CROSSREF,
    DBLP,
    S2,
    SERVICE_NAMES,
    Crossref,
    Dblp,
    Record,
    SemanticScholar,
    is_arxiv_doi,
)

FOUND, AMBIGUOUS, NOT_FOUND = "found", "ambiguous", "not found"
MIN_AUTHOR_OVERLAP = 0.5
_VOLUME_SUFFIX = re.compile(r"\s*\(\d+\)$")  # DBLP's "ACL (1)"


@dataclass(frozen=True)
class Published:
    """A paper's published version: what ``venue`` writes into the note (year only shown)."""

    venue: str
    venue_full: str
    year: int
    source: str
    doi: str = ""
    pages: str = ""
    publisher: str = ""
    title: str = ""
    authors: tuple[str, ...] = ()

    def label(self) -> str:
        """``NeurIPS 2019``."""
        return f"{self.venue} {self.year}" if self.year else self.venue


@dataclass(frozen=True)
class Lookup:
    """What the services said about one paper: ``found`` (``published``), ``ambiguous``
    (``candidates``) or ``not found`` (``reason`` says what was looked at)."""

    status: str
    published: Published | None = None
    reason: str = ""
    candidates: tuple[Published, ...] = ()


class PublishedFinder:
    """Looks papers up on the chosen services through one polite client."""

    def __init__(self, http: PoliteClient, sources: tuple[str, ...], venues: VenueTable) -> None:
        self.sources = sources
        self.venues = venues
        self.s2 = SemanticScholar(http)
        self.dblp = Dblp(http)
        self.crossref = Crossref(http)
        self._dblp_searches: dict[str, list[Record]] = {}

    def find(self, paper: Paper) -> Lookup:
        """Every request for ``paper``; what they say (module docstring for the order)."""
        said: list[str] = []
        by_s2 = self._s2(paper, said)
        doi = paper.doi if paper.doi and not is_arxiv_doi(paper.doi) else ""
        doi = doi or (by_s2.doi if by_s2 else "")
        identified = [by_s2] if by_s2 else []
        if doi and CROSSREF in self.sources:
            work = self.crossref.work(doi)
            identified.append(work) if work else said.append(f"Crossref has no DOI {doi}")
        if by_s2 and by_s2.dblp_key and DBLP in self.sources:
            hits = self._dblp_search(by_s2.title or paper.title)
            identified += [h for h in hits if h.key == by_s2.dblp_key]
        published = [r for r in identified if r.published]
        if published:
            return Lookup(FOUND, self._combine(published))
        if any(r.source == S2 for r in identified):
            said.append("Semantic Scholar lists only the preprint")
        for source in (s for s in self.sources if s in (DBLP, CROSSREF)):
            lookup = self._by_title(paper, source, said)
            if lookup is not None:
                return lookup
        return Lookup(NOT_FOUND, reason="; ".join(said) or "no source was asked")

    # -- the steps ------------------------------------------------------------

    def _s2(self, paper: Paper, said: list[str]) -> Record | None:
        if S2 not in self.sources:
            return None
        if paper.arxiv:
            found = self.s2.paper(f"arXiv:{paper.arxiv}")
            if found is None:
                said.append(f"Semantic Scholar has no arXiv:{paper.arxiv}")
            return found
        doi = paper.doi if paper.doi and not is_arxiv_doi(paper.doi) else ""
        if doi and CROSSREF not in self.sources:
            return self.s2.paper(f"DOI:{doi}")
        return None

    def _dblp_search(self, title: str) -> list[Record]:
        if title not in self._dblp_searches:
            self._dblp_searches[title] = self.dblp.search(title)
        return self._dblp_searches[title]

    def _by_title(self, paper: Paper, source: str, said: list[str]) -> Lookup | None:
        """A title search on ``source``: a Lookup when it decides, None to ask the next."""
        name = SERVICE_NAMES[source]
        if source == DBLP:
            records = self._dblp_search(paper.arxiv_title or paper.title)
        else:
            records = self.crossref.search(paper.arxiv_title or paper.title)
        passing: list[tuple[float, Record]] = []
        for record in (r for r in records if r.published):
            title_score, total = title_scores(paper, record)
            if title_score < AUTO_LINK_TITLE or total < AUTO_LINK_SCORE:
                continue
            if not authors_overlap(paper.authors, record.authors):
                said.append(
                    f"{name}'s {record.title!r} ({record.venue} {record.year}) has the title "
                    f"but other authors ({_first_authors(record.authors)})"
                )
                continue
            passing.append((total, record))
        passing.sort(key=lambda pair: -pair[0])
        scored: dict[tuple[str, int], tuple[float, Published]] = {}
        for total, record in passing:  # one per venue and year, the best scored
            found = self._combine([record])
            scored.setdefault((found.venue.casefold(), found.year), (total, found))
        ranked = list(scored.values())
        if not ranked:
            said.append(f"{name} has no published paper with this title")
            return None
        if len(ranked) > 1 and ranked[0][0] - ranked[1][0] < AUTO_LINK_MARGIN:
            return Lookup(
                AMBIGUOUS,
                reason=f"{name} has {len(ranked)} published papers with this title",
                candidates=tuple(found for _, found in ranked[:5]),
            )
        return Lookup(FOUND, ranked[0][1])

    # -- records -> what the note gets -----------------------------------------

    def _combine(self, records: list[Record]) -> Published:
        """One published version from records naming the same paper: the venue from
        Crossref, else DBLP, else S2; DOI, pages and publisher from the first that has them."""
        order = {CROSSREF: 0, DBLP: 1, S2: 2}
        records = sorted(records, key=lambda r: order.get(r.source, 3))
        chosen = records[0]
        venue = self._venue_of(chosen)
        for record in records:
            venue = self._venue_of(record)
            if venue is not None:
                chosen = record
                break
        year = chosen.year or next((r.year for r in records if r.year), 0)
        short = venue.short if venue else _VOLUME_SUFFIX.sub("", chosen.venue)
        if chosen.source == CROSSREF:
            full = chosen.venue
        elif venue is not None:
            full = venue.name if venue.kind == JOURNAL else venue.proceedings(year)
        else:
            full = chosen.venue
        return Published(
            venue=short,
            venue_full=full,
            year=year,
            source=chosen.source,
            doi=next((r.doi for r in records if r.doi), ""),
            pages=next((r.pages for r in records if r.pages), ""),
            publisher=next((r.publisher for r in records if r.publisher), ""),
            title=chosen.title,
            authors=chosen.authors,
        )

    def _venue_of(self, record: Record) -> Venue | None:
        for name in (record.venue, _VOLUME_SUFFIX.sub("", record.venue), *record.venue_names):
            venue = self.venues.from_full_name(name) if name else None
            if venue is not None:
                return venue
        return None


def title_scores(paper: Paper, record: Record) -> tuple[float, float]:
    """(title similarity, total score) as ``link`` scores a candidate, against the note's
    title or its arXiv title, whichever is closer."""
    found = Paper(title=record.title, year=record.year or paper.year)
    best = max(
        (score(replace(paper, title=t), found) for t in {paper.title, paper.arxiv_title} if t),
        key=lambda c: c.score,
    )
    return best.title_score, best.score


def family_names(authors: tuple[str, ...]) -> set[str]:
    """Each author's family name, folded: ``Quoc V. Le`` → ``le``; ``Le, Quoc`` → ``le``."""
    names = set()
    for author in authors:
        text = unicodedata.normalize("NFKD", author)
        text = "".join(c for c in text if not unicodedata.combining(c)).casefold().strip("{} ")
        family = text.split(",")[0] if "," in text else (text.split() or [""])[-1]
        if family:
            names.add(re.sub(r"[^\w]", "", family))
    return names


def authors_overlap(ours: tuple[str, ...], theirs: tuple[str, ...]) -> bool:
    """True unless both lists are known and share under half of the shorter one's names."""
    mine, found = family_names(ours), family_names(theirs)
    if not mine or not found:
        return True
    return len(mine & found) >= max(1.0, MIN_AUTHOR_OVERLAP * min(len(mine), len(found)))


def _first_authors(authors: tuple[str, ...]) -> str:
    return ", ".join(authors[:3]) + (", …" if len(authors) > 3 else "")
