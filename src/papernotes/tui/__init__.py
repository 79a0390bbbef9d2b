"""The Textual terminal UI; ``build_app`` (in ``tui.start``) is its entry point.

The only package that imports Textual. May import every layer except ``cli``.
"""
