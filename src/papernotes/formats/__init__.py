"""Document formats in and out: Markdown documents and BibTeX files, text to model and back.

No file I/O (but ``venues.toml``). Imports only ``papernotes.model``, ``papernotes.errors``,
``papernotes.text``, ``papernotes.formats`` and the shared helpers ``papernotes.user_folders``
and ``papernotes.gc_pause``; only ``formats.bibtex`` imports ``bibtexparser``.
"""
