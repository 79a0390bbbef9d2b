"""Real git in temporary folders for the history tests: identities, a bare remote, clones."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.helpers import folder_bytes, run


def git(folder: Path, *args: str) -> str:
    """``git -C folder ARGS``'s output; a failure fails the test."""
    done = subprocess.run(
        ["git", "-C", str(folder), *args], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def files_of(folder: Path, rev: str = "HEAD") -> list[str]:
    """The paths ``rev`` changed, as ``git show --name-only`` lists them."""
    out = git(folder, "show", "--name-only", "--format=", rev)
    return sorted(line for line in out.splitlines() if line)


def subject(folder: Path, rev: str = "HEAD") -> str:
    return git(folder, "log", "-1", "--format=%s", rev).strip()


def count(folder: Path) -> int:
    return int(git(folder, "rev-list", "--count", "HEAD").strip())


def add(root: Path, title: str, year: int = 2021, *more: str) -> None:
    result = run(root, "add", "--year", str(year), "--title", title, *more)
    assert result.exit_code == 0, result.output


def machines(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A bare remote, and two clones of a library with history on (machines A and B)."""
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    a = tmp_path / "a"
    assert run(a, "init", "--git").exit_code == 0
    git(a, "remote", "add", "origin", str(remote))
    add(a, "Shared Paper", 2021)
    result = run(a, "sync")
    assert result.exit_code == 0, result.output
    b = tmp_path / "b"
    git(tmp_path, "clone", "-q", str(remote), str(b))
    return remote, a, b


def synced(root: Path, *args: str) -> str:
    result = run(root, "sync", *args)
    assert result.exit_code == 0, result.output
    return result.output


def library_files(root: Path) -> dict[str, bytes]:
    """Every file of the library but git's own (relative path -> bytes)."""
    return {k: v for k, v in folder_bytes(root).items() if not k.startswith(".git/")}
