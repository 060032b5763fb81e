"""One contract for every store: what the room engine relies on, checked on each backend.

A new backend proves itself by passing this file. The Redis case runs against a real
``redis-server`` started here on a free port (skipped where none is installed).
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import sqlite3
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest

from server.store import Conflict, Event, RoomMeta, Store, StoreError
from server.store.memory import MemoryStore
from server.store.sqlite import CHECKPOINT_EVERY, SQLiteStore

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


def test_normal_checkpoints_the_wal_beside_the_writer(tmp_path: Path) -> None:
    async def scenario() -> int:
        store = SQLiteStore(tmp_path, "normal")
        await store.open()
        try:
            await _room(store, last=40)
            await asyncio.sleep(2.5 * CHECKPOINT_EVERY)
            # The database file alone, without the WAL: what the checkpoints copied into it.
            alone = sqlite3.connect(f"file:{store.path}?immutable=1", uri=True)
            with contextlib.closing(alone):
                return alone.execute("SELECT COUNT(*) FROM log").fetchone()[0]
        finally:
            await store.close()

    assert asyncio.run(scenario()) == 40
