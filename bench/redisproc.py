"""A ``redis-server`` of the bench's own, on a free loopback port (never the one on 6379).

Append-only with ``appendfsync always`` by default, as the tests run it: our server acks an
op once Redis has it, so the figures include the write that makes an ack durable.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

from .process import free_port


def available() -> bool:
    return shutil.which("redis-server") is not None


class RedisProcess:
    def __init__(self, folder: Path, fsync: str = "always") -> None:
        self.folder = folder
        self.fsync = fsync
        self.host = "127.0.0.1"
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @classmethod
    def at(cls, url: str) -> RedisProcess:
        """A Redis that runs already, to read ``INFO`` from (not ours to start or stop)."""
        parts = urlsplit(url)
        found = cls(Path("."))
        found.host, found.port = parts.hostname or "127.0.0.1", parts.port or 6379
        return found

    @property
    def url(self) -> str:
        return f"redis://{self.host}:{self.port}/0"

    def start(self, timeout: float = 10.0) -> RedisProcess:
        self.folder.mkdir(parents=True, exist_ok=True)
        command = [
            shutil.which("redis-server") or "redis-server", "--port", str(self.port),
            "--bind", "127.0.0.1", "--dir", str(self.folder), "--save", "",
            "--appendonly", "yes", "--appendfsync", self.fsync, "--protected-mode", "no",
            "--logfile", str(self.folder / "redis.log"),
        ]  # fmt: skip
        self.process = subprocess.Popen(command, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited: see {self.folder / 'redis.log'}")
            if self.command("PING").startswith(b"+PONG"):
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("redis-server did not answer")

    def command(self, line: str) -> bytes:
        """One inline command's first reply line (b"" when Redis is not there)."""
        try:
            with socket.create_connection((self.host, self.port), timeout=10) as s:
                s.sendall(line.encode() + b"\r\n")
                return s.recv(4096)
        except OSError:
            return b""

    def info(self, section: str) -> dict[str, str]:
        """``INFO section`` as a dict (its values as Redis gives them)."""
        try:
            with socket.create_connection((self.host, self.port), timeout=10) as s:
                s.sendall(f"INFO {section}\r\n".encode())
                data = b""
                while not data.endswith(b"\r\n\r\n") and len(data) < 1 << 20:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                    if data.startswith(b"$") and data.count(b"\r\n") >= 2:
                        size = int(data[1 : data.index(b"\r\n")])
                        if len(data) >= data.index(b"\r\n") + 2 + size:
                            break
        except OSError:
            return {}
        pairs = (line.split(":", 1) for line in data.decode().splitlines() if ":" in line)
        return {k: v for k, v in pairs}

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
