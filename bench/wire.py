"""Bytes on the wire and memory per connection, as a browser connects.

Starts ``spwt serve`` and fills rooms of ``--cards`` cards (each size a room of its own).
Every measured client connects through a counting TCP proxy, so the figures are the bytes
the phone's network carries (HTTP upgrade, frame headers, compressed payloads), not the
JSON's length. Clients offer per-message deflate as every browser does (the websockets
client's default offer, ``permessage-deflate; client_max_window_bits``); ``--plain``
measures clients that offer nothing as well.

Per room size:

- **join**: a new participant's bytes from the TCP connect until its welcome has arrived
  (the whole board: the welcome carries the state);
- **HTTP join**: the same as the pages make it: the hello with ``"state": false``, then
  the state from ``GET /api/rooms/{room}/state`` (brotli, as Chromium asks), both
  connections' bytes;
- **reconnect**: the same participant away while the facilitator makes ``--missed``
  ordinary moves, then back with its token and ``since``: bytes until it is current;
- **event**: bytes per ordinary event (a card move) at one connected recipient, over
  ``--events`` events.

First, on the fresh server (memory the fills free would be reused and hide the cost):
**memory** per idle connection that negotiated what ``--memory`` offers, from the server's
resident memory before and after ``--idle`` connections joined (and read their welcome)
in a small room, and the server's **CPU per delivery** while ``--fanout`` of them receive
``--events`` moves. ``--ws-deflate`` sets the server's variant (server/deflate.py).

    spwt bench wire --cards 1000,5000
    spwt bench wire --cards '' --ws-deflate nocontext # memory only, another deflate
    python -m bench.wire ...                          # the same without the CLI
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import connect

from server.frames import WARM_QUIET
from server.state.models import COLORS

from .bigroom import _create
from .exports import Member, _fill
from .pairs import start_ours
from .process import ServedProcess
from .procstat import cpu_seconds, rss_bytes

WORDS = [
    "jalan",
    "desa",
    "rusak",
    "air",
    "bersih",
    "sulit",
    "musim",
    "kemarau",
    "sekolah",
    "dasar",
    "guru",
    "kurang",
    "puskesmas",
    "jauh",
    "bidan",
    "posyandu",
    "irigasi",
    "sawah",
    "banjir",
    "jembatan",
    "putus",
    "pasar",
    "sampah",
    "listrik",
    "padam",
    "sinyal",
    "internet",
    "lemah",
    "harga",
    "pupuk",
    "mahal",
    "nelayan",
    "perahu",
    "modal",
    "usaha",
    "kecil",
    "pelatihan",
    "pemuda",
    "stunting",
    "gizi",
    "balita",
    "lampu",
    "penerangan",
    "drainase",
    "tersumbat",
    "longsor",
    "tebing",
    "hutan",
    "mangrove",
    "abrasi",
    "pantai",
    "wisata",
    "homestay",
    "pemandu",
    "kopi",
    "kakao",
    "sapi",
    "pakan",
    "kandang",
]


async def fill_varied(base: str, room: str, key: str, cards: int) -> Member:
    """``cards`` cards of 6 to 14 words drawn from a workshop's vocabulary (seeded): text
    that compresses as people's cards do, not one sentence repeated."""
    rng = random.Random(cards)
    f = await Member.join(base, room, key=key)
    await f.do("phase", kind="phase.set", phase="issues")
    for start in range(0, cards, 200):
        await asyncio.gather(*(
            f.do(f"card-{i}", kind="note.add", color=rng.choice(COLORS),
                 text=" ".join(rng.choices(WORDS, k=rng.randint(6, 14))).capitalize(),
                 x=rng.randint(0, 3000), y=rng.randint(0, 2000))
            for i in range(start, min(cards, start + 200))
        ))  # fmt: skip
    return f


