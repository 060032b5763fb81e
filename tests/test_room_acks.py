"""A resent op id is always answered, even when its event left the room's recent log."""

from __future__ import annotations

import asyncio

from server.rooms.hub import Hub
from server.settings import Settings
from server.state import parse_client_op
from server.state.ops import ParticipantJoin
from server.store.memory import MemoryStore


def test_a_resent_op_id_older_than_the_recent_log_is_answered_from_the_store() -> None:
    async def scenario() -> None:
        store = MemoryStore()
        hub = Hub(store, Settings(recent_events=2, unload_after=0))
        await hub.start()
        code, _ = await hub.create_room("Lokakarya")
        room = await hub.room(code)
        assert room is not None
        join = ParticipantJoin(kind="participant.join", name="F", role="facilitator")
        f = (await room.submit("", "", join))["op"]["participant"]
        card = parse_client_op({"kind": "note.add", "text": "kartu"})
        first = await room.submit(f, "op-0", card)
        for i in range(1, 5):
            await room.submit(f, f"op-{i}", card)
        assert room.recent.get(first["seq"]) is None  # gone from memory
        assert await room.submit(f, "op-0", card) == first  # read back from the log
        # A log trimmed below it (Redis trims behind its snapshots): only the seq is left.
        store._logs[code] = [e for e in store._logs[code] if e["seq"] > first["seq"]]
        receipt = await room.submit(f, "op-0", card)
        assert receipt == {"seq": first["seq"], "by": f, "op_id": "op-0", "op": {"kind": "hidden"}}
        assert len(room.state.notes) == 5  # nothing applied twice
        await hub.stop()

    asyncio.run(scenario())
