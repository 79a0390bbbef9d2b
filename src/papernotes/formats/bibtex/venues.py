"""Venue names: the short name a user writes (``ICLR``) and the full name a .bib needs.

A built-in table covers the common ML/NLP/vision venues; users extend or override it in
``venues.toml`` in the config folder (``papernotes.user_folders.config_folder()``,
i.e. ``$XDG_CONFIG_HOME/papernotes/venues.toml`` on Linux)::

    [COLM]
    kind = "conference"            # or "journal"
    name = "Conference on Language Modeling"
    aliases = ["Conf. on Language Modeling"]   # optional
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from papernotes.errors import InvalidInputError

CONFERENCE = "conference"
JOURNAL = "journal"
PREPRINT = "preprint"
CONFIG_FILE = "venues.toml"


@dataclass(frozen=True)
class Venue:
    short: str
    kind: str
    name: str
    aliases: tuple[str, ...] = ()
    numbered_from: int = 0
    """For proceedings numbered by year (NeurIPS: 2019 is volume 32), the year of volume 1."""

    def proceedings(self, year: int) -> str:
        """The full name of one year's proceedings: ``International Conference on Learning
        Representations (ICLR 2020)``, with the volume for numbered ones."""
        volume = year - self.numbered_from + 1 if self.numbered_from and year else 0
        number = f" {volume}" if volume > 0 else ""
        edition = f" ({self.short} {year})" if year else ""
        return f"{self.name}{number}{edition}"


_ACL = "Association for Computational Linguistics"
BUILTIN: tuple[Venue, ...] = (
    Venue("ICLR", CONFERENCE, "International Conference on Learning Representations"),
    Venue(
        "NeurIPS",
        CONFERENCE,
        "Advances in Neural Information Processing Systems",
        ("NIPS", "Neural Information Processing Systems"),
        numbered_from=1988,
    ),
    Venue("ICML", CONFERENCE, "International Conference on Machine Learning"),
    Venue("ACL", CONFERENCE, f"Annual Meeting of the {_ACL}"),
    Venue("EMNLP", CONFERENCE, "Conference on Empirical Methods in Natural Language Processing"),
    Venue(
        "NAACL",
        CONFERENCE,
        f"Conference of the North American Chapter of the {_ACL}: Human Language Technologies",
        ("NAACL-HLT", "NAACL HLT"),
    ),
    Venue("EACL", CONFERENCE, f"Conference of the European Chapter of the {_ACL}"),
    Venue("AACL", CONFERENCE, f"Conference of the Asia-Pacific Chapter of the {_ACL}"),
    Venue("COLING", CONFERENCE, "International Conference on Computational Linguistics"),
    Venue("CoNLL", CONFERENCE, "Conference on Computational Natural Language Learning"),
    Venue("AAAI", CONFERENCE, "AAAI Conference on Artificial Intelligence"),
    Venue("IJCAI", CONFERENCE, "International Joint Conference on Artificial Intelligence"),
    Venue("CVPR", CONFERENCE, "IEEE/CVF Conference on Computer Vision and Pattern Recognition"),
    Venue("ICCV", CONFERENCE, "IEEE/CVF International Conference on Computer Vision"),
    Venue("ECCV", CONFERENCE, "European Conference on Computer Vision"),
    Venue("KDD", CONFERENCE, "ACM SIGKDD Conference on Knowledge Discovery and Data Mining"),
    Venue(
        "SIGIR",
        CONFERENCE,
        "International ACM SIGIR Conference on Research and Development in Information Retrieval",
    ),
    Venue("WWW", CONFERENCE, "The Web Conference", ("TheWebConf",)),
    Venue("COLM", CONFERENCE, "Conference on Language Modeling"),
    Venue(
        "Findings of EMNLP",
        CONFERENCE,
        f"Findings of the {_ACL}: EMNLP",
        ("EMNLP Findings", "Findings-EMNLP", "EMNLP-Findings", "EMNLP (Findings)"),
    ),
    Venue(
        "Findings of ACL",
        CONFERENCE,
        f"Findings of the {_ACL}: ACL",
        ("ACL Findings", "Findings-ACL", "ACL-Findings", "ACL (Findings)"),
    ),
    Venue(
        "Findings of NAACL",
        CONFERENCE,
        f"Findings of the {_ACL}: NAACL",
        ("NAACL Findings", "Findings-NAACL", "NAACL-HLT (Findings)"),
    ),
    Venue("JMLR", JOURNAL, "Journal of Machine Learning Research"),
    Venue("TACL", JOURNAL, f"Transactions of the {_ACL}"),
    Venue("TMLR", JOURNAL, "Transactions on Machine Learning Research"),
    Venue(
        "TPAMI",
        JOURNAL,
        "IEEE Transactions on Pattern Analysis and Machine Intelligence",
        ("PAMI", "IEEE TPAMI"),
    ),
    Venue("TASLP", JOURNAL, "IEEE/ACM Transactions on Audio, Speech, and Language Processing"),
    Venue("CL", JOURNAL, "Computational Linguistics"),
    Venue("AIJ", JOURNAL, "Artificial Intelligence"),
    Venue("Nature", JOURNAL, "Nature"),
    Venue("Science", JOURNAL, "Science"),
    Venue("arXiv", PREPRINT, "arXiv", ("CoRR", "arXiv preprint", "preprint")),
)

_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)|'\d\d\b")
_ORDINAL = re.compile(r"\b\d+(?:st|nd|rd|th)\b")
_NOISE = re.compile(r"^(?:proceedings of (?:the )?|in )+")
_NON_WORD = re.compile(r"[\W_]+")
_EDITION = re.compile(r"^(?P<name>.+?)(?:\s+\d+)?\s*\((?P<short>[^()]+)\)$")
_JOURNALISH = re.compile(r"\b(journal|transactions|letters|review|magazine)\b", re.IGNORECASE)


def venue_lookup_key(text: str) -> str:
    """``text`` folded for lookup: years, ordinals, 'Proceedings of the', punctuation ignored."""
    folded = unicodedata.normalize("NFKD", text).casefold()
    folded = _ORDINAL.sub(" ", _YEAR.sub(" ", folded))
    folded = " ".join(_NON_WORD.sub(" ", folded).split())
    return _NOISE.sub("", folded).strip()


class VenueTable:
    """Short names and full names of venues, the built-ins plus the user's config file."""

    def __init__(self, venues: tuple[Venue, ...] = BUILTIN) -> None:
        self.venues = venues
        self._index: dict[str, Venue] = {}
        for venue in venues:  # later entries (the user's) override earlier ones
            for name in (venue.short, venue.name, *venue.aliases):
                self._index[venue_lookup_key(name)] = venue
        self._found: dict[str, Venue | None] = {}
        """``find``'s answers so far: a .bib names the same few venues thousands of times."""

    @classmethod
    def load(cls, config_dir: Path | None = None) -> VenueTable:
        """The built-in table extended by ``venues.toml`` in the user's config folder."""
        if config_dir is None:
            from papernotes.user_folders import config_folder

            config_dir = config_folder()
        path = config_dir / CONFIG_FILE
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls()
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInputError(f"{path} cannot be read: {exc}") from None
        return cls(BUILTIN + parse_venue_config(text, str(path)))

    def find(self, text: str) -> Venue | None:
        """The venue ``text`` names (short name, alias or full name), if the table knows it."""
        try:
            return self._found[text]
        except KeyError:
            pass
        venue = self._index.get(venue_lookup_key(text)) if text.strip() else None
        self._found[text] = venue
        return venue

    def kind(self, text: str) -> str:
        """``conference``, ``journal`` or ``preprint`` (no venue); unknown venues by wording."""
        if not text.strip():
            return PREPRINT
        venue = self.find(text)
        if venue is not None:
            return venue.kind
        return JOURNAL if _JOURNALISH.search(text) else CONFERENCE

    def from_full_name(self, text: str) -> Venue | None:
        """The venue a full name as printed names: as ``find`` does, or a ``NAME [VOLUME]
        (SHORT YEAR)`` proceedings title whose name and short name agree on one venue."""
        venue = self.find(text)
        if venue is not None:
            return venue
        match = _EDITION.match(text.strip())
        if match is None:
            return None
        named, short = self.find(match["name"]), self.find(match["short"])
        return named if named is not None and named == short else None

    def full_name(self, text: str) -> str:
        venue = self.find(text)
        return venue.name if venue is not None else text.strip()

    def short_name(self, full: str) -> str:
        """The short name for a booktitle/journal read from a .bib, or the text as written."""
        venue = self.from_full_name(full)
        return venue.short if venue is not None and venue.kind != PREPRINT else full.strip()


def parse_venue_config(text: str, source: str) -> tuple[Venue, ...]:
    """The venues of a ``venues.toml`` file; a malformed file is a clear user error."""
    import tomllib  # only when there is such a file: 4 ms of an export's start-up

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInputError(f"{source} is not valid TOML: {exc}") from None
    venues = []
    for short, table in data.items():
        if short == "contact" and isinstance(table, str):
            continue  # the User-Agent's contact address (papernotes.web.contact)
        if not isinstance(table, dict):
            raise InvalidInputError(f"{source}: [{short}] must be a table with kind and name.")
        kind = table.get("kind", CONFERENCE)
        name = table.get("name")
        aliases = table.get("aliases", [])
        if kind not in (CONFERENCE, JOURNAL) or not isinstance(name, str) or not name.strip():
            raise InvalidInputError(
                f'{source}: [{short}] needs name = "..." and kind = "conference" or "journal".'
            )
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise InvalidInputError(f"{source}: [{short}] aliases must be a list of strings.")
        venues.append(Venue(short, kind, name.strip(), tuple(aliases)))
    return tuple(venues)
