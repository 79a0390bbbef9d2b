"""The Textual terminal UI. Only this package imports Textual; ``build_app`` is its entry point."""
