"""One contract for every store: what the room engine relies on, checked on each backend.

A new backend proves itself by passing this file. The Redis case runs against a real
``redis-server`` started here on a free port (skipped where none is installed).
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest

from server.store import (
    BACKENDS,
    Conflict,
    Event,
    RoomMeta,
    SharedStore,
    Store,
    StoreError,
    backend_of,
    make_store,
)
from server.store import sqlite as sqlite_store
from server.store.memory import MemoryStore
from server.store.sqlite import CHECKPOINT_EVERY, WAL_PAGES, SQLiteStore

from .clock import ManualClock
from .redis.redisserver import RedisClusterNodes, RedisServer

Scenario = Callable[[Store], Awaitable[None]]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server.url
    server.stop()


@pytest.fixture(scope="module")
def redis_cluster_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if shutil.which("redis-server") is None or shutil.which("redis-cli") is None:
        pytest.skip("redis-server and redis-cli are not installed")
    cluster = RedisClusterNodes(tmp_path_factory.mktemp("cluster")).start()
    yield cluster.url
    cluster.stop()


@pytest.fixture(
    params=[
        "memory",
        "sqlite",
        pytest.param("redis", marks=pytest.mark.redis),
        pytest.param("redis-cluster", marks=pytest.mark.redis),
    ],
)
def run(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[Scenario], None]:
    """Run a scenario on a freshly opened (and empty) store of the parametrised kind."""

    def make() -> Store:
        if request.param == "memory":
            return MemoryStore()
        if request.param == "sqlite":
            return SQLiteStore(tmp_path)
        from server.store.redis import RedisStore

        name = "redis_url" if request.param == "redis" else "redis_cluster_url"
        return RedisStore(request.getfixturevalue(name))

    def runner(scenario: Scenario) -> None:
        async def main() -> None:
            store = make()
            await store.open()
            if request.param.startswith("redis"):
                await store.redis.flushdb()  # type: ignore[attr-defined]
            try:
                await scenario(store)
            finally:
                await store.close()

        asyncio.run(main())

    return runner


SharedScenario = Callable[[SharedStore, SharedStore], Awaitable[None]]


@pytest.fixture(
    params=[
        pytest.param("redis", marks=pytest.mark.redis),
        pytest.param("redis-cluster", marks=pytest.mark.redis),
    ],
)
def run_shared(request: pytest.FixtureRequest) -> Callable[[SharedScenario], None]:
    """Run a scenario on two processes' stores (two clients) of one emptied shared store."""
    from server.store.redis import RedisStore

    url = request.getfixturevalue("redis_url" if request.param == "redis" else "redis_cluster_url")

    def runner(scenario: SharedScenario) -> None:
        async def main() -> None:
            one, two = RedisStore(url), RedisStore(url)
            await one.open()
            await two.open()
            await one.redis.flushdb()
            try:
                await scenario(one, two)
            finally:
                await one.close()
                await two.close()

        asyncio.run(main())

    return runner


def ev(seq: int, **op: object) -> Event:
    return {"seq": seq, "at": 1000 + seq, "by": "u1", "op_id": f"o{seq}", "op": op}


async def _room(store: Store, code: str = "ABC234", last: int = 1) -> None:
    assert await store.create_room(RoomMeta(code, "hash", 99), ev(1, kind="room.create"))
    if last > 1:
        await store.append(code, [ev(s, kind="note.add") for s in range(2, last + 1)])


def test_a_room_code_is_created_once(run: Callable[[Scenario], None]) -> None:
    async def scenario(store: Store) -> None:
        await _room(store)
        assert not await store.create_room(RoomMeta("ABC234", "other", 1), ev(1, kind="x"))
        assert await store.room_meta("ABC234") == RoomMeta("ABC234", "hash", 99)
        assert await store.room_meta("ZZZ999") is None
        assert await store.read("ABC234", 0) == [ev(1, kind="room.create")]
        assert await store.rooms() == ["ABC234"]

    run(scenario)


def test_append_checks_the_sequence(run: Callable[[Scenario], None]) -> None:
    async def scenario(store: Store) -> None:
        await _room(store)
        await store.append("ABC234", [ev(2, kind="a"), ev(3, kind="b")])
        for taken in (2, 3):
            with pytest.raises(Conflict):
                await store.append("ABC234", [ev(taken, kind="late")])
        with pytest.raises(StoreError):  # a gap: a log that lost what its writer applied
            await store.append("ABC234", [ev(5, kind="late")])
        await store.append("ABC234", [ev(4, kind="c")])
        assert [e["seq"] for e in await store.read("ABC234", 0)] == [1, 2, 3, 4]
        assert (await store.read("ABC234", 0))[2] == ev(3, kind="b")

    run(scenario)


