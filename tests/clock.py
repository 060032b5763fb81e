"""A clock the test moves itself: time passes only in ``advance`` and ``tick``.

The hub, the rooms and the stores take it instead of ``server.clock.SYSTEM``. A loop that
waits on it (an ``async`` sleep, or a thread's ``wait``) is named by its task or thread;
``tick(seconds, name)`` moves the time and returns once that loop has done what the time
asked of it and waits again, so a test waits for the event, not for a fixed time.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter

from server.clock import Clock

TIMEOUT = 10.0  # s a test waits for a loop before it fails


def _name() -> str:
    try:
        task = asyncio.current_task()
    except RuntimeError:  # no event loop in this thread
        task = None
    return task.get_name() if task is not None else threading.current_thread().name


class ManualClock(Clock):
    def __init__(self) -> None:
        self._now = 1000.0
        self._wall_ms = time.time_ns() // 1_000_000  # a real date for the log's times
        self._changed = threading.Condition()
        self._naps: Counter[str] = Counter()  # name -> how many waits it has begun
        self._asleep: Counter[str] = Counter()  # name -> waits it is in now

    def monotonic(self) -> float:
        return self._now

    def now_ms(self) -> int:
        return self._wall_ms + int((self._now - 1000.0) * 1000)

    async def sleep(self, seconds: float) -> None:
        name, deadline = _name(), self._now + seconds
        loop = asyncio.get_running_loop()
        woken = loop.create_future()

        def watch() -> None:  # in a thread: the loop stays free while the clock stands
            with self._changed:
                self._changed.wait_for(lambda: self._now >= deadline or woken.cancelled())
            loop.call_soon_threadsafe(lambda: woken.done() or woken.set_result(None))

        self._begin(name)
        watcher = asyncio.ensure_future(asyncio.to_thread(watch))
        try:
            await woken
        finally:
            self._end(name)
            with self._changed:
                self._changed.notify_all()  # a cancelled sleep lets its watcher go
            if not watcher.done():
                await watcher

    def wait(self, stop: threading.Event, seconds: float) -> bool:
        name, deadline = _name(), self._now + seconds
        self._begin(name)
        try:
            with self._changed:
                while self._now < deadline and not stop.is_set():
                    self._changed.wait(0.05)  # stop.set() does not notify this condition
        finally:
            self._end(name)
        return stop.is_set()

    def _begin(self, name: str) -> None:
        with self._changed:
            self._naps[name] += 1
            self._asleep[name] += 1
            self._changed.notify_all()

    def _end(self, name: str) -> None:
        with self._changed:
            self._asleep[name] -= 1
            self._changed.notify_all()

    def advance(self, seconds: float) -> None:
        with self._changed:
            self._now += seconds
            self._changed.notify_all()

    def tick(self, seconds: float, name: str, loops: int = 1) -> None:
        """Wait until ``loops`` loops named ``name`` wait on the clock, move the clock
        ``seconds``, and return once each has woken and waits again (what the time asked
        of them is done)."""
        with self._changed:
            if not self._changed.wait_for(lambda: self._asleep[name] >= loops, TIMEOUT):
                raise TimeoutError(f"{name} never waited on the clock")
            nap = self._naps[name]
            self._now += seconds
            self._changed.notify_all()
            again = self._changed.wait_for(
                lambda: self._naps[name] >= nap + loops and self._asleep[name] >= loops, TIMEOUT
            )
            if not again:
                raise TimeoutError(f"{name} did not wait again after {seconds} s")

    async def atick(self, seconds: float, name: str, loops: int = 1) -> None:
        """``tick`` from a coroutine: the event loop runs on while it waits."""
        await asyncio.to_thread(self.tick, seconds, name, loops)
