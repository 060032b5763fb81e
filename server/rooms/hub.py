"""The rooms a process serves: creating them, loading them on first use, shutting down.

On a shared store (Redis) other processes append to the same rooms, so the hub also runs
two background loops: news (what others append is published as they append it, and goes
to ``Room.receive``) and the beat (every second, for each loaded room, who is connected
here is published with an expiry, who is connected elsewhere comes back as
``Room.elsewhere``, and a read of its log brings whatever news went missing).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from typing import cast

from .. import metrics
from ..clock import SYSTEM, Clock
from ..downloads import Exports
from ..limits import AddressLimits, Counter, LocalCounter
from ..planning.carry import Seed, seed_log
from ..settings import Settings
from ..state import Entry, create
from ..state.ops import RoomCreate
from ..store import Event, RoomMeta, SharedStore, Store, StoreError
from . import tokens
from .board_state import StateCache
from .core import RoomCore
from .protocol import CloseCode
from .room import Room

log = logging.getLogger("spwt.hub")
# Room codes are read off a projector and typed on phones: no 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6
# Shared stores: news are awaited NEWS_WAIT s at a time; the beat visits every room once
# in BEAT s, in up to BEAT_SLICES steps; presence fades PRESENCE_TTL s after its process died.
NEWS_WAIT = 1.0
BEAT = 1.0
BEAT_SLICES = 10
PRESENCE_TTL = 5.0
MAX_PAUSE = 5.0
SEED_BATCH = 256  # events per append when a room started from a record is written


def _positions(rooms: dict[str, Room]) -> dict[str, int]:
    """Where each room's log is to be read from: after the last event it applied."""
    return {code: room.state.seq for code, room in rooms.items()}


def normalise_code(code: str) -> str:
    return code.strip().upper()


