"""Op log backends behind one interface, picked from the settings in ``make_store``."""

from __future__ import annotations

from pathlib import Path

from .base import Conflict, Event, RoomMeta, Store, StoreError, Unavailable


def make_store(data: str | Path, redis_url: str | None = None, synchronous: str = "full") -> Store:
    """The embedded SQLite store in ``data`` (``synchronous``: see store/sqlite.py), or the
    Redis store when a URL is given.

    ``memory://`` gives the in-memory store (tests and engine benchmarks only).
    """
    if redis_url and redis_url.startswith("memory://"):
        from .memory import MemoryStore

        return MemoryStore()
    if redis_url:
        from .redis import RedisStore  # imported only when used

        return RedisStore(redis_url)
    from .sqlite import SQLiteStore

    return SQLiteStore(data, synchronous)


__all__ = [
    "Conflict",
    "Event",
    "RoomMeta",
    "Store",
    "StoreError",
    "Unavailable",
    "make_store",
]
