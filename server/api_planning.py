"""The planning endpoints of the HTTP API: consolidating records into one regional plan,
the suggestions (clusters, nomenclature codes) and the nomenclature picker."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .api_base import ApiError, _body, _facilitator, _hub, _room
from .limits import client_address
from .planning.records import RecordError
from .reference import nomenclature
from .state.codes import Code


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
        raise ApiError(400, Code.INVALID, f"{where}: {first['msg']}", path=where) from None
    if not await _hub(request).limits.may_consolidate(client_address(request)):
        raise ApiError(429, Code.RATE_LIMITED, "too many consolidations from this address")
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
        raise ApiError(404, Code.NOT_FOUND, "no such program")
    cards = [n.text for n in state.notes.values() if found.cluster and n.cluster == found.cluster]
    from .suggest.codes import suggest_codes  # the lexicon is read on first use

    codes = await asyncio.to_thread(suggest_codes, found.title, cards, state.settings.level)
    return JSONResponse({"program": found.id, "codes": [c.as_json() for c in codes]})


async def nomenclature_search(request: Request) -> Response:
    """The program picker: ``?q=jalan&level=kabupaten`` (at most 20 matches, best first)."""
    query = request.query_params.get("q", "")[:120]
    level = request.query_params.get("level", "kabupaten")
    if level not in nomenclature.LEVELS:
        raise ApiError(400, Code.INVALID, f"level must be one of {', '.join(nomenclature.LEVELS)}")
    found = nomenclature.search(query, level) if query.strip() else []
    return JSONResponse(
        {"source": nomenclature.source(), "programs": [p.as_record() for p in found]},
        headers={"Cache-Control": "public, max-age=3600"},
    )
