"""Capacity: how many rooms of 30 clients at 3 ops/s one server holds, beside the bare relay.

Runs the ``fleet`` load (each room 30 clients, 3 ops/s) with more and more rooms:
``--start`` rooms, then ``--step`` more each round, against each target in turn (a fresh
server each round, the same load generator). A target is done at the first round whose
p99 passes ``--p99`` ms or that loses a delivery (``--tries`` times at that size: the
machine is shared, and one burst of other work should not end a target); its capacity is
the last round it held. A round that failed while the load generator itself sent late
(p99 of its lateness over ``--max-lag`` ms: the machine was busy, not only the server) does
not count as a try; it is run again, up to three times as many rounds as ``--tries``.
The figure is ours over the relay's, measured in the same run (goal: at least 0.8).

Targets: ``ours`` (one process, SQLite), ``ours-redis`` (``--server-workers`` processes,
2 by default, on Redis: ``spwt serve --workers 2 --redis-url``), ``relay`` (one process),
``relay-redis`` (the relay's processes on Redis pub/sub). The Redis targets use a
``redis-server`` the bench starts on a free port (append-only, ``appendfsync always``,
emptied between rounds), or ``--redis-url``'s. For them the bench also reads Redis's
``INFO`` during the load: commands, network bytes and memory, per second and per op.

Clients offer per-message deflate as browsers do; ``--plain`` for clients that do not.

    spwt bench capacity --targets ours,ours-redis,relay --start 20 --step 20 --max 200
    spwt bench capacity --plain --targets ours,relay

Load generator and servers share the machine, so the counts are a lower bound.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from . import redisproc
from .cli import add_plain_flag
from .run import Options, run
from .scenarios import Scenario

# Target name -> (the server run.run starts, whether it runs on Redis).
TARGETS: dict[str, tuple[str, bool]] = {
    "ours": ("ours", False), "ours-redis": ("ours", True),
    "relay": ("relay", False), "relay-redis": ("relay", True),
}  # fmt: skip
REDIS_FIGURES = ("total_commands_processed", "total_net_input_bytes", "total_net_output_bytes")


def holds(row: dict[str, Any], p99: float) -> bool:
    return row["delivered"] >= row["expected"] and row["p99_ms"] <= p99


def cpu_per_delivery(row: dict[str, Any]) -> float:
    """Server CPU seconds (every process of the target) per delivered op, in the window.

    "Rooms per core, by CPU" is what one core would hold if the server's CPU were the only
    limit: on a shared machine the p99 gives out first, and the held count is lower.
    """
    return float(row["server_cpu_s"]) / max(int(row["delivered"]), 1)


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


class RedisSampler:
    """``INFO`` of the bench's Redis once every ``interval`` s, in a thread."""

    def __init__(self, redis: redisproc.RedisProcess, interval: float = 0.25) -> None:
        self.redis = redis
        self.interval = interval
        self.samples: list[tuple[float, dict[str, str]]] = []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        while not self.done.is_set():
            info = self.redis.info("all")
            if info:
                self.samples.append((time.time(), info))
            self.done.wait(self.interval)

    def stop(self) -> None:
        self.done.set()
        self.thread.join()

    def during(self, start: float, end: float, ops: int) -> dict[str, Any]:
        """Rates between the samples nearest ``start`` and ``end``; per op over ``ops``."""
        inside = [(t, i) for t, i in self.samples if start <= t <= end]
        if len(inside) < 2:
            return {}
        (t1, first), (t2, last) = inside[0], inside[-1]
        span = t2 - t1
        share = ops * span / max(end - start, 1e-9)  # the ops sent between the two samples
        out: dict[str, Any] = {"redis_used_memory_mb": int(last["used_memory"]) / 2**20}
        cpu = sum(float(last[k]) - float(first[k]) for k in ("used_cpu_user", "used_cpu_sys"))
        out["redis_cpu_per_s"] = round(cpu / span, 3)  # Redis's CPU seconds per second
        for key in REDIS_FIGURES:
            delta = int(last[key]) - int(first[key])
            name = key.removeprefix("total_").removesuffix("_processed")
            out[f"redis_{name}_per_s"] = round(delta / span, 1)
            out[f"redis_{name}_per_op"] = round(delta / max(share, 1e-9), 2)
        return out


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="spwt bench capacity", description=__doc__,
        formatter_class=argparse.RawTextHelpFormatter,
    )  # fmt: skip
    p.add_argument("--targets", default="ours,ours-redis,relay", help=", ".join(TARGETS))
    p.add_argument("--start", type=int, default=10, help="rooms in the first round")
    p.add_argument("--step", type=int, default=10, help="rooms added each round")
    p.add_argument("--max", type=int, default=300, help="stop here even if still held")
    p.add_argument("--clients", type=int, default=30, help="per room")
    p.add_argument("--rate", type=float, default=3.0, help="ops per second per room")
    p.add_argument("--duration", type=float, default=10.0, help="seconds of sending a round")
    p.add_argument("--p99", type=float, default=100.0, help="ms: the p99 a round must keep")
    p.add_argument("--procs", type=int, default=2, help="load-generator processes")
    p.add_argument("--redis-url", default=None,
                   help="the Redis targets' Redis (default: one the bench starts)")  # fmt: skip
    p.add_argument("--server-workers", type=int, default=2,
                   help="processes of the Redis targets (default 2)")  # fmt: skip
    p.add_argument("--fsync", default="always", choices=["always", "everysec", "no"],
                   help="appendfsync of the bench's own Redis")  # fmt: skip
    p.add_argument("--max-lag", type=float, default=50.0,
                   help="ms: a failed round whose sends were later (p99) runs again")  # fmt: skip
    p.add_argument("--tries", type=int, default=2,
                   help="runs of a size before a target is done with it (default 2)")  # fmt: skip
    p.add_argument("--profile", type=Path, default=None, metavar="DIR",
                   help="py-spy our server's rounds into DIR (it perturbs them)")  # fmt: skip
    p.add_argument("--json", type=Path, default=None, metavar="FILE", help="write figures")
    add_plain_flag(p)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    unknown = [t for t in targets if t not in TARGETS]
    if unknown:
        print(f"spwt bench capacity: unknown targets {unknown}", file=sys.stderr)
        return 2
    if any(TARGETS[t][1] for t in targets) and not args.redis_url and not redisproc.available():
        print("# Redis targets skipped: redis-server is not installed", flush=True)
        targets = [t for t in targets if not TARGETS[t][1]]
    with tempfile.TemporaryDirectory(prefix="spwt-bench-capacity-") as tmp:
        redis: redisproc.RedisProcess | None = None
        if any(TARGETS[t][1] for t in targets) and not args.redis_url:
            redis = redisproc.RedisProcess(Path(tmp) / "redis", args.fsync).start()
        try:
            rows = _rounds(args, targets, redis)
        finally:
            if redis is not None:
                redis.stop()
    _report(args, targets, rows)
    return 0


