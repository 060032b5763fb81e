"""A room comes back from its state snapshot plus the log after it, op ids included."""

from __future__ import annotations

import asyncio
from pathlib import Path

from server.rooms.core import RoomCore, fold
from server.rooms.hub import Hub
from server.rooms.loader import load_core
from server.rooms.room import Room
from server.settings import Settings
from server.state import Rejected, parse_client_op, replay
from server.state.ops import ParticipantJoin
from server.store import RoomMeta
from server.store.memory import MemoryStore
from server.store.sqlite import SQLiteStore

from .room_entries import entries_of
from .test_room_core import NOW, SETTINGS, by, first_event, new_core, people, run


async def _session(folder: Path, settings: Settings) -> tuple[str, object]:
    hub = Hub(SQLiteStore(folder), settings)
    await hub.start()
    code, _ = await hub.create_room("Lokakarya")
    room = await hub.room(code)
    assert room is not None
    join = await room.submit(
        "", "", ParticipantJoin(kind="participant.join", name="F", role="facilitator")
    )
    facilitator = join["op"]["participant"]
    for i in range(22):  # 24 entries: snapshots every 5, so a tail of 4 after the last
        op = parse_client_op({"kind": "note.add", "text": f"kartu {i}"})
        await room.submit(facilitator, f"op-{i}", op)
    state = room.state
    await hub.stop()
    return code, state


def test_restart_loads_snapshot_plus_tail_and_remembers_op_ids(tmp_path: Path) -> None:
    settings = Settings(data=str(tmp_path), snapshot_every=5)
    code, before = asyncio.run(_session(tmp_path, settings))

    async def reopen() -> None:
        store = SQLiteStore(tmp_path)
        hub = Hub(store, settings)
        await hub.start()
        saved = await store.load_state(code)
        assert saved is not None and 5 <= saved[0] < before.seq  # a snapshot, and a tail after it
        room = await hub.room(code)
        assert room is not None and room.state == before
        assert replay(entries_of(await store.read(code, 0))) == before  # the log alone agrees
        again = await room.submit("u1", "op-0", parse_client_op({"kind": "note.add", "text": "x"}))
        assert again["seq"] < before.seq  # the original event: not applied twice
        assert room.state.seq == before.seq
        await hub.stop()

    asyncio.run(reopen())


def test_the_loader_gives_the_state_of_snapshot_plus_tail() -> None:
    async def scenario() -> None:
        core = new_core()
        _, p = people(core)
        for i in range(4):
            run(core, by(p, f"p{i}", "note.add", text=f"kartu {i}"))
        store = MemoryStore()
        log = [first_event(), *core.recent.after(1)]
        await store.create_room(RoomMeta("CORE42", "h", NOW), log[0])
        await store.append("CORE42", log[1:6])
        middle = fold(log[:6])
        assert middle is not None
        snapshot = RoomCore(middle, SETTINGS, log[:6])
        await store.save_state("CORE42", *snapshot.snapshot())
        await store.append("CORE42", log[6:])
        loaded = await load_core("CORE42", store, SETTINGS)
        assert loaded is not None and loaded.state == core.state == fold(log)
        assert loaded.original(p, "p0") == core.original(p, "p0")
        assert loaded.saved_seq == 6 and loaded.recent.after(0) == log
        assert await load_core("NOSUCH", store, SETTINGS) is None

    asyncio.run(scenario())


def test_constructing_a_room_starts_nothing() -> None:
    async def scenario() -> None:
        before = asyncio.all_tasks()
        room = Room(new_core(), MemoryStore(), SETTINGS)
        assert asyncio.all_tasks() == before  # no committer until asked for
        _, p = people(room.core)
        queued = room.submit(p, "p1", by(p, "p1", "note.add", text="Air bersih").op)
        assert not queued.done()
        await room.store.create_room(RoomMeta("CORE42", "h", NOW), first_event())
        await room.store.append("CORE42", room.core.recent.after(1))
        room.start()
        assert (await queued)["seq"] == room.state.seq  # taken once started
        await room.drain()
        assert asyncio.all_tasks() == before  # the committer is gone again

    asyncio.run(scenario())


def test_draining_a_room_never_started_refuses_what_was_queued() -> None:
    async def scenario() -> None:
        room = Room(new_core(), MemoryStore(), SETTINGS)
        _, p = people(room.core)
        queued = room.submit(p, "p1", by(p, "p1", "note.add", text="Air bersih").op)
        await room.drain()
        assert isinstance(queued.exception(), Rejected)
        assert queued.exception().code == "unavailable"  # type: ignore[union-attr]

    asyncio.run(scenario())
