"""The user's settings: ``config.toml`` in the config folder (or ``$PAPERNOTES_CONFIG``, or
``--config FILE``), the environment and the defaults, each value with where it came from.

A layer just above ``text``: it reads one file outside the library, so the library layer
(the editor, arXiv's politeness, the contact for web services, venues) and the UIs may
import it. Imports only ``papernotes.errors``, ``papernotes.config`` and the shared helper
``papernotes.user_folders``.
"""

from papernotes.config.settings import (
    CONFIG_ENV,
    Setting,
    Settings,
    config_path,
    contact,
    load_settings,
)

__all__ = ["CONFIG_ENV", "Setting", "Settings", "config_path", "contact", "load_settings"]
