"""The library API: what the CLI and the TUI do with a notes folder (``Library`` in ``api``),
and the operations built on it (BibTeX, arXiv, search, checks, edits).

May import any layer below it (model, errors, text, storage, formats, arxiv), never ``cli`` or
``tui``. Only ``Library`` is re-exported here, so importing the package stays light.
"""

from papernotes.library.api import Library

__all__ = ["Library"]