def _rounds(
    args: argparse.Namespace, targets: list[str], redis: redisproc.RedisProcess | None
) -> list[dict[str, Any]]:
    deflate = not args.plain
    redis_url = args.redis_url or (redis.url if redis is not None else None)
    options = {
        name: Options(procs=args.procs, deflate=deflate,
                      redis_url=redis_url if on_redis else None,
                      server_workers=args.server_workers if on_redis else 1,
                      profile=args.profile / f"{name}" if args.profile and server == "ours"
                      else None)
        for name, (server, on_redis) in TARGETS.items()
    }  # fmt: skip
    probe = redis or (redisproc.RedisProcess.at(redis_url) if redis_url else None)
    going = set(targets)
    rows: list[dict[str, Any]] = []
    rooms = args.start
    while going and rooms <= args.max:
        trying = [t for t in targets if t in going]
        tries = dict.fromkeys(trying, 0)
        for _ in range(3 * max(1, args.tries)):  # a retry comes after the other targets' runs
            for name in list(trying):
                row = _round(args, name, rooms, options[name], redis, probe)
                rows.append(row)
                if row["held"]:
                    trying.remove(name)
                elif not row["generator_late"]:  # a late generator's round does not count
                    tries[name] += 1
                    if tries[name] >= args.tries:
                        trying.remove(name)
                        going.discard(name)  # not held: done
            if not trying:
                break
        going -= set(trying)  # late every time: done too
        rooms += args.step
    return rows


