"""Join time and wire bytes on a slow link, with Chromium's own handshake (issue 22, items 1 and 2).

Starts ``spwt serve``, fills a room of ``--cards`` cards (the vocabulary of
``bench/wire.py``), and opens the board in Debian's Chromium (Playwright) through a
counting TCP proxy, with the link emulated by CDP's ``Network.emulateNetworkConditions``
(``--latency`` ms added to every request's answer, ``--kbit`` down and up). Each path is
measured in the same run, one after the other: ``socket`` (the board's state in the
socket's welcome: the page with ``?state=socket``) and ``http`` (the state over HTTP,
brotli, then the socket from its seq).

Per path, in a fresh browser context:

- **first join**: the link opened (the page's files over the emulated link, not yet
  cached), the join form filled and sent: from the click until the board is **usable**
  (every card drawn and the add-card box enabled), and the wire bytes of that stretch;
- **return**: the same phone opens the link again (its token saved, the page's files
  cached and revalidated): from ``goto`` until usable, and its bytes;
- **reconnect**: the phone offline (CDP) for ``--away`` s while the facilitator makes
  moves at 3 a second, then online: from back online until the page's seq (``data-seq``)
  is the server's, and its bytes.

    spwt bench join --cards 1000
    spwt bench join --cards 5000 --away 30 --kbit 400 --latency 400

Benchmarks print figures; they are not tests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import threading
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from .bigroom import _create
from .exports import Member
from .pairs import start_ours
from .phone_board import ARGS, CHROMIUM, PHONE
from .process import ServedProcess
from .wire import Counter, fill_varied

T = TypeVar("T")


class Background:
    """An asyncio loop in a thread: the counting proxy and the facilitator's client."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, work: Coroutine[Any, Any, T], timeout: float = 600) -> T:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


def _usable(page: Any, cards: int, timeout: float = 120_000) -> None:
    """Every card drawn and the add-card box enabled."""
    page.wait_for_function(
        "n => document.querySelectorAll('.card').length >= n"
        " && !!document.querySelector('#note-text:enabled')",
        arg=cards, timeout=timeout, polling="raf",
    )  # fmt: skip


def _settled(counter: Counter, quiet: float = 0.5) -> int:
    last = -1
    while last != counter.down:
        last = counter.down
        time.sleep(quiet)
    return counter.down


def _throttle(cdp: Any, args: argparse.Namespace, offline: bool = False) -> None:
    rate = args.kbit * 1000 / 8  # bytes per second, as CDP counts
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": offline, "latency": args.latency, "downloadThroughput": rate,
         "uploadThroughput": rate},
    )  # fmt: skip


def _seq(page: Any) -> int:
    return int(page.evaluate("Number(document.body.dataset.seq || -1)"))


def one_path(
    browser: Any, bg: Background, counter: Counter, proxy: str, room: str, f: Member,
    note: str, cards: int, path: str, args: argparse.Namespace,
) -> dict[str, Any]:  # fmt: skip
    link = f"{proxy}/r/{room}" + ("?state=socket" if path == "socket" else "")
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    _throttle(cdp, args)
    started = time.monotonic()
    page.goto(link)
    page.wait_for_selector("#join-name")
    form = time.monotonic() - started
    page.fill("#join-name", "Telepon")
    _settled(counter)
    counter.reset()
    started = time.monotonic()
    page.click("#join button[type=submit]")
    _usable(page, cards)
    first = time.monotonic() - started
    first_bytes = _settled(counter)

    page.close()  # the same phone opens the link again: token saved, files cached
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    _throttle(cdp, args)
    _settled(counter)
    counter.reset()
    started = time.monotonic()
    page.goto(link)
    _usable(page, cards)
    back = time.monotonic() - started
    back_bytes = _settled(counter)

    _throttle(cdp, args, offline=True)
    page.wait_for_function("() => !navigator.onLine")
    moves = max(1, int(args.away * 3))

    async def away() -> int:
        last = 0
        for i in range(moves):
            last = (await f.do(f"{path}-away-{i}", kind="note.move", note=note, x=i, y=i))["seq"]
            await asyncio.sleep(1 / 3)
        return int(last)

    target = bg.run(away())
    _settled(counter)
    counter.reset()
    started = time.monotonic()
    _throttle(cdp, args)
    page.wait_for_function("s => Number(document.body.dataset.seq) >= s", arg=target,
                           timeout=120_000, polling="raf")  # fmt: skip
    current = time.monotonic() - started
    current_bytes = _settled(counter)
    context.close()
    return {
        "cards": cards, "path": path, "form_s": round(form, 2),
        "first_join_s": round(first, 2), "first_join_bytes": first_bytes,
        "return_s": round(back, 2), "return_bytes": back_bytes,
        "reconnect_s": round(current, 2), "reconnect_bytes": current_bytes, "missed": moves,
        "load": round(os.getloadavg()[0], 2),
    }  # fmt: skip


def measure(server: ServedProcess, args: argparse.Namespace) -> list[dict[str, Any]]:
    from playwright.sync_api import sync_playwright

    bg = Background()
    counter = Counter(server.port)
    port = bg.run(counter.start())
    proxy = f"http://127.0.0.1:{port}"
    rows: list[dict[str, Any]] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for cards in (int(c) for c in args.cards.split(",") if c):
                room, key = _create(server.http, f"Bench join {cards}")
                f = bg.run(fill_varied(server.http, room, key, cards))
                note = bg.run(f.do("mover", kind="note.add", text="kartu penggerak"))
                for _ in range(args.repeat):
                    for path in args.paths.split(","):
                        row = one_path(browser, bg, counter, proxy, room, f,
                                       note["op"]["note"], cards + 1, path, args)  # fmt: skip
                        rows.append(row)
                        print(json.dumps(row), flush=True)
                bg.run(f.close())
            browser.close()
    finally:
        bg.run(counter.close())
        bg.stop()
    return rows


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="spwt bench join", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    p.add_argument("--cards", default="1000", help="room sizes, comma-separated")
    p.add_argument("--paths", default="socket,http", help="socket, http or both")
    p.add_argument("--kbit", type=float, default=400, help="emulated link, kbit/s each way")
    p.add_argument("--latency", type=float, default=400, help="ms CDP adds to each answer")
    p.add_argument("--away", type=float, default=30, help="s offline before the reconnect")
    p.add_argument("--repeat", type=int, default=1, help="runs of each path")
    p.add_argument("--ws-deflate", default=None, help="the server's SPWT_WS_DEFLATE")
    p.add_argument("--json", type=Path, default=None, metavar="FILE", help="write figures")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    server = start_ours("join", ws_deflate=args.ws_deflate)
    try:
        rows = measure(server, args)
    finally:
        server.stop()
    print(f"\nlink: {args.kbit:g} kbit/s, {args.latency:g} ms; away {args.away:g} s; "
          f"server deflate: {args.ws_deflate or 'default'}")  # fmt: skip
    print("| cards | path | first join: s, bytes | return: s, bytes | reconnect: s, bytes "
          "| load |\n|---|---|---|---|---|---|")  # fmt: skip
    for r in rows:
        print(f"| {r['cards'] - 1} | {r['path']} | {r['first_join_s']}, {r['first_join_bytes']:,}"
              f" | {r['return_s']}, {r['return_bytes']:,} | {r['reconnect_s']}, "
              f"{r['reconnect_bytes']:,} ({r['missed']} missed) | {r['load']} |")  # fmt: skip
    if args.json is not None:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
