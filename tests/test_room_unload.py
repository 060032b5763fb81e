"""Rooms no one uses leave memory after ``unload_after`` s and come back whole from the log."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from server.app import create_app
from server.rooms.hub import Hub
from server.settings import Settings
from server.state import Rejected, parse_client_op
from server.state.ops import ParticipantJoin
from server.store.sqlite import SQLiteStore

from .asgi import hello, new_room, next_of, op
from .clock import ManualClock

UNLOAD_AFTER = 600.0
SWEEPER = "spwt-unload"  # the hub's task that lets unused rooms go


def test_an_unused_room_unloads_and_comes_back_whole(tmp_path: Path) -> None:
    async def run() -> None:
        clock = ManualClock()
        settings = Settings(data=str(tmp_path), unload_after=UNLOAD_AFTER)
        hub = Hub(SQLiteStore(tmp_path), settings, clock)
        await hub.start()
        code, _ = await hub.create_room("Lokakarya")
        room = await hub.room(code)
        assert room is not None
        join = ParticipantJoin(kind="participant.join", name="Ana", role="facilitator")
        ana = (await room.submit("", "", join))["op"]["participant"]
        await room.submit(ana, "op-0", parse_client_op({"kind": "phase.set", "phase": "issues"}))
        card = parse_client_op({"kind": "note.add", "text": "Air bersih"})
        first = await room.submit(ana, "op-1", card)
        before = room.state

        await clock.atick(UNLOAD_AFTER / 2, SWEEPER)
        assert code in hub.rooms  # not unused for long enough yet
        await clock.atick(UNLOAD_AFTER / 2, SWEEPER)
        assert code not in hub.rooms
        with pytest.raises(Rejected) as refused:  # a caller still holding the old copy
            await room.submit(ana, "op-2", card)
        assert refused.value.code == "unavailable"

        again = await hub.room(code)
        assert again is not None and again is not room
        assert again.state == before
        resent = await again.submit(ana, "op-1", card)  # op ids survive the unload
        assert resent["seq"] == first["seq"] and again.state.seq == before.seq
        await hub.stop()

    asyncio.run(run())


def test_a_connected_room_stays_and_a_client_resumes_after_the_unload(tmp_path: Path) -> None:
    settings = Settings(data=str(tmp_path), unload_after=UNLOAD_AFTER)
    clock = ManualClock()
    with TestClient(create_app(settings, clock)) as client:
        hub = client.app.state.hub  # type: ignore[attr-defined]
        code, key = new_room(client)
        with client.websocket_connect(f"/ws/{code}") as ws:
            welcome = hello(ws, key=key)
            op(ws, "a1", "phase.set", phase="issues")
            seq = next_of(ws, "events")["events"][0]["seq"]
            clock.tick(2 * UNLOAD_AFTER, SWEEPER)
            assert code in hub.rooms  # someone is connected: it stays
        clock.tick(2 * UNLOAD_AFTER, SWEEPER)
        assert code not in hub.rooms

        with client.websocket_connect(f"/ws/{code}") as ws:
            resumed = hello(ws, token=welcome["token"], since=seq)
            assert "state" not in resumed and resumed["seq"] == seq  # the log had it all
            assert resumed["you"]["id"] == welcome["you"]["id"]
            assert code in hub.rooms


def test_zero_keeps_every_room(tmp_path: Path) -> None:
    async def run() -> None:
        clock = ManualClock()
        hub = Hub(SQLiteStore(tmp_path), Settings(data=str(tmp_path), unload_after=0), clock)
        await hub.start()
        code, _ = await hub.create_room("Lokakarya")
        assert SWEEPER not in {task.get_name() for task in asyncio.all_tasks()}
        clock.advance(100 * UNLOAD_AFTER)
        room = hub.rooms[code]
        assert room.idle_for() >= 100 * UNLOAD_AFTER  # unused all that time, and kept
        await hub.stop()

    asyncio.run(run())


def test_cancelling_whoever_drains_a_room_cancels_them(tmp_path: Path) -> None:
    """The hub's stop cancels the unload loop; a drain it was awaiting must not swallow that."""

    async def run() -> None:
        hub = Hub(SQLiteStore(tmp_path), Settings(data=str(tmp_path), unload_after=0))
        await hub.start()
        code, _ = await hub.create_room("Lokakarya")
        room = await hub.room(code)
        assert room is not None
        join = ParticipantJoin(kind="participant.join", name="Ana", role="participant")
        joins = [room.submit("", "", join) for _ in range(50)]  # the committer is busy
        draining = asyncio.create_task(room.drain())
        await asyncio.sleep(0)
        draining.cancel()
        await asyncio.wait([draining])
        assert draining.cancelled()
        await asyncio.gather(*joins)  # the ops already queued still land
        await hub.stop()

    asyncio.run(run())
