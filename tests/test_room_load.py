"""A room comes back from its state snapshot plus the log after it, op ids included."""

from __future__ import annotations

import asyncio
from pathlib import Path

from server.rooms.hub import Hub
from server.settings import Settings
from server.state import parse_client_op, replay
from server.state.ops import ParticipantJoin
from server.store.sqlite import SQLiteStore

from .room_entries import entries_of


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
