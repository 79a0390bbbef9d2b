"""papernotes: a terminal reading-notes manager for research papers.

Layers, lowest first: ``model``/``errors`` → ``text`` → ``storage``, ``formats``, ``arxiv`` →
``library`` → ``cli`` and ``tui`` (tests/test_layers.py enforces who may import whom).
``user_folders``, ``gc_pause`` and ``blake2`` are small helpers any layer may import;
``config`` (the user's settings) is imported only by ``library``, ``cli`` and ``tui``.
"""

__version__ = "0.1.0"
