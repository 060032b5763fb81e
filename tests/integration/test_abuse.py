"""Mischief against a real server: random frames, random ops, a flood. It stays healthy."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from server.state.models import PHASES
from server.state.ops import CLIENT_KINDS
from server.state.record import record_schema

from ..servers import Server
from ..wsclient import Client

pytestmark = pytest.mark.integration

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
ids = st.sampled_from(["n5", "c6", "p7", "a8", "u2", "u1", "", "n" * 200])
field_values = st.one_of(ids, json_values, st.sampled_from(PHASES), st.integers(-5, 10))
fields = st.dictionaries(
    st.sampled_from(["text", "note", "cluster", "into", "program", "criterion", "value", "x", "y",
                     "title", "name", "role", "actor", "phase", "seconds", "target", "ready",
                     "participant", "label", "dots", "voting", "phases", "indicators"]),
    field_values, max_size=4,
)  # fmt: skip
op_frames = st.builds(
    lambda kind, body, op_id: {"type": "op", "id": op_id, "op": {"kind": kind, **body}},
    st.sampled_from([*sorted(CLIENT_KINDS), "room.create", "participant.join", "x.y"]),
    fields,
    st.one_of(st.text(min_size=1, max_size=10), st.integers()),
)
frames = st.one_of(
    op_frames.map(json.dumps),
    json_values.map(json.dumps),
    st.text(max_size=200),
    st.builds(lambda t: json.dumps({"type": t}), st.sampled_from(["hello", "ping", "op", "pong"])),
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = Server(tmp_path_factory.mktemp("abuse") / "data").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def room(server: Server) -> tuple[str, str]:
    return server.new_room("Lokakarya yang diganggu")


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(sent=st.lists(frames, min_size=1, max_size=25), as_facilitator=st.booleans())
def test_random_frames_never_hurt_the_server(
    server: Server, room: tuple[str, str], sent: list[str], as_facilitator: bool
) -> None:
    code, key = room

    async def scenario() -> None:
        async with connect(f"{server.ws}/ws/{code}") as ws:
            hello: dict[str, Any] = {"type": "hello", "name": "Iseng"}
            if as_facilitator:
                hello["key"] = key
            await ws.send(json.dumps(hello))
            json.loads(await ws.recv())
            try:
                for frame in sent:
                    await ws.send(frame)
                await ws.send(json.dumps({"type": "ping"}))
                while json.loads(await asyncio.wait_for(ws.recv(), 5))["type"] != "pong":
                    pass
            except ConnectionClosed as closed:
                assert closed.rcvd is not None and closed.rcvd.code in (4429, 1009)

    asyncio.run(scenario())
    assert server.request("GET", "/healthz") == {"status": "ok"}


def test_after_the_fuzz_the_room_is_consistent_and_serves(
    server: Server, room: tuple[str, str]
) -> None:
    code, key = room
    record = server.request("GET", f"/api/rooms/{code}/scenario", token=key)
    jsonschema.validate(record, record_schema())
    clusters = {c["id"] for c in record["clusters"]}
    assert all(n["cluster"] in clusters | {None} for n in record["notes"])
    assert all(p["cluster"] in clusters | {None} for p in record["programs"])

    async def still_works() -> None:
        client = Client(server.ws, code)
        await client.join(key=key)
        event = await client.until(await client.send("vision.set", text="Masih berjalan"))
        assert event["op"]["kind"] == "vision.set"
        await client.close()

    asyncio.run(still_works())


def test_a_flood_from_one_client_does_not_slow_a_calm_one(server: Server) -> None:
    code, key = server.new_room("Banjir")

    async def scenario() -> tuple[list[float], int | None]:
        flooder, calm = Client(server.ws, code), Client(server.ws, code)
        await flooder.join(key=key, name="Banjir")
        await calm.join(key=key, name="Tenang")

        async def flood() -> int | None:
            try:
                for i in range(3000):
                    await flooder.send("timer.start", op_id=f"f{i}", seconds=60)
                while True:
                    await flooder.receive()
            except ConnectionClosed as closed:
                return closed.rcvd.code if closed.rcvd else None

        flooding = asyncio.create_task(flood())
        delays = []
        for i in range(15):
            started = time.perf_counter()
            await calm.until(await calm.send("vision.set", text=f"tenang {i}"))
            delays.append(time.perf_counter() - started)
            await asyncio.sleep(0.1)
        code_seen = await asyncio.wait_for(flooding, 30)
        await calm.close()
        return sorted(delays), code_seen

    delays, close_code = asyncio.run(scenario())
    assert close_code == 4429
    assert delays[len(delays) // 2] < 0.25, delays
