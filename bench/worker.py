"""One load-generator process: many client connections on one event loop.

The orchestrator (``bench.run``) talks to each worker over a pipe, in steps:
``connect`` -> the worker joins its clients and answers ``ready``; then, by scenario,
``go`` (send the plan from a shared start time, drain, answer ``result``), or ``restart``
(the server came back: every client resumes at once, answer ``resumed``); ``bye`` closes
everything. All processes run on one machine, so ``time.time_ns()`` is one clock for
every sender and receiver.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import random
import resource
import time
from multiprocessing.connection import Connection
from typing import Any

import orjson

from .clients import ADAPTERS, Client, OursClient, Recorder
from .hocuspocus_client import HocuspocusClient
from .mix import Seeds, next_op, plan, segment_at, switch_times

CONNECT_AT_ONCE = 100
QUIET = 0.5  # s without arrivals after the last send: everything is in
CLIENTS: dict[str, type[Client]] = {**ADAPTERS, "hocuspocus": HocuspocusClient}


def raise_fd_limit() -> int:
    """Raise the soft limit on open files to the hard one: 5,000 sockets need it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Worker:
    def __init__(self, config: dict[str, Any], pipe: Connection) -> None:
        self.config = config
        self.pipe = pipe
        self.recorder = Recorder()
        self.rng = random.Random(config["seed"])
        adapter = CLIENTS[config["target"]]
        rooms = config["rooms"]
        self.deflate = config.get("deflate", True)
        self.clients: list[Client] = [
            adapter(config["base"], rooms[room]["code"], room, index, self.recorder, self.deflate)
            for index, room in config["clients"]
        ]
        self.seeds = {
            i: Seeds(tuple(r["notes"]), tuple(r["clusters"]), tuple(r["programs"]))
            for i, r in enumerate(rooms)
        }
        self.facilitators: dict[int, OursClient] = {}

    async def receive(self) -> tuple[Any, ...]:
        return await asyncio.get_running_loop().run_in_executor(None, self.pipe.recv)

    async def main(self) -> None:
        while True:
            message = await self.receive()
            step = message[0]
            if step == "connect":
                self.pipe.send(("ready", await self.connect()))
            elif step == "go":
                self.pipe.send(("result", await self.load(message[1])))
            elif step == "restart":
                self.pipe.send(("resumed", await self.resume(message[1])))
            elif step == "bye":
                await self.close()
                return

    async def connect(self) -> dict[str, Any]:
        gate = asyncio.Semaphore(CONNECT_AT_ONCE)
        started = time.monotonic()

        async def join(client: Client) -> bool:
            async with gate:
                try:
                    await client.join()
                except Exception:
                    return False
                client.start_reading()
                return True

        joined = await asyncio.gather(*(join(c) for c in self.clients))
        if self.config.get("facilitator"):
            for i, room in enumerate(self.config["rooms"]):
                base, code = self.config["base"], room["code"]
                lead = OursClient(base, code, i, -1, Recorder(), self.deflate)
                lead.token = room["token"]
                lead.seq = room.get("seq", 0)
                await self._join_facilitator(lead, room["key"])
                self.facilitators[i] = lead
        per_room: dict[int, int] = {}
        for client, ok in zip(self.clients, joined, strict=True):
            if ok:
                per_room[client.room] = per_room.get(client.room, 0) + 1
        self.clients = [c for c, ok in zip(self.clients, joined, strict=True) if ok]
        return {
            "joined": sum(joined),
            "failed": len(joined) - sum(joined),
            "deflated": sum(c.deflated for c in self.clients),
            "per_room": per_room,
            "seconds": time.monotonic() - started,
        }

    async def _join_facilitator(self, lead: OursClient, key: str) -> None:
        lead.ws = await lead._open()
        hello = {"type": "hello", "name": "Fasilitator", "key": key, "token": lead.token}
        await lead.ws.send(orjson.dumps(hello).decode())
        while orjson.loads(await asyncio.wait_for(lead.ws.recv(), 20)).get("type") != "welcome":
            pass
        lead.start_reading()

    async def load(self, t0_ns: int) -> dict[str, Any]:
        config = self.config
        duration = config["duration"]
        local: dict[int, list[Client]] = {}
        for client in self.clients:
            local.setdefault(client.room, []).append(client)
        rates = {
            room: config["rate"] * len(clients) / config["room_clients"][room]
            for room, clients in local.items()
        }
        sends = plan({r: len(c) for r, c in local.items()}, rates, duration, self.rng)
        turn = {room: self.rng.randrange(len(c)) for room, c in local.items()}
        sent: dict[str, tuple[int, int]] = {}
        lags: list[int] = []
        phases = asyncio.create_task(self._switch_phases(t0_ns, duration))
        # A full collection over thousands of clients' objects stops every receiver here for
        # up to 150 ms, which showed as server latency: no collection while we measure.
        gc.collect()
        gc.disable()
        while time.time_ns() < t0_ns:
            await asyncio.sleep(min(0.05, (t0_ns - time.time_ns()) / 1e9))
        cpu0 = _cpu()
        for at, room, k in sends:
            due = t0_ns + int(at * 1e9)
            delay = (due - time.time_ns()) / 1e9
            if delay > 0:
                await asyncio.sleep(delay)
            clients = local[room]
            client = clients[(turn[room] + k) % len(clients)]
            segment = segment_at(at, duration)
            notes = self.recorder.notes.get(room, [])
            op, client.voted = next_op(segment, client.voted, self.seeds[room], notes, self.rng)
            client.sent += 1
            op_id = f"B{client.index}.{client.sent}"
            now = time.time_ns()
            sent[op_id] = (room, now)
            lags.append(now - due)
            with contextlib.suppress(Exception):
                await client.send(op_id, op)
        end = t0_ns + int(duration * 1e9)
        deadline = time.monotonic() + max(0.0, (end - time.time_ns()) / 1e9) + config["drain"]
        while time.monotonic() < deadline:
            await asyncio.sleep(0.05)
            quiet = (time.time_ns() - max(self.recorder.last_ns, end)) / 1e9
            if time.time_ns() > end and quiet > QUIET:
                break
        cpu = _cpu() - cpu0
        gc.enable()
        wall = (time.time_ns() - t0_ns) / 1e9
        await phases
        return {
            "sent": sent,
            "arrivals": self.recorder.arrivals,
            "acks": self.recorder.acks,
            "rejected": dict(self.recorder.rejected),
            "closed": dict(self.recorder.closed),
            "lags": lags,
            "cpu": cpu,
            "wall": wall,
        }

    async def _switch_phases(self, t0_ns: int, duration: float) -> None:
        """The facilitator walks every room through the segments' phases on schedule."""
        if not self.facilitators:
            return
        for n, at in enumerate(switch_times(duration), start=1):
            delay = (t0_ns + int(at * 1e9) - time.time_ns()) / 1e9
            if delay > 0:
                await asyncio.sleep(delay)
            phase = segment_at(at + 0.001, duration)
            for lead in self.facilitators.values():
                with contextlib.suppress(Exception):
                    await lead.send(f"F{n}", {"kind": "phase.set", "phase": phase})

    async def resume(self, up_ns: int) -> dict[str, Any]:
        """Every client reconnects at once (with its token and last seq where it has one)."""
        for client in self.clients:
            if client.reader is not None:
                client.reader.cancel()

        async def back(client: Client) -> int | None:
            for _ in range(3):
                try:
                    done = await client.resume()
                    client.start_reading()
                    return done
                except Exception:
                    await asyncio.sleep(0.05)
            return None

        times = await asyncio.gather(*(back(c) for c in self.clients))
        ok = [t - up_ns for t in times if t is not None]
        full = sum(1 for c in self.clients if getattr(c, "full_state", False))
        return {"resumed": len(ok), "failed": len(times) - len(ok), "ns": ok, "full_state": full}

    async def close(self) -> None:
        everyone = [*self.clients, *self.facilitators.values()]
        gate = asyncio.Semaphore(CONNECT_AT_ONCE * 5)

        async def bye(client: Client) -> None:
            async with gate:
                await client.close()

        await asyncio.gather(*(bye(c) for c in everyone))


def run(config: dict[str, Any], pipe: Connection) -> None:
    """Entry point of a worker process."""
    raise_fd_limit()
    try:
        import uvloop

        runner: Any = uvloop.run
    except ImportError:
        runner = asyncio.run
    try:
        runner(Worker(config, pipe).main())
    finally:
        pipe.close()
