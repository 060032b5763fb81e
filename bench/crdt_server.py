"""The peer: pycrdt-websocket (the Yjs room server behind Jupyter's real-time collaboration).

Served by uvicorn through Starlette like our server, one Yjs document per room at
``/ws/{room}``, in memory (no store), so it pays for the CRDT and the Yjs sync protocol but
not for durability. One process only: pycrdt-websocket has no cross-process fan-out.

    python -m bench.crdt_server --port 8766
"""

from __future__ import annotations

import argparse
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect


class _Channel:
    """pycrdt-websocket's ``Channel`` over a Starlette WebSocket (binary frames)."""

    def __init__(self, ws: WebSocket, path: str) -> None:
        self._ws = ws
        self._path = path

    @property
    def path(self) -> str:
        return self._path

    def __aiter__(self) -> _Channel:
        return self

    async def __anext__(self) -> bytes:
        try:
            return await self.recv()
        except (WebSocketDisconnect, RuntimeError):
            raise StopAsyncIteration from None

    async def send(self, message: bytes) -> None:
        with contextlib.suppress(Exception):  # a peer that left: its serve() ends by itself
            await self._ws.send_bytes(message)

    async def recv(self) -> bytes:
        return await self._ws.receive_bytes()


def create_app() -> Starlette:
    from pycrdt.websocket import WebsocketServer

    def handled(exception: Exception, log: logging.Logger) -> bool:
        return True  # a client that vanished mid-send must not stop the server

    server = WebsocketServer(auto_clean_rooms=False, exception_handler=handled)

    async def room(ws: WebSocket) -> None:
        await ws.accept()
        await server.serve(_Channel(ws, ws.path_params["room"]))

    async def healthz(request: Request) -> PlainTextResponse:
        return PlainTextResponse("ok")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with server:
            yield

    return Starlette(
        routes=[Route("/healthz", healthz), WebSocketRoute("/ws/{room}", room)],
        lifespan=lifespan,
    )


def main(argv: list[str] | None = None) -> int:
    import uvicorn

    parser = argparse.ArgumentParser(prog="python -m bench.crdt_server", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args(argv)
    options: dict[str, Any] = dict(
        host=args.host, port=args.port, log_level="warning", ws_max_size=64 * 1024
    )
    uvicorn.run(create_app(), **options)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