def test_a_batch_lands_whole_or_not_at_all(run: Callable[[Scenario], None]) -> None:
    async def scenario(store: Store) -> None:
        await _room(store, last=3)
        with pytest.raises(Conflict):
            await store.append("ABC234", [ev(3, kind="x"), ev(4, kind="y")])
        assert [e["seq"] for e in await store.read("ABC234", 0)] == [1, 2, 3]

    run(scenario)


def test_concurrent_writers_get_one_seq_each(run: Callable[[Scenario], None]) -> None:
    async def scenario(store: Store) -> None:
        await _room(store)

        async def writer(name: str) -> int:
            written = 0
            while written < 20:
                last = (await store.read("ABC234", 0))[-1]["seq"]
                try:
                    await store.append("ABC234", [ev(last + 1, kind=name)])
                    written += 1
                except Conflict:
                    continue
            return written

        await asyncio.gather(writer("a"), writer("b"), writer("c"))
        log = await store.read("ABC234", 0)
        assert [e["seq"] for e in log] == list(range(1, 62))

    run(scenario)


def test_read_ranges(run: Callable[[Scenario], None]) -> None:
    async def scenario(store: Store) -> None:
        await _room(store, last=10)
        assert [e["seq"] for e in await store.read("ABC234", 7)] == [8, 9, 10]
        assert [e["seq"] for e in await store.read("ABC234", 2, upto=5)] == [3, 4, 5]
        assert await store.read("ABC234", 10) == []
        assert await store.read("ABC234", 4, upto=4) == []
        assert await store.read("NOROOM", 0) == []
        assert await store.first_seq("ABC234") == 1
        assert await store.first_seq("NOROOM") == 0

    run(scenario)


def test_long_reads_come_back_whole_and_in_order(run: Callable[[Scenario], None]) -> None:
    async def scenario(store: Store) -> None:
        await _room(store)
        for start in range(2, 5002, 500):
            await store.append("ABC234", [ev(s, kind="n") for s in range(start, start + 500)])
        assert [e["seq"] for e in await store.read("ABC234", 0)] == list(range(1, 5002))

    run(scenario)


def test_the_newest_state_snapshot_is_kept(run: Callable[[Scenario], None]) -> None:
    async def scenario(store: Store) -> None:
        await _room(store, last=30)
        assert await store.load_state("ABC234") is None
        await store.save_state("ABC234", 20, b"twenty")
        await store.save_state("ABC234", 10, b"ten")  # a slower process, later: ignored
        assert await store.load_state("ABC234") == (20, b"twenty")
        await store.save_state("ABC234", 30, b"thirty")
        assert await store.load_state("ABC234") == (30, b"thirty")
        # Whatever a store trims, it keeps everything after its newest snapshot.
        assert 1 <= await store.first_seq("ABC234") <= 31
        assert [e["seq"] for e in await store.read("ABC234", 29)] == [30]

    run(scenario)


def test_records_are_written_once(run: Callable[[Scenario], None]) -> None:
    async def scenario(store: Store) -> None:
        await _room(store)
        assert await store.get_record("ABC234", 1) is None
        await store.put_record("ABC234", 1, b'{"first":1}')
        await store.put_record("ABC234", 1, b'{"second":1}')
        await store.put_record("ABC234", 2, b"{}")
        assert await store.get_record("ABC234", 1) == b'{"first":1}'
        assert await store.get_record("ABC234", 2) == b"{}"

    run(scenario)


def test_rooms_are_listed(run: Callable[[Scenario], None]) -> None:
    async def scenario(store: Store) -> None:
        for code in ("KQ7MZP", "ABC234", "XY2345"):
            await _room(store, code)
        assert await store.rooms() == ["ABC234", "KQ7MZP", "XY2345"]

    run(scenario)


def test_the_secret_is_stable(run: Callable[[Scenario], None]) -> None:
    async def scenario(store: Store) -> None:
        first = await store.secret()
        assert len(first) >= 16
        assert await store.secret() == first

    run(scenario)


@pytest.mark.parametrize(("asked", "level"), [("full", 2), ("NORMAL", 1)])
def test_the_sqlite_writer_syncs_as_asked(tmp_path: Path, asked: str, level: int) -> None:
    async def scenario() -> int:
        store = SQLiteStore(tmp_path, asked)
        await store.open()
        try:  # what the writer's own connection commits with (FULL 2, NORMAL 1)
            return await store._write(lambda conn: conn.execute("PRAGMA synchronous").fetchone()[0])
        finally:
            await store.close()

    assert asyncio.run(scenario()) == level
    with pytest.raises(ValueError, match="full or normal"):
        SQLiteStore(tmp_path, "off")


