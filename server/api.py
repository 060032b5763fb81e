"""The HTTP API of docs/design.md §3: rooms, scenario records, snapshots, schema, health."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import metrics
from .downloads import Busy, Limited, Load
from .export import FORMATS, SEPARATORS, TABLES
from .limits import client_address
from .planning import carry, nomenclature
from .planning.records import RecordError
from .public import public_base
from .rooms.hub import Hub
from .rooms.room import Room
from .state.models import RoomState, TimeZone, YearRange
from .state.record import build_record, record_schema
from .state.text import clean
from .store import StoreError


class ApiError(HTTPException):
    """An error answered as ``{"error": {"code", "message"}}``."""

    def __init__(
        self,
        status: int,
        code: str,
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
                    raise ApiError(413, "too_long", f"request body over {limit} bytes")
    except TimeoutError:
        raise ApiError(408, "invalid", "the request body did not arrive in time") from None
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise ApiError(400, "invalid", "body is not JSON") from None
    return (data, len(body)) if sized else data


async def create_room(request: Request) -> Response:
    hub = _hub(request)
    settings = hub.settings
    data, size = await _body(request, settings.max_body + settings.max_record, sized=True)
    source = data.pop("from", None) if isinstance(data, dict) else None
    if source is None and size > settings.max_body:  # only a record makes a body this big
        raise ApiError(413, "too_long", f"request body over {settings.max_body} bytes")
    try:
        new = NewRoom.model_validate(data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ApiError(400, "invalid", f"{where}: {first['msg']}") from None
    limit = hub.settings.limits.title
    title, region = clean(new.title).strip(), clean(new.region).strip()
    if not title:
        raise ApiError(400, "invalid", "title is empty")
    if len(title) > limit or len(region) > limit:
        raise ApiError(400, "too_long", f"title and region are at most {limit} characters")
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
                raise ApiError(429, "rate_limited", "too many previews from this address")
            return JSONResponse(carry.preview(record, seed))
    elif new.preview or new.carry is not None:
        raise ApiError(400, "invalid", "from: carry and preview need a record to start from")
    try:
        allowed = await hub.limits.may_create(address)
    except StoreError:
        raise ApiError(503, "unavailable", "the store is not reachable; try again") from None
    if not allowed:
        raise ApiError(429, "rate_limited", "too many rooms created from this address")
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


class Consolidation(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)

    records: Annotated[list[Any], Field(min_length=1)]
    format: Literal["json", "md", "html", "xlsx"] = "json"
    mapping: dict[str, str | None] | None = None
    title: Annotated[str, Field(max_length=200)] = ""
    language: Literal["id", "en"] | None = None


async def consolidate(request: Request) -> Response:
    """One regional plan from several records (no room needed): ``{records, format,
    mapping?, title?, language?}`` -> the plan as a download. Limited per address, as room
    creation is: matching and rendering cost far more than a room."""
    settings = _hub(request).settings
    data = await _body(request, settings.max_body + settings.max_record)
    try:
        asked = Consolidation.model_validate(data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ApiError(400, "invalid", f"{where}: {first['msg']}", path=where) from None
    if not await _hub(request).limits.may_consolidate(client_address(request)):
        raise ApiError(429, "rate_limited", "too many consolidations from this address")
    from .export.consolidated import render_plan
    from .planning.consolidate import consolidate_documents

    def work() -> Any:
        plan = consolidate_documents(asked.records, asked.mapping, asked.title, settings.max_record)
        return render_plan(plan, asked.format, asked.language)

    try:
        rendered = await asyncio.to_thread(work)
    except RecordError as error:
        raise ApiError.of(error) from None
    headers = {"Content-Disposition": f'attachment; filename="{rendered.filename}"'}
    return Response(rendered.body, media_type=rendered.media_type, headers=headers)


async def _room(request: Request) -> Room:
    hub = _hub(request)
    address = client_address(request)
    wait = hub.limits.refused_for(address)
    if wait:
        raise ApiError(
            429,
            "rate_limited",
            "too many unknown room codes from this address",
            {"Retry-After": str(wait)},
        )
    try:
        room = await hub.room(request.path_params["room"])
    except StoreError:
        raise ApiError(503, "unavailable", "the store is not reachable; try again") from None
    if room is None:
        await hub.limits.missed(address)
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


async def _export(request: Request, room: Room, what: str, seq: int, load: Load) -> Response:
    """The record in the asked format, as a download named after the room and the date.

    Rendered off the event loop, once per room, state and query (``server/downloads.py``),
    and at most ``exports_per_minute`` times a minute per key or token.
    """
    fmt = request.query_params.get("format", "json")
    table = request.query_params.get("table")
    if fmt not in FORMATS:
        raise ApiError(400, "invalid", f"format must be one of {', '.join(FORMATS)}")
    if table is not None and table not in TABLES:
        raise ApiError(400, "invalid", f"table must be one of {', '.join(TABLES)}")
    sep = request.query_params.get("sep")
    if sep is not None and sep not in SEPARATORS:
        raise ApiError(400, "invalid", f"sep must be one of {' '.join(SEPARATORS)}")
    exports = _hub(request).exports
    try:
        exports.limit.take(_credential(request))
    except Limited as limited:
        metrics.EXPORTS_REFUSED.labels("limited").inc()
        raise ApiError(
            429, "rate_limited", "too many exports: try again later",
            headers={"Retry-After": str(limited.retry_after)},
        ) from None  # fmt: skip
    query = "&".join(f"{k}={v}" for k, v in sorted(request.query_params.multi_items()))
    try:
        rendered = await exports.get((room.code, what, seq, query), load, fmt, table, sep)
    except Busy as busy:
        metrics.EXPORTS_REFUSED.labels("busy").inc()
        raise ApiError(503, "unavailable", str(busy), headers={"Retry-After": "2"}) from None
    except ValueError as error:
        raise ApiError(400, "invalid", str(error)) from None
    headers = {"Content-Disposition": f'attachment; filename="{rendered.filename}"'}
    return Response(rendered.body, media_type=rendered.media_type, headers=headers)


def _credential(request: Request) -> str:
    return request.headers.get("authorization", "").partition(" ")[2].strip()


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
        raise ApiError(404, "not_found", "no such snapshot") from None
    if not 0 < n <= len(room.state.snapshots):
        raise ApiError(404, "not_found", "no such snapshot")

    async def load() -> dict[str, Any]:
        record = await room.snapshot_record(n)
        if record is None:
            raise ApiError(404, "not_found", "no such snapshot")
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
            raise ApiError(400, "invalid", "snapshot must be a snapshot number") from None
        record = await room.snapshot_record(n)
        if record is None:
            raise ApiError(404, "not_found", "no such snapshot")
    else:
        record = build_record(room.state).to_json_dict()
    from .export.minutes import render_minutes

    try:
        rendered = render_minutes(record, request.query_params.get("format", "html"))
    except ValueError as error:
        raise ApiError(400, "invalid", str(error)) from None
    headers = {"Content-Disposition": f'attachment; filename="{rendered.filename}"'}
    return Response(rendered.body, media_type=rendered.media_type, headers=headers)


async def cluster_suggestions(request: Request) -> Response:
    """Suggested groups and duplicates over the cards not yet clustered (``?all=1``: all).

    Nothing changes: the console applies a suggestion with ordinary ops. Only ids and texts
    go to the engine, never authors.
    """
    room = await _room(request)
    await _facilitator(request, room)
    every = request.query_params.get("all") in ("1", "true", "yes")
    state = room.state
    # Issue cards only: the vision's cards are not needs to cluster, nor duplicates of them.
    cards = [
        (n.id, n.text)
        for n in state.notes.values()
        if n.phase != "vision" and (every or n.cluster is None)
    ]
    from .suggest import suggest  # the lexicon is read on first use

    result = await asyncio.to_thread(suggest, cards, state.settings.language)
    return JSONResponse(result)


async def code_suggestions(request: Request) -> Response:
    """Likely nomenclature codes for ``?program=pN`` from its title and its cluster's cards.

    Read-only like the cluster suggestions: the console accepts one with program.update.
    """
    room = await _room(request)
    await _facilitator(request, room)
    state = room.state
    found = state.programs.get(request.query_params.get("program", ""))
    if found is None:
        raise ApiError(404, "not_found", "no such program")
    cards = [n.text for n in state.notes.values() if found.cluster and n.cluster == found.cluster]
    from .suggest.codes import suggest_codes  # the lexicon is read on first use

    codes = await asyncio.to_thread(suggest_codes, found.title, cards, state.settings.level)
    return JSONResponse({"program": found.id, "codes": [c.as_json() for c in codes]})


async def nomenclature_search(request: Request) -> Response:
    """The program picker: ``?q=jalan&level=kabupaten`` (at most 20 matches, best first)."""
    query = request.query_params.get("q", "")[:120]
    level = request.query_params.get("level", "kabupaten")
    if level not in nomenclature.LEVELS:
        raise ApiError(400, "invalid", f"level must be one of {', '.join(nomenclature.LEVELS)}")
    found = nomenclature.search(query, level) if query.strip() else []
    return JSONResponse(
        {"source": nomenclature.source(), "programs": [p.as_record() for p in found]},
        headers={"Cache-Control": "public, max-age=3600"},
    )


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
    Route("/api/rooms/{room}/minutes", minutes),
    Route("/api/rooms/{room}/suggestions/clusters", cluster_suggestions),
    Route("/api/rooms/{room}/suggestions/codes", code_suggestions),
    Route("/api/nomenclature", nomenclature_search),
    Route("/api/consolidate", consolidate, methods=["POST"]),
    Route("/api/schema/scenario", schema),
    Route("/healthz", healthz),
    Route("/metrics", prometheus),
]
