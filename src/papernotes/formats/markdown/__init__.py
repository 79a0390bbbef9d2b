"""The Markdown document: ``import FILE.md`` (``read``) and ``export --md`` (``write``).

Imports only ``papernotes.model``, ``papernotes.errors``, ``papernotes.text`` and
``papernotes.formats``.
"""
