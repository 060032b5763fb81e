"""Op log backends behind one interface, chosen by the URL's scheme in ``make_store``.

No URL is the embedded SQLite store in the data folder. Each backend is imported only when
chosen (a server on SQLite never imports redis), in the manner of encode/broadcaster: a new
backend is its module and one line of ``BACKENDS``, and proves itself by passing
tests/test_store_contract.py.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from ..clock import SYSTEM, Clock
from .base import Conflict, Event, RoomMeta, SharedStore, Store, StoreError, Unavailable

#: How a backend is made: from the URL, the data folder, SQLite's ``synchronous`` and the
#: clock it waits on.
Factory = Callable[[str, Path, str, Clock], Store]


def _sqlite(url: str, data: Path, synchronous: str, clock: Clock) -> Store:
    from .sqlite import SQLiteStore

    return SQLiteStore(data, synchronous, clock)


def _memory(url: str, data: Path, synchronous: str, clock: Clock) -> Store:
    from .memory import MemoryStore

    return MemoryStore()


def _redis(url: str, data: Path, synchronous: str, clock: Clock) -> Store:
    from .redis import RedisStore

    return RedisStore(url, clock=clock)


#: URL scheme -> its backend. ``memory`` is for tests and engine benchmarks only.
BACKENDS: dict[str, Factory] = {
    "": _sqlite,
    "memory": _memory,
    "redis": _redis,
    "rediss": _redis,
    "unix": _redis,
}


def backend_of(url: str | None) -> Factory:
    """The factory of the backend ``url`` names; ValueError for a scheme none serves."""
    scheme = urlsplit(url).scheme.lower() if url else ""
    factory = BACKENDS.get(scheme)
    if factory is None:
        known = ", ".join(f"{s}://" for s in BACKENDS if s)
        raise ValueError(f"no store for {scheme}:// URLs (known: {known})")
    return factory


def make_store(
    data: str | Path,
    redis_url: str | None = None,
    synchronous: str = "full",
    clock: Clock = SYSTEM,
) -> Store:
    """The store ``redis_url`` names (see ``BACKENDS``), or the embedded SQLite store in
    ``data`` (``synchronous``: see store/sqlite.py) when there is none."""
    return backend_of(redis_url)(redis_url or "", Path(data), synchronous, clock)


__all__ = [
    "BACKENDS",
    "Conflict",
    "Event",
    "RoomMeta",
    "SharedStore",
    "Store",
    "StoreError",
    "Unavailable",
    "backend_of",
    "make_store",
]
