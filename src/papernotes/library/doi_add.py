"""Adding a paper by its DOI (``add --doi``): Crossref's metadata, the user's values winning.

Like ``arxiv_add``: ``paper_for_doi`` makes every check and the request and writes nothing;
``Library.add`` writes the note. A paper whose DOI another note has is refused first.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from papernotes.errors import DuplicateError, NotFoundError
from papernotes.formats.bibtex.venues import VenueTable
from papernotes.library.known_papers import known_papers
from papernotes.model import Paper
from papernotes.text.dois import parse_doi
from papernotes.web.scholarly import CROSSREF, Crossref

if TYPE_CHECKING:
    from papernotes.library.api import Library
    from papernotes.web.polite import PoliteClient


def paper_for_doi(
    library: Library,
    given: Paper,
    *,
    update: bool = False,
    http: PoliteClient | None = None,
    venues: VenueTable | None = None,
) -> Paper:
    """The paper ``add --doi`` writes: Crossref's title, year, authors, venue (the short
    name from the venue table when it knows the container), full venue name, pages and
    publisher, with what the user gave (``title``, ``year``, ``venue``…) winning."""
    doi = parse_doi(given.doi)
    holder = known_papers(library).with_doi(doi)
    if holder is not None and not update:
        raise DuplicateError(f"DOI {doi} is already in the library as {holder.path}.")
    if http is None:
        from papernotes.library.venue_ops import web_client

        http = web_client()
    record = Crossref(http).work(doi)
    if record is None:
        raise NotFoundError(
            f"Crossref has no DOI {doi}; check it (DataCite DOIs, such as arXiv's "
            "10.48550/…, are not in Crossref)."
        )
    venues = venues or VenueTable.load()
    venue = venues.from_full_name(record.venue) if record.venue else None
    short = venue.short if venue is not None else record.venue
    full = record.venue if venue is not None and record.venue != venue.name else ""
    return replace(
        given,
        doi=record.doi or doi,
        title=given.title or record.title,
        year=given.year or record.year,
        venue=given.venue or short,
        authors=given.authors or record.authors,
        venue_full=given.venue_full or ("" if given.venue else full),
        pages=given.pages or record.pages,
        publisher=given.publisher or record.publisher,
        venue_source=CROSSREF if not given.venue else "",
    )
