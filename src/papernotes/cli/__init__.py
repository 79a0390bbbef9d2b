"""The command line: a thin layer over ``papernotes.library``."""
