"""Op-to-everyone latency: one embedded process against N processes sharing one Redis.

Starts its own servers (and its own ``redis-server`` on a free port), creates ``--rooms``
rooms of ``--people`` participants each, spreads the participants over the processes
(round robin), and has random participants of every room add a card ``--rate`` times a
second. An op's latency is the time from its send until the last participant of its room
has received it: what "everyone sees it" means in a workshop. Prints percentiles.

    python -m bench.redis_latency --rooms 100 --people 30 --rate 3 --seconds 30

Load generator and servers share the machine, so the figures are an upper bound.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import orjson
from websockets.asyncio.client import ClientConnection, connect

from .process import ServedProcess, free_port

ENV = {
    "SPWT_OPS_PER_SECOND": "1000",
    "SPWT_OPS_BURST": "1000",
    "SPWT_ROOMS_PER_IP_PER_HOUR": "1000000",
    "SPWT_LIMIT_CARDS_PER_PERSON": "100000",
}


class Cluster:
    """The servers under test: ``processes`` spwt serve processes (and Redis if > 1)."""

    def __init__(self, processes: int, redis: bool, fsync: str) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="spwt-bench-"))
        self.redis: subprocess.Popen[bytes] | None = None
        self.servers: list[ServedProcess] = []
        redis_url: str | None = None
        self.redis_url: str | None = None
        if redis:
            port = free_port()
            command = [
                shutil.which("redis-server") or "redis-server", "--port", str(port),
                "--bind", "127.0.0.1", "--dir", str(self.folder), "--save", "",
                "--appendonly", "yes", "--appendfsync", fsync, "--logfile", "redis.log",
            ]  # fmt: skip
            self.redis = subprocess.Popen(command)
            time.sleep(0.3)
            redis_url = self.redis_url = f"redis://127.0.0.1:{port}/0"
        for i in range(processes):
            server = ServedProcess(f"server{i}", self.folder)
            command = [
                sys.executable, "-m", "server.cli", "serve", "--port", str(server.port),
                "--data", str(self.folder / f"data{i}"), "--log-level", "warning",
            ]  # fmt: skip
            if redis_url:
                command += ["--redis-url", redis_url]
            server.spawn(command, {**os.environ, **ENV})
            self.servers.append(server)
        self.ports = [server.port for server in self.servers]

    def stop(self) -> None:
        for server in self.servers:  # the servers first, then Redis
            server.stop(grace=10)
        if self.redis is not None:
            self.redis.send_signal(signal.SIGTERM)
            try:
                self.redis.wait(10)
            except subprocess.TimeoutExpired:
                self.redis.kill()
                self.redis.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass
class Room:
    code: str
    key: str
    people: list[ClientConnection] = field(default_factory=list)
    sent: dict[str, float] = field(default_factory=dict)
    seen: dict[str, int] = field(default_factory=dict)


def create_room(port: int) -> tuple[str, str]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/rooms",
        data=json.dumps({"title": "Bench"}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        body = json.loads(response.read())
    return body["room"], body["facilitator_key"]


async def join(port: int, room: Room, hello: dict[str, object]) -> ClientConnection:
    ws = await connect(f"ws://127.0.0.1:{port}/ws/{room.code}", max_size=2**24, open_timeout=60)
    await ws.send(json.dumps({"type": "hello", **hello}))
    while json.loads(await ws.recv())["type"] != "welcome":
        pass
    return ws


async def reader(ws: ClientConnection, room: Room, latencies: list[float]) -> None:
    """Count each op's arrivals; the last participant's arrival is its latency."""
    everyone = len(room.people)
    async for message in ws:
        frame = orjson.loads(message)
        if frame["type"] != "events":
            continue
        now = time.perf_counter()
        for event in frame["events"]:
            op_id = event.get("op_id")
            if op_id in room.sent:
                room.seen[op_id] = room.seen.get(op_id, 0) + 1
                if room.seen[op_id] == everyone:
                    latencies.append(now - room.sent.pop(op_id))
                    del room.seen[op_id]


async def run(args: argparse.Namespace, processes: int, redis: bool) -> list[float]:
    cluster = Cluster(processes, redis=redis, fsync=args.fsync)
    try:
        rooms = []
        for i in range(args.rooms):
            code, key = create_room(cluster.ports[i % processes])
            rooms.append(Room(code, key))
        for room in rooms:
            port = cluster.ports[0]
            facilitator = await join(port, room, {"name": "F", "key": room.key})
            await facilitator.send(json.dumps(
                {"type": "op", "id": "phase", "op": {"kind": "phase.set", "phase": "issues"}}
            ))  # fmt: skip
            room.people.append(facilitator)
        joins = [
            join(cluster.ports[(i + 1) % processes], room, {"name": f"P{i}"})
            for room in rooms
            for i in range(args.people - 1)
        ]
        for chunk in range(0, len(joins), 200):
            connected = await asyncio.gather(*joins[chunk : chunk + 200])
            for ws, index in zip(connected, range(chunk, chunk + 200), strict=False):
                rooms[index // (args.people - 1)].people.append(ws)
        latencies: list[float] = []
        readers = [
            asyncio.create_task(reader(ws, room, latencies)) for room in rooms for ws in room.people
        ]
        await asyncio.sleep(1.0)  # joins and the phase change settle

        counter = 0
        sent = 0
        started = time.perf_counter()
        measure_from = started + args.warmup
        period = 1.0 / (args.rate * args.rooms)
        while (now := time.perf_counter()) < measure_from + args.seconds:
            room = rooms[counter % len(rooms)]
            counter += 1
            op_id = f"b{counter}"
            ws = random.choice(room.people[1:] or room.people)
            text = f"kartu {counter}"
            if now >= measure_from:
                room.sent[op_id] = time.perf_counter()
                sent += 1
            frame = {"type": "op", "id": op_id, "op": {"kind": "note.add", "text": text}}
            await ws.send(orjson.dumps(frame).decode())
            delay = started + counter * period - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
        await asyncio.sleep(2.0)  # the last ops arrive
        lost = sum(len(room.sent) for room in rooms)
        if lost:
            print(f"  {lost} of {sent} measured ops did not reach everyone within 2 s")
        for task in readers:
            task.cancel()
        for room in rooms:
            for ws in room.people:
                await ws.close()
        return latencies
    finally:
        cluster.stop()


def report(label: str, latencies: list[float]) -> dict[str, float]:
    ms = sorted(x * 1000 for x in latencies)
    if not ms:
        print(f"{label}: no ops measured")
        return {}
    figures = {
        "p50": statistics.median(ms),
        "p90": ms[int(0.9 * (len(ms) - 1))],
        "p99": ms[int(0.99 * (len(ms) - 1))],
        "max": ms[-1],
        "ops": len(ms),
    }
    print(
        f"{label}: {figures['ops']:.0f} ops, op-to-everyone p50 {figures['p50']:.1f} ms, "
        f"p90 {figures['p90']:.1f} ms, p99 {figures['p99']:.1f} ms, max {figures['max']:.1f} ms"
    )
    return figures


async def appends(args: argparse.Namespace) -> None:
    """The stores alone: one append after another, then one append to each room at once."""
    from server.store import RoomMeta, Store
    from server.store.redis import RedisStore
    from server.store.sqlite import SQLiteStore

    cluster = Cluster(0, redis=True, fsync=args.fsync)
    stores: list[tuple[str, Store]] = [
        ("sqlite (synchronous=FULL)", SQLiteStore(cluster.folder / "sqlite")),
        (f"redis (appendfsync {args.fsync})", RedisStore(cluster.redis_url or "")),
    ]
    event = {
        "seq": 1,
        "at": 0,
        "by": "u1",
        "op_id": "x",
        "op": {"kind": "note.add", "text": "x" * 80},
    }
    try:
        for label, store in stores:
            await store.open()
            codes = [f"R{i:05d}" for i in range(args.rooms)]
            for code in codes:
                await store.create_room(RoomMeta(code, "h", 0), event)
            seq = {code: 1 for code in codes}
            one = []
            for _ in range(1000):
                seq[codes[0]] += 1
                started = time.perf_counter()
                await store.append(codes[0], [{**event, "seq": seq[codes[0]]}])
                one.append(time.perf_counter() - started)
            rounds = []
            for _ in range(50):
                for code in codes:
                    seq[code] += 1
                started = time.perf_counter()
                await asyncio.gather(
                    *(store.append(code, [{**event, "seq": seq[code]}]) for code in codes)
                )
                rounds.append(time.perf_counter() - started)
            await store.close()
            one.sort()
            print(
                f"{label}: one at a time p50 {1000 * one[500]:.2f} ms, "
                f"p99 {1000 * one[990]:.2f} ms; "
                f"{args.rooms} rooms at once {1000 * statistics.median(rounds):.1f} ms a round "
                f"({args.rooms / statistics.median(rounds):.0f} appends/s)"
            )
    finally:
        cluster.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, default=20)
    parser.add_argument("--people", type=int, default=30)
    parser.add_argument("--rate", type=float, default=3.0, help="ops per second per room")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--processes", type=int, default=2, help="with Redis")
    parser.add_argument("--fsync", default="always", choices=["always", "everysec", "no"])
    parser.add_argument("--only", choices=["embedded", "redis"], default=None)
    parser.add_argument("--appends", action="store_true", help="time the stores alone")
    args = parser.parse_args()
    if args.appends:
        asyncio.run(appends(args))
        return
    print(
        f"{args.rooms} rooms x {args.people} people, {args.rate:g} ops/s per room, "
        f"{args.seconds:g} s measured; Redis appendfsync {args.fsync}"
    )
    results = {}
    if args.only != "redis":
        results["embedded"] = report(
            "embedded (1 process, SQLite)", asyncio.run(run(args, 1, redis=False))
        )
    if args.only != "embedded":
        label = f"redis ({args.processes} processes)"
        results["redis"] = report(label, asyncio.run(run(args, args.processes, redis=True)))
    if results.get("embedded") and results.get("redis"):
        for key in ("p50", "p99"):
            ratio = results["redis"][key] / results["embedded"][key]
            print(f"redis / embedded {key}: {ratio:.2f}x")


if __name__ == "__main__":
    main()
