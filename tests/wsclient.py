"""A small protocol client over the real ``websockets`` library, for tests against servers."""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import os
import socket
from collections.abc import Callable
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed


class Client:
    """Keeps the state a client keeps: its token, the last seq seen, the events in order."""

    _ids = itertools.count()

    def __init__(self, base: str, room: str) -> None:
        self.base = base
        self.room = room
        self.ws: ClientConnection | None = None
        self.token: str | None = None
        self.me: dict[str, Any] = {}
        self.seq = 0
        self.events: list[dict[str, Any]] = []
        self.frames: list[dict[str, Any]] = []
        self.welcome: dict[str, Any] = {}

    async def join(self, base: str | None = None, **hello: Any) -> dict[str, Any]:
        self.base = base or self.base
        self.ws = await connect(f"{self.base}/ws/{self.room}", max_size=2**22)
        frame = {"type": "hello", "name": "Peserta", **hello}
        if self.token and "token" not in hello:
            frame.update(token=self.token, since=self.seq)
        await self.ws.send(json.dumps(frame))
        self.welcome = json.loads(await asyncio.wait_for(self.ws.recv(), 10))
        assert self.welcome["type"] == "welcome", self.welcome
        self.token, self.me = self.welcome["token"], self.welcome["you"]
        if "state" in self.welcome:
            self.seq = self.welcome["seq"]
        return self.welcome

    async def send(self, kind: str, op_id: str | None = None, **fields: Any) -> str:
        op_id = op_id or f"{self.me.get('id', 'x')}-{next(self._ids)}"
        assert self.ws is not None
        await self.ws.send(json.dumps({"type": "op", "id": op_id, "op": {"kind": kind, **fields}}))
        return op_id

    async def receive(self, timeout: float = 10) -> dict[str, Any]:
        assert self.ws is not None
        frame = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
        self.frames.append(frame)
        if frame["type"] == "events":
            for event in frame["events"]:
                if event["seq"] <= self.seq:
                    continue  # an ack resent for a duplicate op id
                assert event["seq"] == self.seq + 1, f"gap: {self.seq} -> {event['seq']}"
                self.seq = event["seq"]
                self.events.append(event)
        return frame

    async def until(self, op_id: str, timeout: float = 10) -> dict[str, Any]:
        """Read until the event (or rejection) of ``op_id`` arrives."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            for event in self.events:
                if event.get("op_id") == op_id:
                    return event
            for frame in self.frames:
                if frame["type"] == "rejected" and frame["id"] == op_id:
                    return frame
            await self.receive(max(0.01, deadline - asyncio.get_running_loop().time()))

    async def until_seq(self, seq: int, timeout: float = 10) -> None:
        while self.seq < seq:
            await self.receive(timeout)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None


async def write_cards_until_killed(client: Client, kill: Callable[[], None]) -> set[str]:
    """Send cards as fast as the socket takes them; once acks flow, ``kill`` the server.

    Returns the texts of the cards acknowledged before the connection died: those are
    the ones a durable server must still have after its restart.
    """
    acked: set[str] = set()

    async def read_acks() -> None:
        try:
            while True:
                frame = await client.receive()
                if frame["type"] == "events":
                    acked.update(e["op"]["text"] for e in frame["events"] if "text" in e["op"])
        except (ConnectionClosed, TimeoutError):
            pass

    reader = asyncio.create_task(read_acks())
    try:
        for i in range(2000):
            await client.send("note.add", text=f"kartu {i}")
            if i == 300:
                for _ in range(500):  # let acks flow, then kill while ops are in flight
                    if len(acked) >= 100:
                        break
                    await asyncio.sleep(0.01)
                kill()
    except ConnectionClosed:
        pass
    await reader
    return acked


def stalled_socket(port: int, room: str, hello: dict[str, Any]) -> socket.socket:
    """A WebSocket client that says hello and then never reads: the slowest phone there is.

    Raw TCP with a tiny receive buffer, so the server's writes back up at once (a client
    library would keep reading into its own memory).
    """
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    raw.sendall(
        f"GET /ws/{room} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    response = b""
    while b"\r\n\r\n" not in response:
        response += raw.recv(1)
    assert b" 101 " in response.split(b"\r\n")[0], response
    payload = json.dumps(hello).encode()
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    assert len(payload) < 126
    raw.sendall(bytes([0x81, 0x80 | len(payload)]) + mask + masked)
    return raw


def read_close_code(raw: socket.socket, timeout: float = 10) -> int | None:
    """Read everything the server sent until its close frame; the close code, or None."""
    raw.settimeout(timeout)
    buffer = b""
    while True:
        try:
            chunk = raw.recv(65536)
        except TimeoutError:
            return None
        if not chunk:
            return None
        buffer += chunk
        while len(buffer) >= 2:
            opcode, length, start = buffer[0] & 0x0F, buffer[1] & 0x7F, 2
            if length == 126:
                length, start = int.from_bytes(buffer[2:4], "big"), 4
            elif length == 127:
                length, start = int.from_bytes(buffer[2:10], "big"), 10
            if len(buffer) < start + length:
                break
            if opcode == 0x8:
                return int.from_bytes(buffer[start : start + 2], "big")
            buffer = buffer[start + length :]
