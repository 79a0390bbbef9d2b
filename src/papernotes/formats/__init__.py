"""Document formats in and out: Markdown documents and BibTeX files, text to model and back.

No file I/O. Imports only ``papernotes.model``, ``papernotes.errors``, ``papernotes.text`` and
``papernotes.formats``; only ``formats.bibtex`` imports ``bibtexparser``.
"""
