"""Exports served without freezing the event loop: rendered elsewhere, once, and rationed.

Rendering is pure Python and slow for a big room (the XLSX of 5000 cards takes most of a
second): on the event loop it would hold every room of the process still. So a render runs
in a pool of worker *processes* (``export_workers``; in a thread it would still take the
GIL from the loop for most of that time, see docs/benchmarks.md), at most one per worker at
once, with a bounded queue in front (``export_queue``: beyond it, 503). The pool is given
the room state or a stored record and gives back the bytes; both are pure data.

A record is a function of the room's state at one seq (or of a frozen snapshot), so the
bytes are kept in a bounded LRU under (room, what, seq, format, table): a repeated download
of the same seq is served from it, and requests for one key that arrive while it renders
wait for that one render. Each credential (key or token) may ask ``exports_per_minute``
times a minute, in bursts of as many; beyond that, 429 with ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import math
import multiprocessing
import os
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from . import metrics
from .export import Rendered, render
from .settings import Settings
from .state.models import RoomState
from .state.record import build_record

Key = tuple[str, str, int, str]  # room, what ("scenario", "snapshot 3"), seq, query
Source = RoomState | dict[str, Any]
Load = Callable[[], Awaitable[Source]]
CACHE_BYTES = 64 * 1024 * 1024
CACHE_ENTRIES = 256
CREDENTIALS_KEPT = 10_000


class Busy(Exception):
    """No render can start soon (the queue is full, or the workers died): retry later."""


class Limited(Exception):
    """This credential asked too often; ``retry_after`` seconds until its next request."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


def render_source(source: Source, fmt: str, table: str | None, sep: str | None = None) -> Rendered:
    """The work of one export, in a worker: the record of a state (or a stored one), rendered."""
    record = build_record(source).to_json_dict() if isinstance(source, RoomState) else source
    return render(record, fmt, table=table, sep=sep)


class ExportLimit:
    """A token bucket per credential: ``per_minute`` requests a minute, bursts of as many."""

    def __init__(self, per_minute: int) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(per_minute)
        self._buckets: dict[bytes, tuple[float, float]] = {}  # digest -> (tokens, updated)

    def take(self, credential: str) -> None:
        """Count one request of ``credential``; raises ``Limited`` when there is none left."""
        key = hashlib.sha256(credential.encode()).digest()[:16]  # no secret kept as such
        now = time.monotonic()
        tokens, updated = self._buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - updated) * self.rate)
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            raise Limited(max(1, math.ceil((1 - tokens) / self.rate)))
        self._buckets[key] = (tokens - 1, now)
        if len(self._buckets) > CREDENTIALS_KEPT:  # forget the ones that are full again
            full = now - self.burst / self.rate
            self._buckets = {k: v for k, v in self._buckets.items() if v[1] > full}


class RenderCache:
    """Rendered exports, least recently used first out, bounded in bytes and entries."""

    def __init__(self, max_bytes: int = CACHE_BYTES, max_entries: int = CACHE_ENTRIES) -> None:
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self.bytes = 0
        self._items: OrderedDict[Key, Rendered] = OrderedDict()

    def get(self, key: Key) -> Rendered | None:
        item = self._items.get(key)
        if item is not None:
            self._items.move_to_end(key)
        return item

    def put(self, key: Key, item: Rendered) -> None:
        if len(item.body) > self.max_bytes:
            return
        old = self._items.pop(key, None)
        if old is not None:
            self.bytes -= len(old.body)
        self._items[key] = item
        self.bytes += len(item.body)
        while self.bytes > self.max_bytes or len(self._items) > self.max_entries:
            _, gone = self._items.popitem(last=False)
            self.bytes -= len(gone.body)


class Exports:
    """The process's export service: the limit, the cache and the render pool."""

    def __init__(self, settings: Settings) -> None:
        self.workers = settings.export_workers
        self.queue = settings.export_queue
        self.limit = ExportLimit(settings.exports_per_minute)
        self.cache = RenderCache()
        self._running = asyncio.Semaphore(max(1, self.workers))
        # Renders not finished, by key: the requests for a key rendering wait for it. A
        # render is a task of its own, so a request that goes away does not cancel it.
        self._renders: dict[Key, asyncio.Task[Rendered]] = {}

    async def get(
        self, key: Key, load: Load, fmt: str, table: str | None, sep: str | None = None
    ) -> Rendered:
        """The export of ``key``: from the cache, from a render in flight, or rendered now.

        ``load`` gives what to render (a state, a stored record); it is called on a miss only.
        """
        cached = self.cache.get(key)
        if cached is not None:
            metrics.EXPORT_CACHE_HITS.inc()
            return cached
        task = self._renders.get(key)
        if task is not None:
            metrics.EXPORT_CACHE_HITS.inc()
        else:
            if len(self._renders) >= max(1, self.workers) + self.queue:
                raise Busy("too many exports waiting")
            task = asyncio.create_task(self._render(key, load, fmt, table, sep))
            self._renders[key] = task
            task.add_done_callback(lambda done: self._finished(key, done))
        return await asyncio.shield(task)

    def _finished(self, key: Key, task: asyncio.Task[Rendered]) -> None:
        self._renders.pop(key, None)
        if not task.cancelled():
            task.exception()  # retrieved: its requests, if any are left, raise it themselves

    async def _render(
        self, key: Key, load: Load, fmt: str, table: str | None, sep: str | None
    ) -> Rendered:
        source = await load()
        async with self._running:
            started = time.perf_counter()
            rendered = await self._run(source, fmt, table, sep)
        metrics.EXPORT_RENDERS.labels(fmt).inc()
        metrics.EXPORT_SECONDS.observe(time.perf_counter() - started)
        self.cache.put(key, rendered)
        return rendered

    async def _run(self, source: Source, fmt: str, table: str | None, sep: str | None) -> Rendered:
        if self.workers <= 0:  # in a thread of this process: simpler, but it shares the GIL
            return await asyncio.to_thread(render_source, source, fmt, table, sep)
        pool = _pool(self.workers)
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(pool, render_source, source, fmt, table, sep)
        except BrokenProcessPool:  # a worker died (killed, out of memory): a new pool next time
            _POOLS.pop(self.workers, None)
            pool.shutdown(wait=False, cancel_futures=True)
            raise Busy("the export worker stopped; try again") from None


# One pool per process and size, whichever app asks: a server runs one app, the tests run
# many in one process, and starting workers costs a second each. Idle workers end with the
# process (concurrent.futures joins them at exit; a killed parent closes their pipe).
_POOLS: dict[int, ProcessPoolExecutor] = {}


def _pool(workers: int) -> ProcessPoolExecutor:
    pool = _POOLS.get(workers)
    if pool is None:
        # spawn: a fork would copy the loop, its sockets and the store's threads.
        context = multiprocessing.get_context("spawn")
        pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_in_the_background)
        _POOLS[workers] = pool
    return pool


def _in_the_background() -> None:
    """A worker yields the CPU to the server: on a small machine a render must wait, not
    the acks of every room (the kernel gives a niced process what the others leave)."""
    with contextlib.suppress(OSError):
        os.nice(10)
