"""Capacity: how many rooms of 30 clients at 3 ops/s one server holds, beside the bare relay.

Runs the ``fleet`` load (each room 30 clients, 3 ops/s) with more and more rooms:
``--start`` rooms, then ``--step`` more each round, against each target in turn (a fresh
server each round, the same load generator). A target is done at the first round whose
p99 passes ``--p99`` ms or that loses a delivery; its capacity is the last round it held.
The figure is ours over the relay's, measured in the same run (goal: at least 0.8).

    spwt bench capacity --targets ours,relay --start 10 --step 10 --max 200
    spwt bench capacity --redis-url redis://127.0.0.1:6393/0 --server-workers 2

Load generator and servers share the machine, so the counts are a lower bound.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from .run import Options, run
from .scenarios import Scenario


def holds(row: dict[str, Any], p99: float) -> bool:
    return row["delivered"] >= row["expected"] and row["p99_ms"] <= p99


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="spwt bench capacity", description=__doc__,
        formatter_class=argparse.RawTextHelpFormatter,
    )  # fmt: skip
    p.add_argument("--targets", default="ours,relay")
    p.add_argument("--start", type=int, default=10, help="rooms in the first round")
    p.add_argument("--step", type=int, default=10, help="rooms added each round")
    p.add_argument("--max", type=int, default=300, help="stop here even if still held")
    p.add_argument("--clients", type=int, default=30, help="per room")
    p.add_argument("--rate", type=float, default=3.0, help="ops per second per room")
    p.add_argument("--duration", type=float, default=10.0, help="seconds of sending a round")
    p.add_argument("--p99", type=float, default=100.0, help="ms: the p99 a round must keep")
    p.add_argument("--procs", type=int, default=2, help="load-generator processes")
    p.add_argument("--redis-url", default=None)
    p.add_argument("--server-workers", type=int, default=1)
    p.add_argument("--json", type=Path, default=None, metavar="FILE", help="write figures")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    options = Options(
        procs=args.procs, redis_url=args.redis_url, server_workers=args.server_workers
    )
    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    held: dict[str, int] = dict.fromkeys(targets, 0)
    going = set(targets)
    rows: list[dict[str, Any]] = []
    rooms = args.start
    while going and rooms <= args.max:
        for target in [t for t in targets if t in going]:
            scenario = Scenario("capacity", "load", rooms, args.clients, args.rate,
                                args.duration)  # fmt: skip
            try:
                row = run(scenario, target, options)
            except Exception as error:  # a server that falls over has reached its limit
                row = {"target": target, "failed": repr(error), "delivered": 0, "expected": 1,
                       "p99_ms": float("inf")}  # fmt: skip
            row = {"rooms": rooms, "load": round(os.getloadavg()[0], 2), **row}
            rows.append(row)
            ok = holds(row, args.p99)
            print(f"# {target}: {rooms} rooms: p99 {row['p99_ms']:.1f} ms, "
                  f"{row['delivered']}/{row['expected']} delivered, load {row['load']}"
                  f"{'' if ok else ' -> not held'}", flush=True)  # fmt: skip
            if ok:
                held[target] = rooms
            else:
                going.discard(target)
        rooms += args.step
    print()
    print("| target | most rooms held (30 clients, 3 ops/s each) | p99 there (ms) |")
    print("|---|---|---|")
    for target in targets:
        at = [r for r in rows if r["target"] == target and r["rooms"] == held[target]]
        p99 = f"{at[0]['p99_ms']:.1f}" if at else "-"
        print(f"| {target} | {held[target]}{'+' if target in going else ''} | {p99} |")
    if held.get("relay"):
        print(f"\nours / relay rooms: {held.get('ours', 0) / held['relay']:.2f}")
    if args.json is not None:
        args.json.write_text(json.dumps(rows, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
