"""What only the Redis store does: key layout, trimming, news and tail, presence, Redis away."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from redis.crc import key_slot

from server.store import Conflict, Event, RoomMeta, Unavailable
from server.store.redis import RedisStore

from ..clock import ManualClock
from .redisserver import RedisServer

pytestmark = pytest.mark.redis


def ev(seq: int) -> Event:
    return {"seq": seq, "at": seq, "by": "u1", "op_id": f"o{seq}", "op": {"kind": "note.add"}}


def run(url: str, scenario: Callable[[RedisStore], Awaitable[None]]) -> None:
    async def main() -> None:
        store = RedisStore(url)
        await store.open()
        try:
            await scenario(store)
        finally:
            await store.close()

    asyncio.run(main())


async def _room(store: RedisStore, code: str = "ABC234", last: int = 1) -> None:
    assert await store.create_room(RoomMeta(code, "h", 1), ev(1))
    if last > 1:
        await store.append(code, [ev(s) for s in range(2, last + 1)])


def test_a_room_lives_in_one_cluster_slot(redis_server: RedisServer) -> None:
    async def scenario(store: RedisStore) -> None:
        await _room(store, last=3)
        await store.save_state("ABC234", 3, b"s")
        await store.put_record("ABC234", 1, b"r")
        keys = sorted(k.decode() for k in await store.redis.keys("spwt:*"))
        room_keys = [k for k in keys if "ABC234" in k]
        assert room_keys == [
            f"spwt:{{ABC234}}:{part}" for part in ("log", "meta", "records", "state")
        ]
        assert len({key_slot(k.encode()) for k in room_keys}) == 1
        ids = [entry_id for entry_id, _ in await store.redis.xrange("spwt:{ABC234}:log")]
        assert ids == [b"1-0", b"2-0", b"3-0"]

    run(redis_server.url, scenario)


def test_the_log_is_trimmed_only_behind_the_snapshot(redis_server: RedisServer) -> None:
    async def scenario(store: RedisStore) -> None:
        await _room(store, last=1000)
        await store.save_state("ABC234", 900, b"s")
        first = await store.first_seq("ABC234")
        assert 1 < first <= 900 - 50  # trimmed, keeping at least `keep` entries behind it
        assert [e["seq"] for e in await store.read("ABC234", 899)] == list(range(900, 1001))
        await store.append("ABC234", [ev(1001)])

    run(redis_server.url + "?keep=50", scenario)


def test_the_tail_reads_many_rooms_at_once(redis_server: RedisServer) -> None:
    async def scenario(store: RedisStore) -> None:
        await _room(store, "ROOM22", last=3)
        await _room(store, "ROOM33", last=1)
        found = await store.tail({"ROOM22": 1, "ROOM33": 1})
        assert {code: [e["seq"] for e in evs] for code, evs in found.items()} == {"ROOM22": [2, 3]}
        assert await store.tail({"ROOM22": 3, "ROOM33": 1}) == {}
        assert await store.tail({}) == {}

    run(redis_server.url, scenario)


def test_news_bring_what_other_processes_append_and_a_restart_says_read_the_logs(
    redis_server: RedisServer,
) -> None:
    async def scenario(store: RedisStore) -> None:
        other = RedisStore(redis_server.url)
        try:
            assert await store.news(block=1) is None  # subscribed: read the logs once
            await _room(other, "ROOM22", last=1)
            waiting = asyncio.ensure_future(store.news(block=5))
            await asyncio.sleep(0.1)
            await other.append("ROOM22", [ev(2), ev(3)])
            found = await asyncio.wait_for(waiting, 2)
            assert found == {"ROOM22": [ev(2), ev(3)]}
            await store.append("ROOM22", [ev(4)])  # our own appends are not news to us
            assert await store.news(block=0.3) == {}
            await store.redis.execute_command("CLIENT", "KILL", "TYPE", "pubsub")
            for _ in range(20):  # redis-py reconnects and subscribes again by itself
                found = await store.news(block=0.2)
                if found is None:
                    break
            assert found is None
            await other.append("ROOM22", [ev(5)])
            assert await store.news(block=2) == {"ROOM22": [ev(5)]}
        finally:
            await other.close()

    run(redis_server.url, scenario)


def test_a_lost_race_brings_the_events_the_loser_missed(redis_server: RedisServer) -> None:
    async def scenario(store: RedisStore) -> None:
        await _room(store, last=3)
        with pytest.raises(Conflict) as lost:
            await store.append("ABC234", [ev(2)])  # a writer that has seen only seq 1
        assert lost.value.missed == [ev(2), ev(3)]
        with pytest.raises(Unavailable):  # a log behind what was applied: no retry helps
            await store.append("ABC234", [ev(9)])
        assert [e["seq"] for e in await store.read("ABC234", 0)] == [1, 2, 3]

    run(redis_server.url, scenario)


def test_presence_is_per_process_and_expires(redis_server: RedisServer) -> None:
    clock = ManualClock()

    async def scenario(store: RedisStore) -> None:
        store.clock = clock
        seen = await store.presence("a", {"R": {"u1", "u2"}}, ttl=0.3)
        assert seen == {"R": frozenset()}  # a's own participants are not "elsewhere"
        assert await store.presence("b", {"R": {"u3"}}, ttl=5) == {"R": frozenset({"u1", "u2"})}
        await store.presence("a", {"R": {"u1"}}, ttl=0.3)  # u2 left
        assert await store.presence("b", {"R": {"u3"}}, ttl=5) == {"R": frozenset({"u1"})}
        clock.advance(0.2)
        assert await store.presence("b", {"R": {"u3"}}, ttl=5) == {"R": frozenset({"u1"})}
        clock.advance(0.2)  # process a stopped refreshing: it died
        assert await store.presence("b", {"R": {"u3"}}, ttl=5) == {"R": frozenset()}
        await store.presence("a", {"R": {"u1"}}, ttl=5)
        await store.presence("a", {"R": set()}, ttl=5)  # a stopped: withdrawn at once
        assert await store.presence("b", {"R": {"u3"}}, ttl=5) == {"R": frozenset()}

    run(redis_server.url, scenario)


def test_redis_away_raises_unavailable_and_a_flushed_log_is_not_a_conflict(
    redis_server: RedisServer,
) -> None:
    async def scenario(store: RedisStore) -> None:
        await _room(store, last=2)
        await store.redis.flushdb()  # as a Redis restarted without persistence
        with pytest.raises(Unavailable):
            await store.append("ABC234", [ev(3)])
        redis_server.kill()
        with pytest.raises(Unavailable):
            await store.append("ABC234", [ev(3)])
        with pytest.raises(Unavailable):
            await store.read("ABC234", 0)
        with pytest.raises(Unavailable):
            await store.tail({"ABC234": 2})
        with pytest.raises(Unavailable):
            await store.news(block=0.1)
        redis_server.start()
        await _room(store, last=2)  # the same client works again by itself

    run(redis_server.url, scenario)


def test_a_full_redis_refuses_appends_as_unavailable(redis_server: RedisServer) -> None:
    async def scenario(store: RedisStore) -> None:
        await _room(store, last=2)
        await store.redis.config_set("maxmemory-policy", "noeviction")
        await store.redis.config_set("maxmemory", "1")  # everything is over the limit
        try:
            with pytest.raises(Unavailable):
                await store.append("ABC234", [ev(3)])
            assert [e["seq"] for e in await store.read("ABC234", 0)] == [1, 2]  # reads work
        finally:
            await store.redis.config_set("maxmemory", "0")
        await store.append("ABC234", [ev(3)])

    run(redis_server.url + "?keep=100", scenario)
