"""The Starlette application: HTTP API, the WebSocket route, pages, and the store's lifespan."""

from __future__ import annotations

import contextlib
import logging
import sysconfig
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket

from . import api
from .api import ApiError
from .clock import SYSTEM, Clock
from .compression import Compression
from .rooms import session
from .rooms.hub import Hub
from .security import RequestGuard, SecurityHeaders
from .settings import Settings
from .state.codes import Code
from .store import make_store

log = logging.getLogger("spwt")


def web_folder() -> Path:
    """The pages' files: web/ beside the package in a checkout (or an editable install),
    else where a wheel's data files put them (pyproject.toml), for the environment or the user.
    """
    beside = Path(__file__).resolve().parent.parent / "web"
    installed = [
        Path(sysconfig.get_path("data", scheme)) / "share" / "spwt-board" / "web"
        for scheme in (sysconfig.get_default_scheme(), sysconfig.get_preferred_scheme("user"))
    ]
    return next((folder for folder in (beside, *installed) if folder.is_dir()), beside)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = (
        exc.code
        if isinstance(exc, ApiError)
        else {404: Code.NOT_FOUND, 405: Code.INVALID}.get(exc.status_code, Code.ERROR)
    )
    error = {"code": code, "message": exc.detail}
    if getattr(exc, "path", None) is not None:
        error["path"] = exc.path  # type: ignore[attr-defined]
    return JSONResponse(
        {"error": error},
        status_code=exc.status_code,
        headers=exc.headers,
    )


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s", request.url.path, exc_info=exc)
    return JSONResponse(
        {"error": {"code": Code.INTERNAL, "message": "internal server error"}}, status_code=500
    )


def _page_routes() -> list[BaseRoute]:
    try:
        from .pages import page_routes
    except ImportError:
        return []
    return page_routes(web_folder())


class Board(Starlette):
    """Starlette, with ``/ws/{room}`` taken straight to the socket's session: the
    middleware and the router are for HTTP, and each keeps a coroutine frame of its own for
    a socket's whole life (3 KB on every idle connection)."""

    def __init__(self, socket: Callable[[WebSocket, str], Awaitable[None]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.socket = socket

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            prefix, _, room = scope["path"].partition("/ws/")
            if not prefix and room and "/" not in room:
                return await self.socket(WebSocket(scope, receive, send), room)
        await super().__call__(scope, receive, send)


def create_app(settings: Settings | None = None, clock: Clock = SYSTEM) -> Starlette:
    """The app for ``settings`` (by default from the environment)."""
    settings = settings or Settings.from_env()
    store = make_store(settings.data, settings.redis_url, settings.sqlite_synchronous, clock)
    hub = Hub(store, settings, clock)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await hub.start()
        try:
            yield
        finally:
            await hub.stop()

    app = Board(
        lambda ws, room: session.serve(ws, hub, room),
        routes=[*api.routes, *_page_routes()],
        lifespan=lifespan,
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(RequestGuard, settings=settings),
            Middleware(Compression),
        ],
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
    )
    app.state.hub = hub
    app.state.settings = settings
    return app
