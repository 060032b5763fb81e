"""Two hubs on one Redis in one event loop: the races of two processes, made dense.

Both hubs serve the same room and take ops for it at the same time, so appends conflict,
tails deliver events while the other side's append is in flight, and catch-ups interleave.
Whatever the interleaving, both end with the state a fresh replay of the log gives, and
each event reached each room once, in order.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import cast

import orjson
import pytest

from server.rooms.hub import Hub, SharedStore
from server.rooms.room import Room
from server.settings import Settings
from server.state import Rejected, parse_client_op
from server.state.ops import ParticipantJoin
from server.store.redis import RedisStore

from ..clock import ManualClock
from .redisserver import RedisServer

pytestmark = pytest.mark.redis


@contextlib.asynccontextmanager
async def one_room_on_two_hubs(url: str, settings: Settings) -> AsyncIterator[tuple[Room, Room]]:
    """A new room made on one hub and loaded on a second, as two processes would."""
    one, two = (Hub(RedisStore(url), settings) for _ in range(2))
    await one.start()
    await two.start()
    try:
        code, _ = await one.create_room("Rapat koordinasi")
        here = await one.room(code)
        there = await two.room(code)
        assert here is not None and there is not None
        yield here, there
    finally:
        await one.stop()
        await two.stop()


def test_two_hubs_writing_one_room_at_once_agree_with_the_log(
    tmp_path: Path, redis_server: RedisServer
) -> None:
    settings = Settings(data=str(tmp_path), redis_url=redis_server.url, snapshot_every=50)

    async def scenario() -> None:
        async with one_room_on_two_hubs(redis_server.url, settings) as (here, there):
            join = ParticipantJoin(kind="participant.join", name="F", role="facilitator")
            # One writer per hub (a person may write 200 cards), each joined on its hub.
            writers = [
                (await room.submit("", "", join))["op"]["participant"] for room in (here, there)
            ]
            for _ in range(100):  # each hub learns of the other's join through its tail
                if all(w in room.state.participants for w in writers for room in (here, there)):
                    break
                await asyncio.sleep(0.02)

            async def write(room: Room, writer: str, prefix: str) -> list[str]:
                """150 cards in bursts of 3, each burst awaited: batches meet conflicts."""
                refused = []
                for burst in range(50):
                    futures = []
                    for i in range(3 * burst, 3 * burst + 3):
                        op = parse_client_op({"kind": "note.add", "text": f"{prefix} {i}"})
                        futures.append(room.submit(writer, f"{prefix}{i}", op))
                    for future in futures:
                        try:
                            await future
                        except Rejected as rejection:
                            refused.append(rejection.code)
                return refused

            refused = await asyncio.gather(
                write(here, writers[0], "a"), write(there, writers[1], "b")
            )
            assert refused == [[], []]
            last = 3 + 300  # room.create, two joins, 300 cards
            for _ in range(200):
                if here.state.seq == there.state.seq == last:
                    break
                await asyncio.sleep(0.02)
            assert here.state.seq == there.state.seq == last
            for room in (here, there):
                seqs = [e["seq"] for e in room.recent.after(0)]
                assert seqs == list(range(1, last + 1)), "an event was applied twice or lost"
            fresh = await Room.load(here.code, RedisStore(redis_server.url), settings)
            assert fresh is not None
            expected = fresh.state.model_dump()
            assert here.state.model_dump() == expected
            assert there.state.model_dump() == expected
            texts = sorted(note.text for note in fresh.state.notes.values())
            assert texts == sorted([f"a {i}" for i in range(150)] + [f"b {i}" for i in range(150)])
            await fresh.drain()
            await fresh.store.close()

    asyncio.run(scenario())


def test_news_lost_on_the_way_are_read_from_the_log_within_a_beat(
    tmp_path: Path, redis_server: RedisServer
) -> None:
    settings = Settings(data=str(tmp_path), redis_url=redis_server.url)

    async def scenario() -> None:
        async with one_room_on_two_hubs(redis_server.url, settings) as (here, there):
            join = ParticipantJoin(kind="participant.join", name="F", role="facilitator")
            await here.submit("", "", join)
            for _ in range(100):  # the news path
                if there.state.seq == 2:
                    break
                await asyncio.sleep(0.02)
            assert there.state.seq == 2
            # An event that reaches the log but not the news (as when a connection drops):
            event = {"seq": 3, "at": 3, "by": "", "op_id": "", "op": join.normalised()}
            log_key = f"spwt:{{{here.code}}}:log"
            await cast(RedisStore, here.store).redis.xadd(
                log_key, {"e": orjson.dumps(event)}, id="3-0"
            )
            started = asyncio.get_running_loop().time()
            while there.state.seq < 3 or here.state.seq < 3:
                assert asyncio.get_running_loop().time() - started < 3, "no beat read the log"
                await asyncio.sleep(0.05)
            assert len(there.state.participants) == len(here.state.participants) == 2

    asyncio.run(scenario())


def test_rooms_unload_on_each_process_and_come_back_with_what_the_other_wrote(
    tmp_path: Path, redis_server: RedisServer
) -> None:
    settings = Settings(data=str(tmp_path), redis_url=redis_server.url, unload_after=600)
    clock = ManualClock()  # both processes' (what their unload loops wait on)

    async def loaded(hub: Hub, code: str) -> Room:
        room = await hub.room(code)
        assert room is not None
        return room

    async def settled(rooms: tuple[Room, Room]) -> None:
        for _ in range(100):
            if rooms[0].state == rooms[1].state:
                return
            await asyncio.sleep(0.02)
        raise AssertionError("the two copies of the room never agreed")

    async def scenario() -> None:
        one, two = (Hub(RedisStore(redis_server.url), settings, clock) for _ in range(2))
        await one.start()
        await two.start()
        try:
            code, _ = await one.create_room("Rapat koordinasi")
            for other in range(2):  # several rooms: the beat visits them a slice at a time
                await loaded(two, (await one.create_room(f"Rapat {other}"))[0])
            room = await loaded(two, code)
            join = ParticipantJoin(kind="participant.join", name="F", role="facilitator")
            writer = (await room.submit("", "", join))["op"]["participant"]
            await room.submit(
                writer, "p", parse_client_op({"kind": "phase.set", "phase": "issues"})
            )
            await clock.atick(600, "spwt-unload", loops=2)  # each hub's sweep
            assert code not in one.rooms and code not in two.rooms  # no one used it anywhere
            assert not one.rooms and not two.rooms
            # A beat that listed the rooms before they left reaches them in a later slice.
            await two._beat(cast(SharedStore, two.store), [code])

            room = await loaded(two, code)
            for card in range(3):
                op = parse_client_op({"kind": "note.add", "text": f"kartu {card}"})
                await room.submit(writer, f"n{card}", op)
            elsewhere = await loaded(one, code)  # loads what two wrote while it was away
            assert elsewhere.state == room.state and len(room.state.notes) == 3
            op = parse_client_op({"kind": "note.add", "text": "dari proses satu"})
            await elsewhere.submit(writer, "n3", op)
            await settled((room, elsewhere))  # and the news flow again both ways
            assert not any(loop.done() for loop in one._loops + two._loops)  # all still going
        finally:
            await one.stop()
            await two.stop()

    asyncio.run(scenario())
