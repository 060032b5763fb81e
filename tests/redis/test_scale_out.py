"""Many ``spwt serve`` processes on one real ``redis-server``: one room, any process.

Each test starts its own Redis (AOF, ``appendfsync always``) on a free port and real server
processes on free ports, each with its own empty data folder, and drives them with real
``websockets`` clients spread over the processes.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
import urllib.error
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ..servers import Server
from ..wsclient import Client, write_cards_until_killed
from .redisserver import RedisClusterNodes, RedisServer

pytestmark = [pytest.mark.redis, pytest.mark.integration]

FAST = {
    "SPWT_OPS_PER_SECOND": "100000",
    "SPWT_OPS_BURST": "100000",
    "SPWT_LIMIT_CARDS_PER_PERSON": "5000",
}
Servers = Callable[[int], list[Server]]


@pytest.fixture
def servers(tmp_path: Path, redis_server: RedisServer) -> Iterator[Servers]:
    """Start n more ``spwt serve --redis-url`` processes, each with its own data folder."""
    started: list[Server] = []

    def start(n: int) -> list[Server]:
        fresh = [
            Server(tmp_path / f"data{len(started) + i}", "--redis-url", redis_server.url, env=FAST)
            for i in range(n)
        ]
        for server in fresh:
            server.start()
        started.extend(fresh)
        return fresh

    yield start
    for server in started:
        server.stop()


async def _room(server: Server) -> tuple[str, Client]:
    room, key = server.new_room()
    facilitator = Client(server.ws, room)
    await facilitator.join(name="Fasilitator", key=key)
    await facilitator.until(await facilitator.send("phase.set", phase="issues"))
    return room, facilitator


def _order(client: Client, upto: int) -> list[tuple[int, str | None, str]]:
    return [(e["seq"], e.get("op_id"), e["op"]["kind"]) for e in client.events if e["seq"] <= upto]


@pytest.mark.parametrize("processes", [2, 3])
def test_clients_on_every_process_see_the_same_events_in_the_same_order(
    servers: Servers, processes: int
) -> None:
    hosts = servers(processes)

    async def scenario() -> None:
        room, f = await _room(hosts[0])
        people = [Client(hosts[i % processes].ws, room) for i in range(2 * processes)]
        for i, person in enumerate(people):
            await person.join(name=f"Peserta {i}", org=f"OPD {i}")

        async def write(person: Client) -> list[str]:
            sent = []
            for i in range(25):
                sent.append(await person.send("note.add", text=f"{person.me['id']} kartu {i}"))
                if i % 5 == 0:
                    await asyncio.sleep(0.01)
            return sent

        sent = await asyncio.gather(*(write(p) for p in people))
        for person, ids in zip(people, sent, strict=True):
            assert (await person.until(ids[-1])).get("type") != "rejected"
        final = max(
            next(e["seq"] for e in p.events if e.get("op_id") == ids[-1])
            for p, ids in zip(people, sent, strict=True)
        )
        for client in [f, *people]:
            await client.until_seq(final)
        reference = _order(f, final)
        assert [seq for seq, _, _ in reference] == list(range(reference[0][0], final + 1))
        for person in people:
            mine = _order(person, final)
            assert mine == reference[len(reference) - len(mine) :]
        for person, ids in zip(people, sent, strict=True):
            own = [e["op_id"] for e in f.events if e.get("by") == person.me["id"]]
            assert [i for i in own if i in ids] == ids  # each sender's ops, once, in order
        seqs = {h.request("GET", f"/api/rooms/{room}")["seq"] for h in hosts}
        assert seqs == {final}
        for client in [f, *people]:
            await client.close()

    asyncio.run(scenario())


def test_presence_spans_processes_and_fades_when_a_process_dies(servers: Servers) -> None:
    a, b = servers(2)

    async def scenario() -> None:
        room, f = await _room(a)
        p = Client(b.ws, room)
        await p.join(name="Budi")

        async def presence_until(client: Client, wanted: set[str], timeout: float) -> None:
            deadline = asyncio.get_running_loop().time() + timeout
            while True:
                frame = await client.receive(deadline - asyncio.get_running_loop().time())
                if frame["type"] == "presence" and set(frame["online"]) == wanted:
                    return

        both = {f.me["id"], p.me["id"]}
        await presence_until(f, both, 10)
        await presence_until(p, both, 10)
        assert a.request("GET", f"/api/rooms/{room}")["online"] == 2
        b.kill()
        await presence_until(f, {f.me["id"]}, 15)  # Budi's process died: he fades away
        assert a.request("GET", f"/api/rooms/{room}")["online"] == 1
        await f.close()

    asyncio.run(scenario())


def test_a_killed_process_loses_no_acknowledged_op_and_its_clients_resume_elsewhere(
    servers: Servers,
) -> None:
    a, b = servers(2)

    async def scenario() -> None:
        room, f = await _room(a)
        watcher = Client(b.ws, room)
        await watcher.join(name="Layar", **{"as": "observer"})
        acked = await write_cards_until_killed(f, a.kill)
        assert len(acked) > 50
        seen = f.seq
        welcome = await f.join(b.ws)  # the same token and since, on the other process
        assert welcome["you"]["role"] == "facilitator"
        assert "state" not in welcome  # the missed events follow instead
        seq = b.request("GET", f"/api/rooms/{room}")["seq"]
        await f.until_seq(seq)
        assert f.seq == seq >= seen
        record = b.request("GET", f"/api/rooms/{room}/scenario", token=f.token)
        kept = {n["text"] for n in record["notes"]}
        assert acked <= kept, f"lost {len(acked - kept)} acknowledged ops"
        last = await f.send("note.add", text="setelah pindah")
        assert (await f.until(last))["op"]["text"] == "setelah pindah"
        await watcher.until_seq(f.seq)
        assert [e["op"].get("text") for e in watcher.events][-1] == "setelah pindah"
        await f.close()
        await watcher.close()

    asyncio.run(scenario())


def test_a_fresh_process_with_an_empty_data_folder_serves_an_existing_room(
    servers: Servers,
) -> None:
    (a,) = servers(1)

    async def scenario() -> tuple[str, Client]:
        room, f = await _room(a)
        for i in range(250):  # past a state snapshot (every 200 ops)
            last = await f.send("note.add", text=f"kartu {i}")
        await f.until(last)
        await f.close()
        return room, f

    room, f = asyncio.run(scenario())
    a.stop()
    (c,) = servers(1)
    assert not any(c.data.glob("*.sqlite3"))
    info = c.request("GET", f"/api/rooms/{room}")
    assert info["seq"] == f.seq and info["title"] == "Lokakarya S-PWT"

    async def resume() -> None:
        welcome = await f.join(c.ws)  # a token signed by a, checked by c
        assert welcome["you"]["role"] == "facilitator"
        await f.until(await f.send("note.add", text="dari proses baru"))
        record = c.request("GET", f"/api/rooms/{room}/scenario", token=f.token)
        assert len(record["notes"]) == 251
        await f.close()

    asyncio.run(resume())
    command = [sys.executable, "-m", "server.cli", "export", room, "--format", "json"]
    out = subprocess.run(
        [*command, "--redis-url", c.extra[1], "--data", str(c.data / "export")],
        capture_output=True, check=True, timeout=60,
    )  # fmt: skip
    assert len(json.loads(out.stdout)["notes"]) == 251  # spwt export reads Redis too


def test_redis_down_rejects_ops_as_unavailable_keeps_reads_and_recovers(
    servers: Servers, redis_server: RedisServer
) -> None:
    a, b = servers(2)

    async def scenario() -> None:
        room, f = await _room(a)
        p = Client(b.ws, room)
        await p.join(name="Sari")
        sent = [await p.send("note.add", text=f"sebelum {i}") for i in range(20)]
        await p.until(sent[-1])
        await f.until_seq(p.seq)
        redis_server.kill()

        refused = await f.until(await f.send("note.add", text="saat Redis mati"))
        assert refused.get("type") == "rejected" and refused["code"] == "unavailable"
        refused = await p.until(await p.send("vision.set", text="x"))  # not allowed anyway
        assert refused.get("type") == "rejected"
        info = a.request("GET", f"/api/rooms/{room}")  # reads are served from memory
        assert info["seq"] == f.seq
        record = b.request("GET", f"/api/rooms/{room}/scenario", token=p.token)
        assert len(record["notes"]) == 20

        redis_server.start()  # the same port and folder: the AOF is replayed
        text = None
        for attempt in range(100):  # the servers reconnect by themselves
            frame = await f.until(await f.send("note.add", text=f"setelah {attempt}"))
            if frame.get("type") != "rejected":
                text = frame["op"]["text"]
                break
            await asyncio.sleep(0.1)
        assert text is not None, "the server did not recover"
        await p.until_seq(f.seq)  # the other process tails again too
        assert p.events[-1]["op"]["text"] == text
        notes = {n["text"] for n in a.request(
            "GET", f"/api/rooms/{room}/scenario", token=f.token
        )["notes"]}  # fmt: skip
        assert {f"sebelum {i}" for i in range(20)} | {text} == notes
        await f.close()
        await p.close()

    asyncio.run(scenario())


def test_any_process_answers_for_any_room_and_unknown_rooms_are_404(servers: Servers) -> None:
    a, b = servers(2)
    room, _ = a.new_room("Musrenbang Kecamatan")
    assert b.request("GET", f"/api/rooms/{room}")["title"] == "Musrenbang Kecamatan"
    with pytest.raises(urllib.error.HTTPError) as missing:
        b.request("GET", "/api/rooms/ZZZZZZ")
    assert missing.value.code == 404
    missing.value.close()


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[RedisClusterNodes]:
    if shutil.which("redis-server") is None or shutil.which("redis-cli") is None:
        pytest.skip("redis-server and redis-cli are not installed")
    nodes = RedisClusterNodes(tmp_path / "cluster").start()
    yield nodes
    nodes.stop()


def test_two_processes_on_a_redis_cluster_serve_rooms_in_many_slots(
    tmp_path: Path, cluster: RedisClusterNodes
) -> None:
    a, b = (
        Server(tmp_path / f"data{i}", "--redis-url", cluster.url, env=FAST).start()
        for i in range(2)
    )
    try:

        async def one_room() -> None:
            room, f = await _room(a)
            p = Client(b.ws, room)
            await p.join(name="Budi")
            sent_f = [await f.send("note.add", text=f"F {i}") for i in range(10)]
            sent_p = [await p.send("note.add", text=f"P {i}") for i in range(10)]
            await f.until(sent_f[-1])
            await p.until(sent_p[-1])
            final = max(f.seq, p.seq)
            await f.until_seq(final)
            await p.until_seq(final)
            assert _order(p, final) == _order(f, final)[-len(_order(p, final)) :]
            online = {f.me["id"], p.me["id"]}
            while True:  # presence crosses processes on a cluster too
                frame = await f.receive()
                if frame["type"] == "presence" and set(frame["online"]) == online:
                    break
            await f.close()
            await p.close()

        async def scenario() -> None:
            await asyncio.gather(*(one_room() for _ in range(4)))

        asyncio.run(scenario())
    finally:
        a.stop()
        b.stop()


def test_a_process_stopped_gracefully_withdraws_its_presence_at_once(servers: Servers) -> None:
    a, b = servers(2)

    async def scenario() -> None:
        room, f = await _room(a)
        p = Client(b.ws, room)
        await p.join(name="Budi")
        both = {f.me["id"], p.me["id"]}
        while True:
            frame = await f.receive()
            if frame["type"] == "presence" and set(frame["online"]) == both:
                break
        b.stop()  # SIGTERM: Budi is sent away and b withdraws him before it exits
        started = asyncio.get_running_loop().time()
        while True:
            frame = await f.receive()
            if frame["type"] == "presence" and set(frame["online"]) == {f.me["id"]}:
                break
        assert asyncio.get_running_loop().time() - started < 3  # not the 5 s expiry
        await f.close()

    asyncio.run(scenario())


def test_workers_of_one_spwt_serve_share_rooms_through_redis(
    tmp_path: Path, redis_server: RedisServer
) -> None:
    server = Server(
        tmp_path / "data", "--redis-url", redis_server.url, "--workers", "2", env=FAST
    ).start()
    try:

        async def scenario() -> None:
            room, f = await _room(server)
            people = [Client(server.ws, room) for _ in range(8)]  # the kernel spreads them
            for i, person in enumerate(people):
                await person.join(name=f"Peserta {i}")
            sent = [await person.send("note.add", text=f"kartu {i}") for i, person in
                    enumerate(people)]  # fmt: skip
            for person, op_id in zip(people, sent, strict=True):
                await person.until(op_id)
            final = max(p.seq for p in people)
            for client in [f, *people]:
                await client.until_seq(final)
            for person in people:
                assert _order(person, final) == _order(f, final)[-len(_order(person, final)) :]
            for client in [f, *people]:
                await client.close()

        asyncio.run(scenario())
    finally:
        server.stop()
