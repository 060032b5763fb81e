"""Limits per client address: rooms created, and lookups of room codes that do not exist.

Both count in fixed windows (a minute, an hour) numbered from the epoch, so that every
process of a deployment on Redis counts into the same key and a limit holds once across
them, however a load balancer spreads the requests. On the embedded store one process
counts alone, in memory.

Guessing room codes is the abuse the miss limit is for: a code is 6 of 31 characters, and
a client that may ask as fast as it likes finds open rooms in hours. An address over its
misses is refused every lookup (found or not: an answer that depended on the code would
still tell codes apart) until its window ends. The check is local and costs a dict lookup;
only a miss is counted, on Redis one round trip, so people who type their code right pay
nothing.
"""

from __future__ import annotations

import math
import time
from typing import Protocol

from starlette.requests import HTTPConnection

from .store import StoreError

MINUTE = 60.0
HOUR = 3600.0


def client_address(connection: HTTPConnection) -> str:
    """The client's address: the peer's, or what a trusted proxy said (server/cli.py)."""
    return connection.client.host if connection.client else "?"


class Counter(Protocol):
    """Counts hits on a key in the current window of ``window`` seconds."""

    async def hit(self, key: str, window: float) -> int:
        """One more hit on ``key``: the hits in this window, this one included."""


def window_index(window: float, now: float | None = None) -> int:
    return int((time.time() if now is None else now) // window)


def seconds_left(window: float, now: float | None = None) -> float:
    """Seconds until the current window of ``window`` seconds ends."""
    now = time.time() if now is None else now
    return window - now % window


class LocalCounter:
    """The counter of one process. Windows that ended are forgotten, a sweep a second at most."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, float], tuple[int, int]] = {}
        self._next_sweep = 0.0

    async def hit(self, key: str, window: float) -> int:
        now = time.time()
        if len(self._counts) > 1024 and now >= self._next_sweep:
            self._next_sweep = now + 1.0
            self._counts = {
                k: v for k, v in self._counts.items() if v[0] == window_index(k[1], now)
            }
        index = window_index(window, now)
        seen, count = self._counts.get((key, window), (index, 0))
        count = count + 1 if seen == index else 1
        self._counts[(key, window)] = (index, count)
        return count


class AddressLimits:
    """Room creation and consolidations per address per hour, and room-code misses per address
    per minute."""

    def __init__(
        self,
        counter: Counter,
        rooms_per_hour: int,
        misses_per_minute: int,
        consolidations_per_hour: int = 120,
    ) -> None:
        self.counter = counter
        self.rooms_per_hour = rooms_per_hour
        self.consolidations_per_hour = consolidations_per_hour
        self.misses_per_minute = misses_per_minute
        #: Addresses over their misses, and until when (wall clock) they are refused.
        self._blocked: dict[str, float] = {}

    async def may_create(self, address: str) -> bool:
        """Count a room about to be created from ``address``; False once over the limit."""
        count = await self.counter.hit(f"create:{address}", HOUR)
        return count <= self.rooms_per_hour

    async def may_consolidate(self, address: str) -> bool:
        """Count a consolidation or a preview (each reads records of up to 5 MB)."""
        count = await self.counter.hit(f"consolidate:{address}", HOUR)
        return count <= self.consolidations_per_hour

    def refused_for(self, address: str) -> int:
        """Seconds ``address`` must still wait before looking up rooms again (0: it may)."""
        until = self._blocked.get(address)
        if until is None:
            return 0
        left = until - time.time()
        if left <= 0:
            del self._blocked[address]
            return 0
        return math.ceil(left)

    async def missed(self, address: str) -> None:
        """``address`` asked for a room that does not exist."""
        if self.misses_per_minute <= 0:
            return
        try:
            count = await self.counter.hit(f"miss:{address}", MINUTE)
        except StoreError:  # Redis away: the 404 stands; counting resumes with Redis
            return
        if count >= self.misses_per_minute:  # the next lookup is refused, here and elsewhere
            now = time.time()
            self._blocked[address] = now + seconds_left(MINUTE, now)
            if len(self._blocked) > 4096:  # a botnet's worth: forget the ones already free
                self._blocked = {a: t for a, t in self._blocked.items() if t > now}
