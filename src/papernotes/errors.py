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


class NetworkError(PapernotesError):
    """A remote service (arXiv) failed; nothing was written."""


class LockTimeoutError(PapernotesError):
    """Another process held the library's lock longer than this one was willing to wait."""
