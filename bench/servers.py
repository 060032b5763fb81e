"""The servers under test, each a subprocess on a free loopback port, and their rooms.

``ours`` is ``spwt serve`` (``python -m server.cli serve``) on a fresh data folder;
``relay`` and ``crdt`` are the baselines of ``bench/relay.py`` and ``bench/crdt_server.py``;
``hocuspocus`` is the Node.js Yjs backend with its SQLite extension (``bench/hocuspocus.py``).
Rooms of our server are created through the HTTP API and set up by a facilitator through
the real protocol: a few cards, clusters and programs, so that every op of the mix has
something to act on; the phase is ``issues`` when the run starts.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import urllib.request
from pathlib import Path
from typing import Any

import orjson
from websockets.asyncio.client import connect

from . import hocuspocus
from .mix import Seeds
from .process import ServedProcess

ROOT = Path(__file__).resolve().parent.parent
TARGETS = ("ours", "relay", "crdt", "hocuspocus")
SEED_NOTES = 12
SEED_CLUSTERS = 4
SEED_PROGRAMS = 3


class ServerProcess(ServedProcess):
    """One server under test; ``stop()`` then ``start()`` keeps its port and data folder."""

    def __init__(
        self,
        target: str,
        data: Path,
        redis_url: str | None = None,
        workers: int = 1,
        relay_mode: str = "await",
    ) -> None:
        super().__init__(target, data)
        self.target = target
        self.relay_mode = relay_mode
        self.data = data
        self.redis_url = redis_url
        self.workers = workers

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def command(self) -> list[str]:
        common = ["--host", "127.0.0.1", "--port", str(self.port)]
        scale = (["--redis-url", self.redis_url] if self.redis_url else []) + (
            ["--workers", str(self.workers)] if self.workers > 1 else []
        )
        if self.target == "ours":
            serve = ["-m", "server.cli", "serve", *common, "--data", str(self.data / "store")]
            return [sys.executable, *serve, "--log-level", "warning", *scale]
        if self.target == "hocuspocus":
            place, why = hocuspocus.ensure()
            if place is None:
                raise RuntimeError(f"hocuspocus: {why}")
            return hocuspocus.command(place, "127.0.0.1", self.port, self.data / "docs.sqlite")
        if self.target == "relay":
            return [sys.executable, "-m", "bench.relay", *common, "--mode", self.relay_mode, *scale]
        return [sys.executable, "-m", "bench.crdt_server", *common]

    def start(self, timeout: float = 30.0) -> ServerProcess:
        self.data.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "SPWT_ROOMS_PER_IP_PER_HOUR": "1000000"}
        self.spawn(self.command(), env, cwd=ROOT, timeout=timeout)
        return self

    def request(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.http + path, data=data, method=method,
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())


def rooms_for(server: ServerProcess, count: int, seed: bool) -> list[dict[str, Any]]:
    """Rooms ready for clients: codes (and for our server keys, tokens and seed ids)."""
    if not server.target.startswith("ours"):
        synthetic = Seeds.synthetic()
        rooms = [
            {"code": f"R{i}", "key": "", "token": "", "notes": synthetic.notes,
             "clusters": synthetic.clusters, "programs": synthetic.programs}
            for i in range(count)
        ]  # fmt: skip
        warm(server, rooms)
        return rooms
    synthetic = Seeds.synthetic()
    rooms = []
    for i in range(count):
        made = server.request("POST", "/api/rooms", {"title": f"Bench {i}", "region": "Sikka"})
        rooms.append({"code": made["room"], "key": made["facilitator_key"], "token": "",
                      "notes": synthetic.notes, "clusters": synthetic.clusters,
                      "programs": synthetic.programs})  # fmt: skip
    if seed:
        asyncio.run(_seed_all(server.ws, rooms))
    return rooms


def warm(server: ServerProcess, rooms: list[dict[str, Any]]) -> None:
    """pycrdt-websocket: open each room with one client first.

    Many clients opening a room that does not exist yet race inside pycrdt-websocket
    (0.16.5): most of them never get their sync reply. One client first avoids that.
    """
    if server.target != "crdt":
        return
    from .clients import CrdtClient, Recorder

    async def one(code: str) -> None:
        client = CrdtClient(server.ws, code, 0, -1, Recorder())
        await client.join()
        await client.close()

    async def every() -> None:
        gate = asyncio.Semaphore(20)

        async def gated(code: str) -> None:
            async with gate:
                await one(code)

        await asyncio.gather(*(gated(r["code"]) for r in rooms))

    asyncio.run(every())


async def _seed_all(base: str, rooms: list[dict[str, Any]]) -> None:
    gate = asyncio.Semaphore(20)

    async def one(room: dict[str, Any]) -> None:
        async with gate:
            room.update(await _seed(base, room["code"], room["key"]))

    await asyncio.gather(*(one(r) for r in rooms))


async def _seed(base: str, code: str, key: str) -> dict[str, Any]:
    """A facilitator writes cards, makes clusters and promotes programs, then opens issues."""
    async with connect(f"{base}/ws/{code}", compression=None, max_size=None) as ws:
        await ws.send(orjson.dumps({"type": "hello", "name": "Fasilitator", "key": key}).decode())
        welcome = orjson.loads(await asyncio.wait_for(ws.recv(), 20))
        assert welcome["type"] == "welcome", welcome
        me, made = welcome["you"]["id"], 0
        seq = welcome["seq"]

        async def op(**body: Any) -> int:
            nonlocal made, seq
            made += 1
            op_id = f"S{made}"
            await ws.send(orjson.dumps({"type": "op", "id": op_id, "op": body}).decode())
            while True:
                frame = orjson.loads(await asyncio.wait_for(ws.recv(), 20))
                if frame["type"] == "rejected" and frame["id"] == op_id:
                    raise RuntimeError(f"seeding {code}: {body['kind']} refused: {frame}")
                for event in frame.get("events", ()):
                    seq = max(seq, event["seq"])
                    if event.get("by") == me and event.get("op_id") == op_id:
                        return event["seq"]

        await op(kind="phase.set", phase="issues")
        notes = [f"n{await op(kind='note.add', text=f'Kartu awal {i}')}" for i in range(SEED_NOTES)]
        clusters = [
            f"c{await op(kind='cluster.add', title=f'Klaster {i}')}" for i in range(SEED_CLUSTERS)
        ]
        programs = [
            f"p{await op(kind='program.promote', cluster=c)}" for c in clusters[:SEED_PROGRAMS]
        ]
        return {
            "token": welcome["token"], "seq": seq, "notes": notes, "clusters": clusters,
            "programs": programs,
        }  # fmt: skip
