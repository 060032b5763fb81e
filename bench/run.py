"""Run one scenario against one server: start it, spread clients over worker processes,
drive the workers through the scenario's steps, and return the figures.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import tempfile
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from . import procstat, profile, report, worker
from .scenarios import Scenario
from .servers import ServerProcess, rooms_for, warm

ONE_PROCESS = ("crdt", "hocuspocus")  # baselines that serve from one process, in memory


@dataclass(frozen=True, slots=True)
class Options:
    procs: int = 2  # load-generator processes
    redis_url: str | None = None
    server_workers: int = 1  # server processes (> 1 needs Redis)
    drain: float = 3.0  # s to wait for arrivals after the last send
    seed: int = 1
    data: Path | None = None  # where servers keep data and logs (default: a temp folder)
    profile: Path | None = None  # py-spy the server under load, collapsed stacks here
    relay_mode: str = "await"  # how the relay fans out (see bench/relay.py)
    deflate: bool = True  # clients offer per-message deflate, as browsers do (not: --plain)


class Workers:
    """The load-generator processes of one run, and the pipes to them."""

    def __init__(self, configs: list[dict[str, Any]]) -> None:
        context = multiprocessing.get_context("spawn")
        self.pipes: list[Connection] = []
        self.processes = []
        for config in configs:
            ours, theirs = context.Pipe()
            process = context.Process(target=worker.run, args=(config, theirs), daemon=True)
            process.start()
            theirs.close()
            self.pipes.append(ours)
            self.processes.append(process)

    def ask(self, message: tuple[Any, ...], expect: str, timeout: float) -> list[Any]:
        for pipe in self.pipes:
            pipe.send(message)
        return self.collect(expect, timeout)

    def collect(self, expect: str, timeout: float) -> list[Any]:
        deadline = time.monotonic() + timeout
        answers = []
        for pipe in self.pipes:
            if not pipe.poll(max(0.0, deadline - time.monotonic())):
                raise TimeoutError(f"a worker did not answer {expect!r} in {timeout:.0f} s")
            step, body = pipe.recv()
            assert step == expect, (step, expect)
            answers.append(body)
        return answers

    def close(self) -> None:
        for pipe in self.pipes:
            try:
                pipe.send(("bye",))
            except OSError:
                continue
        for process in self.processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
                process.join()
        for pipe in self.pipes:
            pipe.close()


def _configs(
    scenario: Scenario, target: str, server: ServerProcess, rooms: list[dict[str, Any]],
    options: Options,
) -> list[dict[str, Any]]:  # fmt: skip
    procs = max(1, min(options.procs, scenario.connections))
    clients = [(room * scenario.clients + j, room) for room in range(scenario.rooms)
               for j in range(scenario.clients)]  # fmt: skip
    return [
        {
            "target": target,
            "base": server.ws,
            "rooms": rooms,
            "clients": [c for c in clients if c[0] % procs == p],
            "room_clients": [scenario.clients] * scenario.rooms,
            "rate": scenario.rate,
            "duration": scenario.duration,
            "drain": options.drain,
            "seed": options.seed * 1000 + p,
            "deflate": options.deflate,
            "facilitator": target.startswith("ours") and p == 0 and scenario.kind == "load",
        }
        for p in range(procs)
    ]


def run(scenario: Scenario, target: str, options: Options) -> dict[str, Any]:
    """The figures of ``scenario`` against ``target`` (see ``report`` for their keys)."""
    worker.raise_fd_limit()  # the server subprocess inherits it
    with tempfile.TemporaryDirectory(prefix=f"spwt-bench-{target}-") as tmp:
        data = Path(options.data or tmp) / f"{scenario.name}-{target}-{random.randrange(10**6)}"
        workers_n = options.server_workers if target not in ONE_PROCESS else 1
        server = ServerProcess(
            target, data, options.redis_url, workers_n, options.relay_mode
        ).start()
        sampler = procstat.PeakSampler(
            lambda: server.process.pid if server.process is not None else None
        )
        workers: Workers | None = None
        try:
            rooms = rooms_for(server, scenario.rooms, seed=scenario.kind == "load")
            if scenario.kind == "idle":
                time.sleep(0.3)  # the server settles after making 50 rooms
            rss_before = procstat.rss_bytes(server.pid)
            workers = Workers(_configs(scenario, target, server, rooms, options))
            ready = workers.ask(("connect",), "ready", 60 + scenario.connections / 20)
            figures: dict[str, Any] = {
                "scenario": scenario.name, "target": target,
                "connections": scenario.connections,
                "joined": sum(r["joined"] for r in ready),
                "connect_s": max(r["seconds"] for r in ready),
                "server_processes": workers_n,
                "redis": bool(options.redis_url) and target not in ONE_PROCESS,
                "deflate": options.deflate,
                "deflated": sum(r["deflated"] for r in ready),  # clients that negotiated it
                "load_before": os.getloadavg()[0],
            }  # fmt: skip
            joined = [0] * scenario.rooms
            for r in ready:
                for room, n in r["per_room"].items():
                    joined[room] += n
            if scenario.kind == "load":
                figures |= _load(scenario, target, server, workers, joined, options)
            elif scenario.kind == "idle":
                time.sleep(1.0)
                rss_after = procstat.rss_bytes(server.pid)
                figures |= report.idle_figures(rss_before, rss_after, figures["joined"])
            else:
                figures |= _storm(scenario, server, workers, rooms)
        finally:
            if workers is not None:
                workers.close()
            peak = sampler.stop()
            server.stop()
        figures["peak_rss_mb"] = peak / 2**20
        figures["load_after"] = os.getloadavg()[0]
        return figures


def _load(
    scenario: Scenario, target: str, server: ServerProcess, workers: Workers, joined: list[int],
    options: Options,
) -> dict[str, Any]:  # fmt: skip
    t0 = time.time_ns() + 300_000_000  # every worker has the go by then
    for pipe in workers.pipes:
        pipe.send(("go", t0))
    time.sleep(max(0.0, (t0 - time.time_ns()) / 1e9))
    cpu0 = procstat.cpu_seconds(server.pid)
    spy = None
    if options.profile is not None:
        raw = options.profile / f"{scenario.name}-{target}.txt"
        spy = profile.start(server.pid, scenario.duration, raw)
    results = workers.collect("result", scenario.duration + options.drain + 60)
    cpu = procstat.cpu_seconds(server.pid) - cpu0
    figures = report.load_figures(results, joined) | {"server_cpu_s": cpu, "t0_s": t0 / 1e9}
    figures["cpu_us_per_delivery"] = 1e6 * cpu / max(figures["delivered"], 1)
    if spy is not None:
        profile.finish(spy)
        if raw.exists():
            figures["profile"] = str(raw)
            print(f"# {scenario.name} against {target}: py-spy, {raw}\n{profile.summary(raw)}")
    return figures


def _storm(
    scenario: Scenario, server: ServerProcess, workers: Workers, rooms: list[dict[str, Any]]
) -> dict[str, Any]:
    time.sleep(0.5)
    down = time.monotonic()
    server.stop()
    server.start()
    warm(server, rooms)
    up = time.time_ns()
    downtime = time.monotonic() - down
    cpu0 = procstat.cpu_seconds(server.pid)
    resumed = workers.ask(("restart", up), "resumed", 120)
    cpu = procstat.cpu_seconds(server.pid) - cpu0
    return report.storm_figures(resumed, downtime) | {"server_cpu_s": cpu}
