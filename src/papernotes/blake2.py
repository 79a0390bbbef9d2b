"""``hashlib.blake2b`` without importing ``hashlib``, whose OpenSSL part alone takes 2.5 ms
of every command's start-up (issue 20). The same C type: CPython's ``hashlib`` takes its
``blake2b`` from ``_blake2`` too. Imports nothing of papernotes, so every layer may use it."""

from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # another Python: hashlib's, whatever it is built on
    from hashlib import blake2b

__all__ = ["blake2b"]
