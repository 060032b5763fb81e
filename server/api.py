"""The HTTP API of docs/design.md §3: rooms, scenario records, snapshots, schema, health.

The shared parts are in ``api_base.py``, the planning endpoints in ``api_planning.py``;
the routes of all are listed here.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import api_planning, api_state, metrics
from .api_base import ApiError as ApiError
from .api_base import _authorised, _body, _credential, _hub, _room
from .downloads import Busy, Limited, Load
from .export.formats import SCENARIO, check
from .limits import client_address
from .planning import carry
from .planning.records import RecordError
from .public import public_base
from .rooms.room import Room
from .state.codes import Code
from .state.models import RoomState, TimeZone
from .state.plan_models import YearRange
from .state.record import build_record, record_schema
from .state.text import clean
from .store import StoreError


class NewRoom(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)

    title: Annotated[str, Field(min_length=1)]
    region: str = ""
    horizon: Literal["PWTJP", "PWTJM", "annual"] = "PWTJM"
    language: Literal["id", "en"] = "id"
    timezone: TimeZone = "WIB"
    # Starting from a record (``from``, read apart): the parts to carry, the plan's years,
    # and a dry run that answers what would be carried without creating anything.
    carry: list[str] | None = None
    years: YearRange | None = None
    preview: bool = False


async def create_room(request: Request) -> Response:
    hub = _hub(request)
    settings = hub.settings
    data, size = await _body(request, settings.max_body + settings.max_record, sized=True)
    source = data.pop("from", None) if isinstance(data, dict) else None
    if source is None and size > settings.max_body:  # only a record makes a body this big
        raise ApiError(413, Code.TOO_LONG, f"request body over {settings.max_body} bytes")
    try:
        new = NewRoom.model_validate(data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ApiError(400, Code.INVALID, f"{where}: {first['msg']}") from None
    limit = hub.settings.limits.title
    title, region = clean(new.title).strip(), clean(new.region).strip()
    if not title:
        raise ApiError(400, Code.INVALID, "title is empty")
    if len(title) > limit or len(region) > limit:
        raise ApiError(400, Code.TOO_LONG, f"title and region are at most {limit} characters")
    at, seed = hub.clock.now_ms(), None
    address = client_address(request)
    if source is not None:
        try:
            record, seed = carry.prepare(
                source, new.carry, new.horizon, at, new.years, settings.max_record
            )
        except RecordError as error:
            raise ApiError.of(error) from None
        region = region or clean(record.room.region).strip()[:limit]
        if new.preview:
            if not await hub.limits.may_consolidate(address):
                raise ApiError(429, Code.RATE_LIMITED, "too many previews from this address")
            return JSONResponse(carry.preview(record, seed))
    elif new.preview or new.carry is not None:
        raise ApiError(400, Code.INVALID, "from: carry and preview need a record to start from")
    try:
        allowed = await hub.limits.may_create(address)
    except StoreError:
        raise ApiError(503, Code.UNAVAILABLE, "the store is not reachable; try again") from None
    if not allowed:
        raise ApiError(429, Code.RATE_LIMITED, "too many rooms created from this address")
    code, key = await hub.create_room(
        title, region, new.horizon, new.language, new.timezone, seed=seed, at=at
    )
    base = public_base(request)  # absolute: phones open them, not the facilitator's laptop
    links = {
        "join": f"{base}/r/{code}",
        "console": f"{base}/r/{code}/console#key={key}",
        "screen": f"{base}/r/{code}/screen",
    }
    return JSONResponse({"room": code, "facilitator_key": key, "links": links}, status_code=201)


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


async def _export(request: Request, room: Room, what: str, seq: int, load: Load) -> Response:
    """The record in the asked format, as a download named after the room and the date.

    Rendered off the event loop, once per room, state and query (``server/downloads.py``),
    and at most ``exports_per_minute`` times a minute per key or token.
    """
    fmt = request.query_params.get("format", "json")
    table = request.query_params.get("table")
    sep = request.query_params.get("sep")
    try:  # the one table of formats says what each takes (server/export/formats.py)
        check(SCENARIO, fmt, table, sep)
    except ValueError as error:
        raise ApiError(400, Code.INVALID, str(error)) from None
    exports = _hub(request).exports
    try:
        exports.limit.take(_credential(request))
    except Limited as limited:
        metrics.EXPORTS_REFUSED.labels("limited").inc()
        raise ApiError(
            429, Code.RATE_LIMITED, "too many exports: try again later",
            headers={"Retry-After": str(limited.retry_after)},
        ) from None  # fmt: skip
    query = "&".join(f"{k}={v}" for k, v in sorted(request.query_params.multi_items()))
    try:
        rendered = await exports.get((room.code, what, seq, query), load, fmt, table, sep)
    except Busy as busy:
        metrics.EXPORTS_REFUSED.labels("busy").inc()
        raise ApiError(503, Code.UNAVAILABLE, str(busy), headers={"Retry-After": "2"}) from None
    except ValueError as error:
        raise ApiError(400, Code.INVALID, str(error)) from None
    headers = {"Content-Disposition": f'attachment; filename="{rendered.filename}"'}
    return Response(rendered.body, media_type=rendered.media_type, headers=headers)


async def scenario(request: Request) -> Response:
    room = await _room(request)
    await _authorised(request, room)
    state = room.state  # the state of now: later ops make another seq, another export

    async def load() -> RoomState:
        return state

    return await _export(request, room, "scenario", state.seq, load)


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
        raise ApiError(404, Code.NOT_FOUND, "no such snapshot") from None
    if not 0 < n <= len(room.state.snapshots):
        raise ApiError(404, Code.NOT_FOUND, "no such snapshot")

    async def load() -> dict[str, Any]:
        record = await room.snapshot_record(n)
        if record is None:
            raise ApiError(404, Code.NOT_FOUND, "no such snapshot")
        return record

    seq = room.state.snapshots[n - 1].seq
    return await _export(request, room, f"snapshot {n}", seq, load)


async def minutes(request: Request) -> Response:
    """The berita acara of ``?snapshot=N``; by default of the final snapshot, else of now."""
    room = await _room(request)
    await _authorised(request, room)
    asked = request.query_params.get("snapshot")
    final = [s.n for s in room.state.snapshots if s.final]
    if asked is not None or final:
        try:
            n = int(asked) if asked is not None else final[-1]
        except ValueError:
            raise ApiError(400, Code.INVALID, "snapshot must be a snapshot number") from None
        record = await room.snapshot_record(n)
        if record is None:
            raise ApiError(404, Code.NOT_FOUND, "no such snapshot")
    else:
        record = build_record(room.state).to_json_dict()
    from .export.minutes import render_minutes

    try:
        rendered = render_minutes(record, request.query_params.get("format", "html"))
    except ValueError as error:
        raise ApiError(400, Code.INVALID, str(error)) from None
    headers = {"Content-Disposition": f'attachment; filename="{rendered.filename}"'}
    return Response(rendered.body, media_type=rendered.media_type, headers=headers)


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
    Route("/api/rooms/{room}/state", api_state.room_state),
    Route("/api/rooms/{room}/scenario", scenario),
    Route("/api/rooms/{room}/snapshots", snapshots),
    Route("/api/rooms/{room}/snapshots/{n}", snapshot),
    Route("/api/rooms/{room}/minutes", minutes),
    Route("/api/rooms/{room}/suggestions/clusters", api_planning.cluster_suggestions),
    Route("/api/rooms/{room}/suggestions/codes", api_planning.code_suggestions),
    Route("/api/nomenclature", api_planning.nomenclature_search),
    Route("/api/consolidate", api_planning.consolidate, methods=["POST"]),
    Route("/api/schema/scenario", schema),
    Route("/healthz", healthz),
    Route("/metrics", prometheus),
]
