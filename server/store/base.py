"""The op log behind a small interface.

A store keeps, per room: its metadata (the facilitator key's hash), the log of accepted
events in sequence order, the latest state snapshot (so a room loads from snapshot + tail),
and the frozen scenario records of ``snapshot.take``. It knows nothing of what an event
means: events are the JSON-able dicts the reducer produced.

Exceptions::

    StoreError
     ├── Unavailable   the store could not make the change durable; nothing was applied
     └── Conflict      another writer appended to the room first; catch up and retry
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

Event = dict[str, Any]


class StoreError(Exception):
    pass


class Unavailable(StoreError):
    """The store could not make a change durable. Nothing of it was kept."""


class Conflict(StoreError):
    """The room's log does not end where the writer expected (another writer was first).

    ``missed``: events after the writer's position that the store sent back at once (the
    first ones, maybe not all); empty when the writer must read the log itself.
    """

    def __init__(self, message: str, missed: list[Event] | None = None) -> None:
        super().__init__(message)
        self.missed = missed or []


@dataclass(frozen=True, slots=True)
class RoomMeta:
    code: str
    key_hash: str
    created_at: int


class Store(Protocol):
    """What the room engine needs from a persistence backend."""

    #: True when other processes may append to the same rooms (they must be tailed).
    shared: bool

    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def create_room(self, meta: RoomMeta, first: Event) -> bool:
        """Create a room with the first event of its log; False if the code is taken."""

    async def room_meta(self, code: str) -> RoomMeta | None: ...

    async def append(self, code: str, events: list[Event]) -> None:
        """Durably append events whose seqs follow the log's last one, or raise.

        Raises Conflict when the log already holds ``events[0]["seq"]`` (another writer was
        first), and Unavailable when the events could not be made durable. A seq past the
        log's next one raises either. Returns only once durable.
        """

    async def read(self, code: str, after: int, upto: int | None = None) -> list[Event]:
        """Events with ``after < seq <= upto`` in order (an empty list when none remain)."""

    async def first_seq(self, code: str) -> int:
        """The lowest seq still in the log (entries below it were trimmed), 0 if empty."""

    async def save_state(self, code: str, seq: int, state: bytes) -> None: ...

    async def load_state(self, code: str) -> tuple[int, bytes] | None: ...

    async def put_record(self, code: str, n: int, body: bytes) -> None: ...

    async def get_record(self, code: str, n: int) -> bytes | None: ...

    async def rooms(self) -> list[str]: ...

    async def secret(self) -> bytes:
        """A random secret shared by every process on this store (signs resume tokens)."""


class SharedStore(Store, Protocol):
    """A store with ``shared = True``: what the hub needs to serve a room with other
    processes (see store/redis.py, and rooms/hub.py for the loops that use it)."""

    async def news(self, block: float) -> dict[str, list[Event]] | None:
        """What other processes appended, room -> events, waiting up to ``block`` s; ``{}``
        when nothing came, None when the feed (re)started and the logs must be read."""

    async def tail(self, positions: dict[str, int]) -> dict[str, list[Event]]:
        """The events after ``positions[code]`` in each room's log (rooms with none may
        be left out)."""

    async def presence(
        self, process: str, online: dict[str, set[str]], ttl: float
    ) -> dict[str, frozenset[str]]:
        """Publish who is connected to ``process`` (for ``ttl`` s; an empty set withdraws
        it at once); return, per room, who is connected through the other processes."""
