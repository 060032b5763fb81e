"""The HTTP API of docs/design.md §3: rooms, scenario records, snapshots, schema, health."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict, deque
from typing import Annotated, Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import metrics
from .export import render
from .rooms.hub import Hub
from .rooms.room import Room
from .state.models import TimeZone
from .state.record import build_record, record_schema
from .store import StoreError

HOUR = 3600.0


class ApiError(HTTPException):
    """An error answered as ``{"error": {"code", "message"}}``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(status, message)
        self.code = code


class NewRoom(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)

    title: Annotated[str, Field(min_length=1)]
    region: str = ""
    horizon: Literal["PWTJP", "PWTJM", "annual"] = "PWTJM"
    language: Literal["id", "en"] = "id"
    timezone: TimeZone = "WIB"


def _hub(request: Request) -> Hub:
    return request.app.state.hub


async def _body(request: Request) -> Any:
    limit = _hub(request).settings.max_body
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise ApiError(413, "too_long", f"request body over {limit} bytes")
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        raise ApiError(400, "invalid", "body is not JSON") from None


class CreationLimit:
    """Rooms created per client address per hour."""

    def __init__(self, per_hour: int) -> None:
        self.per_hour = per_hour
        self.seen: defaultdict[str, deque[float]] = defaultdict(deque)

    def allow(self, address: str) -> bool:
        now = time.monotonic()
        recent = self.seen[address]
        while recent and now - recent[0] > HOUR:
            recent.popleft()
        if len(recent) >= self.per_hour:
            return False
        recent.append(now)
        return True


async def create_room(request: Request) -> Response:
    hub = _hub(request)
    data = await _body(request)
    try:
        new = NewRoom.model_validate(data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ApiError(400, "invalid", f"{where}: {first['msg']}") from None
    limit = hub.settings.limits.title
    title, region = new.title.strip(), new.region.strip()
    if not title:
        raise ApiError(400, "invalid", "title is empty")
    if len(title) > limit or len(region) > limit:
        raise ApiError(400, "too_long", f"title and region are at most {limit} characters")
    address = request.client.host if request.client else "?"
    if not request.app.state.creation_limit.allow(address):
        raise ApiError(429, "rate_limited", "too many rooms created from this address")
    code, key = await hub.create_room(title, region, new.horizon, new.language, new.timezone)
    base = str(request.base_url).rstrip("/")
    links = {
        "join": f"{base}/r/{code}",
        "console": f"{base}/r/{code}/console#key={key}",
        "screen": f"{base}/r/{code}/screen",
    }
    return JSONResponse({"room": code, "facilitator_key": key, "links": links}, status_code=201)


async def _room(request: Request) -> Room:
    try:
        room = await _hub(request).room(request.path_params["room"])
    except StoreError:
        raise ApiError(503, "unavailable", "the store is not reachable; try again") from None
    if room is None:
        raise ApiError(404, "not_found", "no such room")
    return room


async def room_info(request: Request) -> Response:
    room = await _room(request)
    state = room.state
    return JSONResponse(
        {
            "room": room.code,
            "title": state.settings.title,
            "phase": state.phase,
            "seq": state.seq,
            "online": len(room.online()),
        }
    )


async def _authorised(request: Request, room: Room) -> str:
    """The caller's role: exports need the facilitator key or a participant's resume token."""
    scheme, _, credential = request.headers.get("authorization", "").partition(" ")
    credential = credential.strip()
    if scheme.lower() != "bearer" or not credential:
        raise ApiError(401, "unauthorized", "send Authorization: Bearer <key or token>")
    hub = _hub(request)
    if await hub.key_matches(room.code, credential):
        return "facilitator"
    role = room.state.role_of(hub.participant_of(room.code, credential) or "")
    if role is None:
        raise ApiError(401, "unauthorized", "bad key or token")
    return role


async def _facilitator(request: Request, room: Room) -> None:
    """The facilitator's key, or the resume token of a facilitator of the room."""
    if await _authorised(request, room) != "facilitator":
        raise ApiError(403, "forbidden", "only the facilitator may ask for suggestions")


def _respond(request: Request, record: dict[str, Any]) -> Response:
    """The record in the asked format, as a download named after the room and the date."""
    try:
        rendered = render(
            record,
            request.query_params.get("format", "json"),
            table=request.query_params.get("table"),
        )
    except ValueError as error:
        raise ApiError(400, "invalid", str(error)) from None
    headers = {"Content-Disposition": f'attachment; filename="{rendered.filename}"'}
    return Response(rendered.body, media_type=rendered.media_type, headers=headers)


async def scenario(request: Request) -> Response:
    room = await _room(request)
    await _authorised(request, room)
    return _respond(request, build_record(room.state).to_json_dict())


async def snapshots(request: Request) -> Response:
    room = await _room(request)
    await _authorised(request, room)
    return JSONResponse({"snapshots": [s.model_dump(mode="json") for s in room.state.snapshots]})


async def snapshot(request: Request) -> Response:
    room = await _room(request)
    await _authorised(request, room)
    try:
        n = int(request.path_params["n"])
    except ValueError:
        raise ApiError(404, "not_found", "no such snapshot") from None
    record = await room.snapshot_record(n)
    if record is None:
        raise ApiError(404, "not_found", "no such snapshot")
    return _respond(request, record)


async def cluster_suggestions(request: Request) -> Response:
    """Suggested groups and duplicates over the cards not yet clustered (``?all=1``: all).

    Nothing changes: the console applies a suggestion with ordinary ops. Only ids and texts
    go to the engine, never authors.
    """
    room = await _room(request)
    await _facilitator(request, room)
    every = request.query_params.get("all") in ("1", "true", "yes")
    state = room.state
    cards = [(n.id, n.text) for n in state.notes.values() if every or n.cluster is None]
    from .suggest import suggest  # the lexicon is read on first use

    result = await asyncio.to_thread(suggest, cards, state.settings.language)
    return JSONResponse(result)


async def schema(request: Request) -> Response:
    return JSONResponse(record_schema())


async def healthz(request: Request) -> Response:
    if not _hub(request).ready:
        return JSONResponse({"status": "starting"}, status_code=503)
    return JSONResponse({"status": "ok"})


async def prometheus(request: Request) -> Response:
    return Response(metrics.exposition(), media_type="text/plain; version=0.0.4")


routes = [
    Route("/api/rooms", create_room, methods=["POST"]),
    Route("/api/rooms/{room}", room_info),
    Route("/api/rooms/{room}/scenario", scenario),
    Route("/api/rooms/{room}/snapshots", snapshots),
    Route("/api/rooms/{room}/snapshots/{n}", snapshot),
    Route("/api/rooms/{room}/suggestions/clusters", cluster_suggestions),
    Route("/api/schema/scenario", schema),
    Route("/healthz", healthz),
    Route("/metrics", prometheus),
]
