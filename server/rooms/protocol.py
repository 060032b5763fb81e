"""Frames of wire protocol v1 that the transport speaks, and its close codes."""

from __future__ import annotations

from enum import IntEnum
from typing import Annotated, Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..state.codes import Code
from ..state.models import Category, Gender


class CloseCode(IntEnum):
    """Every code the server closes a socket with; ``reason`` says why (sent as the close
    frame's reason, and listed in docs/protocol.md). 4xxx codes mirror HTTP statuses."""

    reason: str

    def __new__(cls, value: int, reason: str) -> CloseCode:
        member = int.__new__(cls, value)
        member._value_ = value
        member.reason = reason
        return member

    GOING_AWAY = 1001, "server shutting down, reconnect"
    # Before the handshake is accepted (an origin not allowed): the browser sees a refusal.
    POLICY_VIOLATION = 1008, "origin not allowed"
    MESSAGE_TOO_BIG = 1009, "frame too large"
    SERVICE_RESTART = 1012, "server restarting, reconnect"
    # Dropped for falling behind, or the store is down: resume later.
    TRY_AGAIN_LATER = 1013, "too far behind or store unavailable, resume later"
    BAD_HELLO = 4400, "bad hello"
    BAD_CREDENTIALS = 4401, "bad key or token"
    REMOVED = 4403, "removed from room"
    NO_SUCH_ROOM = 4404, "no such room"
    NO_HELLO = 4408, "no hello in time"
    RATE_LIMITED = 4429, "rate limited"


CLOSE_REASONS: dict[CloseCode, str] = {code: code.reason for code in CloseCode}

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
    # False: the page fetches the state over HTTP (GET /api/rooms/{room}/state); the
    # welcome carries none, and the events after its seq follow.
    state: bool = True


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


def error(code: Code, message: str) -> str:
    return encode({"type": "error", "code": code, "message": message})


def rejected(op_id: str, code: Code, message: str) -> str:
    return encode({"type": "rejected", "id": op_id, "code": code, "message": message})


PONG = encode({"type": "pong"})