class Counter:
    """A TCP proxy to the server that counts the bytes it passes each way."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.down = 0  # server to client: what a phone receives
        self.up = 0
        self.server: asyncio.Server | None = None

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self.server.sockets[0].getsockname()[1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_r, up_w = await asyncio.open_connection("127.0.0.1", self.port)

        async def pipe(r: asyncio.StreamReader, w: asyncio.StreamWriter, down: bool) -> None:
            try:
                while data := await r.read(65536):
                    if down:
                        self.down += len(data)
                    else:
                        self.up += len(data)
                    w.write(data)
                    await w.drain()
            except (ConnectionError, asyncio.CancelledError):
                pass
            finally:
                w.close()

        await asyncio.gather(pipe(reader, up_w, False), pipe(up_r, writer, True))

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()

    def reset(self) -> None:
        self.down = self.up = 0


async def _open(ws_base: str, room: str, deflate: bool, **hello: Any) -> tuple[Any, dict]:
    ws = await connect(
        f"{ws_base}/ws/{room}", max_size=2**25, close_timeout=1,
        compression="deflate" if deflate else None,
    )  # fmt: skip
    await ws.send(json.dumps({"type": "hello", "name": "Telepon", **hello}))
    while True:
        frame = json.loads(await ws.recv())
        if frame["type"] == "welcome":
            return ws, frame


async def _until_seq(ws: Any, seq: int) -> None:
    while True:
        frame = json.loads(await ws.recv())
        if frame["type"] == "events" and frame["events"][-1]["seq"] >= seq:
            return


async def _settle(counter: Counter, quiet: float = 0.3) -> None:
    """Wait until nothing has passed the proxy for ``quiet`` s (presence frames, acks)."""
    last = -1
    while last != counter.down:
        last = counter.down
        await asyncio.sleep(quiet)


async def room_bytes(
    base: str, counter: Counter, proxy: str, cards: int, deflate: bool, args: argparse.Namespace
) -> dict[str, Any]:
    room, key = _create(base, f"Bench {cards}")
    f = await fill_varied(base, room, key, cards)
    note = (await f.do("mine", kind="note.add", text="kartu penggerak"))["op"]["note"]
    counter.reset()
    http = await http_join(proxy, room, deflate)  # first: no other socket through the proxy
    await _settle(counter)
    http["http_join_bytes"] = counter.down
    counter.reset()
    ws, welcome = await _open(proxy, room, deflate)
    join = counter.down
    token, seq = welcome["token"], welcome["seq"]
    await _settle(counter)
    counter.reset()
    last: dict[str, Any] = {}
    for i in range(args.events):
        last = await f.do(f"ev-{i}", kind="note.move", note=note, x=i, y=i)
    await _until_seq(ws, last["seq"])
    await _settle(counter)
    event = counter.down / args.events
    await ws.close()
    seq = last["seq"]
    for i in range(args.missed):
        last = await f.do(f"away-{i}", kind="note.move", note=note, x=i, y=-i)
    counter.reset()
    ws, welcome = await _open(proxy, room, deflate, token=token, since=seq)
    if "state" in welcome:
        raise RuntimeError("a reconnect with since got the whole state")
    await _until_seq(ws, last["seq"])
    reconnect = counter.down
    await ws.close()
    await f.close()
    return {
        "cards": cards, "deflate": deflate, "join_bytes": join, **http,
        "reconnect_bytes": reconnect, "missed": args.missed, "event_bytes": round(event, 1),
    }  # fmt: skip


async def http_join(proxy: str, room: str, deflate: bool) -> dict[str, Any]:
    """A new phone's join as the pages make it: the socket's hello with ``"state": false``
    (its welcome gives the token), then the state over HTTP, brotli as Chromium asks
    (``Accept-Encoding: gzip, deflate, br, zstd``). Bytes through the proxy, both ways'
    connections; and how long the HTTP answer took (the render and compression, when the
    cache has none)."""
    ws, welcome = await _open(proxy, room, deflate, state=False)
    http_base = proxy.replace("ws://", "http://")
    accept = "gzip, deflate, br, zstd" if deflate else "identity"
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=http_base, timeout=60) as client:
        response = await client.get(
            f"/api/rooms/{room}/state?seq={welcome['seq']}",
            headers={"Authorization": f"Bearer {welcome['token']}", "Accept-Encoding": accept},
        )
        response.raise_for_status()
        if response.json()["seq"] < welcome["seq"]:
            raise RuntimeError("the HTTP state is older than the welcome")
    took = time.perf_counter() - started
    await ws.close()
    return {"http_encoding": response.headers.get("content-encoding", "identity"),
            "http_ms": round(took * 1000)}  # fmt: skip


async def idle_memory(base: str, ws_base: str, pid: int, deflate: bool, n: int) -> dict:
    room, key = _create(base, "Bench idle")
    f = await _fill(base, room, key, 20)
    warm = [await _open(ws_base, room, deflate) for _ in range(20)]  # the room's first costs
    for ws, _ in warm:
        await ws.close()
    await asyncio.sleep(0.5)
    before = rss_bytes(pid) / 1024
    socks = []
    for _ in range(0, n, 50):
        socks += await asyncio.gather(*(_open(ws_base, room, deflate) for _i in range(50)))
    await asyncio.sleep(1.0)
    after = rss_bytes(pid) / 1024
    # With ``warm``, a socket's compressor goes after WARM_QUIET to twice that with nothing
    # sent: what a connection costs once the room has been quiet that long.
    await asyncio.sleep(2 * WARM_QUIET + 1)
    quiet = rss_bytes(pid) / 1024
    return {"deflate": deflate, "connections": n,
            "kb_per_connection": round((after - before) / n, 1),
            "kb_per_quiet_connection": round((quiet - before) / n, 1),
            "room": room, "f": f, "socks": socks}  # fmt: skip


async def delivery_cpu(pid: int, f: Member, socks: list, events: int) -> float:
    """Server CPU µs per delivered event, with ``socks`` connected and reading."""
    note = (await f.do("cpu-note", kind="note.add", text="kartu"))["op"]["note"]
    got = 0

    async def read(ws: Any) -> None:
        nonlocal got
        async for text in ws:
            frame = json.loads(text)
            if frame["type"] == "events":
                got += sum(e["op"].get("kind") == "note.move" for e in frame["events"])

    readers = [asyncio.create_task(read(ws)) for ws, _ in socks]
    await asyncio.sleep(0.5)
    started = cpu_seconds(pid)
    for start in range(0, events, 20):
        await asyncio.gather(*(
            f.do(f"cpu-{i}", kind="note.move", note=note, x=i, y=i)
            for i in range(start, min(events, start + 20))
        ))  # fmt: skip
    deadline = time.monotonic() + 60
    while got < events * len(socks) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    used = cpu_seconds(pid) - started
    for r in readers:
        r.cancel()
    return used / (events * len(socks)) * 1e6


async def measure(server: ServedProcess, args: argparse.Namespace) -> list[dict[str, Any]]:
    counter = Counter(server.port)
    proxy = f"ws://127.0.0.1:{await counter.start()}"
    rows: list[dict[str, Any]] = []
    pid = server.process.pid if server.process else 0
    # Memory first, on a fresh server: memory freed by the rooms' fills would be reused by
    # the connections and hide their cost.
    mem = await idle_memory(server.http, server.ws, pid, args.memory == "deflate", args.idle)
    socks, f = mem.pop("socks"), mem.pop("f")
    mem.pop("room")
    fan = socks[: args.fanout]
    await asyncio.gather(*(ws.close() for ws, _ in socks[args.fanout :]))
    mem["cpu_us_per_delivery"] = round(await delivery_cpu(pid, f, fan, args.events), 1)
    mem["load"] = round(os.getloadavg()[0], 2)
    await asyncio.gather(*(ws.close() for ws, _ in fan))
    await f.close()
    rows.append(mem)
    print(json.dumps(rows[-1]), flush=True)
    offers = [True, False] if args.plain else [True]
    for deflate in offers if args.cards else []:
        for cards in (int(c) for c in args.cards.split(",") if c):
            rows.append(await room_bytes(server.http, counter, proxy, cards, deflate, args))
            print(json.dumps(rows[-1]), flush=True)
    await counter.close()
    return rows


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="spwt bench wire", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    p.add_argument("--cards", default="1000,5000", help="room sizes, comma-separated")
    p.add_argument("--events", type=int, default=200, help="moves for the per-event figure")
    p.add_argument("--missed", type=int, default=90, help="moves while away (30 s at 3/s)")
    p.add_argument("--idle", type=int, default=400, help="idle connections for the memory")
    p.add_argument("--fanout", type=int, default=100, help="recipients for the CPU figure")
    p.add_argument("--plain", action="store_true", help="clients without deflate as well")
    p.add_argument("--memory", choices=["deflate", "plain"], default="deflate",
                   help="what the idle connections of the memory figure offer")  # fmt: skip
    p.add_argument("--ws-deflate", default=None, help="the server's SPWT_WS_DEFLATE")
    p.add_argument("--json", type=Path, default=None, metavar="FILE", help="write figures")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    started = time.time()
    server = start_ours("wire", ws_deflate=args.ws_deflate)
    try:
        rows = asyncio.run(measure(server, args))
    finally:
        server.stop()
    print(f"\nserver deflate: {args.ws_deflate or 'default'}; {time.time() - started:.0f} s")
    print("| cards | client offers deflate | join, socket welcome (bytes) | join, HTTP state "
          f"+ socket (bytes, encoding, ms) | reconnect after {args.missed} moves (bytes) "
          "| one event (bytes) |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for r in rows:
        if "cards" in r:
            print(f"| {r['cards']} | {'yes' if r['deflate'] else 'no'} | {r['join_bytes']:,} | "
                  f"{r['http_join_bytes']:,} ({r['http_encoding']}, {r['http_ms']}) | "
                  f"{r['reconnect_bytes']:,} | {r['event_bytes']} |")  # fmt: skip
    for r in rows:
        if "kb_per_connection" in r:
            print(f"idle memory (client offers {'deflate' if r['deflate'] else 'nothing'}): "
                  f"{r['kb_per_connection']} KB per connection over {r['connections']}, "
                  f"{r['kb_per_quiet_connection']} KB after {2 * WARM_QUIET + 1:.0f} s quiet; "
                  f"CPU {r['cpu_us_per_delivery']} µs per delivery (load {r['load']})")  # fmt: skip
    if args.json is not None:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
