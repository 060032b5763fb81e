"""A server in a subprocess on a free loopback port: the bench's targets and the tests' servers.

Each runs in its own process group, killed whole when it stops: a supervisor killed before
its ``--workers`` leaves them running, and an orphaned worker once went on taking CPU (and
reading the bench's Redis) through every run after it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServedProcess:
    """``name``, a process serving HTTP (and WebSockets) on ``port``; its output goes to
    ``<name>-<port>.log`` in ``folder``."""

    def __init__(self, name: str, folder: Path) -> None:
        self.name = name
        self.port = free_port()
        self.log = folder / f"{name}-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def spawn(
        self,
        command: Sequence[str],
        env: dict[str, str],
        cwd: Path | None = None,
        timeout: float = 30.0,
        poll: float = 0.02,
    ) -> None:
        """Start ``command`` and wait until ``/healthz`` answers 200."""
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=cwd,
                start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.http}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(poll)
        self.stop()
        raise RuntimeError(f"{self.name} did not become healthy in {timeout} s")

    def stop(self, grace: float = 15.0) -> None:
        """SIGTERM (our server drains: clients hear 1001), SIGKILL after ``grace`` s."""
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reap()

    def kill(self) -> None:
        """``kill -9`` of the whole group: no chance to flush anything."""
        if self.process is None:
            return
        self.process.kill()
        self.process.wait()
        self._reap()

    def _reap(self) -> None:
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process = None
