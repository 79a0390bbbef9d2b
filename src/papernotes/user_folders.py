"""The user's folders for papernotes: data (the default library, edits kept aside), config
(``venues.toml``) and cache (the library and arXiv caches).

One place for the three, importable by every layer: it imports nothing of papernotes, and
``platformdirs`` only when called (the cache and config folders on Linux not even then, as
``papernotes list`` runs on every keystroke of a shell completion).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "papernotes"


def data_folder() -> Path:
    """``$XDG_DATA_HOME/papernotes`` on Linux (else ``~/.local/share``); platformdirs'
    user data folder elsewhere."""
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME))


def config_folder() -> Path:
    """``$XDG_CONFIG_HOME/papernotes`` on Linux (else ``~/.config``); platformdirs'
    user config folder elsewhere. Every command asks (for ``config.toml``), so not by
    importing platformdirs where the answer is this simple."""
    if sys.platform not in ("darwin", "win32"):  # what platformdirs does here
        base = os.environ.get("XDG_CONFIG_HOME", "").strip() or os.path.expanduser("~/.config")
        return Path(base) / APP_NAME
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME))


def cache_folder() -> Path:
    """``$XDG_CACHE_HOME/papernotes`` (else ``~/.cache``); platformdirs on macOS and Windows."""
    if sys.platform not in ("darwin", "win32"):  # what platformdirs does here, without its import
        base = os.environ.get("XDG_CACHE_HOME", "").strip() or os.path.expanduser("~/.cache")
        return Path(base) / APP_NAME
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP_NAME, appauthor=False))
