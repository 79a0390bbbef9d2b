"""Small helpers shared by the tests: running the CLI and snapshotting a folder."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from click.testing import CliRunner, Result
from hypothesis import HealthCheck, settings

from papernotes.cli.main import cli
from papernotes.storage.caches.list_output_cache import ListOutputCache


def bounded(examples: int, *checks: HealthCheck) -> settings:
    """Hypothesis settings of the suite's property tests: at most ``examples`` examples, the
    same ones every run (derandomized, no example database), no deadline (CI machines vary),
    and no complaint about slow generation (nor ``checks``)."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, *checks],
    )


def calls_of(monkeypatch, owner: object, name: str) -> list:
    """The first argument of every call of ``owner.name`` from now on (the call still made):
    what a test counts, such as the texts a command parsed."""
    seen: list = []
    real = getattr(owner, name)

    def counted(first, *rest, **named):
        seen.append(first)
        return real(first, *rest, **named)

    monkeypatch.setattr(owner, name, counted)
    return seen


def run(root: Path | None, *args: str, input: str | None = None, env: dict | None = None) -> Result:
    """Run ``papernotes [--notes root] args`` in-process, as a user would type it."""
    prefix = ["--notes", str(root)] if root is not None else []
    return CliRunner().invoke(cli, [*prefix, *args], input=input, env=env, catch_exceptions=False)


def folder_bytes(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (relative path -> bytes), to prove nothing changed."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".cache" not in p.parts and not p.name.endswith(".lock")
    }


def kept_list_outputs(root: Path) -> list[Path]:
    """The files of the ``list`` outputs kept for the library at ``root``
    (storage/caches/list_output_cache.py)."""
    folder = ListOutputCache.for_library(os.path.realpath(root)).folder
    assert folder is not None
    return sorted(folder.iterdir()) if folder.exists() else []


def run_process(
    root: Path,
    *args: str,
    prefix: tuple[str, ...] = (),
    preexec_fn=None,
    timeout: float = 60,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess:
    """``papernotes --notes root ARGS`` in a child process (stdin closed, ``prefix`` before
    it, ``preexec_fn`` run in it first): a command that blocks fails after ``timeout``
    seconds instead of hanging the tests."""
    return subprocess.run(
        [*prefix, sys.executable, "-m", "papernotes", "--notes", str(root), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        env=os.environ if env is None else env,
        preexec_fn=preexec_fn,
        check=False,
    )


LOCK_HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path

    from papernotes.storage.store import NoteStore

    root, held, release = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    with NoteStore(root).locked():
        held.touch()
        deadline = time.monotonic() + 60  # never outlive a broken test
        while not release.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
    """
)


@contextmanager
def lock_held(root: Path, scratch: Path) -> Iterator[tuple[subprocess.Popen, Path]]:
    """A second process holding the library lock of ``root`` until the file it yields
    (``release``) exists; its files go in ``scratch``."""
    script = scratch / "holder.py"
    script.write_text(LOCK_HOLDER, encoding="utf-8")
    held, release = scratch / "held", scratch / "release"
    holder = subprocess.Popen([sys.executable, str(script), str(root), held, release])
    try:
        deadline = time.monotonic() + 60
        while not held.exists():  # wait for the signal, not for time to pass
            assert holder.poll() is None, "the lock holder died"
            assert time.monotonic() < deadline, "the lock holder never took the lock"
            time.sleep(0.01)
        yield holder, release
    finally:
        release.touch()
        holder.wait(timeout=60)


def forks_of(monkeypatch) -> list[int]:
    """The children forked from now on (their pids)."""
    made: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        pid = real_fork()
        if pid:
            made.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    return made


def files_a_fifo_and_a_missing(folder: Path) -> tuple[str, list[str]]:
    """Nine files of different lengths in ``folder``, a FIFO and a name with no file: the
    prefix and names given to the per-file readers of two processes (``split_stat``)."""
    for number in range(9):
        (folder / f"{number}.md").write_text(f"note {number}\n" * number, encoding="utf-8")
    os.mkfifo(folder / "fifo.md")
    return str(folder) + "/", [f"{n}.md" for n in range(9)] + ["fifo.md", "missing.md"]