def _copied(store: SQLiteStore) -> int:
    """The log's rows in the database file alone, without the WAL: what checkpoints copied."""
    alone = sqlite3.connect(f"file:{store.path}?immutable=1", uri=True)
    with contextlib.closing(alone):
        return int(alone.execute("SELECT COUNT(*) FROM log").fetchone()[0])


@pytest.mark.parametrize("synchronous", ["full", "normal"])
def test_the_wal_is_checkpointed_beside_the_loop(tmp_path: Path, synchronous: str) -> None:
    clock = ManualClock()

    async def scenario() -> tuple[int, int]:
        store = SQLiteStore(tmp_path, synchronous, clock)
        await store.open()
        try:
            await _room(store, last=40)
            # A commit on the loop copies the WAL only once it is large (a checkpoint syncs
            # megabytes): 40 ops leave that to the thread.
            automatic = await store._write(
                lambda conn: conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
            )
            await clock.atick(CHECKPOINT_EVERY, "spwt-sqlite-checkpoints")  # one checkpoint
            return automatic, _copied(store)
        finally:
            await store.close()

    assert asyncio.run(scenario()) == (WAL_PAGES, 40)


def test_a_wal_the_thread_did_not_copy_is_copied_by_the_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_store, "WAL_PAGES", 20)
    clock = ManualClock()  # never ticked: the checkpoint thread copies nothing

    async def scenario() -> int:
        store = SQLiteStore(tmp_path, "full", clock)
        await store.open()
        try:
            await _room(store)
            await store.append(
                "ABC234", [ev(s, kind="note.add", text="x" * 1000) for s in range(2, 100)]
            )
            return _copied(store)
        finally:
            await store.close()

    assert asyncio.run(scenario()) == 99


def test_a_write_lock_held_elsewhere_fails_the_batch_instead_of_holding_the_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_store, "LOCKED_WAIT", 0.2)

    async def scenario() -> list[int]:
        store = SQLiteStore(tmp_path)
        await store.open()
        try:
            await _room(store)
            other = sqlite3.connect(store.path, isolation_level=None)
            other.execute("BEGIN IMMEDIATE")  # another process's write, left open
            started = time.monotonic()
            with pytest.raises(StoreError, match="locked"):
                await store.append("ABC234", [ev(2, kind="a")])
            assert time.monotonic() - started < 5
            other.execute("ROLLBACK")
            other.close()
            await store.append("ABC234", [ev(2, kind="a")])  # the next batch goes in
            return [e["seq"] for e in await store.read("ABC234", 0)]
        finally:
            await store.close()

    assert asyncio.run(scenario()) == [1, 2]


def test_writes_asked_in_one_turn_of_the_loop_commit_once(tmp_path: Path) -> None:
    async def scenario() -> tuple[list[int], dict[str, object], list[int]]:
        store = SQLiteStore(tmp_path)
        await store.open()
        statements: list[str] = []
        try:
            for code in ("AAA222", "BBB333", "CCC444", "DDD555"):
                await _room(store, code)
            assert store._conn is not None
            store._conn.set_trace_callback(statements.append)
            appends = [
                store.append("AAA222", [ev(2, kind="a")]),
                store.append("BBB333", [ev(2, kind="b")]),
                store.append("AAA222", [ev(2, kind="late")]),  # a conflict, alone in the batch
                store.append("CCC444", [ev(2, kind="c")]),
                store.append("DDD555", [ev(2, kind="d"), ev(2, kind="d")]),  # fails half-way
            ]
            outcomes = await asyncio.gather(*appends, return_exceptions=True)
            together = statements.count("COMMIT")
            await store.append("AAA222", [ev(3, kind="a")])
            await store.append("BBB333", [ev(3, kind="b")])
            one_by_one = statements.count("COMMIT") - together
            assert [type(o) for o in outcomes[:4]] == [type(None), type(None), Conflict, type(None)]
            assert isinstance(outcomes[4], sqlite3.IntegrityError)
            codes = ("AAA222", "BBB333", "CCC444", "DDD555")
            seqs = [len(await store.read(code, 0)) for code in codes]
            return [together, one_by_one], (await store.read("AAA222", 0))[1]["op"], seqs
        finally:
            await store.close()

    commits, second, seqs = asyncio.run(scenario())
    assert commits == [1, 2]
    assert second == {"kind": "a"} and seqs == [3, 3, 2, 1]  # the half-way failure undone


