"""papernotes: a terminal reading-notes manager for research papers."""

__version__ = "0.1.0"
