"""``spwt export`` reads a room's state through the loader: no live room, no committer."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

from server.rooms.hub import Hub
from server.settings import Settings
from server.state import parse_client_op
from server.state.ops import ParticipantJoin
from server.store.sqlite import SQLiteStore

PROBE = """
import sys
from server.cli import main
code = main(["export", sys.argv[1], "--data", sys.argv[2], "--format", "json", "-o", sys.argv[3]])
print(code, "server.rooms.room" in sys.modules, "server.rooms.hub" in sys.modules)
"""


def test_export_reads_snapshot_and_log_without_a_live_room(tmp_path: Path) -> None:
    async def workshop() -> str:
        hub = Hub(SQLiteStore(tmp_path), Settings(data=str(tmp_path), snapshot_every=3))
        await hub.start()
        code, _ = await hub.create_room("Lokakarya")
        room = await hub.room(code)
        assert room is not None
        join = ParticipantJoin(kind="participant.join", name="Ana", role="facilitator")
        ana = (await room.submit("", "", join))["op"]["participant"]
        await room.submit(ana, "a0", parse_client_op({"kind": "phase.set", "phase": "issues"}))
        for i in range(4):  # past a state snapshot, and a tail after it
            await room.submit(
                ana, f"a{i + 1}", parse_client_op({"kind": "note.add", "text": f"k{i}"})
            )
        await hub.stop()
        return code

    code = asyncio.run(workshop())
    out = tmp_path / "record.json"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, code, str(tmp_path), str(out)],
        capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parent.parent,
    )  # fmt: skip
    assert done.stdout.split() == ["0", "False", "False"]  # written, and no room was built
    assert [n["text"] for n in json.loads(out.read_text())["notes"]] == ["k0", "k1", "k2", "k3"]
