"""What the user's settings (``papernotes.config``) mean to the library: the venue table for
BibTeX, how politely to ask arXiv, and whether to ask at all.

Read when needed (a few small reads per command), never kept in a module: the CLI's
``--config FILE`` reaches this code as ``$PAPERNOTES_CONFIG``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from papernotes.config import load_settings

if TYPE_CHECKING:
    from papernotes.arxiv.client import Politeness
    from papernotes.formats.bibtex.venues import VenueTable

POLITENESS_FIELDS = ("interval", "retries", "backoff", "max_wait")


def venue_table() -> VenueTable:
    """The built-in venues, extended by ``venues.toml`` and then by config.toml's
    ``[venues.NAME]`` tables (later ones win)."""
    from papernotes.formats.bibtex.venues import Venue, VenueTable

    table = VenueTable.load()
    extra = tuple(Venue(v.short, v.kind, v.name, v.aliases) for v in load_settings().venues)
    return VenueTable(table.venues + extra) if extra else table


def arxiv_politeness() -> Politeness | None:
    """The ``[arxiv]`` spacing and retries the user set, or None to keep the client's own."""
    settings = load_settings()
    if not any(settings.values[f"arxiv.{name}"].origin != "default" for name in POLITENESS_FIELDS):
        return None
    from papernotes.arxiv.client import Politeness

    return Politeness(**{name: settings[f"arxiv.{name}"] for name in POLITENESS_FIELDS})


def web_contact() -> str:
    """The address for the User-Agent of web services: ``$PAPERNOTES_CONTACT``, else
    ``contact`` in config.toml, else the older top-level ``contact`` of venues.toml."""
    from papernotes.config import contact
    from papernotes.web.contact import contact_address, mailbox

    given = contact()
    return mailbox(given) if given else contact_address()


def arxiv_client_options() -> dict[str, Any]:
    """What the user's settings say to an ``ArxivClient``: politeness and contact."""
    return {"politeness": arxiv_politeness(), "contact": web_contact()}


def arxiv_timeout() -> float:
    """Seconds to wait for an arXiv answer unless ``--timeout`` says (``arxiv.timeout``)."""
    return float(load_settings()["arxiv.timeout"])


def offline_setting() -> bool:
    """``arxiv.offline`` (or ``$PAPERNOTES_OFFLINE``): answer only from the cache."""
    return bool(load_settings()["arxiv.offline"])
