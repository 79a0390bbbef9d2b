"""Talking to arXiv: the API client and matching its answers to a paper.

``client`` is the only module of papernotes that imports the ``arxiv`` package (and
``requests``). Imports only ``papernotes.model``, ``papernotes.errors``, ``papernotes.text``,
``papernotes.arxiv`` and the shared helpers ``papernotes.user_folders`` and
``papernotes.gc_pause``; caching answers on disk is ``storage.arxiv_cache``'s job.
"""

DEFAULT_TIMEOUT = 15.0
"""Seconds one arXiv request may take unless told otherwise: the client's default and the
commands' ``--timeout`` default. Here, not in ``client``, so the commands need not load it."""
