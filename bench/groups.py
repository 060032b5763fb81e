"""Working groups at load: the same load in one room of 80 working in 6 groups, and in one
ungrouped room of 80 (issue 19: p99 within 1.2x).

Starts ``spwt serve`` with two rooms of ``--people`` connected participants each. In the
grouped room the facilitator makes ``--groups`` groups (``groups.auto``, mixed), so every
card and cluster event is redacted per group: its members see it, the others get a
``hidden`` event. Each room runs the same two stages in turn: writing (everyone adds cards,
phase ``issues``) and clustering (everyone makes a cluster and moves their cards in and out
of it, phase ``cluster``), ``--rate`` ops per second in all for ``--seconds`` each. Every
op's ack latency (send to own event) is timed; the figure is the grouped room's p99 over
the ungrouped room's, measured in the same run.

    spwt bench groups --people 80 --groups 6 --rate 40 --seconds 15
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

from . import pairs
from .bigroom import _create
from .exports import Member


async def _room(base: str, people: int, groups: int) -> tuple[Member, list[Member]]:
    room, key = _create(base, f"Bench {groups or 'tanpa'} kelompok")
    f = await Member.join(base, room, key=key, name="Fasilitator")
    members = [await Member.join(base, room, name=f"Peserta {i}") for i in range(people)]
    if groups:
        await f.do("auto", kind="groups.auto", count=groups, by="mixed")
    return f, members


async def _stage(
    members: list[Member], ops: list[dict[str, Any]], rate: float
) -> tuple[list[float], dict[int, dict[str, Any]]]:
    """``ops[i]`` sent by ``members[i % len]`` at ``rate`` ops/s, one member's in order;
    the ack latencies, and each member's first event."""
    latencies: list[float] = []
    first: dict[int, dict[str, Any]] = {}
    start = time.perf_counter()

    async def lane(m: int) -> None:
        for i in range(m, len(ops), len(members)):
            await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
            sent = time.perf_counter()
            event = await members[m].do(f"op-{time.monotonic_ns()}-{i}", **ops[i])
            latencies.append((time.perf_counter() - sent) * 1000)
            first.setdefault(m, event)

    await asyncio.gather(*(lane(m) for m in range(len(members))))
    return latencies, first


async def _load(f: Member, members: list[Member], args: argparse.Namespace) -> list[float]:
    """Writing, then clustering: each member makes a cluster and moves its first card of
    the writing stage in and out of it."""
    n = max(int(args.rate * args.seconds), 2 * len(members))
    await f.do(f"issues-{time.monotonic_ns()}", kind="phase.set", phase="issues")
    writing = [{"kind": "note.add", "text": f"Kartu {i}: jalan desa rusak"} for i in range(n)]
    latencies, written = await _stage(members, writing, args.rate)
    await f.do(f"cluster-{time.monotonic_ns()}", kind="phase.set", phase="cluster")
    made = [
        await m.do(f"c-{time.monotonic_ns()}-{i}", kind="cluster.add", title=f"Klaster {i}")
        for i, m in enumerate(members)
    ]
    moving = [
        {"kind": "note.cluster", "note": written[i % len(members)]["op"]["note"],
         "cluster": made[i % len(members)]["op"]["cluster"] if (i // len(members)) % 2 == 0
         else None}
        for i in range(n)
    ]  # fmt: skip
    clustering, _ = await _stage(members, moving, args.rate)
    return latencies + clustering


async def measure(base: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    rooms = [("ungrouped", 0), ("grouped", args.groups)]
    filled = [(name, *await _room(base, args.people, groups)) for name, groups in rooms]
    rows = []
    for _ in range(args.repeat):
        for name, f, members in filled:
            lat = await _load(f, members, args)
            rows.append(pairs.run_row(name, lat, people=args.people))
    for _, f, members in filled:
        for m in (f, *members):
            await m.close()
    return rows


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="spwt bench groups", description=__doc__,
        formatter_class=argparse.RawTextHelpFormatter,
    )  # fmt: skip
    p.add_argument("--people", type=int, default=80)
    p.add_argument("--groups", type=int, default=6)
    p.add_argument("--rate", type=float, default=40.0, help="ops per second in all")
    p.add_argument("--seconds", type=float, default=15.0, help="per stage")
    p.add_argument("--repeat", type=int, default=2, help="load runs per room, interleaved")
    p.add_argument("--store", default="sqlite", choices=["sqlite", "memory"],
                   help="memory: no fsync in the ack: the rules' and views' cost")  # fmt: skip
    p.add_argument("--json", type=Path, default=None, metavar="FILE", help="write figures")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    rows = pairs.serve("groups", args.store, lambda base: measure(base, args))
    pairs.report(rows, ("ungrouped", "grouped"), {"participants": "people"}, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
