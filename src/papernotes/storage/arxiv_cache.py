"""arXiv's answers kept in the user cache folder, so a rerun does not ask again.

``<user cache dir>/arxiv/ids/<id>.json`` holds the fields arXiv gave for one id (as asked:
``2006.03654`` or ``2006.03654v2``; ``/`` of old-style ids becomes ``_``);
``arxiv/search/<hash>.json`` holds the entries of one title search. Files are written
atomically; an unreadable file counts as a miss. The cache never raises on write: losing it
only costs a request.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from papernotes.model import ARXIV_FIELDS, LIST_FIELDS, Paper
from papernotes.storage.atomic import atomic_write
from papernotes.storage.regular_file import read_regular

FORMAT = 1
# The Paper fields an arXiv answer fills; everything else belongs to the user.
CACHED_FIELDS = ("title", "year", "arxiv", *ARXIV_FIELDS)
_TUPLES = LIST_FIELDS & set(CACHED_FIELDS)


def default_root() -> Path:
    """``arxiv`` in the user cache folder (``storage.caches.location.user_cache_dir``; follows
    ``XDG_CACHE_HOME``), next to the library caches."""
    from papernotes.storage.caches.location import user_cache_dir

    return user_cache_dir() / "arxiv"


class ArxivCache:
    """Answers by id and by search query, one small JSON file each."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root is not None else default_root()

    def id_path(self, id_key: str) -> Path:
        return self.root / "ids" / f"{id_key.replace('/', '_')}.json"

    def search_path(self, query: str) -> Path:
        name = hashlib.sha256(query.encode("utf-8")).hexdigest()[:24]
        return self.root / "search" / f"{name}.json"

    def get_id(self, id_key: str) -> Paper | None:
        data = self._read(self.id_path(id_key))
        try:
            return _paper(data["paper"]) if data and data.get("id") == id_key else None
        except (KeyError, TypeError, ValueError):
            return None

    def put_id(self, id_key: str, paper: Paper) -> None:
        self._write(self.id_path(id_key), {"id": id_key, "paper": _fields(paper)})

    def get_search(self, query: str) -> list[Paper] | None:
        data = self._read(self.search_path(query))
        try:
            if not data or data.get("query") != query:
                return None
            return [_paper(item) for item in data["papers"]]
        except (KeyError, TypeError, ValueError):
            return None

    def put_search(self, query: str, papers: list[Paper]) -> None:
        self._write(
            self.search_path(query), {"query": query, "papers": [_fields(p) for p in papers]}
        )

    @staticmethod
    def _read(path: Path) -> dict[str, Any] | None:
        try:
            data = json.loads(read_regular(path).decode("utf-8"))  # a FIFO is never waited on
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) and data.get("format") == FORMAT else None

    @staticmethod
    def _write(path: Path, data: dict[str, object]) -> None:
        stamped = {"format": FORMAT, "fetched": dt.datetime.now(dt.UTC).isoformat(), **data}
        text = json.dumps(stamped, ensure_ascii=False, indent=1)
        # A cache that cannot be written only costs a later request.
        with contextlib.suppress(OSError):
            atomic_write(path, text.encode("utf-8"))


def _fields(paper: Paper) -> dict[str, object]:
    return {
        name: list(value) if name in _TUPLES else value
        for name in CACHED_FIELDS
        for value in [getattr(paper, name)]
    }


def _paper(data: dict[str, Any]) -> Paper:
    values = {name: data[name] for name in CACHED_FIELDS if name in data}
    for name in _TUPLES:
        values[name] = tuple(str(v) for v in values.get(name, ()))
    values["year"] = int(values["year"])
    values["arxiv_version"] = int(values.get("arxiv_version", 0))
    return Paper(**values)
