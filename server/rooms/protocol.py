"""Frames of wire protocol v1 that the transport speaks, and its close codes."""

from __future__ import annotations

from enum import IntEnum
from typing import Annotated, Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..state.models import Category, Gender


class CloseCode(IntEnum):
    GOING_AWAY = 1001  # server shutting down: reconnect
    MESSAGE_TOO_BIG = 1009
    SERVICE_RESTART = 1012
    TRY_AGAIN_LATER = 1013  # dropped for falling behind, or the store is down: resume later
    BAD_HELLO = 4400
    BAD_CREDENTIALS = 4401
    REMOVED = 4403
    NO_SUCH_ROOM = 4404
    NO_HELLO = 4408
    RATE_LIMITED = 4429


CLOSE_REASONS: dict[CloseCode, str] = {
    CloseCode.GOING_AWAY: "server shutting down, reconnect",
    CloseCode.MESSAGE_TOO_BIG: "frame too large",
    CloseCode.SERVICE_RESTART: "server restarting, reconnect",
    CloseCode.TRY_AGAIN_LATER: "too far behind or store unavailable, resume later",
    CloseCode.BAD_HELLO: "bad hello",
    CloseCode.BAD_CREDENTIALS: "bad key or token",
    CloseCode.REMOVED: "removed from room",
    CloseCode.NO_SUCH_ROOM: "no such room",
    CloseCode.NO_HELLO: "no hello in time",
    CloseCode.RATE_LIMITED: "rate limited",
}

Text = Annotated[str, Field(max_length=1000)]


class Hello(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True, populate_by_name=True)

    type: Literal["hello"]
    name: Text = ""
    org: Text = ""
    as_: Literal["participant", "observer"] = Field("participant", alias="as")
    key: Text | None = None
    token: Text | None = None
    since: Annotated[int, Field(ge=0)] | None = None
    category: Category | None = None
    position: Text = ""  # jabatan; the room's title limit (120) applies on joining
    gender: Gender | None = None


class BadFrame(ValueError):
    """A frame that is not JSON, not an object, or not of a known type."""


def decode(text: str | bytes) -> dict[str, Any]:
    try:
        frame = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise BadFrame("frame is not JSON") from None
    if not isinstance(frame, dict):
        raise BadFrame("frame must be a JSON object")
    return frame


def parse_hello(frame: dict[str, Any]) -> Hello:
    try:
        return Hello.model_validate(frame)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise BadFrame(f"hello: {where}: {first['msg']}") from None


def encode(frame: dict[str, Any]) -> str:
    return orjson.dumps(frame).decode()


def error(code: str, message: str) -> str:
    return encode({"type": "error", "code": code, "message": message})


def rejected(op_id: str, code: str, message: str) -> str:
    return encode({"type": "rejected", "id": op_id, "code": code, "message": message})


PONG = encode({"type": "pong"})
