"""Two rooms of one server under the same load, and the ratio of their p99 (``bigroom``,
``groups``): the server they share, and the table they print."""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from .exports import ENV, ROOT, _p
from .process import ServedProcess

Rows = list[dict[str, Any]]


def start_ours(name: str, store: str = "sqlite", ws_deflate: str | None = None) -> ServedProcess:
    """A fresh ``spwt serve`` on a free port and a data folder of its own (``store``: sqlite
    or memory; ``ws_deflate``: its ``SPWT_WS_DEFLATE``, else the default)."""
    folder = Path(tempfile.mkdtemp(prefix=f"spwt-bench-{name}-"))
    server = ServedProcess(name, folder)
    command = [
        sys.executable, "-m", "server.cli", "serve", "--host", "127.0.0.1",
        "--port", str(server.port), "--data", str(folder / "data"), "--log-level", "warning",
    ]  # fmt: skip
    if store == "memory":
        command += ["--redis-url", "memory://"]
    env = {**os.environ, **ENV}
    if ws_deflate:
        env["SPWT_WS_DEFLATE"] = ws_deflate
    server.spawn(command, env, cwd=ROOT)
    return server


def serve(name: str, store: str, measure: Callable[[str], Awaitable[Rows]]) -> Rows:
    """``measure(base_url)`` against a fresh ``spwt serve`` (``store``: sqlite or memory)."""
    server = start_ours(name, store)
    try:
        return asyncio.run(measure(server.http))
    finally:
        server.stop()


def run_row(room: str, latencies: list[float], **fixed: Any) -> dict[str, Any]:
    """One load run's figures (ack latencies in ms), printed as they come."""
    row = {
        "room": room, **fixed, "samples": len(latencies),
        "p50": round(statistics.median(latencies), 1), "p99": round(_p(latencies, 0.99), 1),
        "load": round(os.getloadavg()[0], 2),
    }  # fmt: skip
    print(json.dumps(row), flush=True)
    return row


def report(rows: Rows, rooms: tuple[str, str], columns: dict[str, str], out: Path | None) -> None:
    """The runs of each room as a Markdown table (``columns``: heading -> row key), then the
    second room's p99 over the first's (medians of the runs)."""
    p99 = {name: statistics.median(r["p99"] for r in rows if r["room"] == name) for name in rooms}
    print()
    print(f"| room | {' | '.join(columns)} | ack p50 / p99 (ms), each run | load avg |")
    print("|---|" + "---|" * (len(columns) + 2))
    for name in rooms:
        mine = [r for r in rows if r["room"] == name]
        runs = ", ".join(f"{r['p50']} / {r['p99']}" for r in mine)
        fixed = " | ".join(str(mine[0][key]) for key in columns.values())
        print(f"| {name} | {fixed} | {runs} | {', '.join(str(r['load']) for r in mine)} |")
    second, first = rooms[1], rooms[0]
    print(f"\n{second} / {first} p99 (medians): {p99[second] / p99[first]:.2f}x")
    if out is not None:
        out.write_text(json.dumps(rows, indent=2))