def _round(
    args: argparse.Namespace, name: str, rooms: int, options: Options,
    redis: redisproc.RedisProcess | None, probe: redisproc.RedisProcess | None,
) -> dict[str, Any]:  # fmt: skip
    """One run of ``rooms`` rooms against target ``name``, and whether it held."""
    scenario = Scenario("capacity", "load", rooms, args.clients, args.rate, args.duration)
    on_redis = TARGETS[name][1]
    sampler = RedisSampler(probe) if on_redis and probe is not None else None
    if options.profile is not None:
        options = replace(options, profile=options.profile / f"{rooms}-rooms")
    try:
        row = run(scenario, TARGETS[name][0], options)
    except Exception as error:  # a server that falls over has reached its limit
        row = {"failed": repr(error), "delivered": 0, "expected": 1, "p99_ms": float("inf")}
    finally:
        if sampler is not None:
            sampler.stop()
    if sampler is not None and "t0_s" in row:
        row |= sampler.during(row["t0_s"], row["t0_s"] + args.duration, row["ops_sent"])
    if redis is not None and on_redis:
        redis.command("FLUSHALL")  # our own Redis: the next round starts empty
    lag = row.get("send_lag_p99_ms", 0.0)
    late = not holds(row, args.p99) and lag > args.max_lag
    row = {"rooms": rooms, **row, "target": name, "deflate": options.deflate,
           "loadavg": loadavg(), "held": holds(row, args.p99), "generator_late": late}  # fmt: skip
    verdict = "" if row["held"] else " -> generator late, again" if late else " -> not held"
    print(f"# {name}: {rooms} rooms: p99 {row['p99_ms']:.1f} ms, "
          f"{row['delivered']}/{row['expected']} delivered, generator late {lag:.1f} ms p99, "
          f"loadavg {row['loadavg']}{verdict}", flush=True)  # fmt: skip
    return row


def _report(args: argparse.Namespace, targets: list[str], rows: list[dict[str, Any]]) -> None:
    offer = "no deflate (--plain)" if args.plain else "permessage-deflate"
    print(f"\nclients offer {offer}; {args.clients} clients, {args.rate:g} ops/s a room\n")
    print("| rooms | " + " | ".join(f"{t}: p99 (ms), delivered (1-min load)" for t in targets)
          + " |")  # fmt: skip
    print("|---|" + "---|" * len(targets))
    for rooms in sorted({r["rooms"] for r in rows}):
        cells = []
        for t in targets:
            at = [r for r in rows if r["target"] == t and r["rooms"] == rooms]
            if not at:
                cells.append("")
                continue
            tries = []
            for r in at:
                whole = r["delivered"] >= r["expected"]
                lost = "all" if whole else f"{r['delivered']}/{r['expected']}"
                verdict = "" if r["held"] else " (generator late)" if r["generator_late"] else (
                    " (not held)")  # fmt: skip
                load = r["loadavg"].split()[0]
                tries.append(f"{r['p99_ms']:.1f}, {lost} ({load}){verdict}")
            cells.append("; ".join(tries))
        print(f"| {rooms} | " + " | ".join(cells) + " |")
    held: dict[str, int] = {}
    by_cpu: dict[str, float] = {}
    print("\n| target | most rooms held | p99 there (ms) | server CPU (s) | peak RSS (MB) | "
          "server CPU per delivery (µs) | rooms per core, by CPU |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for t in targets:
        mine = [r for r in rows if r["target"] == t and r.get("held")]
        held[t] = mine[-1]["rooms"] if mine else 0
        more = "+" if rows and [r for r in rows if r["target"] == t][-1]["held"] else ""
        if mine:
            r = mine[-1]
            per = cpu_per_delivery(r)
            if per > 0:  # a short run can fall inside one clock tick of the server's CPU
                by_cpu[t] = 1 / (per * args.rate * args.clients)
            print(
                f"| {t} | {held[t]}{more} | {r['p99_ms']:.1f} | {r['server_cpu_s']:.1f} | "
                f"{r['peak_rss_mb']:.0f} | {per * 1e6:.1f} | {by_cpu.get(t, 0.0):.0f} |"
            )
        else:
            print(f"| {t} | 0 | - | - | - | - | - |")
    for r in rows:
        if "redis_commands_per_op" in r and r.get("held"):
            print(f"# {r['target']} {r['rooms']} rooms: Redis {r['redis_commands_per_s']:,.0f} "
                  f"commands/s ({r['redis_commands_per_op']} per op), in "
                  f"{r['redis_net_input_bytes_per_op']:,.0f} B / out "
                  f"{r['redis_net_output_bytes_per_op']:,.0f} B per op, "
                  f"{r['redis_used_memory_mb']:.1f} MB used, "
                  f"{100 * r['redis_cpu_per_s']:.0f} % of a core")  # fmt: skip
    if held.get("relay"):
        for t in targets:
            if t != "relay":
                print(
                    f"{t} / relay rooms: {held[t] / held['relay']:.2f}"
                    + (
                        f"; by CPU: {by_cpu[t] / by_cpu['relay']:.2f}"
                        if t in by_cpu and "relay" in by_cpu
                        else ""
                    )
                )
    if args.json is not None:
        args.json.write_text(json.dumps(rows, indent=2, default=str))


if __name__ == "__main__":
    sys.exit(main())
