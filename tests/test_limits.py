"""The counters behind the limits per address (server/limits.py), in one process."""

from __future__ import annotations

import asyncio
import time

from server.limits import MINUTE, AddressLimits, LocalCounter, seconds_left


def test_a_local_counter_counts_per_key_and_starts_again_with_each_window() -> None:
    async def scenario() -> None:
        counter = LocalCounter()
        assert [await counter.hit("a", 0.5) for _ in range(3)] == [1, 2, 3]
        assert await counter.hit("b", 0.5) == 1
        await asyncio.sleep(seconds_left(0.5) + 0.01)
        assert await counter.hit("a", 0.5) == 1

    asyncio.run(scenario())


def test_misses_block_lookups_until_the_minute_ends_and_rooms_are_counted() -> None:
    async def scenario() -> None:
        limits = AddressLimits(LocalCounter(), rooms_per_hour=2, misses_per_minute=3)
        for _ in range(2):
            await limits.missed("10.0.0.1")
        assert limits.refused_for("10.0.0.1") == 0
        await limits.missed("10.0.0.1")
        wait = limits.refused_for("10.0.0.1")
        assert 0 < wait <= MINUTE and abs(wait - seconds_left(MINUTE, time.time())) <= 1
        assert limits.refused_for("10.0.0.2") == 0  # another address is not affected
        assert [await limits.may_create("10.0.0.2") for _ in range(3)] == [True, True, False]

    asyncio.run(scenario())


def test_a_local_counter_forgets_old_windows() -> None:
    async def scenario() -> None:
        counter = LocalCounter()
        for n in range(1100):
            await counter.hit(f"k{n}", 0.2)
        await asyncio.sleep(max(seconds_left(0.2), 1.0) + 0.01)  # a new window, a sweep due
        await counter.hit("fresh", 0.2)
        assert len(counter._counts) == 1

    asyncio.run(scenario())
