"""Compressed HTTP responses, and static files that browsers revalidate instead of refetching.

The board page and its modules are about 100 KB, some 31 KB compressed: on a phone on a
crowded hotspot that is the difference between a first paint in one second or in three.
starlette-compress answers in zstd, brotli or gzip, whichever the browser asks for (every
current browser asks for brotli at least); bodies under 500 bytes and content that is
already compressed (XLSX, DOCX, images) go as they are.
"""

from __future__ import annotations

from collections.abc import Awaitable

from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette_compress import CompressMiddleware


class Compression:
    """Compress HTTP responses; WebSockets go past (compressed per message by uvicorn)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.compress = CompressMiddleware(app, minimum_size=500)

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        # Not a coroutine itself: an idle WebSocket keeps no frame of ours (server/security.py).
        if scope["type"] != "http":
            return self.app(scope, receive, send)
        return self.compress(scope, receive, send)


class RevalidatedFiles(StaticFiles):
    """Static files with validators (ETag, Last-Modified) that the browser must check.

    There is no build step and so no file names that change with their content: a file may
    not be taken from the cache unchecked (``no-cache``), and an unchanged one costs a 304.
    """

    def file_response(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        response = super().file_response(*args, **kwargs)
        response.headers.setdefault("Cache-Control", "no-cache")
        return response
