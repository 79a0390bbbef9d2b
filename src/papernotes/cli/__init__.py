"""The command line: a thin layer over ``papernotes.library``.

May import every layer except ``tui``; only ``cli.tui_cmd`` imports ``papernotes.tui`` (on use).
"""
