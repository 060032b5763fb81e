"""An in-memory store for unit tests and benchmarks of the engine alone. Not durable."""

from __future__ import annotations

import secrets

from .base import Conflict, Event, RoomMeta


class MemoryStore:
    shared = False

    def __init__(self) -> None:
        self._meta: dict[str, RoomMeta] = {}
        self._logs: dict[str, list[Event]] = {}
        self._states: dict[str, tuple[int, bytes]] = {}
        self._records: dict[tuple[str, int], bytes] = {}
        self._secret = secrets.token_bytes(32)

    async def open(self) -> None:
        pass

    async def close(self) -> None:
        pass

    async def create_room(self, meta: RoomMeta, first: Event) -> bool:
        if meta.code in self._meta:
            return False
        self._meta[meta.code] = meta
        self._logs[meta.code] = [first]
        return True

    async def room_meta(self, code: str) -> RoomMeta | None:
        return self._meta.get(code)

    async def append(self, code: str, events: list[Event]) -> None:
        log = self._logs[code]
        if events[0]["seq"] != log[-1]["seq"] + 1:
            raise Conflict(f"{code}: log ends at {log[-1]['seq']}")
        log.extend(events)

    async def read(self, code: str, after: int, upto: int | None = None) -> list[Event]:
        log = self._logs.get(code, [])
        return [e for e in log if after < e["seq"] and (upto is None or e["seq"] <= upto)]

    async def first_seq(self, code: str) -> int:
        log = self._logs.get(code)
        return log[0]["seq"] if log else 0

    async def save_state(self, code: str, seq: int, state: bytes) -> None:
        saved = self._states.get(code)
        if saved is None or seq > saved[0]:  # a slower writer's older snapshot never wins
            self._states[code] = (seq, state)

    async def load_state(self, code: str) -> tuple[int, bytes] | None:
        return self._states.get(code)

    async def put_record(self, code: str, n: int, body: bytes) -> None:
        self._records.setdefault((code, n), body)

    async def get_record(self, code: str, n: int) -> bytes | None:
        return self._records.get((code, n))

    async def rooms(self) -> list[str]:
        return sorted(self._meta)

    async def secret(self) -> bytes:
        return self._secret
