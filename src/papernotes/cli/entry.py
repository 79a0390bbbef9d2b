"""The ``papernotes`` program's entry point (the console script and ``python -m papernotes``).

It imports the command line inside its own guard, so that Ctrl-C while the program is still
loading exits 130 quietly, as it does once a command runs (``cli.main.main``), instead of
printing a traceback of the import it stopped.
"""

from __future__ import annotations

import sys

EXIT_INTERRUPTED = 130  # as cli.main's, which cannot be imported before the guard


def main() -> None:
    try:
        from papernotes.cli.main import main as run
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        sys.exit(EXIT_INTERRUPTED)
    run()
