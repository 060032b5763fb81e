"""A big room on a phone: how long the board takes to draw 300 cards, and to show a live one.

Six participants (plain WebSocket clients) write 300 cards; then a phone-sized Chromium
(Debian's, at /usr/bin/chromium, driven by Playwright) opens the board, joins and draws
them all; then another participant writes 30 more at 15 a second while the phone watches.
It measures and prints, and asserts nothing: a figure for docs/benchmarks.md, not a test.

    python -m bench.phone_board [--cards-each 50] [--writers 6]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from websockets.sync.client import connect

from .servers import ServerProcess

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
PHONE = {"width": 390, "height": 844}
TEXT = "Kartu {}: jalan desa rusak dan air bersih kurang di kecamatan {}"


def _writer(ws_url: str, name: str, texts: list[str]) -> None:
    """A participant over a plain WebSocket, writing cards a little under the rate limit."""
    with connect(ws_url) as ws:
        ws.send(json.dumps({"type": "hello", "name": name}))
        ws.recv()
        for i, text in enumerate(texts):
            op = {"kind": "note.add", "text": text}
            ws.send(json.dumps({"type": "op", "id": f"{name}-{i}", "op": op}))
            time.sleep(1 / 15)
        last = f"{name}-{len(texts) - 1}"
        while True:  # until our last card is acknowledged (anywhere in a batch of events)
            frame = json.loads(ws.recv(timeout=20))
            if frame["type"] == "rejected":
                raise RuntimeError(f"a card was refused: {frame}")
            if frame["type"] == "events" and any(e.get("op_id") == last for e in frame["events"]):
                return


def _writers(ws_url: str, names: list[str], cards: int, text: str) -> None:
    threads = [
        threading.Thread(
            target=_writer, args=(ws_url, name, [text.format(i, name) for i in range(cards)])
        )
        for name in names
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def measure(server: ServerProcess, browser: Any, writers: int, cards_each: int) -> dict[str, float]:
    room = server.request("POST", "/api/rooms", {"title": "Musrenbang kabupaten"})
    code, key = room["room"], room["facilitator_key"]
    ws_url = f"{server.ws}/ws/{code}"
    with connect(ws_url) as facilitator:
        facilitator.send(json.dumps({"type": "hello", "name": "F", "key": key}))
        facilitator.recv()
        phase = {"kind": "phase.set", "phase": "issues"}
        facilitator.send(json.dumps({"type": "op", "id": "p", "op": phase}))
        facilitator.recv()
    _writers(ws_url, [f"w{w}" for w in range(writers)], cards_each, TEXT)
    total = writers * cards_each

    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    start = time.monotonic()
    page.goto(f"{server.http}/r/{code}")
    page.fill("#join-name", "Pengukur")
    page.click("#join button[type=submit]")
    page.wait_for_function(f"() => document.querySelectorAll('.card').length >= {total}")
    joined = (time.monotonic() - start) * 1000
    _writers(ws_url, ["live"], 30, "Baru {} {}")
    sent = time.monotonic()
    page.wait_for_function(f"() => document.querySelectorAll('.card').length >= {total + 30}")
    behind = (time.monotonic() - sent) * 1000
    context.close()
    return {"cards": total, "joined_ms": joined, "live_ms": behind}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.phone_board", description=__doc__)
    parser.add_argument("--writers", type=int, default=6)
    parser.add_argument("--cards-each", type=int, default=50)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright  # in the test extra

    with tempfile.TemporaryDirectory() as data, sync_playwright() as p:
        server = ServerProcess("ours", Path(data)).start()
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            figures = measure(server, browser, args.writers, args.cards_each)
        finally:
            browser.close()
            server.stop()
    print(
        f"phone board, {figures['cards']:.0f} cards: join to all cards drawn"
        f" {figures['joined_ms']:.0f} ms; 30 more cards at 15/s: the last one drawn"
        f" {figures['live_ms']:.0f} ms after its ack"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