def test_a_close_writes_what_was_asked_before_it(tmp_path: Path) -> None:
    async def scenario() -> list[int]:
        store = SQLiteStore(tmp_path)
        await store.open()
        await _room(store)
        append = asyncio.ensure_future(store.append("ABC234", [ev(2, kind="a")]))
        await asyncio.sleep(0)  # the append waits for the loop's next turn to be committed
        await store.close()
        await asyncio.wait_for(append, 5)  # written and acknowledged, not dropped with the store
        with pytest.raises(StoreError, match="closed"):
            await store.append("ABC234", [ev(3, kind="b")])
        again = SQLiteStore(tmp_path)
        await again.open()
        try:
            return [e["seq"] for e in await again.read("ABC234", 0)]
        finally:
            await again.close()

    assert asyncio.run(scenario()) == [1, 2]


# --- the URL picks the backend ---------------------------------------------------------


def test_the_url_scheme_picks_the_backend(tmp_path: Path) -> None:
    assert type(make_store(tmp_path)) is SQLiteStore
    assert type(make_store(tmp_path, "memory://")) is MemoryStore
    for url in ("redis://127.0.0.1:1/0", "rediss://127.0.0.1:1", "unix:///tmp/none.sock"):
        store = make_store(tmp_path, url)
        assert type(store).__name__ == "RedisStore" and store.shared
        asyncio.run(store.close())  # made, never connected
    assert set(BACKENDS) == {"", "memory", "redis", "rediss", "unix"}
    with pytest.raises(ValueError, match="no store for ftp://"):
        backend_of("ftp://example.org/log")


def test_the_embedded_store_never_imports_redis(tmp_path: Path) -> None:
    code = (
        "import sys, server.store as s; s.make_store(sys.argv[1]); "
        "print(any(m == 'redis' or m.startswith('redis.') for m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"


# --- SharedStore: what a shared backend offers the hub ---------------------------------


def test_only_shared_stores_offer_news_tail_and_presence(run: Callable[[Scenario], None]) -> None:
    async def scenario(store: Store) -> None:
        offers = all(callable(getattr(store, m, None)) for m in ("news", "tail", "presence"))
        assert offers == store.shared

    run(scenario)


async def _news_until(store: SharedStore) -> dict[str, list[Event]]:
    """The first news that are not empty (the feed may first say it (re)started: None)."""
    for _ in range(50):
        news = await store.news(0.1)
        if news:
            return news
    raise AssertionError("no news came")


def test_news_bring_what_other_processes_append(
    run_shared: Callable[[SharedScenario], None],
) -> None:
    async def scenario(one: SharedStore, two: SharedStore) -> None:
        assert await one.news(0.5) is None  # the feed starts: what came before is in the logs
        await _room(two)
        await two.append("ABC234", [ev(2, kind="a"), ev(3, kind="b")])
        assert await _news_until(one) == {"ABC234": [ev(2, kind="a"), ev(3, kind="b")]}
        await one.append("ABC234", [ev(4, kind="c")])  # one's own news never reach one
        await two.append("ABC234", [ev(5, kind="d")])
        assert await _news_until(one) == {"ABC234": [ev(5, kind="d")]}

    run_shared(scenario)


def test_tail_reads_every_room_after_its_position(
    run_shared: Callable[[SharedScenario], None],
) -> None:
    async def scenario(one: SharedStore, two: SharedStore) -> None:
        await _room(two, "ABC234", last=4)
        await _room(two, "KQ7MZP", last=2)
        tail = await one.tail({"ABC234": 2, "KQ7MZP": 2})
        assert tail.get("ABC234") == [ev(3, kind="note.add"), ev(4, kind="note.add")]
        assert not tail.get("KQ7MZP")  # nothing after its position

    run_shared(scenario)


def test_presence_is_shared_between_processes_and_fades(
    run_shared: Callable[[SharedScenario], None],
) -> None:
    async def scenario(one: SharedStore, two: SharedStore) -> None:
        assert await one.presence("p1", {"ABC234": {"u1", "u2"}}, 5.0) == {"ABC234": frozenset()}
        seen = await two.presence("p2", {"ABC234": {"u3"}}, 5.0)
        assert seen == {"ABC234": frozenset({"u1", "u2"})}  # not its own u3
        await one.presence("p1", {"ABC234": set()}, 5.0)  # p1 withdraws at once
        assert await two.presence("p2", {"ABC234": {"u3"}}, 5.0) == {"ABC234": frozenset()}
        await one.presence("p1", {"ABC234": {"u1"}}, 0.0)  # expired as soon as published
        assert await two.presence("p2", {"ABC234": {"u3"}}, 5.0) == {"ABC234": frozenset()}

    run_shared(scenario)
