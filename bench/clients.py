"""One adapter per server under test: how a client joins, sends an op, and reads arrivals.

Every adapter sends the same payload, the op frame of our protocol
(``{"type":"op","id":…,"op":{…}}``): our server applies it, the relay echoes it to the
room unchanged, and the Yjs client appends it as a string to a shared array. Each arrival
is written to the worker's ``Recorder`` as ``(room, key, receive time)``: the key is the
op id where the receiver can see it, or the event's seq for our server (whose receivers
may get an event redacted to ``{"kind":"hidden"}``; the sender's ack maps seq to op id).

Every client offers per-message deflate as browsers do: the websockets client's offer,
``permessage-deflate; client_max_window_bits``, is Chromium's and Firefox's. A client made
with ``deflate=False`` (``spwt bench --plain``) offers nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections import Counter
from typing import Any

import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

OPEN_TIMEOUT = 20.0
JOIN_TIMEOUT = 20.0
CRDT_OP_ID = re.compile(rb'"id":"(B[0-9]+\.[0-9]+)"')


class Recorder:
    """Arrivals and acks of one worker process, kept flat and cheap to append to."""

    def __init__(self) -> None:
        self.arrivals: list[tuple[int, int | str, int]] = []
        self.acks: list[tuple[int, int, str]] = []  # (room, seq, op id) of our own ops
        self.rejected: Counter[str] = Counter()
        self.closed: Counter[int] = Counter()
        self.last_ns = 0
        self.notes: dict[int, list[str]] = {}


class Client:
    """What every adapter offers to the worker."""

    def __init__(
        self, base: str, code: str, room: int, index: int, recorder: Recorder,
        deflate: bool = True,
    ) -> None:  # fmt: skip
        self.base = base
        self.deflate = deflate
        self.code = code
        self.room = room
        self.index = index
        self.recorder = recorder
        self.ws: ClientConnection | None = None
        self.reader: asyncio.Task[None] | None = None
        self.voted: tuple[str, str] | None = None  # the dot this client has out, if any
        self.sent = 0
        self.deflated = False

    async def _open(self) -> ClientConnection:
        ws = await connect(
            f"{self.base}/ws/{self.code}",
            compression="deflate" if self.deflate else None,
            open_timeout=OPEN_TIMEOUT,
            max_size=None,
            max_queue=None,
            ping_interval=None,
        )
        extensions = ws.response.headers.get("Sec-WebSocket-Extensions") or ""
        self.deflated = "permessage-deflate" in extensions  # what the server accepted
        return ws

    async def join(self) -> None:
        raise NotImplementedError

    async def resume(self) -> int:
        """Reconnect after a restart; the time (ns) the client was whole again."""
        await self.join()
        return time.time_ns()

    async def send(self, op_id: str, op: dict[str, Any]) -> None:
        assert self.ws is not None
        await self.ws.send(orjson.dumps({"type": "op", "id": op_id, "op": op}).decode())

    def start_reading(self) -> None:
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.ws is not None
        try:
            async for message in self.ws:
                self.on_message(message, time.time_ns())
        except ConnectionClosed:
            pass
        if self.ws.close_code is not None:
            self.recorder.closed[self.ws.close_code] += 1

    def on_message(self, message: str | bytes, now: int) -> None:
        raise NotImplementedError

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(), 5)
        if self.reader is not None:
            self.reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.reader


class OursClient(Client):
    """A participant of our server: hello -> welcome, ops acked as events."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.me = ""
        self.token: str | None = None
        self.seq = 0
        self.full_state = False  # the last welcome carried the whole state (not a resume)

    async def join(self) -> None:
        self.ws = await self._open()
        hello: dict[str, Any] = {"type": "hello", "name": f"Peserta {self.index}", "org": "Bench"}
        if self.token is not None:
            hello |= {"token": self.token, "since": self.seq}
        await self.ws.send(orjson.dumps(hello).decode())
        while True:
            frame = orjson.loads(await asyncio.wait_for(self.ws.recv(), JOIN_TIMEOUT))
            if frame.get("type") == "welcome":
                break
        self.me = frame["you"]["id"]
        self.full_state = "state" in frame
        self.token = frame["token"]
        self.seq = max(self.seq, frame["seq"])

    def on_message(self, message: str | bytes, now: int) -> None:
        frame = orjson.loads(message)
        kind = frame.get("type")
        recorder = self.recorder
        if kind == "events":
            for event in frame["events"]:
                seq = event["seq"]
                recorder.arrivals.append((self.room, seq, now))
                self.seq = seq
                if event.get("by") == self.me and event.get("op_id", "").startswith("B"):
                    recorder.acks.append((self.room, seq, event["op_id"]))
                    if event["op"]["kind"] == "note.add":
                        recorder.notes.setdefault(self.room, []).append(f"n{seq}")
            recorder.last_ns = now
        elif kind == "rejected":
            recorder.rejected[frame.get("code", "?")] += 1
            if frame.get("id", "").startswith("B"):
                self.voted = None  # a refused vote: start the toggle afresh


class RelayClient(Client):
    """A client of the bare relay: connected is joined; every frame comes back as sent."""

    async def join(self) -> None:
        self.ws = await self._open()

    def on_message(self, message: str | bytes, now: int) -> None:
        self.recorder.arrivals.append((self.room, orjson.loads(message)["id"], now))
        self.recorder.last_ns = now


class CrdtClient(Client):
    """A Yjs client of pycrdt-websocket: sync step 1 -> step 2, ops as Y array appends."""

    async def join(self) -> None:
        from pycrdt import Array, Doc, YMessageType, YSyncMessageType, create_sync_message

        self.doc: Any = Doc()
        self.array: Any = self.doc.get("ops", type=Array)
        self.updates: list[bytes] = []
        self.doc.observe(lambda event: self.updates.append(event.update))
        self.ws = await self._open()
        await self.ws.send(create_sync_message(self.doc))
        step2 = bytes([YMessageType.SYNC, YSyncMessageType.SYNC_STEP2])
        while True:
            message = await asyncio.wait_for(self.ws.recv(), JOIN_TIMEOUT)
            if isinstance(message, bytes) and message[:2] == step2:
                break

    async def send(self, op_id: str, op: dict[str, Any]) -> None:
        from pycrdt import create_update_message

        assert self.ws is not None
        self.array.append(orjson.dumps({"type": "op", "id": op_id, "op": op}).decode())
        updates, self.updates = self.updates, []
        for update in updates:
            await self.ws.send(create_update_message(update))

    def on_message(self, message: str | bytes, now: int) -> None:
        if isinstance(message, bytes) and message[:2] == b"\x00\x02":  # sync update
            for op_id in CRDT_OP_ID.findall(message):
                self.recorder.arrivals.append((self.room, op_id.decode(), now))
            self.recorder.last_ns = now


ADAPTERS: dict[str, type[Client]] = {
    "ours": OursClient, "relay": RelayClient, "crdt": CrdtClient,
}  # fmt: skip
