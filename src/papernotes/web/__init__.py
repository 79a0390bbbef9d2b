"""Talking to web services other than arXiv: a polite HTTP client and the clients for
Semantic Scholar, DBLP and Crossref built on it.

Imports only ``papernotes`` (its version), ``papernotes.model``, ``papernotes.errors``,
``papernotes.text``, ``papernotes.web`` and the shared helper ``papernotes.user_folders``;
``requests`` only in ``web/polite.py``, when a request is made. Caching answers on disk is
``storage.web_cache``'s job: a client is handed a cache, it never opens one. Only the library
layer imports this package.
"""

DEFAULT_TIMEOUT = 15.0
"""Seconds one request may take unless told otherwise (the commands' ``--timeout`` default)."""
