"""The rooms a process serves: creating them, loading them on first use, shutting down."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets

from .. import metrics
from ..settings import Settings
from ..state import Entry, create
from ..state.ops import RoomCreate
from ..store import RoomMeta, Store
from . import tokens
from .protocol import CloseCode
from .room import Room, now_ms

log = logging.getLogger("spwt.hub")
# Room codes are read off a projector and typed on phones: no 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6


def normalise_code(code: str) -> str:
    return code.strip().upper()


class Hub:
    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.rooms: dict[str, Room] = {}
        self._loading: dict[str, asyncio.Task[Room | None]] = {}
        self._key_hashes: dict[str, str] = {}
        self._secret = b""
        self.ready = False

    async def start(self) -> None:
        await self.store.open()
        self._secret = await self.store.secret()
        self.ready = True

    async def send_away(self, timeout: float = 3.0) -> None:
        """Tell every client to reconnect elsewhere (1001), after the frames already queued."""
        self.ready = False
        closing = []
        for room in self.rooms.values():
            for conn in list(room.connections):
                conn.close(CloseCode.GOING_AWAY)
                closing.append(conn.wait_closed())
        if closing:
            await asyncio.wait_for(asyncio.gather(*closing), timeout)

    async def stop(self) -> None:
        """Send clients away, finish the writes already queued, close the store."""
        with contextlib.suppress(TimeoutError):
            await self.send_away()
        await asyncio.gather(*(room.drain() for room in self.rooms.values()))
        await self.store.close()

    async def create_room(
        self, title: str, region: str = "", horizon: str = "PWTJM", language: str = "id"
    ) -> tuple[str, str]:
        """A new room; returns its code and the facilitator key (shown once, stored hashed)."""
        key = secrets.token_urlsafe(24)  # 192 bits
        at = now_ms()
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            op = RoomCreate(
                kind="room.create", code=code, title=title, region=region, horizon=horizon,
                language=language, limits=self.settings.limits,
            )  # fmt: skip
            event = {"seq": 1, "at": at, "by": "", "op_id": "", "op": op.normalised()}
            meta = RoomMeta(code=code, key_hash=tokens.key_hash(key), created_at=at)
            if await self.store.create_room(meta, event):
                break
        state = create(Entry(seq=1, at=at, by="", op=op))
        self.rooms[code] = Room(state, self.store, self.settings, [event])
        metrics.ROOMS.set(len(self.rooms))
        return code, key

    async def room(self, code: str) -> Room | None:
        """The live room, loaded from the store on first use; None if there is no such room."""
        code = normalise_code(code)
        room = self.rooms.get(code)
        if room is not None:
            return room
        if not code.isalnum() or len(code) > 32:
            return None
        task = self._loading.get(code)
        if task is None:
            task = self._loading[code] = asyncio.create_task(
                Room.load(code, self.store, self.settings)
            )
            task.add_done_callback(lambda _: self._loading.pop(code, None))
        room = await asyncio.shield(task)
        if room is not None:
            self.rooms.setdefault(code, room)
            metrics.ROOMS.set(len(self.rooms))
        return self.rooms.get(code)

    async def key_matches(self, code: str, key: str) -> bool:
        code = normalise_code(code)
        key_hash = self._key_hashes.get(code)
        if key_hash is None:
            meta = await self.store.room_meta(code)
            if meta is None:
                return False
            key_hash = self._key_hashes[code] = meta.key_hash
        return tokens.key_matches(key, key_hash)

    def token_for(self, code: str, participant: str) -> str:
        return tokens.sign(self._secret, code, participant)

    def participant_of(self, code: str, token: str) -> str | None:
        return tokens.verify(self._secret, code, token)
