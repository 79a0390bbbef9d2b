"""The terminal UI in a real pseudo-terminal (a real process, Textual's real driver), for what
the headless Pilot cannot show: handing the terminal to $EDITOR and taking it back."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")


class Terminal:
    """A pseudo-terminal running ``papernotes tui``; collects everything the app draws."""

    def __init__(self, root, env: dict[str, str]) -> None:
        self.leader, follower = pty.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "papernotes", "--notes", str(root), "tui"],
            stdin=follower,
            stdout=follower,
            stderr=follower,
            env={**os.environ, "TERM": "xterm-256color", **env},
            start_new_session=True,
        )
        os.close(follower)
        self.drawn = bytearray()

    def wait_for(self, text: bytes, timeout: float = 30) -> None:
        """Read what the app draws until ``text`` appears (fails after ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        while text not in self.drawn:
            left = deadline - time.monotonic()
            assert left > 0, f"{text!r} never appeared on the screen: {self.text()[-3000:]}"
            ready, _, _ = select.select([self.leader], [], [], min(left, 0.2))
            if ready:
                try:
                    self.drawn.extend(os.read(self.leader, 65536))
                except OSError:  # the app exited and closed the terminal
                    assert text in self.drawn, f"{text!r} never appeared on the screen"

    def text(self) -> str:
        """What was drawn, without escape sequences (for failure messages)."""
        drawn = self.drawn.decode(errors="replace")
        return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-Za-z]", "", drawn)

    def press(self, key: bytes) -> None:
        os.write(self.leader, key)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.leader)


@pytest.mark.slow
def test_in_a_real_terminal_the_tui_comes_back_after_a_failing_editor(seed_library):
    terminal = Terminal(seed_library, {"EDITOR": "false"})
    try:
        terminal.wait_for(b"8 of 8")  # the library is loaded and listed
        terminal.press(b"e")
        terminal.wait_for(b"Could not edit")  # the notification is drawn: the app is back
        terminal.press(b"q")  # and it still reads keys (before the fix they echoed as text)
        assert terminal.process.wait(timeout=30) == 0
    finally:
        terminal.close()
