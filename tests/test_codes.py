"""The error codes are one enum: the reducer, the frames and the HTTP errors carry its
members, and the wire strings stay those of protocol v1."""

from __future__ import annotations

import orjson
from starlette.testclient import TestClient

from server.rooms import protocol
from server.state.codes import REJECTIONS, Code
from server.state.rules.base import Rejected

from .asgi import new_room
from .board import Board


def test_the_wire_strings_are_the_protocol_s() -> None:
    # Renaming a member's value would break every client: pinned here, once.
    assert [str(c) for c in REJECTIONS] == [
        "forbidden", "wrong_phase", "locked", "not_found", "budget_exhausted", "item_limit",
        "too_long", "invalid", "rate_limited", "unavailable",
    ]  # fmt: skip
    assert {"unauthorized", "not_a_record", "foreign_schema", "error", "internal"} <= set(Code)
    assert all(c.meaning for c in Code)


def test_the_reducer_and_the_frames_carry_a_member() -> None:
    refused = Board().attempt("u9", "note.add", text="hai")  # no such participant
    assert isinstance(refused, Rejected) and refused.code is Code.FORBIDDEN
    frame = orjson.loads(protocol.rejected("1", refused.code, refused.message))
    assert frame["code"] == "forbidden"


def test_http_errors_carry_a_member(client: TestClient) -> None:
    room, _ = new_room(client)
    got = client.get(f"/api/rooms/{room}/scenario")
    assert got.status_code == 401 and got.json()["error"]["code"] == Code.UNAUTHORIZED
    assert client.get("/api/rooms/NOPE99").json()["error"]["code"] == "not_found"
