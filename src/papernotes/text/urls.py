"""Which links papernotes may hand to a web browser (plain http(s) addresses only), which go
to this machine, and how long a server's ``Retry-After`` asks to wait."""

from __future__ import annotations

import time
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


def is_loopback(url: str) -> bool:
    """True for 127.x, ::1 and localhost: never sent through an environment proxy."""
    import ipaddress

    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def retry_wait(attempt: int, backoff: float, asked: float, max_wait: float) -> float:
    """Seconds before the retry after failed attempt ``attempt`` (0 for the first): ``backoff``
    doubled for each attempt before it, or the server's ``Retry-After`` (``asked``) when
    longer, never over ``max_wait``; shared by the arXiv and the web clients."""
    return min(max(backoff * 2.0**attempt, asked), max_wait)


def tries_said(attempts: int) -> str:
    """`` on all N tries`` for an error after ``attempts`` attempts, nothing after one."""
    return f" on all {attempts} tries" if attempts > 1 else ""


def retry_after(value: str | None) -> float:
    """Seconds a ``Retry-After`` header asks for (a number or an HTTP date); 0 when none."""
    if not value:
        return 0.0
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    return max(0.0, when.timestamp() - time.time())
