"""``spwt bench``: run scenarios against our server and the baselines, print a table.

    spwt bench workshop plenary fleet idle storm          # all of issue 6 (minutes)
    spwt bench workshop --targets ours,relay --json out.json
    spwt bench workshop --redis-url redis://127.0.0.1:6379/0 --server-workers 2
    spwt bench workshop --scale 0.1 --duration 2           # a quick look
    spwt bench exports --cards 5000 --loops 4              # downloads against ack latency
    spwt bench bigroom --cards 5000 --people 1000          # a small room's op cost, a big one's
    spwt bench groups --people 80 --groups 6              # 6 working groups against one room
    spwt bench wire --cards 1000,5000 --plain              # wire bytes, memory per connection
    spwt bench join --cards 1000                           # join time on a slow link (Chromium)
    spwt bench capacity --targets ours,ours-redis,relay    # rooms of 30 until p99 > 100 ms
    spwt bench workshop --targets ours,relay,hocuspocus --clients 200 --rate 100
    spwt bench fleet --plain                               # clients that offer no deflate
    python -m bench.cli ...                               # the same without the CLI

Every target of a scenario is run in the same invocation with the same load generator;
the ratios compare ours with each baseline. Benchmarks print figures; they do not pass or
fail.

Every benchmark client offers per-message deflate as browsers do
(``permessage-deflate; client_max_window_bits``, Chromium's offer), so the figures describe
real users; ``--plain``, before or after the scenario, makes every client of the run offer
nothing (the figures of earlier sessions). ``wire`` has its own ``--plain``: plain clients
measured beside the deflating ones.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import platform
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from . import report
from .run import Options, run
from .scenarios import SCENARIOS, Scenario
from .servers import TARGETS

ON_REQUEST = ("hocuspocus",)  # targets run only when named: the first one installs from npm
PLAIN_HELP = "clients offer no per-message deflate (default: they offer it, as browsers do)"


def add_plain_flag(p: argparse.ArgumentParser) -> None:
    """``--plain``: the one switch of every load client of ``spwt bench``."""
    p.add_argument("--plain", action="store_true", help=PLAIN_HELP)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="spwt bench", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    p.add_argument("scenarios", nargs="*", default=["workshop"], metavar="SCENARIO",
                   help=f"one or more of: {', '.join(SCENARIOS)} (default: workshop)")  # fmt: skip
    p.add_argument("--targets", default=",".join(t for t in TARGETS if t not in ON_REQUEST),
                   help="comma-separated of: ours, relay, crdt, hocuspocus (default: all but"
                        " hocuspocus, which npm installs on first use)")  # fmt: skip
    p.add_argument("--procs", type=int, default=2, help="load-generator processes (default 2)")
    p.add_argument("--redis-url", default=None, help="run our server (and the relay) on Redis")
    p.add_argument(
        "--server-workers",
        type=int,
        default=1,
        help="server processes; > 1 needs --redis-url (crdt always runs one)",
    )
    p.add_argument("--duration", type=float, default=None, help="seconds of sending (load)")
    p.add_argument("--scale", type=float, default=1.0, help="fraction of the clients (0-1]")
    p.add_argument("--clients", type=int, default=None,
                   help="clients per room instead of the scenario's (load)")  # fmt: skip
    p.add_argument("--rate", type=float, default=None,
                   help="ops per second per room instead of the scenario's (load)")  # fmt: skip
    p.add_argument("--drain", type=float, default=3.0, help="max s to wait for arrivals")
    p.add_argument("--relay-mode", choices=["await", "spawn"], default="await",
                   help="relay fan-out: each peer in turn, or a task per peer")  # fmt: skip
    p.add_argument("--repeat", type=int, default=1,
                   help="runs of each target, interleaved; the table shows medians")  # fmt: skip
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--data", type=Path, default=None, help="keep server data and logs here")
    p.add_argument("--profile", type=Path, default=None, metavar="DIR",
                   help="sample the servers under load with py-spy into DIR")  # fmt: skip
    p.add_argument("--json", type=Path, default=None, metavar="FILE", help="write figures")
    add_plain_flag(p)
    return p


def _have(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # its parent package is missing
        return False


def machine() -> dict[str, Any]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os

    return {
        "cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
        "system": platform.platform(),
    }  # fmt: skip


def _shaped(scenario: Scenario, args: argparse.Namespace) -> Scenario:
    """The scenario scaled, then with ``--clients`` and ``--rate`` where given."""
    shaped = scenario.scaled(args.scale, args.duration)
    if args.clients is not None:
        shaped = replace(shaped, clients=max(2, args.clients))
    if args.rate is not None:
        shaped = replace(shaped, rate=args.rate)
    return shaped


def _unavailable(targets: list[str], server_workers: int, redis: bool) -> dict[str, str]:
    """Targets that cannot run here, and why (printed as a note; the others still run)."""
    skipped: dict[str, str] = {}
    if "hocuspocus" in targets:
        if server_workers > 1 or redis:
            skipped["hocuspocus"] = "it runs as one process, without our Redis"
        else:
            from . import hocuspocus

            place, why = hocuspocus.ensure()
            if place is None:
                skipped["hocuspocus"] = why
    return skipped


def main(argv: list[str] | None = None) -> int:
    given = sys.argv[1:] if argv is None else argv
    if given[:1] in (["exports"], ["bigroom"], ["groups"]) and "--plain" in given:
        from .exports import Member  # the participants of these three

        Member.deflate = False
        try:
            return main([a for a in given if a != "--plain"])
        finally:
            Member.deflate = True
    if given[:1] == ["exports"]:  # a scenario of its own: one server, HTTP beside sockets
        from . import exports

        return exports.main(given[1:])
    if given[:1] == ["capacity"]:  # rounds of more and more rooms, until p99 or a loss
        from . import capacity

        return capacity.main(given[1:])
    if given[:1] == ["join"]:  # join time and bytes on an emulated slow link, in Chromium
        from . import join

        return join.main(given[1:])
    if given[:1] == ["wire"]:  # bytes through a counting proxy, memory per connection
        from . import wire

        return wire.main(given[1:])
    if given[:1] == ["bigroom"]:  # two rooms of one server, the same load in each
        from . import bigroom

        return bigroom.main(given[1:])
    if given[:1] == ["groups"]:  # a grouped room and an ungrouped one, the same load
        from . import groups

        return groups.main(given[1:])
    args = parser().parse_args(argv)
    unknown = [s for s in args.scenarios if s not in SCENARIOS]
    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    bad_targets = [t for t in targets if t not in TARGETS]
    if unknown or bad_targets or not 0 < args.scale <= 1:
        print(f"spwt bench: unknown {unknown or bad_targets or 'scale'}", file=sys.stderr)
        return 2
    if args.server_workers > 1 and not args.redis_url:
        print("spwt bench: --server-workers > 1 needs --redis-url", file=sys.stderr)
        return 2
    options = Options(
        procs=args.procs, redis_url=args.redis_url, server_workers=args.server_workers,
        drain=args.drain, seed=args.seed, data=args.data, profile=args.profile,
        relay_mode=args.relay_mode, deflate=not args.plain,
    )  # fmt: skip
    rows: list[dict[str, Any]] = []
    started = time.time()
    skipped = _unavailable(targets, args.server_workers, bool(args.redis_url))
    for target, why in skipped.items():
        print(f"# {target} skipped: {why}")
    for name in args.scenarios:
        scenario = _shaped(SCENARIOS[name], args)
        for target in [t for _ in range(max(1, args.repeat)) for t in targets]:
            if target in skipped:
                continue
            if target == "crdt" and args.server_workers > 1:
                print(f"# {name}: crdt skipped: pycrdt-websocket serves from one process")
                continue
            if target == "crdt" and not _have("pycrdt.websocket"):
                print(f"# {name}: crdt skipped: pip install pycrdt-websocket to compare with it")
                continue
            shape = f"{scenario.rooms} x {scenario.clients} clients"
            if scenario.kind == "load":
                shape += f", {scenario.rate:g} ops/s per room, {scenario.duration:g} s"
            print(f"# {name} ({shape}) against {target} ...", flush=True)
            try:
                rows.append(run(scenario, target, options))
            except Exception as error:  # one broken target must not lose the others' figures
                print(f"# {name} against {target} failed: {error!r}", file=sys.stderr)
    merged = report.aggregate(rows)
    print()
    print(report.table(merged))
    if args.json is not None:
        body = {"machine": machine(), "argv": argv if argv is not None else sys.argv[1:],
                "started": started, "rows": merged, "ratios": report.ratios(merged),
                "runs": rows}  # fmt: skip
        args.json.write_text(json.dumps(body, indent=2, default=str))
    return 0 if rows else 1


if __name__ == "__main__":
    sys.exit(main())
