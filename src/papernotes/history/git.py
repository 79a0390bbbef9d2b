"""Running the ``git`` program for one folder: ``git -C FOLDER ...``, never through a shell,
in the C locale (so its messages can be recognised), never prompting for a password."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from papernotes.errors import PapernotesError


class GitError(PapernotesError):
    """git is missing, or a git command failed in a way the user must act on."""


NO_GIT = (
    "git is not installed (no 'git' program on PATH), so the library's history cannot be "
    "kept; install git, or turn history off with 'papernotes git off'."
)


@dataclass(frozen=True)
class Run:
    """What one git command gave back."""

    code: int
    out: str
    err: str

    @property
    def ok(self) -> bool:
        return self.code == 0


class Git:
    """``git -C folder`` with a fixed environment; ``run`` returns, ``call`` raises."""

    def __init__(self, folder: Path, env: dict[str, str] | None = None) -> None:
        self.folder = Path(folder)
        base = dict(os.environ if env is None else env)
        base.update(LC_ALL="C", LANGUAGE="C", GIT_TERMINAL_PROMPT="0", GIT_ASKPASS="true")
        base.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
        self.env = base

    def run(
        self, *args: str, input: str | None = None, extra_env: dict[str, str] | None = None
    ) -> Run:
        """``git -C folder ARGS`` (no shell); a missing git program is ``GitError(NO_GIT)``."""
        env = self.env if not extra_env else {**self.env, **extra_env}
        try:
            done = subprocess.run(
                ["git", "-C", str(self.folder), *args],
                input=input.encode("utf-8", "surrogateescape") if input is not None else None,
                capture_output=True,
                env=env,
                check=False,
                stdin=None if input is not None else subprocess.DEVNULL,
            )
        except FileNotFoundError:
            raise GitError(NO_GIT) from None
        return Run(
            done.returncode,
            done.stdout.decode("utf-8", "surrogateescape"),
            done.stderr.decode("utf-8", "surrogateescape"),
        )

    def call(
        self,
        *args: str,
        input: str | None = None,
        extra_env: dict[str, str] | None = None,
        what: str = "",
    ) -> str:
        """The output of ``git ARGS``; ``GitError`` naming ``what`` failed and git's own last
        line when it exits non-zero."""
        done = self.run(*args, input=input, extra_env=extra_env)
        if not done.ok:
            problem = lock_problem(done.err)
            if problem:
                raise GitError(problem)
            raise GitError(f"{what or 'git ' + args[0]} failed: {last_line(done.err)}")
        return done.out

    def blob(self, rev: str, rel: str) -> bytes | None:
        """The bytes of library path ``rel`` at ``rev`` (None if it did not exist there)."""
        try:
            done = subprocess.run(
                ["git", "-C", str(self.folder), "cat-file", "blob", f"{rev}:./{rel}"],
                capture_output=True,
                env=self.env,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except FileNotFoundError:
            raise GitError(NO_GIT) from None
        return done.stdout if done.returncode == 0 else None


def lock_problem(err: str) -> str | None:
    """A sentence naming the lock file when git failed because one exists (a stale
    ``.git/index.lock`` after a killed git), with what to do; else None."""
    import re

    found = re.search(r"Unable to create '([^']*\.lock)': File exists", err)
    if not found:
        return None
    return (
        "another git process seems to be running, or one was killed: remove "
        f"{found.group(1)} if no git is running."
    )


def last_line(text: str) -> str:
    """git's last meaningful line of ``text`` (its error), without ``fatal:``/``error:``."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return "no message"
    line = lines[-1]
    for prefix in ("fatal: ", "error: "):
        line = line.removeprefix(prefix)
    return line


def merge_text(base: str, ours: str, theirs: str) -> tuple[str, bool]:
    """``ours`` and ``theirs`` merged line by line against ``base`` by ``git merge-file``, and
    whether that was clean (conflicts are left between git's markers; ``ours`` unchanged and
    not clean when git cannot merge them, see ``merge_bytes``)."""
    merged, clean = merge_bytes(base.encode("utf-8"), ours.encode("utf-8"), theirs.encode("utf-8"))
    return merged.decode("utf-8", "replace"), clean


def merge_bytes(
    base: bytes, ours: bytes, theirs: bytes, labels: tuple[str, str, str] | None = None
) -> tuple[bytes, bool]:
    """``merge_text`` on bytes, any bytes (``git merge-file`` compares bytes and changes none):
    for a file that is not UTF-8. ``labels`` name ours, base and theirs in the markers. When
    git fails instead of merging (it refuses a version holding a NUL byte as binary, and
    prints nothing), the merge is ``ours`` byte for byte and not clean: never git's empty
    output, which would empty the file."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="papernotes-merge-") as folder:
        names = []
        for name, data in (("ours", ours), ("base", base), ("theirs", theirs)):
            path = os.path.join(folder, name)
            with open(path, "wb") as handle:
                handle.write(data)
            names.append(path)
        named = [arg for label in labels or () for arg in ("-L", label)]
        try:
            done = subprocess.run(
                ["git", "merge-file", "-p", "-q", *named, *names],
                capture_output=True,
                env={**os.environ, "LC_ALL": "C"},
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except FileNotFoundError:
            raise GitError(NO_GIT) from None
    if not 0 <= done.returncode <= 127:  # an error (255 for -1), not a count of conflicts
        return ours, False
    return done.stdout, done.returncode == 0


def binary_to_git(data: bytes) -> bool:
    """Whether ``git merge-file`` refuses ``data`` as binary: a NUL byte in its first 8,000
    bytes (git's own test), so such a file is never merged line by line."""
    return b"\0" in data[:8000]
