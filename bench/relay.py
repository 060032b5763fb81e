"""The ceiling: a bare broadcast relay on our stack (uvicorn + Starlette), with no logic.

Every text frame a client sends on ``/ws/{room}`` goes, unchanged, to every client of that
room, the sender included (as our server acks an op by echoing its event). No parsing, no
state, no log, no per-client queue: whatever our server costs above this is the price of
its rules, durability and fairness.

Two ways to fan out (``--mode``): ``await`` sends to each peer in turn, so one peer whose
socket buffer is full holds up the rest of the room (the simplest relay one can write);
``spawn`` starts one send task per peer and never waits for any of them, so no peer
delays another, at the price of a task per frame. ``await`` is the default: the cheapest.

With ``--redis-url`` every frame goes through one Redis pub/sub channel per room, so that
``--workers 2`` relays across processes the way our server does through Redis Streams.

    python -m bench.relay --port 8765 [--redis-url redis://127.0.0.1:6379/0] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

CHANNEL = "spwt-bench-relay:"


def create_app(redis_url: str | None = None, mode: str | None = None) -> Starlette:
    """The relay app; ``redis_url`` (or ``RELAY_REDIS_URL``) makes it span processes."""
    redis_url = redis_url or os.environ.get("RELAY_REDIS_URL") or None
    mode = mode or os.environ.get("RELAY_MODE") or "await"
    rooms: dict[str, set[WebSocket]] = defaultdict(set)
    shared: dict[str, Any] = {}
    sending: set[asyncio.Task[None]] = set()

    async def send(peer: WebSocket, text: str) -> None:
        with contextlib.suppress(Exception):  # a peer that went away: its handler removes it
            await peer.send_text(text)

    async def deliver(room: str, text: str) -> None:
        if mode == "await":
            for peer in list(rooms.get(room, ())):
                await send(peer, text)
            return
        for peer in rooms.get(room, ()):
            task = asyncio.create_task(send(peer, text))
            sending.add(task)
            task.add_done_callback(sending.discard)

    async def subscriber(pubsub: Any) -> None:
        await pubsub.psubscribe(CHANNEL + "*")
        async for message in pubsub.listen():
            if message["type"] == "pmessage":
                room = message["channel"].decode()[len(CHANNEL) :]
                await deliver(room, message["data"].decode())

    async def relay(ws: WebSocket) -> None:
        room = ws.path_params["room"]
        await ws.accept()
        rooms[room].add(ws)
        try:
            while True:
                text = await ws.receive_text()
                if "redis" in shared:
                    await shared["redis"].publish(CHANNEL + room, text)
                else:
                    await deliver(room, text)
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            rooms[room].discard(ws)
            if not rooms[room]:
                del rooms[room]

    async def healthz(request: Request) -> PlainTextResponse:
        return PlainTextResponse("ok")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if redis_url is None:
            yield
            return
        from redis.asyncio import Redis

        client = Redis.from_url(redis_url)
        pubsub = client.pubsub()
        task = asyncio.create_task(subscriber(pubsub))
        shared["redis"] = client
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
            await pubsub.aclose()
            await client.aclose()

    return Starlette(
        routes=[Route("/healthz", healthz), WebSocketRoute("/ws/{room}", relay)],
        lifespan=lifespan,
    )


def main(argv: list[str] | None = None) -> int:
    import uvicorn

    parser = argparse.ArgumentParser(prog="python -m bench.relay", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--redis-url", default=None)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--mode", choices=["await", "spawn"], default="await")
    args = parser.parse_args(argv)
    os.environ["RELAY_MODE"] = args.mode
    if args.redis_url:
        os.environ["RELAY_REDIS_URL"] = args.redis_url
    options: dict[str, Any] = dict(
        host=args.host, port=args.port, log_level="warning", ws_max_size=64 * 1024
    )
    if args.workers > 1:
        uvicorn.run("bench.relay:create_app", factory=True, workers=args.workers, **options)
    else:
        uvicorn.run(create_app(args.redis_url, args.mode), **options)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
