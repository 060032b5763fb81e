"""A bench client of Hocuspocus: enough of its wire protocol and of Yjs to join and write.

Every Hocuspocus message starts with the document's name (a lib0 ``varString``) and a
message type (``varUint``); then comes y-protocols' payload. A client joins with
``Auth`` (type 2, ``Token`` 0, here an empty token) and then ``Sync`` step 1 (type 0,
sub 0, its state vector); the server answers ``Authenticated``, then step 2. An op is one
Yjs update, ``Sync`` sub 2: an insert of the op frame's JSON (the payload every bench
client sends) at the end of the shared array ``ops``, written by hand below in Yjs's
update format (v1) so that the bench needs no Yjs in Python. The server applies it,
acknowledges it to the sender (``SyncStatus``, type 8) and broadcasts it to every
connection of the document, the sender's included (as the relay and our server do).
"""

from __future__ import annotations

import asyncio
import random
from typing import Any

import orjson

from .clients import CRDT_OP_ID, JOIN_TIMEOUT, Client

SYNC, AUTH, SYNC_REPLY, SYNC_STATUS = 0, 2, 4, 8
STEP1, STEP2, UPDATE = 0, 1, 2
AUTH_TOKEN = 0
ARRAY = "ops"
CONTENT_ANY = 8  # Yjs content ref of ContentAny
HAS_ORIGIN = 0x80  # Yjs item info bit: a left origin follows
ANY_STRING = 119  # lib0 writeAny tag of a string


def var_uint(n: int) -> bytes:
    """lib0 varUint: 7 bits a byte, low bits first, the high bit says "more"."""
    out = bytearray()
    while n > 0x7F:
        out.append(0x80 | (n & 0x7F))
        n >>= 7
    out.append(n)
    return bytes(out)


def var_bytes(data: bytes) -> bytes:
    return var_uint(len(data)) + data


def var_string(text: str) -> bytes:
    return var_bytes(text.encode())


def read_var_uint(data: bytes, at: int) -> tuple[int, int]:
    """The varUint at ``at`` and where the next field starts."""
    n = shift = 0
    while True:
        byte = data[at]
        at += 1
        n |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return n, at


def array_append(client: int, clock: int, text: str) -> bytes:
    """A Yjs v1 update: one item holding ``text``, after this client's item ``clock - 1``
    (or, for the first, at the start of the root array ``ops``); no deletions."""
    item = bytes([CONTENT_ANY | (HAS_ORIGIN if clock else 0)])
    if clock:
        item += var_uint(client) + var_uint(clock - 1)
    else:
        item += var_uint(1) + var_string(ARRAY)  # parent: a root type, by its key
    item += var_uint(1) + bytes([ANY_STRING]) + var_string(text)
    one_client_one_struct = var_uint(1) + var_uint(1) + var_uint(client) + var_uint(clock)
    return one_client_one_struct + item + var_uint(0)  # the empty delete set


class HocuspocusClient(Client):
    """Auth, then Sync step 1 -> step 2; each op a Yjs update appending to ``ops``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.address = var_string(self.code)  # the document's name heads every message
        self.yjs_client = random.Random(f"{self.code}/{self.index}").randrange(1, 2**31)
        self.clock = 0
        self.acks = 0  # SyncStatus frames: the server applied one of our updates

    async def join(self) -> None:
        self.ws = await self._open()
        await self.ws.send(self.address + var_uint(AUTH) + var_uint(AUTH_TOKEN) + var_string(""))
        no_state = var_uint(0)  # an empty state vector: this client has seen nothing
        await self.ws.send(self.address + var_uint(SYNC) + var_uint(STEP1) + var_bytes(no_state))
        while True:
            message = await asyncio.wait_for(self.ws.recv(), JOIN_TIMEOUT)
            if isinstance(message, bytes) and self._sync_sub(message) == STEP2:
                return

    def _sync_sub(self, message: bytes) -> int | None:
        """The y-protocols sync sub-type of a Sync message of our document, else None."""
        if not message.startswith(self.address):
            return None
        kind, at = read_var_uint(message, len(self.address))
        if kind not in (SYNC, SYNC_REPLY):
            return None
        return read_var_uint(message, at)[0]

    async def send(self, op_id: str, op: dict[str, Any]) -> None:
        assert self.ws is not None
        frame = orjson.dumps({"type": "op", "id": op_id, "op": op}).decode()
        update = array_append(self.yjs_client, self.clock, frame)
        self.clock += 1
        await self.ws.send(self.address + var_uint(SYNC) + var_uint(UPDATE) + var_bytes(update))

    def on_message(self, message: str | bytes, now: int) -> None:
        if not isinstance(message, bytes):
            return
        sub = self._sync_sub(message)
        if sub == UPDATE:  # possibly several ops merged into one update (one event-loop turn)
            for op_id in CRDT_OP_ID.findall(message):
                self.recorder.arrivals.append((self.room, op_id.decode(), now))
            self.recorder.last_ns = now
        elif sub is None and message.startswith(self.address):
            kind, _ = read_var_uint(message, len(self.address))
            self.acks += kind == SYNC_STATUS