class Hub:
    def __init__(self, store: Store, settings: Settings, clock: Clock = SYSTEM) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock  # for the rooms' times and idleness, and the unload loop
        self.rooms: dict[str, Room] = {}
        self._loading: dict[str, asyncio.Task[Room | None]] = {}
        self._key_hashes: dict[str, str] = {}
        self._secret = b""
        self.ready = False
        self.process = secrets.token_hex(6)  # names this process in shared presence
        self._loops: list[asyncio.Task[None]] = []
        # On Redis the store counts, so that a limit holds once across every process.
        counter = cast(Counter, store) if store.shared else LocalCounter()
        self.limits = AddressLimits(
            counter, settings.rooms_per_ip_per_hour, settings.misses_per_minute,
            settings.consolidations_per_ip_per_hour,
        )  # fmt: skip
        self.exports = Exports(settings)
        self.board_states = StateCache()  # the welcome's state over HTTP, per seq and view

    async def start(self) -> None:
        await self.store.open()
        self._secret = await self.store.secret()
        if self.settings.unload_after > 0:
            self._loops.append(asyncio.create_task(self._unload_loop(), name="spwt-unload"))
        if self.store.shared:
            shared = cast(SharedStore, self.store)
            self._loops += [
                asyncio.create_task(self._news_loop(shared), name="spwt-news"),
                asyncio.create_task(self._beat_loop(shared), name="spwt-beat"),
            ]
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
        for task in self._loops:
            task.cancel()
        await asyncio.gather(*self._loops, return_exceptions=True)
        if self.store.shared:
            with contextlib.suppress(StoreError, TimeoutError):  # others would see us fade
                shared = cast(SharedStore, self.store)
                empty: dict[str, set[str]] = {code: set() for code in self.rooms}
                await asyncio.wait_for(shared.presence(self.process, empty, PRESENCE_TTL), 2)
        await self.store.close()

    async def create_room(
        self,
        title: str,
        region: str = "",
        horizon: str = "PWTJM",
        language: str = "id",
        timezone: str = "WIB",
        seed: Seed | None = None,
        at: int | None = None,
    ) -> tuple[str, str]:
        """A new room; returns its code and the facilitator key (shown once, stored hashed).

        ``seed``: the ops that rebuild what a room started from a record carries (checked
        before anything is written; planning/carry.py), logged right after room.create.
        """
        key = secrets.token_urlsafe(24)  # 192 bits
        at = self.clock.now_ms() if at is None else at
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            op = RoomCreate(
                kind="room.create", code=code, title=title, region=region, horizon=horizon,
                language=language, timezone=timezone, limits=self.settings.limits,
            )  # fmt: skip
            event = {"seq": 1, "at": at, "by": "", "op_id": "", "op": op.normalised()}
            meta = RoomMeta(code=code, key_hash=tokens.key_hash(key), created_at=at)
            # A seed the rules refuse raises here, before anything is written.
            first = Entry(seq=1, at=at, by="", op=op)
            state, seeded = seed_log(first, seed) if seed else (create(first), [])
            if await self.store.create_room(meta, event):
                break
        for start in range(0, len(seeded), SEED_BATCH):  # a Redis script takes so many args
            await self.store.append(code, seeded[start : start + SEED_BATCH])
        core = RoomCore(state, self.settings, [event, *seeded])
        room = Room(core, self.store, self.settings, self.clock)
        self.rooms[code] = room.start()
        self._key_hashes[code] = meta.key_hash
        metrics.ROOMS.set(len(self.rooms))
        return code, key

    async def room(self, code: str) -> Room | None:
        """The live room, loaded from the store on first use; None if there is no such room."""
        code = normalise_code(code)
        room = self.rooms.get(code)
        if room is not None:
            room.last_used = self.clock.monotonic()
            return room
        if not code.isalnum() or len(code) > 32:
            return None
        task = self._loading.get(code)
        if task is None:
            task = self._loading[code] = asyncio.create_task(self._load(code))
            task.add_done_callback(lambda _: self._loading.pop(code, None))
        room = await asyncio.shield(task)
        if room is not None and code not in self.rooms:
            self.rooms[code] = room.start()  # started only once it is the room served here
            metrics.ROOMS.set(len(self.rooms))
            if self.store.shared:  # news that came while it loaded were not for a known room
                room.catch_up_soon()
        return self.rooms.get(code)

    async def _load(self, code: str) -> Room | None:
        room = await Room.load(code, self.store, self.settings, self.clock)
        if room is not None and code not in self._key_hashes:
            # Known from now on: a loaded room checks its key even while the store is away.
            meta = await self.store.room_meta(code)
            if meta is not None:
                self._key_hashes[code] = meta.key_hash
        return room

    async def key_matches(self, code: str, key: str) -> bool:
        """Whether ``key`` is the room's facilitator key (False when that cannot be known)."""
        code = normalise_code(code)
        key_hash = self._key_hashes.get(code)
        if key_hash is None:
            try:
                meta = await self.store.room_meta(code)
            except StoreError as error:  # a participant's token may still be checked
                log.warning("room %s: key not checked: %s", code, error)
                return False
            if meta is None:
                return False
            key_hash = self._key_hashes[code] = meta.key_hash
        return tokens.key_matches(key, key_hash)

    def token_for(self, code: str, participant: str) -> str:
        return tokens.sign(self._secret, code, participant)

    def participant_of(self, code: str, token: str) -> str | None:
        return tokens.verify(self._secret, code, token)

    async def _unload_loop(self) -> None:
        """Let rooms no one has used for ``unload_after`` s go: a long-running server would
        otherwise hold every workshop it ever served. The log keeps them; the next visitor
        loads the room again from its snapshot and the log after it."""
        after = self.settings.unload_after
        while True:
            await self.clock.sleep(min(60.0, after / 4))
            for code, room in list(self.rooms.items()):
                if room.idle_for() < after:
                    continue
                del self.rooms[code]
                metrics.ROOMS.set(len(self.rooms))
                try:
                    await room.drain()
                except Exception:  # a bug: say so, and keep unloading the others
                    log.exception("room %s: unloading failed", code)
                log.info("room %s: unloaded after %.0f s unused", code, after)

    # --- shared stores -------------------------------------------------------------------

    async def _news_loop(self, store: SharedStore) -> None:
        """Apply what other processes append to the rooms loaded here, as it is appended.

        When the feed (re)starts, what came before it is read from the logs at once. Errors
        (Redis away) pause the loop with a growing backoff; it resumes by itself.
        """
        pause = 0.0
        while True:
            if pause:
                await asyncio.sleep(pause)
            try:
                news = await store.news(NEWS_WAIT)
                if news is None:
                    news = await store.tail(_positions(self.rooms))
            except Exception as error:  # Redis away, or a bug: never let the loop die
                pause = min(max(2 * pause, 0.1), MAX_PAUSE)
                log.warning("news: %s (next try in %.1f s)", error, pause)
                continue
            pause = 0.0
            self._deliver(news)

    async def _beat_loop(self, store: SharedStore) -> None:
        """Every second, for every loaded room: publish who is connected here, learn who is
        connected elsewhere, and read its log after its seq (news can go missing; the log
        cannot). A slice of the rooms at a time, spread over the second: one pipeline for
        a hundred rooms held the event loop for milliseconds, and every op waited on it.
        """
        while True:
            codes = list(self.rooms)
            slices = max(1, min(BEAT_SLICES, len(codes)))
            for first in range(slices):
                await self._beat(store, codes[first::slices])
                await asyncio.sleep(BEAT / slices)

    async def _beat(self, store: SharedStore, codes: list[str]) -> None:
        # A room may have been unloaded since the codes were listed: skip it.
        rooms = {code: room for code in codes if (room := self.rooms.get(code)) is not None}
        online = {code: room.local_participants() for code, room in rooms.items()}
        try:
            elsewhere = await store.presence(self.process, online, PRESENCE_TTL)
            for code, participants in elsewhere.items():
                rooms[code].set_elsewhere(participants)
            self._deliver(await store.tail(_positions(rooms)))
        except StoreError as error:  # Redis away: keep the last picture, try again later
            log.debug("beat: %s", error)
        except Exception:  # a bug: say so, and keep beating
            log.exception("beat failed")

    def _deliver(self, news: dict[str, list[Event]]) -> None:
        for code, events in news.items():
            room = self.rooms.get(code)
            if room is not None and events:
                room.receive(events)
