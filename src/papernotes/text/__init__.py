"""Plain-text rules every layer may use: arXiv ids, URLs, UTF-8 checks, typed-in notes.

Pure string work with no I/O. Imports only ``papernotes.model``, ``papernotes.errors`` and
``papernotes.text``.
"""
