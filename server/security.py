"""Security headers on every HTTP response (pages may set a stricter policy of their own),
and the guard on requests that change something."""

from __future__ import annotations

from collections.abc import Awaitable

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .origins import origin_allowed
from .settings import Settings
from .state.codes import Code

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        # Not a coroutine itself: a WebSocket gets the app's own coroutine, and so keeps no
        # frame of ours for its whole life (a few hundred bytes on every idle socket).
        if scope["type"] != "http":
            return self.app(scope, receive, send)
        return self._http(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class RequestGuard:
    """State-changing requests: a JSON body, and a page of an accepted origin if a page.

    A cross-site form or ``fetch`` without preflight may send ``text/plain`` or form data,
    never ``application/json``; asking for JSON refuses what a hostile page could send
    unasked, and the origin check (server/origins.py) refuses what it could send when asked.
    """

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            return self.app(scope, receive, send)
        headers = Headers(scope=scope)
        media_type = headers.get("content-type", "").partition(";")[0].strip().lower()
        if media_type != "application/json":
            refusal = _refusal(415, Code.INVALID, "send the body as application/json")
        elif not origin_allowed(headers.get("origin"), headers.get("host"), self.settings):
            refusal = _refusal(403, Code.FORBIDDEN, "requests from this origin are not accepted")
        else:
            return self.app(scope, receive, send)
        return refusal(scope, receive, send)


def _refusal(status: int, code: Code, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)
