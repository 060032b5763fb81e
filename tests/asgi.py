"""Helpers for protocol tests through Starlette's test client (the app in-process)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect


def new_room(client: TestClient, **fields: Any) -> tuple[str, str]:
    response = client.post("/api/rooms", json={"title": "Lokakarya RPJMD", **fields})
    assert response.status_code == 201
    body = response.json()
    return body["room"], body["facilitator_key"]


def page_data(page: str, name: str) -> Any:
    """The JSON a page carries in its ``<script type="application/json" id="NAME-data">``."""
    pattern = rf'<script type="application/json" id="{name}-data">([^<]*)</script>'
    carried = re.search(pattern, page)
    assert carried is not None, f"the page carries no {name}-data"
    return json.loads(carried.group(1))


def hello(ws: Any, **fields: Any) -> dict[str, Any]:
    ws.send_json({"type": "hello", "name": "Budi", "org": "Bappeda", **fields})
    welcome = ws.receive_json()
    assert welcome["type"] == "welcome", welcome
    return welcome


def op(ws: Any, op_id: str, kind: str, **fields: Any) -> None:
    ws.send_json({"type": "op", "id": op_id, "op": {"kind": kind, **fields}})


def next_of(ws: Any, *types: str) -> dict[str, Any]:
    """The next frame of one of ``types`` (presence frames come whenever people come and go)."""
    while True:
        frame = ws.receive_json()
        if frame["type"] in types:
            return frame


def event_where(ws: Any, **match: Any) -> dict[str, Any]:
    """The next event whose fields equal ``match`` (earlier events are skipped)."""
    while True:
        for event in next_of(ws, "events")["events"]:
            if all(event.get(k) == v for k, v in match.items()):
                return event


def closed_with(ws: Any) -> int:
    with pytest.raises(WebSocketDisconnect) as closed:
        while True:
            ws.receive_json()
    return closed.value.code
