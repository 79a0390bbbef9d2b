"""Which links papernotes may hand to a web browser: plain http(s) addresses only."""

from __future__ import annotations

from urllib.parse import urlsplit


def is_browsable(url: str) -> bool:
    """True for an ``http``/``https`` URL with a host and no spaces or control characters.

    Everything else (``file:``, ``javascript:``, ``data:``, a bare path, an option-like
    ``-x``) is never opened: note files and imported documents are untrusted text.
    """
    if not url or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced '[' in the host
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
