"""The time as the server reads it, in one object that can be handed in.

Presence expiry, room unloading and the SQLite checkpoints all wait for time to pass. The
hub, the rooms and the stores read it from a ``Clock`` given to them (``SYSTEM`` unless
said otherwise), so a test can hand in a clock it moves itself (tests/clock.py) and wait
for what the time makes happen, rather than sleep and hope that was long enough.
"""

from __future__ import annotations

import asyncio
import threading
import time


class Clock:
    """The real time."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (for durations)."""
        return time.monotonic()

    def now_ms(self) -> int:
        """Wall-clock milliseconds since the epoch (what the log's ``at`` holds)."""
        return time.time_ns() // 1_000_000

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    def wait(self, stop: threading.Event, seconds: float) -> bool:
        """In a thread: wait ``seconds``, or until ``stop`` is set; whether it was set."""
        return stop.wait(seconds)


SYSTEM = Clock()
