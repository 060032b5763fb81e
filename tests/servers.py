"""Real servers for tests: ``spwt serve`` processes on free ports, started and stopped here."""

from __future__ import annotations

import json
import os
import sys
import urllib.request
from pathlib import Path
from typing import Any

from bench.process import ServedProcess


class Server(ServedProcess):
    """One ``spwt serve`` process. ``restart()`` keeps the port and the data folder."""

    def __init__(
        self,
        data: Path,
        *extra: str,
        env: dict[str, str] | None = None,
        python: str | Path = sys.executable,
        cwd: Path | None = None,
    ) -> None:
        super().__init__("server", data)
        self.data = data
        self.extra = extra
        self.env = {**os.environ, **(env or {})}
        self.python = python
        self.cwd = cwd

    def start(self) -> Server:
        self.data.mkdir(parents=True, exist_ok=True)
        command = [
            str(self.python), "-m", "server.cli", "serve", "--host", "127.0.0.1",
            "--port", str(self.port), "--data", str(self.data), "--log-level", "warning",
            *self.extra,
        ]  # fmt: skip
        self.spawn(command, self.env, cwd=self.cwd, timeout=20, poll=0.05)
        return self

    def restart(self) -> Server:
        self.kill()
        return self.start()

    def request(self, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(
            self.http + path, data=data, method=method, headers=headers
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def new_room(self, title: str = "Lokakarya S-PWT") -> tuple[str, str]:
        body = self.request("POST", "/api/rooms", {"title": title})
        return body["room"], body["facilitator_key"]
