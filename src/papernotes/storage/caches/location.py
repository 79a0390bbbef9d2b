"""Where the caches live (the user cache folder) and what every cache header names."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from papernotes.blake2 import blake2b
from papernotes.user_folders import cache_folder

DISABLE_ENV = "PAPERNOTES_NO_CACHE"


def cache_path(real_root: str, suffix: str) -> Path | None:
    """Where a cache of the library at ``real_root`` goes (``libraries/<hash><suffix>`` in
    the user cache folder); None when ``PAPERNOTES_NO_CACHE`` turns caching off."""
    if os.environ.get(DISABLE_ENV, "").strip() not in ("", "0"):
        return None
    name = blake2b(os.fsencode(real_root), digest_size=16).hexdigest()
    return user_cache_dir() / "libraries" / f"{name}{suffix}"


def python_version() -> str:
    """The interpreter and its version, as the cache headers name it (marshal data and
    parsing both depend on it)."""
    return f"{sys.implementation.name}{sys.version_info[0]}.{sys.version_info[1]}"


def user_cache_dir() -> Path:
    """papernotes' user cache folder (``user_folders.cache_folder``): the one name every cache
    asks, so that a test can move them all."""
    return cache_folder()
