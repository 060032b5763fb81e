"""The embedded store: one SQLite file in WAL mode, written on the event loop with group
commit.

Every write asked for before the loop comes round to the store runs in one transaction
(each in a savepoint, so one conflict does not undo the others), committed once with
``synchronous=FULL``: one fsync acknowledges a whole batch, and while it lasts (0.2 ms
here) what arrives waits in the sockets' buffers for the next one. A future resolves only
after the commit returned, which is what "acknowledged only once durable" means here.

The commit runs on the loop, not in a writer thread: handing each batch to a thread and
its outcome back cost two wake-ups across threads and the GIL passed back and forth
around every statement, 4-10% of the CPU of a delivery in a room of 200
(docs/benchmarks.md), for no more rooms held. The price: on a disk whose fsync takes
milliseconds, the loop waits that long at each commit (docs/deploy.md). The WAL is copied
into the database beside the loop, by a thread of its own (a checkpoint copies and syncs
megabytes; the loop should not wait on it), and by the commit only when the WAL has grown
past ``WAL_PAGES`` all the same. Reads run in worker threads on their own
connections.

``synchronous="normal"`` (``SPWT_SQLITE_SYNCHRONOUS=normal``) is the operator's choice of
speed over power-cut safety: each commit reaches the operating system before its ack, so a
crashed or killed server loses nothing, but the disk sees the WAL only at checkpoints, so a
power cut can lose the last acknowledged ops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from ..clock import SYSTEM, Clock
from .base import Conflict, Event, RoomMeta, Unavailable

SCHEMA = """
CREATE TABLE IF NOT EXISTS rooms (
    code TEXT PRIMARY KEY, key_hash TEXT NOT NULL, created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS log (
    room TEXT NOT NULL, seq INTEGER NOT NULL, body BLOB NOT NULL, PRIMARY KEY (room, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS states (room TEXT PRIMARY KEY, seq INTEGER NOT NULL, body BLOB);
CREATE TABLE IF NOT EXISTS records (
    room TEXT NOT NULL, n INTEGER NOT NULL, body BLOB NOT NULL, PRIMARY KEY (room, n)
);
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v BLOB NOT NULL);
"""

Job = Callable[[sqlite3.Connection], Any]
BATCH = 512
SYNCHRONOUS = ("full", "normal")
CHECKPOINT_EVERY = 1.0  # s between the checkpoint thread's copies of the WAL
#: The WAL's size (in pages) past which the writing connection copies it itself. The
#: checkpoint thread's copies let the WAL start over only when no commit lands during one;
#: under commits without a pause it would grow for good. 40 MB: rare, and then short,
#: as the thread has copied all but the newest pages.
WAL_PAGES = 10_000
#: How long a commit on the loop waits for a write lock another process holds (an export
#: writing its record, an operator's sqlite3 shell) before its batch fails as unavailable:
#: the loop, and every room with it, waits that long.
LOCKED_WAIT = 2.0
log = logging.getLogger("spwt.store.sqlite")


def _connect(path: Path, synchronous: str = "full", wait: float = 30) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=wait)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={synchronous.upper()}")
    conn.execute(f"PRAGMA busy_timeout={round(wait * 1000)}")
    return conn


def _settle(futures: list[asyncio.Future[Any]], outcomes: list[tuple[bool, Any]]) -> None:
    for future, (ok, value) in zip(futures, outcomes, strict=True):
        if future.cancelled():
            continue
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)


class SQLiteStore:
    shared = False

    def __init__(
        self, folder: str | Path, synchronous: str = "full", clock: Clock = SYSTEM
    ) -> None:
        synchronous = synchronous.lower()
        if synchronous not in SYNCHRONOUS:
            raise ValueError(f"SPWT_SQLITE_SYNCHRONOUS must be full or normal, not {synchronous!r}")
        self.synchronous = synchronous
        self.path = Path(folder) / "spwt.sqlite3"
        self._conn: sqlite3.Connection | None = None  # the one that writes, on the loop
        #: The writes waiting for the next commit, each with the future of its outcome.
        self._waiting: list[tuple[Job, asyncio.Future[Any]]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        #: Each room's last logged seq, as the writing connection committed it.
        self._last_seq: dict[str, int] = {}
        self._checkpointer: threading.Thread | None = None
        self._closing = threading.Event()
        self.clock = clock  # what the checkpoints wait on
        self._readers = threading.local()
        self._reader_conns: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    # --- lifecycle ---------------------------------------------------------------------

    async def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._loop = asyncio.get_running_loop()
        conn = await asyncio.to_thread(_connect, self.path, self.synchronous, LOCKED_WAIT)
        await asyncio.to_thread(conn.executescript, SCHEMA)
        conn.execute(f"PRAGMA wal_autocheckpoint={WAL_PAGES}")  # the thread's work, mostly
        self._checkpointer = threading.Thread(
            target=self._checkpoint_loop, name="spwt-sqlite-checkpoints", daemon=True
        )
        self._checkpointer.start()
        self._conn = conn

    async def close(self) -> None:
        if self._conn is not None:
            while self._waiting:  # what was asked before the close is written
                self._commit()
            self._conn.close()
            self._conn = None
        if self._checkpointer is not None:
            self._closing.set()
            await asyncio.to_thread(self._checkpointer.join)
            self._checkpointer = None
        with self._lock:
            for conn in self._reader_conns:
                conn.close()
            self._reader_conns.clear()

    # --- writes --------------------------------------------------------------------------

    def _checkpoint_loop(self) -> None:
        """Copy the WAL into the database every CHECKPOINT_EVERY s, beside the loop."""
        conn = _connect(self.path, self.synchronous)
        try:
            while not self.clock.wait(self._closing, CHECKPOINT_EVERY):
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
                except sqlite3.Error as error:  # busy or failing disk: the WAL waits for the next
                    log.warning("checkpoint failed: %s", error)
        finally:
            conn.close()

    async def _write(self, job: Job) -> Any:
        if self._conn is None or self._loop is None:
            raise Unavailable("the store is closed")
        future: asyncio.Future[Any] = self._loop.create_future()
        if not self._waiting:
            self._loop.call_soon(self._commit)
        self._waiting.append((job, future))
        return await future

    def _commit(self) -> None:
        """Write what waits (up to BATCH jobs) in one transaction, then settle each future."""
        batch, self._waiting = self._waiting[:BATCH], self._waiting[BATCH:]
        if not batch or self._conn is None:  # close() wrote them already
            return
        if self._waiting:
            assert self._loop is not None
            self._loop.call_soon(self._commit)
        _settle([future for _, future in batch], self._run_batch(self._conn, batch))

    def _run_batch(
        self, conn: sqlite3.Connection, batch: list[tuple[Job, asyncio.Future[Any]]]
    ) -> list[tuple[bool, Any]]:
        outcomes: list[tuple[bool, Any]] = []
        try:
            conn.execute("BEGIN IMMEDIATE")
            for job, _ in batch:
                conn.execute("SAVEPOINT job")
                try:
                    outcomes.append((True, job(conn)))
                    conn.execute("RELEASE job")
                except Exception as error:
                    conn.execute("ROLLBACK TO job")
                    conn.execute("RELEASE job")
                    outcomes.append((False, error))
            conn.execute("COMMIT")
        except sqlite3.Error as error:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            self._last_seq.clear()  # what the rolled-back appends put there is not so
            failure = Unavailable(f"the op log could not be written: {error}")
            outcomes = [(False, failure)] * len(batch)
        return outcomes

    # --- reads -----------------------------------------------------------------------

    def _reader(self) -> sqlite3.Connection:
        conn = getattr(self._readers, "conn", None)
        if conn is None:
            conn = _connect(self.path)
            self._readers.conn = conn
            with self._lock:
                self._reader_conns.append(conn)
        return conn

    async def _read(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        def run() -> list[tuple[Any, ...]]:
            return self._reader().execute(sql, args).fetchall()

        try:
            return await asyncio.to_thread(run)
        except sqlite3.Error as error:
            raise Unavailable(f"the op log could not be read: {error}") from error

    # --- the Store interface ---------------------------------------------------------

    async def create_room(self, meta: RoomMeta, first: Event) -> bool:
        def job(conn: sqlite3.Connection) -> bool:
            try:
                conn.execute(
                    "INSERT INTO rooms VALUES (?, ?, ?)",
                    (meta.code, meta.key_hash, meta.created_at),
                )
            except sqlite3.IntegrityError:
                return False
            conn.execute(
                "INSERT INTO log VALUES (?, ?, ?)", (meta.code, first["seq"], orjson.dumps(first))
            )
            return True

        return bool(await self._write(job))

    async def room_meta(self, code: str) -> RoomMeta | None:
        rows = await self._read("SELECT code, key_hash, created_at FROM rooms WHERE code=?", code)
        return RoomMeta(*rows[0]) if rows else None

    async def append(self, code: str, events: list[Event]) -> None:
        rows = [(code, e["seq"], orjson.dumps(e)) for e in events]

        def job(conn: sqlite3.Connection) -> None:
            last = self._last_seq.get(code)
            if last is None:
                (last,) = conn.execute("SELECT MAX(seq) FROM log WHERE room=?", (code,)).fetchone()
            if last is None or last + 1 != rows[0][1]:
                raise Conflict(f"{code}: log ends at {last}, not {rows[0][1] - 1}")
            conn.executemany("INSERT INTO log VALUES (?, ?, ?)", rows)
            self._last_seq[code] = rows[-1][1]

        await self._write(job)

    async def read(self, code: str, after: int, upto: int | None = None) -> list[Event]:
        rows = await self._read(
            "SELECT body FROM log WHERE room=? AND seq>? AND seq<=? ORDER BY seq",
            code,
            after,
            upto if upto is not None else 2**62,
        )
        return [orjson.loads(body) for (body,) in rows]

    async def first_seq(self, code: str) -> int:
        rows = await self._read("SELECT MIN(seq) FROM log WHERE room=?", code)
        return rows[0][0] or 0

    async def save_state(self, code: str, seq: int, state: bytes) -> None:
        await self._write(
            lambda conn: conn.execute(
                "INSERT INTO states VALUES (?, ?, ?) ON CONFLICT(room) DO UPDATE "
                "SET seq=excluded.seq, body=excluded.body WHERE excluded.seq > states.seq",
                (code, seq, state),
            )
        )

    async def load_state(self, code: str) -> tuple[int, bytes] | None:
        rows = await self._read("SELECT seq, body FROM states WHERE room=?", code)
        return (rows[0][0], rows[0][1]) if rows else None

    async def put_record(self, code: str, n: int, body: bytes) -> None:
        await self._write(
            lambda conn: conn.execute(
                "INSERT OR IGNORE INTO records VALUES (?, ?, ?)", (code, n, body)
            )
        )

    async def get_record(self, code: str, n: int) -> bytes | None:
        rows = await self._read("SELECT body FROM records WHERE room=? AND n=?", code, n)
        return bytes(rows[0][0]) if rows else None

    async def rooms(self) -> list[str]:
        return [code for (code,) in await self._read("SELECT code FROM rooms ORDER BY code")]

    async def secret(self) -> bytes:
        fresh = secrets.token_bytes(32)

        def job(conn: sqlite3.Connection) -> bytes:
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('secret', ?)", (fresh,))
            return bytes(conn.execute("SELECT v FROM meta WHERE k='secret'").fetchone()[0])

        secret: bytes = await self._write(job)
        return secret
