"""Flat cost as a room grows: the same load in a small room and in a big one.

Starts ``spwt serve`` and fills two rooms: a small one (``--small-cards`` cards by
``--small-people`` participants) and a big one (``--cards`` cards by ``--people``
participants, each of whom has cast dots). Half the participants joined with a device and
left, the others are paper participants whose cards and dots the facilitator entered
(``on_behalf``): the state holds them all, only the load's clients are connected. The room
is in the vote phase with its votes hidden, so every vote event is redacted per recipient
and carries the room's participation.

Then the same load runs in each room in turn: ``--clients`` participants connected, who
cast and take back dots, and the facilitator, who adds cards (``note.add``, which counts
its author's cards) and moves them: ``--rate`` ops per second in all for ``--seconds``.
Each op's ack latency (send to own event) is timed; the figure is the big room's p99 over
the small room's, measured in the same run (goal: at most 1.2).

    spwt bench bigroom --cards 5000 --people 1000 --seconds 20
    python -m bench.bigroom ...                      # the same without the CLI
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from . import pairs
from .exports import Member

PAPER_MAX = 500  # server/state/rules/people.py: participants without a device per room
TEXT = "Kartu nomor {}: jalan desa rusak, air bersih sulit di musim kemarau"


class Facilitator(Member):
    async def behalf(self, who: str, op_id: str, **op: Any) -> dict[str, Any]:
        waiter = asyncio.get_running_loop().create_future()
        self.waiting[op_id] = waiter
        frame = {"type": "op", "id": op_id, "op": op, "on_behalf": who}
        await self.ws.send(json.dumps(frame))
        return await waiter


def _create(base: str, title: str) -> tuple[str, str]:
    body = json.dumps({"title": title}).encode()
    request = urllib.request.Request(
        f"{base}/api/rooms", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        created = json.loads(response.read())
    return created["room"], created["facilitator_key"]


async def _windowed(calls: list[Any], window: int = 100) -> list[Any]:
    done: list[Any] = []
    for start in range(0, len(calls), window):
        done += await asyncio.gather(*(c() for c in calls[start : start + window]))
    return done


async def fill(base: str, cards: int, people: int) -> tuple[str, Facilitator, list[str]]:
    """A room in the vote phase with ``cards`` cards and ``people`` participants who voted."""
    room, key = _create(base, f"Bench {cards} kartu")
    f = await Facilitator.join(base, room, key=key)
    paper = min(PAPER_MAX, people // 2)

    async def device(i: int) -> None:
        m = await Member.join(base, room, name=f"Peserta {i}")
        await m.close()

    await _windowed([lambda i=i: device(i) for i in range(people - paper)], 20)
    added = await _windowed(
        [
            lambda i=i: f.do(f"add-{i}", kind="participant.add", name=f"Kertas {i}")
            for i in range(paper)
        ]
    )
    ids = [e["op"]["participant"] for e in added] if added else []
    await f.do("issues", kind="phase.set", phase="issues")
    writers = ids or [""]
    await _windowed(
        [
            (lambda i=i: f.behalf(writers[i % len(writers)], f"card-{i}", kind="note.add",
                                  text=TEXT.format(i)))
            if ids else (lambda i=i: f.do(f"card-{i}", kind="note.add", text=TEXT.format(i)))
            for i in range(cards)
        ]
    )  # fmt: skip
    await f.do("cluster", kind="phase.set", phase="cluster")
    programs = []
    for c in range(6):
        made = await f.do(f"c{c}", kind="cluster.add", title=f"Klaster {c}")
        promoted = await f.do(f"p{c}", kind="program.promote", cluster=made["op"]["cluster"])
        programs.append(promoted["op"]["program"])
    await f.do("vote", kind="phase.set", phase="vote")
    await _windowed(
        [
            lambda who=who, n=n: f.behalf(who, f"v-{who}-{n}", kind="vote.cast",
                                          program=programs[n], criterion="feasibility")
            for who in ids for n in range(3)
        ]
    )  # fmt: skip
    return room, f, programs


async def load(
    base: str, room: str, f: Facilitator, programs: list[str], args: argparse.Namespace
) -> list[float]:
    clients = [await Member.join(base, room, name=f"Beban {i}") for i in range(args.clients)]
    cast = [False] * len(clients)
    latencies: list[float] = []
    n = int(args.rate * args.seconds)
    start = time.perf_counter()
    note = (await f.do("mine", kind="note.add", text="kartu penggerak"))["op"]["note"]

    async def one(i: int) -> None:
        await asyncio.sleep(max(0.0, start + i / args.rate - time.perf_counter()))
        sent = time.perf_counter()
        op_id = f"load-{i}"
        if i % 4 == 0:  # the facilitator: a card, then a move
            await f.do(op_id, kind="note.add", text=TEXT.format(i))
        elif i % 4 == 1:
            await f.do(op_id, kind="note.move", note=note, x=i, y=i)
        else:
            c = i % len(clients)
            kind = "vote.retract" if cast[c] else "vote.cast"
            cast[c] = not cast[c]
            program = programs[c % len(programs)]
            await clients[c].do(op_id, kind=kind, program=program, criterion="urgency")
        latencies.append((time.perf_counter() - sent) * 1000)

    # One client's ops one after another (a cast before its retract), the clients at once.
    lanes: dict[int, list[int]] = {}
    for i in range(n):
        lanes.setdefault(i % (2 * len(clients)), []).append(i)

    async def lane(ops: list[int]) -> None:
        for i in ops:
            await one(i)

    await asyncio.gather(*(lane(ops) for ops in lanes.values()))
    for c in clients:
        await c.close()
    return latencies


async def measure(base: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    rows = []
    sizes = [("small", args.small_cards, args.small_people), ("big", args.cards, args.people)]
    filled = [(name, *await fill(base, cards, people)) for name, cards, people in sizes]
    for _ in range(args.repeat):
        for (name, cards, people), (_, room, f, programs) in zip(sizes, filled, strict=True):
            lat = await load(base, room, f, programs, args)
            rows.append(pairs.run_row(name, lat, cards=cards, people=people))
    for _, _, f, _ in filled:
        await f.close()
    return rows


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="spwt bench bigroom", description=__doc__,
        formatter_class=argparse.RawTextHelpFormatter,
    )  # fmt: skip
    p.add_argument("--cards", type=int, default=5000)
    p.add_argument("--people", type=int, default=1000)
    p.add_argument("--small-cards", type=int, default=50)
    p.add_argument("--small-people", type=int, default=10)
    p.add_argument("--clients", type=int, default=20, help="connected in each room")
    p.add_argument("--rate", type=float, default=40.0, help="ops per second in all")
    p.add_argument("--seconds", type=float, default=20.0)
    p.add_argument("--repeat", type=int, default=2, help="load runs per room, interleaved")
    p.add_argument("--store", default="sqlite", choices=["sqlite", "memory"],
                   help="memory: no fsync in the ack: the rules' and views' cost")  # fmt: skip
    p.add_argument("--json", type=Path, default=None, metavar="FILE", help="write figures")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    rows = pairs.serve("bigroom", args.store, lambda base: measure(base, args))
    columns = {"cards": "cards", "participants": "people"}
    pairs.report(rows, ("small", "big"), columns, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
