"""BibTeX: reading and writing entries, LaTeX text, citation keys and venue names.

The only package of papernotes that imports ``bibtexparser``. Imports only
``papernotes.model``, ``papernotes.errors``, ``papernotes.text`` and ``papernotes.formats``.
"""
