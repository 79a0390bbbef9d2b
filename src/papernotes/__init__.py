"""papernotes: a terminal reading-notes manager for research papers.

Layers, lowest first: ``model``/``errors`` → ``text`` → ``storage``, ``formats``, ``arxiv`` →
``library`` → ``cli`` and ``tui`` (tests/test_layers.py enforces who may import whom).
"""

__version__ = "0.1.0"
