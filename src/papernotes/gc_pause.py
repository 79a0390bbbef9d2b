"""Pausing Python's cyclic garbage collector while many lasting objects are built.

Each new object counts towards the collector's next run, and at 100,000 notes it otherwise
walks them again and again (half a second or more). Notes and caches hold no cycles:
reference counting still frees them. Imports nothing of papernotes, so every layer may use it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused(*, freeze: bool = False) -> Iterator[None]:
    """Pause the cyclic collector for the block (it stays off if it was off). With ``freeze``,
    and only if the block succeeds, everything alive then is moved out of the collector's
    sight (``gc.freeze``): for what a short program keeps to its end."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        if freeze:
            gc.freeze()
    finally:
        if enabled:
            gc.enable()
