"""Web services' answers (Semantic Scholar, DBLP, Crossref) kept in the user cache folder.

``<user cache dir>/web/<hash>.json`` holds one answer: the request (``GET URL``), its HTTP
status, its body and when it was fetched. An answer older than the asker's ``max_age`` is a
miss (offline, the asker passes None: any age will do). Files are written atomically; an
unreadable one is a miss, and a failed write only costs a later request.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import time
from pathlib import Path

from papernotes.storage.atomic import atomic_write
from papernotes.storage.regular_file import read_regular

FORMAT = 1


def default_root() -> Path:
    """``web`` in the user cache folder, next to the arXiv and library caches."""
    from papernotes.storage.caches.location import user_cache_dir

    return user_cache_dir() / "web"


class WebCache:
    """One small JSON file per request, found by the request's hash."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root is not None else default_root()

    def path(self, key: str) -> Path:
        return self.root / f"{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}.json"

    def get(self, key: str, max_age: float | None) -> tuple[int, bytes] | None:
        """``(status, body)`` cached for ``key``, unless older than ``max_age`` seconds."""
        try:
            data = json.loads(read_regular(self.path(key)).decode("utf-8"))
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                return None
            if data.get("key") != key:
                return None
            age = time.time() - float(data["fetched"])
            if max_age is not None and not 0 <= age <= max_age:
                return None
            return int(data["status"]), base64.b64decode(data["body"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, status: int, body: bytes) -> None:
        record = {
            "format": FORMAT,
            "key": key,
            "fetched": time.time(),
            "status": status,
            "body": base64.b64encode(body).decode("ascii"),
        }
        with contextlib.suppress(OSError):
            atomic_write(self.path(key), json.dumps(record).encode("utf-8"))
