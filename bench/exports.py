"""Exports against ack latency: does a download loop freeze the rooms of its process?

Starts ``spwt serve``, writes ``--cards`` cards into one room, then measures the ack
latency of a client that moves a card ``--rate`` times a second (send to own event) for
``--seconds``: first alone (the baseline), then while ``--loops`` download loops fetch the
room's XLSX as fast as they are served, each with its own participant token. The mover's
ops change the room's seq, so every download is a fresh render, never a cache hit: the
worst case. The per-token limit is lifted, so the loops are not refused. Each
``--workers`` value is a separate server in the same run (0: renders in a thread of the
server process; 1, 2: worker processes).

    spwt bench exports --cards 5000 --loops 4 --seconds 20 --workers 1,0
    python -m bench.exports ...                      # the same without the CLI

Load generator and server share the machine, so the figures are an upper bound.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any, ClassVar

from websockets.asyncio.client import ClientConnection, connect

from .process import ServedProcess

ROOT = Path(__file__).resolve().parent.parent
ENV = {
    "SPWT_OPS_PER_SECOND": "100000", "SPWT_OPS_BURST": "100000",
    "SPWT_ROOMS_PER_IP_PER_HOUR": "1000000", "SPWT_LIMIT_CARDS_PER_PERSON": "100000",
    "SPWT_EXPORTS_PER_MINUTE": "1000000", "SPWT_EXPORT_QUEUE": "64",
}  # fmt: skip


class Member:
    """One participant's socket: sends ops and waits for their acks."""

    # Offers per-message deflate as browsers do; ``spwt bench --plain`` turns it off.
    deflate: ClassVar[bool] = True

    def __init__(self, ws: ClientConnection, welcome: dict[str, Any]) -> None:
        self.ws = ws
        self.token: str = welcome["token"]
        self.waiting: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.reader = asyncio.create_task(self._read())

    @classmethod
    async def join(cls, base: str, room: str, **hello: Any) -> Member:
        ws = await connect(
            f"{base.replace('http', 'ws', 1)}/ws/{room}", max_size=2**24,
            compression="deflate" if cls.deflate else None,
        )  # fmt: skip
        await ws.send(json.dumps({"type": "hello", "name": "Bench", **hello}))
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] == "welcome":
                return cls(ws, frame)

    async def _read(self) -> None:
        async for text in self.ws:
            frame = json.loads(text)
            if frame["type"] == "events":
                for event in frame["events"]:
                    waiter = self.waiting.pop(event.get("op_id") or "", None)
                    if waiter is not None and not waiter.done():
                        waiter.set_result(event)
            elif frame["type"] == "rejected":
                waiter = self.waiting.pop(frame["id"], None)
                if waiter is not None and not waiter.done():
                    waiter.set_exception(RuntimeError(f"rejected: {frame}"))

    async def do(self, op_id: str, **op: Any) -> dict[str, Any]:
        waiter = asyncio.get_running_loop().create_future()
        self.waiting[op_id] = waiter
        await self.ws.send(json.dumps({"type": "op", "id": op_id, "op": op}))
        return await waiter

    async def close(self) -> None:
        await self.ws.close()
        self.reader.cancel()


