"""The ``spwt`` command: serve the board, export or verify a record, consolidate records,
run the benchmarks."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import io
import os
import sys
from pathlib import Path
from typing import Any

from .public import lan_address
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


def banner(url: str, lan: bool) -> str:
    """What ``spwt serve`` prints at start: the address to open, and its QR code."""
    import segno

    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True)
    where = "phones on this network or this laptop's hotspot open" if lan else "links point to"
    return f"\n  S-PWT Board, {where}:\n\n    {url}\n\n{out.getvalue()}"


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
    # Through the environment, so that every --workers process reads the same.
    os.environ["SPWT_TRUSTED_PROXIES"] = args.forwarded_allow_ips
    host, public_url = args.host, args.public_url
    if args.lan:
        host = "0.0.0.0"
        if not public_url:
            address = lan_address()
            if address is None:
                print("spwt serve --lan: this machine has no network address", file=sys.stderr)
                return 2
            public_url = f"http://{address}:{args.port}"
    if public_url:
        os.environ["SPWT_PUBLIC_URL"] = public_url.rstrip("/")
    settings = Settings.from_env()
    proxies = list(settings.trusted_proxies)
    options = dict(
        host=host,
        port=args.port,
        http="server.transport:GuardedHttp",
        ws="server.transport:AbortingWebSocket",
        ws_max_size=settings.max_frame,
        log_level=args.log_level,
        timeout_graceful_shutdown=5,
        # X-Forwarded-For and -Proto only from the proxies named: anyone else could give
        # every request a new address and so walk around the limits per address.
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or "",
    )
    if public_url:
        print(banner(public_url.rstrip("/"), lan=args.lan), flush=True)
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

    body = render(record, args.format, table=args.table, sep=args.sep).body
    if args.output in (None, "-"):
        sys.stdout.buffer.write(body)
    else:
        Path(args.output).write_bytes(body)
    return 0


def _consolidate(args: argparse.Namespace) -> int:
    """``spwt consolidate A.json B.json … -o plan.xlsx``: the format from ``--format`` or the
    output's extension; ``--mapping FILE`` a JSON object as ``POST /api/consolidate`` takes."""
    import orjson

    from .export.consolidated import FORMATS, render_plan
    from .planning.consolidate import consolidate
    from .planning.records import RecordError, load_record

    fmt = args.format or Path(args.output or "plan.json").suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        print(f"spwt consolidate: format must be one of {', '.join(FORMATS)}", file=sys.stderr)
        return 2
    limit = Settings.from_env().max_record
    records = []
    for name in args.files:
        try:
            records.append(load_record(Path(name).read_bytes(), limit))
        except OSError as error:
            print(f"spwt consolidate: {name}: {error.strerror}", file=sys.stderr)
            return 1
        except RecordError as error:
            print(f"spwt consolidate: {name}: {error}", file=sys.stderr)
            return 1
    mapping = None
    if args.mapping:
        try:
            mapping = orjson.loads(Path(args.mapping).read_bytes())
        except (OSError, orjson.JSONDecodeError) as error:
            print(f"spwt consolidate: {args.mapping}: {error}", file=sys.stderr)
            return 1
        if not isinstance(mapping, dict):
            print(f"spwt consolidate: {args.mapping}: not a JSON object", file=sys.stderr)
            return 1
    try:
        plan = consolidate(records, mapping, args.title or "")
    except RecordError as error:
        print(f"spwt consolidate: {error}", file=sys.stderr)
        return 1
    body = render_plan(plan, fmt, args.language).body
    if args.output in (None, "-"):
        sys.stdout.buffer.write(body)
    else:
        Path(args.output).write_bytes(body)
    return 0


# What ``spwt verify`` says: Bahasa Indonesia first, English second.
VERIFY_MESSAGES = {
    "matches": "cocok / matches",
    "not_a_record": "bukan rekaman skenario / not a scenario record",
    "missing": "tidak ada sidik jari (fingerprint) dalam berkas / no fingerprint in the file",
    "malformed": "sidik jari bukan SHA-256 / the fingerprint is not a SHA-256 hex digest",
    "changed": "isi berkas telah diubah / the content was changed since it was signed",
    "unreadable": "berkas tidak dapat dibaca sebagai JSON / the file is not readable JSON",
}


