"""Fetching from arXiv for notes: what the CLI (``add --arxiv``, ``link``) and the TUI both
call. Answers come from the cache when possible, in as few requests as possible; arXiv's
fields are merged into the user's paper (``apply_metadata``). Linking notes to arXiv, which
writes, is ``library/arxiv_links.py``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from papernotes.arxiv import DEFAULT_TIMEOUT
from papernotes.arxiv.match import title_queries
from papernotes.errors import NetworkError, NotFoundError
from papernotes.model import Paper
from papernotes.storage.arxiv_cache import ArxivCache
from papernotes.text.arxiv_ids import parse_arxiv_id

if TYPE_CHECKING:
    from papernotes.arxiv.client import ArxivClient as ArxivClient  # for the UIs

OFFLINE_ENV = "PAPERNOTES_OFFLINE"


class OfflineMissError(NetworkError):
    """Offline mode, and the answer is not in the cache."""

    reached_network = False  # nothing was asked: exit status 1, not the network's 3


def offline_requested(offline: bool = False) -> bool:
    """``offline``, or ``PAPERNOTES_OFFLINE`` set to anything but empty/0/false/no, or
    ``arxiv.offline = true`` in config.toml."""
    env = os.environ.get(OFFLINE_ENV, "").strip().lower()
    if offline or env not in ("", "0", "false", "no"):
        return True
    from papernotes.library.user_settings import offline_setting

    return offline_setting()


def id_key(id_text: str) -> str:
    """The cache/request key of an id in any accepted form: ``2006.03654`` or ``2006.03654v2``."""
    base, version = parse_arxiv_id(id_text)
    return f"{base}v{version}" if version else base


class Fetcher:
    """arXiv answers from the cache when allowed, else from one shared ``ArxivClient``."""

    def __init__(
        self,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        refresh: bool = False,
        offline: bool = False,
        client: ArxivClient | None = None,
        cache: ArxivCache | None = None,
    ) -> None:
        self.timeout = timeout
        self.refresh = refresh
        self.offline = offline_requested(offline)
        self._client = client
        self.cache = cache if cache is not None else ArxivCache()

    @property
    def client(self) -> ArxivClient:
        if self._client is None:
            from papernotes.arxiv.client import ArxivClient
            from papernotes.library.user_settings import arxiv_client_options

            self._client = ArxivClient(timeout=self.timeout, **arxiv_client_options())
        return self._client

    def papers(self, keys: Iterable[str]) -> dict[str, Paper]:
        """Paper per key; the missing ones in one batched request. Raises unless all are found."""
        found: dict[str, Paper] = {}
        missing: list[str] = []
        for key in dict.fromkeys(keys):
            cached = None if self.refresh else self.cache.get_id(key)
            if cached is not None:
                found[key] = cached
            else:
                missing.append(key)
        if not missing:
            return found
        if self.offline:
            raise OfflineMissError(
                f"arXiv {_ids_text(missing)} not in the cache, and offline mode "
                f"(--offline or {OFFLINE_ENV}) forbids fetching; run without it to fetch."
            )
        fetched = self.client.fetch_ids(missing)
        for key, paper in fetched.items():
            self.cache.put_id(key, paper)
        absent = [key for key in missing if key not in fetched]
        if absent:
            raise NotFoundError(
                f"arXiv answered but has no entry for {_ids_text(absent, verb=False)}; "
                "check the id (retrying helps only if arXiv was having a hiccup)."
            )
        found.update(fetched)
        return found

    def search_title(self, title: str) -> list[Paper]:
        """arXiv papers whose title resembles ``title``: the first query that finds any."""
        for query in title_queries(title):
            papers = None if self.refresh else self.cache.get_search(query)
            if papers is None:
                if self.offline:
                    raise OfflineMissError(
                        f"The arXiv search for {title!r} is not in the cache, and offline mode "
                        f"(--offline or {OFFLINE_ENV}) forbids fetching; run without it."
                    )
                papers = self.client.search(query)
                self.cache.put_search(query, papers)
                for paper in papers:
                    self.cache.put_id(paper.arxiv, paper)
            if papers:
                return papers
        return []


def session_client() -> ArxivClient:
    """An arXiv client for a long-running program (the TUI) to keep and pass as ``client``,
    so that all its requests stay 3 s apart."""
    from papernotes.arxiv.client import ArxivClient
    from papernotes.library.user_settings import arxiv_client_options, arxiv_timeout

    return ArxivClient(timeout=arxiv_timeout(), **arxiv_client_options())


def _ids_text(ids: list[str], verb: bool = True) -> str:
    if len(ids) == 1:
        return f"id {ids[0]}" + (" is" if verb else "")
    shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
    return f"ids {shown}" + (" are" if verb else "")


def fetch_paper(
    id_text: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    refresh: bool = False,
    offline: bool = False,
    client: ArxivClient | None = None,
    cache: ArxivCache | None = None,
) -> Paper:
    """The paper with arXiv id ``id_text`` (any accepted form), every arXiv field filled.

    ``title`` is arXiv's title and ``year`` the first version's year. Pass one long-lived
    ``client`` (``arxiv.client.ArxivClient``) from a long-running program such as the TUI,
    so that its requests stay 3 s apart. Raises ``InvalidInputError`` for a bad id,
    ``NotFoundError`` for an unknown one, ``NetworkError`` when arXiv cannot be read.
    """
    key = id_key(id_text)
    fetcher = Fetcher(timeout=timeout, refresh=refresh, offline=offline, client=client, cache=cache)
    return fetcher.papers([key])[key]


def apply_metadata(user: Paper, fetched: Paper) -> Paper:
    """``user`` with arXiv's fields filled in; title, year, venue, notes, tags, code, key kept.

    Applies when a note is linked to arXiv (``link``, the TUI's link key, the TUI add form's
    fetch): arXiv's own fields come from arXiv, the user's stay the user's."""
    return replace(
        user,
        arxiv=fetched.arxiv or user.arxiv,
        arxiv_version=fetched.arxiv_version or user.arxiv_version,
        arxiv_title=fetched.arxiv_title or fetched.title or user.arxiv_title,
        authors=fetched.authors or user.authors,
        abstract=fetched.abstract or user.abstract,
        published=fetched.published or user.published,
        updated=fetched.updated or user.updated,
        categories=fetched.categories or user.categories,
        primary_category=fetched.primary_category or user.primary_category,
        # a DOI ``venue`` found for the published version stays; else arXiv's fills it
        doi=user.doi if user.venue_source and user.doi else fetched.doi or user.doi,
        journal_ref=fetched.journal_ref or user.journal_ref,
        comment=fetched.comment or user.comment,
    )


def paper_for_add(given: Paper, fetched: Paper) -> Paper:
    """A new note's paper: arXiv's metadata, with whatever the user gave winning. Applies
    when ``add --arxiv`` adds a paper (``apply_metadata``, then arXiv's title and year for
    those the user left out).

    ``given.title`` empty means "use arXiv's title"; ``given.year`` 0 means "v1's year".
    """
    return replace(
        apply_metadata(given, fetched),
        title=given.title or fetched.title,
        year=given.year or fetched.year,
    )
