"""BLAKE2b without loading OpenSSL: ``hashlib`` costs a few milliseconds on every start-up."""

try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - Pythons without the builtin module
    from hashlib import blake2b

__all__ = ["blake2b"]
