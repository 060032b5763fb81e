"""The state over HTTP from a real ``spwt serve``: brotli on the wire as a browser asks, the
same state as the socket's welcome, and the socket with ``since`` after it gets exactly the
events it missed (the path the pages take)."""

from __future__ import annotations

import asyncio
import json
import urllib.request

import brotli  # type: ignore[import-untyped]
import pytest

from ..servers import Server
from ..wsclient import Client

pytestmark = pytest.mark.integration


def _get_state(server: Server, room: str, token: str, query: str = "") -> tuple[dict, bytes]:
    request = urllib.request.Request(
        f"{server.http}/api/rooms/{room}/state{query}",
        headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip, deflate, br, zstd"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return {k.lower(): v for k, v in response.headers.items()}, response.read()


def test_state_then_since_gets_the_board_and_exactly_the_missed_events(server: Server) -> None:
    room, key = server.new_room()

    async def scenario() -> None:
        facilitator = Client(server.ws, room)
        await facilitator.join(key=key)
        await facilitator.until(await facilitator.send("phase.set", phase="issues"))
        for i in range(30):
            await facilitator.send("note.add", text=f"Jalan desa rusak di dusun {i}")
        await facilitator.until_seq(facilitator.seq + 30)
        phone = Client(server.ws, room)
        welcome = await phone.join(name="Maria", state=False)
        assert "state" not in welcome
        headers, raw = await asyncio.to_thread(
            _get_state, server, room, phone.token or "", f"?seq={welcome['seq']}"
        )
        assert headers["content-encoding"] == "br" and headers["etag"]
        state = json.loads(brotli.decompress(raw))
        assert len(raw) < len(json.dumps(state)) / 3
        assert len(state["notes"]) == 30 and state["seq"] >= welcome["seq"]
        await phone.close()
        moves = [await facilitator.send("note.add", text=f"kartu baru {i}") for i in range(5)]
        await facilitator.until(moves[-1])
        again = Client(server.ws, room)
        again.token, again.seq = phone.token, state["seq"]
        resumed = await again.join()  # with the token and since = the state's seq
        assert "state" not in resumed
        await again.until_seq(resumed["seq"])
        assert [e["seq"] for e in again.events] == list(range(state["seq"] + 1, resumed["seq"] + 1))
        assert [e["op"]["text"] for e in again.events if e["op"]["kind"] == "note.add"] == [
            f"kartu baru {i}" for i in range(5)
        ]
        full = Client(server.ws, room)
        full.token = phone.token
        welcomed = await full.join(token=phone.token)  # no since: the full state, as before
        assert len(welcomed["state"]["notes"]) == 35
        for client in (again, full, facilitator):
            await client.close()

    asyncio.run(scenario())
