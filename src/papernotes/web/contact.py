"""The contact address papernotes puts in its User-Agent, as Crossref's "polite pool" asks.

From ``$PAPERNOTES_CONTACT``, else a top-level ``contact = "you@example.org"`` line in the
user's ``venues.toml`` (the config folder papernotes already reads); empty when neither says.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

CONTACT_ENV = "PAPERNOTES_CONTACT"
CONTACT_KEY = "contact"
_MAILBOX = re.compile(r"^[^\s@<>()]+@[^\s@<>()]+$")


def contact_address(config_dir: Path | None = None) -> str:
    """The user's contact address, or "" when none is configured (or it is no address)."""
    text = os.environ.get(CONTACT_ENV, "").strip()
    if not text:
        text = _from_config(config_dir)
    return mailbox(text)


def mailbox(text: str) -> str:
    """``text`` (``mailto:`` dropped) if it reads as an email address, else ""."""
    text = text.strip().removeprefix("mailto:")
    return text if _MAILBOX.match(text) else ""


def _from_config(config_dir: Path | None) -> str:
    if config_dir is None:
        from papernotes.user_folders import config_folder

        config_dir = config_folder()
    try:
        data = tomllib.loads((config_dir / "venues.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return ""  # the venue table reports a broken file itself
    value = data.get(CONTACT_KEY)
    return value.strip() if isinstance(value, str) else ""
