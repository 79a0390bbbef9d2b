"""The exceptions papernotes raises for problems a user can act on.

Each carries one clear sentence; the CLI prints it and exits 1, the TUI notifies.
"""


class PapernotesError(Exception):
    """Base of every error meant for the user, never shown as a traceback."""


class NotFoundError(PapernotesError):
    """No paper (or file) matches what the user named."""


class AmbiguousError(PapernotesError):
    """What the user named matches more than one paper."""


class DuplicateError(PapernotesError):
    """The paper, key or file already exists."""


class ConflictError(PapernotesError):
    """A note changed on disk after it was read; writing would lose that change."""


class InvalidInputError(PapernotesError):
    """A value, file or document the user gave cannot be used."""


class FileFormatError(InvalidInputError):
    """A file of the library that does not read (``document.yaml``): ``path:line: message``."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")
        self.path, self.line, self.message = path, line, message


class NetworkError(PapernotesError):
    """A remote service (arXiv) failed; nothing was written. The CLI exits with status 3."""

    reached_network = True


class ImportStoppedError(PapernotesError):
    """An import stopped at a note it could not write, after writing others."""


class LockTimeoutError(PapernotesError):
    """Another process held the library's lock longer than this one was willing to wait."""


def user_message(exc: BaseException) -> str | None:
    """The one sentence a user sees for ``exc`` (the CLI prints it, the TUI notifies it), or
    None for an error that is a bug, to be shown as such."""
    if isinstance(exc, PapernotesError):
        return str(exc)
    if isinstance(exc, OSError):
        where = f" {exc.filename}" if exc.filename else ""
        return f"Cannot access{where}: {exc.strerror or exc}."
    return None


NO_PAPERS = "no papers found (a paper is a '- TITLE' bullet under a '### YEAR' heading)"
"""What an import of a document without a single paper says (the CLI and the TUI alike)."""
