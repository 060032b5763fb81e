"""The ``spwt`` command: serve the board, export a record, run the benchmarks."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import sys
from pathlib import Path
from typing import Any

from .settings import Settings


def tune_gc() -> None:
    """Keep CPython's full collections from stalling every room while people join.

    Each socket brings about 130 objects the collector tracks, and a full collection runs
    whenever the old ones have grown by a quarter: while 3,000 sockets join, it runs again
    and again, and each pass over the whole heap stops the server for 100-300 ms (measured
    under ``spwt bench fleet``). What startup made is frozen out of every pass, and the
    youngest generation holds 10,000 objects rather than 700, so a join storm ends before
    a full pass is due. Cycles are still collected, only in fewer, shorter pauses.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


def worker_app() -> Any:
    """The app of one of several ``--workers`` processes (uvicorn imports it in each)."""
    from .app import create_app

    app = create_app()
    tune_gc()
    return app


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    class DrainingServer(uvicorn.Server):
        """On SIGTERM, clients first hear 1001 (going away) from us, then uvicorn stops."""

        hub: Any = None

        async def shutdown(self, sockets: Any = None) -> None:
            with contextlib.suppress(TimeoutError):
                await self.hub.send_away()
            await super().shutdown(sockets)

    redis_url = args.redis_url or os.environ.get("REDIS_URL") or None
    if args.workers > 1 and not redis_url:
        print(
            "spwt serve: --workers > 1 needs Redis (--redis-url or REDIS_URL): the embedded "
            "store serves from one process.",
            file=sys.stderr,
        )
        return 2
    os.environ["SPWT_DATA"] = args.data
    if redis_url:
        os.environ["REDIS_URL"] = redis_url
    settings = Settings.from_env()
    options = dict(
        host=args.host,
        port=args.port,
        ws_max_size=settings.max_frame,
        log_level=args.log_level,
        timeout_graceful_shutdown=5,
        proxy_headers=True,
    )
    if args.workers > 1:
        uvicorn.run("server.cli:worker_app", factory=True, workers=args.workers, **options)
        return 0
    from .app import create_app

    app = create_app(settings)
    server = DrainingServer(uvicorn.Config(app, **options))
    server.hub = app.state.hub
    tune_gc()
    server.run()
    return 0


async def _export(args: argparse.Namespace) -> int:
    from .rooms.loader import load_core, snapshot_record
    from .state.record import build_record
    from .store import make_store

    settings = Settings.from_env(data=args.data, redis_url=args.redis_url)
    store = make_store(settings.data, settings.redis_url, settings.sqlite_synchronous)
    await store.open()
    try:  # the room's state read from the store: no live room, nothing to drain
        core = await load_core(args.room.strip().upper(), store, settings)
        if core is None:
            print(f"spwt export: no room {args.room}", file=sys.stderr)
            return 1
        if args.snapshot is None:
            record = build_record(core.state).to_json_dict()
        else:
            record = await snapshot_record(store, core.state, args.snapshot)
            if record is None:
                print(f"spwt export: no snapshot {args.snapshot}", file=sys.stderr)
                return 1
    finally:
        await store.close()
    from .export import render

    body = render(record, args.format, table=args.table).body
    if args.output in (None, "-"):
        sys.stdout.buffer.write(body)
    else:
        Path(args.output).write_bytes(body)
    return 0


def _bench(argv: list[str]) -> int:
    try:
        from bench.cli import main as bench_main
    except ImportError:
        print("spwt bench: the bench package is not installed here", file=sys.stderr)
        return 2
    return bench_main(argv)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="spwt", description="S-PWT Board")
    commands = top.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the board")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve.add_argument("--data", default=os.environ.get("SPWT_DATA", "./spwt-data"))
    serve.add_argument("--redis-url", default=None)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--log-level", default="info")

    export = commands.add_parser("export", help="write a scenario record without a server")
    export.add_argument("room")
    export.add_argument("--format", default="md", choices=["json", "md", "html", "csv", "xlsx"])
    export.add_argument("--table", default=None, choices=["programs", "matrix"])
    export.add_argument("--snapshot", type=int, default=None)
    export.add_argument("--data", default=os.environ.get("SPWT_DATA", "./spwt-data"))
    export.add_argument("--redis-url", default=None)
    export.add_argument("-o", "--output", default=None, help="file to write (default stdout)")

    commands.add_parser("bench", help="run the benchmark scenarios", add_help=False)
    return top


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bench"]:
        return _bench(argv[1:])
    args = parser().parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    return asyncio.run(_export(args))


if __name__ == "__main__":
    sys.exit(main())
