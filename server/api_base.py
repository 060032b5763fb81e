"""What every HTTP endpoint shares: the error answered as JSON, the hub, the JSON body read
with its limits, the room of the path and the caller's credential."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from starlette.exceptions import HTTPException
from starlette.requests import Request

from .limits import client_address
from .planning.records import RecordError
from .rooms.hub import Hub
from .rooms.room import Room
from .state.codes import Code
from .store import StoreError


class ApiError(HTTPException):
    """An error answered as ``{"error": {"code", "message"}}``."""

    def __init__(
        self,
        status: int,
        code: Code,
        message: str,
        headers: dict[str, str] | None = None,
        path: str | None = None,
    ) -> None:
        super().__init__(status, message, headers=headers)
        self.code = code
        self.path = path  # the JSON path of the first error in the request, when known

    @classmethod
    def of(cls, error: RecordError) -> ApiError:
        return cls(error.status, error.code, str(error), path=error.path)


def _hub(request: Request) -> Hub:
    return request.app.state.hub


async def _body(request: Request, limit: int | None = None, sized: bool = False) -> Any:
    """The JSON body (with its size in bytes when ``sized``), at most ``limit`` bytes."""
    settings = _hub(request).settings
    limit = limit or settings.max_body
    body = bytearray()
    try:
        # As long as its headers may take (server/transport.py): a body sent a byte at a
        # time would otherwise hold the connection for good.
        async with asyncio.timeout(settings.header_timeout):
            async for chunk in request.stream():
                body += chunk
                if len(body) > limit:
                    raise ApiError(413, Code.TOO_LONG, f"request body over {limit} bytes")
    except TimeoutError:
        raise ApiError(408, Code.INVALID, "the request body did not arrive in time") from None
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise ApiError(400, Code.INVALID, "body is not JSON") from None
    return (data, len(body)) if sized else data


async def _room(request: Request) -> Room:
    hub = _hub(request)
    address = client_address(request)
    wait = hub.limits.refused_for(address)
    if wait:
        raise ApiError(
            429,
            Code.RATE_LIMITED,
            "too many unknown room codes from this address",
            {"Retry-After": str(wait)},
        )
    try:
        room = await hub.room(request.path_params["room"])
    except StoreError:
        raise ApiError(503, Code.UNAVAILABLE, "the store is not reachable; try again") from None
    if room is None:
        await hub.limits.missed(address)
        raise ApiError(404, Code.NOT_FOUND, "no such room")
    return room


async def _authorised(request: Request, room: Room) -> str:
    """The caller's role: exports need the facilitator key or a participant's resume token."""
    credential = _bearer(request)
    hub = _hub(request)
    if await hub.key_matches(room.code, credential):
        return "facilitator"
    role = room.state.role_of(hub.participant_of(room.code, credential) or "")
    if role is None:
        raise ApiError(401, Code.UNAUTHORIZED, "bad key or token")
    return role


async def _facilitator(request: Request, room: Room) -> None:
    """The facilitator's key, or the resume token of a facilitator of the room."""
    if await _authorised(request, room) != "facilitator":
        raise ApiError(403, Code.FORBIDDEN, "only the facilitator may ask for suggestions")


def _credential(request: Request) -> str:
    return request.headers.get("authorization", "").partition(" ")[2].strip()


def _bearer(request: Request) -> str:
    """The key or token of ``Authorization: Bearer …``; 401 without one."""
    scheme = request.headers.get("authorization", "").partition(" ")[0]
    credential = _credential(request)
    if scheme.lower() != "bearer" or not credential:
        raise ApiError(401, Code.UNAUTHORIZED, "send Authorization: Bearer <key or token>")
    return credential