def _verify(args: argparse.Namespace) -> int:
    """Recompute a record's fingerprint: 0 when the file is the record that was signed."""
    import json

    from .state.canonical import check

    try:
        record = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        print(f"{args.file}: {VERIFY_MESSAGES['unreadable']} ({error})", file=sys.stderr)
        return 1
    problem = check(record)
    if problem is None:
        print(f"{args.file}: {VERIFY_MESSAGES['matches']} {record['fingerprint']}")
        return 0
    code, detail = problem
    print(f"{args.file}: {VERIFY_MESSAGES[code]}", file=sys.stderr)
    if code == "changed":
        print(f"  dicatat / recorded:  {record['fingerprint']}", file=sys.stderr)
        print(f"  dihitung / computed: {detail}", file=sys.stderr)
    elif detail:
        print(f"  {detail}", file=sys.stderr)
    return 1


def _bench(argv: list[str]) -> int:
    try:
        from bench.cli import main as bench_main
    except ImportError:
        print("spwt bench: the bench package is not installed here", file=sys.stderr)
        return 2
    return bench_main(argv)


def parser() -> argparse.ArgumentParser:
    from .export import formats  # the choices of ``export`` are the one table of formats

    top = argparse.ArgumentParser(prog="spwt", description="S-PWT Board")
    commands = top.add_subparsers(dest="command", required=True)

    serve = commands.add_parser(
        "serve",
        help="serve the board",
        description="Serve the board: its pages, the API and the rooms' WebSockets. Settings "
        "beyond these options come from SPWT_* variables (docs/deploy.md).",
    )
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    serve.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("PORT", "8000")),
        help="port to listen on (default: $PORT or 8000)",
    )
    serve.add_argument(
        "--data",
        default=os.environ.get("SPWT_DATA", "./spwt-data"),
        help="folder of the embedded SQLite store (default: $SPWT_DATA or ./spwt-data)",
    )
    serve.add_argument(
        "--redis-url",
        default=None,
        help="keep the rooms in Redis instead (default: $REDIS_URL); needed for --workers",
    )
    serve.add_argument(
        "--workers", type=int, default=1, help="processes to serve from (more than 1 needs Redis)"
    )
    serve.add_argument(
        "--lan",
        action="store_true",
        help="listen on every interface and print the address (and a QR code) that phones on "
        "the same network or this laptop's hotspot can open; links and QR codes use it",
    )
    serve.add_argument(
        "--public-url",
        default=os.environ.get("SPWT_PUBLIC_URL") or None,
        metavar="URL",
        help="the address people open, for every link and QR code, e.g. behind a proxy or a "
        "domain: https://papan.example (default: $SPWT_PUBLIC_URL)",
    )
    serve.add_argument(
        "--forwarded-allow-ips",
        default=os.environ.get("SPWT_TRUSTED_PROXIES", ""),
        metavar="IPS",
        help="comma-separated addresses of reverse proxies whose X-Forwarded-For and "
        "X-Forwarded-Proto are believed (default: $SPWT_TRUSTED_PROXIES, or none)",
    )
    serve.add_argument(
        "--log-level",
        default="info",
        choices=["critical", "error", "warning", "info", "debug", "trace"],
        help="uvicorn's log level (default: %(default)s)",
    )

    export = commands.add_parser("export", help="write a scenario record without a server")
    export.add_argument("room")
    export.add_argument("--format", default="md", choices=list(formats.SCENARIO))
    export.add_argument("--table", default=None, choices=list(formats.TABLES))
    export.add_argument(
        "--sep",
        default=None,
        choices=list(formats.SEPARATORS),
        help="CSV separator (default: by language)",
    )
    export.add_argument("--snapshot", type=int, default=None)
    export.add_argument("--data", default=os.environ.get("SPWT_DATA", "./spwt-data"))
    export.add_argument("--redis-url", default=None)
    export.add_argument("-o", "--output", default=None, help="file to write (default stdout)")

    merge = commands.add_parser("consolidate", help="one regional plan from several records")
    merge.add_argument("files", nargs="+", metavar="FILE", help="scenario records (JSON)")
    merge.add_argument("-o", "--output", default=None, help="plan.xlsx|html|md|json (- stdout)")
    merge.add_argument("--format", default=None, choices=["json", "md", "html", "xlsx"])
    merge.add_argument("--mapping", default=None, help='JSON {"ROOM/p12": "group" or null}')
    merge.add_argument("--title", default=None)
    merge.add_argument("--language", default=None, choices=["id", "en"])
    verify = commands.add_parser(
        "verify", help="check that a JSON record is the one its fingerprint names"
    )
    verify.add_argument("file", help="a scenario record (.json)")

    commands.add_parser("bench", help="run the benchmark scenarios", add_help=False)
    return top


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bench"]:
        return _bench(argv[1:])
    args = parser().parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    if args.command == "consolidate":
        return _consolidate(args)
    if args.command == "verify":
        return _verify(args)
    return asyncio.run(_export(args))


if __name__ == "__main__":
    sys.exit(main())
