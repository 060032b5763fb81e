"""The newest events of a room, for clients that come back and for ops sent twice.

They are kept encoded: a logged event as a dict costs about 1 KB of Python objects, its
JSON about 200 bytes, and a room keeps thousands of them (every process of a shared
store keeps its own copy). They are decoded only when a client resumes or resends. The
JSON is kept as str: the bytes orjson returns hold on to a 4 KB buffer.
"""

from __future__ import annotations

from collections import deque
from itertools import islice

import orjson

from ..store import Event


class RecentEvents:
    """Up to ``limit`` consecutive events, the newest last."""

    def __init__(self, limit: int) -> None:
        self._bodies: deque[str] = deque(maxlen=limit)
        self._last = 0

    def __len__(self) -> int:
        return len(self._bodies)

    @property
    def first(self) -> int | None:
        """The seq of the oldest event kept; None while there is none."""
        return self._last - len(self._bodies) + 1 if self._bodies else None

    def append(self, event: Event) -> None:
        self._bodies.append(orjson.dumps(event).decode())
        self._last = event["seq"]

    def get(self, seq: int) -> Event | None:
        first = self.first
        if first is None or not first <= seq <= self._last:
            return None
        return orjson.loads(self._bodies[seq - first])

    def after(self, seq: int) -> list[Event]:
        """The events after ``seq`` (all of them kept, if ``seq`` is older than the first)."""
        first = self.first
        if first is None:
            return []
        skip = max(0, seq + 1 - first)
        return [orjson.loads(body) for body in islice(self._bodies, skip, None)]