def _get(url: str, token: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return len(response.read())


async def _fill(base: str, room: str, key: str, cards: int) -> Member:
    f = await Member.join(base, room, key=key)
    await f.do("phase", kind="phase.set", phase="issues")
    window = 200
    for start in range(0, cards, window):
        await asyncio.gather(*(
            f.do(f"card-{i}", kind="note.add",
                 text=f"Kartu nomor {i}: jalan desa rusak, air bersih sulit di musim kemarau")
            for i in range(start, min(cards, start + window))
        ))  # fmt: skip
    return f


async def _acks(mover: Member, note: str, rate: float, seconds: float) -> list[float]:
    """Ack latencies (ms) of one move every 1/rate s, each sent on time, not after the last."""
    latencies: list[float] = []
    n = int(rate * seconds)
    start = time.perf_counter()

    async def one(i: int) -> None:
        await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
        sent = time.perf_counter()
        await mover.do(f"move-{time.monotonic_ns()}-{i}", kind="note.move", note=note, x=i, y=i)
        latencies.append((time.perf_counter() - sent) * 1000)

    await asyncio.gather(*(one(i) for i in range(n)))
    return latencies


async def _downloads(url: str, tokens: list[str], stop: asyncio.Event) -> tuple[int, int]:
    done = size = 0

    async def loop(token: str) -> None:
        nonlocal done, size
        while not stop.is_set():
            size = await asyncio.to_thread(_get, url, token)
            done += 1

    await asyncio.gather(*(loop(t) for t in tokens))
    return done, size


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def measure(base: str, args: argparse.Namespace) -> dict[str, Any]:
    body = json.dumps({"title": "Bench ekspor"}).encode()
    request = urllib.request.Request(
        f"{base}/api/rooms", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        created = json.loads(response.read())
    room, key = created["room"], created["facilitator_key"]
    filled = time.perf_counter()
    f = await _fill(base, room, key, args.cards)
    filled = time.perf_counter() - filled
    mover = await Member.join(base, room)
    note = (await mover.do("mine", kind="note.add", text="kartu penggerak"))["op"]["note"]
    await f.do("cluster", kind="phase.set", phase="cluster")  # anyone may move cards now
    loaders = [await Member.join(base, room) for _ in range(args.loops)]
    url = f"{base}/api/rooms/{room}/scenario?format=xlsx"
    first = time.perf_counter()
    await asyncio.to_thread(_get, url, key)  # starts the worker and warms its imports
    first = time.perf_counter() - first
    baseline = await _acks(mover, note, args.rate, args.seconds)
    stop = asyncio.Event()
    downloading = asyncio.create_task(_downloads(url, [m.token for m in loaders], stop))
    await asyncio.sleep(1.0)  # the loops are rendering before the measurement starts
    loaded = await _acks(mover, note, args.rate, args.seconds)
    stop.set()
    done, size = await downloading
    for member in (f, mover, *loaders):
        await member.close()
    return {
        "cards": args.cards, "fill_s": round(filled, 1), "first_xlsx_s": round(first, 2),
        "xlsx_bytes": size, "downloads": done,
        "downloads_per_s": round(done / (args.seconds + 1.0), 2),
        "baseline_p50": round(statistics.median(baseline), 1),
        "baseline_p99": round(_p(baseline, 0.99), 1),
        "loaded_p50": round(statistics.median(loaded), 1),
        "loaded_p99": round(_p(loaded, 0.99), 1),
        "samples": len(loaded),
    }  # fmt: skip


def run_one(workers: int, args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    server = ServedProcess("exports", folder)
    data = folder / f"data-{workers}"
    command = [
        sys.executable, "-m", "server.cli", "serve", "--host", "127.0.0.1",
        "--port", str(server.port), "--data", str(data), "--log-level", "warning",
    ]  # fmt: skip
    env = {**os.environ, **ENV, "SPWT_EXPORT_WORKERS": str(workers)}
    server.spawn(command, env, cwd=ROOT)
    try:
        return {"workers": workers, **asyncio.run(measure(server.http, args))}
    finally:
        server.stop()


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="spwt bench exports", description=__doc__,
        formatter_class=argparse.RawTextHelpFormatter,
    )  # fmt: skip
    p.add_argument("--cards", type=int, default=5000)
    p.add_argument("--loops", type=int, default=4, help="download loops, one token each")
    p.add_argument("--rate", type=float, default=20.0, help="moves per second (acks timed)")
    p.add_argument("--seconds", type=float, default=20.0, help="of each measurement")
    p.add_argument(
        "--workers", default="1,0", help="export_workers of each run, comma-separated (0: thread)"
    )
    p.add_argument("--json", type=Path, default=None, metavar="FILE", help="write figures")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="spwt-bench-exports-"))
    rows = []
    for workers in (int(w) for w in args.workers.split(",")):
        print(f"# exports: {args.cards} cards, {args.loops} XLSX loops, workers={workers} ...")
        rows.append(run_one(workers, args, folder))
        print(json.dumps(rows[-1]), flush=True)
    print()
    print("| export_workers | ack p50 / p99 alone (ms) | ack p50 / p99 with downloads (ms) "
          "| XLSX downloads/s |")  # fmt: skip
    print("|---|---|---|---|")
    for r in rows:
        mode = "0 (thread)" if r["workers"] == 0 else f"{r['workers']} (process)"
        print(f"| {mode} | {r['baseline_p50']} / {r['baseline_p99']} | "
              f"{r['loaded_p50']} / {r['loaded_p99']} | {r['downloads_per_s']} |")  # fmt: skip
    if args.json is not None:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
