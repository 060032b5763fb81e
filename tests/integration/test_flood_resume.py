"""A flooded client learns what was applied: closed with 4429, it resumes and finds out.

The client floods until the server closes it with 4429, with its acks in flight. It then
resumes with its token and ``since``, reads the events it missed (its own carry its op ids),
and resends every op id it has not seen answered. Each id must end up acknowledged exactly
once, at one seq, and no card may exist twice. With a short recent log the resumed client
gets the full state instead of the missed events: then the resent ids alone must tell it.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed

from ..servers import Server
from ..wsclient import Client

pytestmark = pytest.mark.integration
FLOOD = 200
WINDOW = 10  # resent ops in flight at once: under the burst, so the resend is no flood


@pytest.mark.parametrize("recent", ["10000", "5"], ids=["missed-events", "full-state"])
def test_a_flooded_client_learns_what_was_applied(tmp_path: Path, recent: str) -> None:
    env = {
        "SPWT_OPS_PER_SECOND": "100", "SPWT_OPS_BURST": "20", "SPWT_RECENT_EVENTS": recent,
        "SPWT_LIMIT_CARDS_PER_PERSON": "100000", "SPWT_SNAPSHOT_EVERY": "50",
    }  # fmt: skip
    server = Server(tmp_path / "data", env=env).start()
    try:
        asyncio.run(_scenario(server))
    finally:
        server.stop()


class Answers:
    """What the client has learnt about each op id: the seqs of its acks, its rejections."""

    def __init__(self) -> None:
        self.acks: dict[str, set[int]] = defaultdict(set)
        self.rejected: dict[str, list[str]] = defaultdict(list)

    def read(self, frame: dict[str, Any]) -> None:
        if frame["type"] == "events":
            for event in frame["events"]:
                if event.get("op_id"):
                    self.acks[event["op_id"]].add(event["seq"])
        elif frame["type"] == "rejected":
            self.rejected[frame["id"]].append(frame["code"])

    def settled(self, op_id: str) -> bool:
        """Applied, or refused for good (rate_limited means: not applied, send it again)."""
        return bool(self.acks.get(op_id)) or any(
            c != "rate_limited" for c in self.rejected.get(op_id, [])
        )


async def _resend(client: Client, answers: Answers, window: list[str]) -> None:
    """Resend ``window`` until each id is settled; a ``rate_limited`` one again, a bit later."""
    waiting: dict[str, int] = {}
    while True:
        for op_id in window:
            refused = answers.rejected.get(op_id, [])
            if not answers.settled(op_id) and waiting.get(op_id, -1) < len(refused):
                waiting[op_id] = len(refused)
                i = op_id.removeprefix("banjir-")
                await client.send("note.add", op_id=op_id, text=f"kartu {i}")
        if all(answers.settled(op_id) for op_id in window):
            return
        answers.read(await client.receive(timeout=10))
        if any(answers.rejected.get(o, [])[waiting[o] :] for o in window if o in waiting):
            await asyncio.sleep(0.1)  # the client's back-off after rate_limited (link.js too)


async def _scenario(server: Server) -> None:
    code, key = server.new_room("Banjir")
    facilitator = Client(server.ws, code)
    await facilitator.join(key=key, name="Fasilitator")
    await facilitator.until(await facilitator.send("phase.set", phase="issues"))
    client = Client(server.ws, code)
    await client.join(name="Banjir")
    answers = Answers()
    sent: list[str] = []

    async def read_until_closed() -> int | None:
        try:
            while True:
                answers.read(await client.receive(timeout=30))
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None

    reader = asyncio.create_task(read_until_closed())
    try:
        for i in range(FLOOD):
            op_id = await client.send("note.add", op_id=f"banjir-{i}", text=f"kartu {i}")
            sent.append(op_id)
    except ConnectionClosed:
        pass
    assert await reader == 4429
    assert [op_id for op_id in sent if not answers.settled(op_id)], "nothing left to learn"
    # Ops go through one queue per room: once this one is acknowledged, every op the flood
    # got into the room has been applied (and, with a short recent log, has left it).
    await facilitator.until(await facilitator.send("timer.start", seconds=60))

    welcome = await client.join()  # its token and ``since``: the seq it saw last
    while client.seq < welcome["seq"]:  # the missed events (none after a full state)
        answers.read(await client.receive())
    unknown = [op_id for op_id in sent if not answers.settled(op_id)]
    for start in range(0, len(unknown), WINDOW):
        await _resend(client, answers, unknown[start : start + WINDOW])
    if "state" not in welcome:  # the missed events told it of every op applied before
        resumed_at = welcome["seq"]
        assert all(min(answers.acks[op_id]) > resumed_at for op_id in unknown), "acks missed"

    for op_id in sent:
        assert len(answers.acks[op_id]) == 1, (op_id, answers.acks[op_id], answers.rejected[op_id])
    seqs = [next(iter(answers.acks[op_id])) for op_id in sent]
    assert len(set(seqs)) == len(sent), "two op ids acknowledged with one event"
    record = server.request("GET", f"/api/rooms/{code}/scenario?format=json", token=key)
    texts = [n["text"] for n in record["notes"]]
    assert sorted(texts) == sorted(f"kartu {i}" for i in range(len(sent))), "lost or doubled"
    await client.close()
    await facilitator.close()
