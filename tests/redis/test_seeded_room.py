"""A room started from a record on Redis: the seed goes into the stream in batches, and a
second process loading the room replays it to the same record."""

from __future__ import annotations

import asyncio
import copy
from pathlib import Path

import pytest

from server.planning.carry import prepare
from server.rooms.hub import SEED_BATCH, Hub
from server.settings import Settings
from server.state.record import build_record
from server.store.redis import RedisStore

from ..fixtures.workshop import record as sikka_record
from .redisserver import RedisServer

pytestmark = pytest.mark.redis


def test_a_seed_longer_than_a_batch_is_logged_whole(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    source = copy.deepcopy(sikka_record())
    source["notes"] += [
        {**source["notes"][0], "id": f"n{9000 + i}", "text": f"Kartu {i}", "cluster": None}
        for i in range(SEED_BATCH * 2)
    ]
    settings = Settings(data=str(tmp_path), unload_after=0)

    async def scenario() -> None:
        one, two = (Hub(RedisStore(redis_server.url), settings) for _ in range(2))
        await one.start()
        await two.start()
        try:
            _, seed = prepare(source, None, "PWTJM", 1_780_000_000_000)
            assert len(seed.steps) > SEED_BATCH * 2
            code, _ = await one.create_room("Lanjutan", seed=seed, at=1_780_000_000_000)
            here, there = await one.room(code), await two.room(code)
            assert here is not None and there is not None
            assert there.state.seq == len(seed.steps) + 1
            record = build_record(there.state).to_json_dict()
            assert record == build_record(here.state).to_json_dict()
            assert len(record["notes"]) == len(source["notes"])
            assert record["sources"][0]["room"] == source["room"]["code"]
        finally:
            await one.stop()
            await two.stop()

    asyncio.run(scenario())
