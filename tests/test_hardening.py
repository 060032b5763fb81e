"""Limits and access rules that a public workshop needs (strangers have the join code)."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from server.app import create_app
from server.rooms import tokens
from server.settings import Settings

from .asgi import closed_with, hello, new_room


def _client(tmp_path: Any, **settings: Any) -> TestClient:
    return TestClient(create_app(Settings(data=str(tmp_path), **settings)))


def test_security_headers_on_every_response(tmp_path: Any) -> None:
    with _client(tmp_path) as client:
        for response in (client.get("/healthz"), client.get("/api/rooms/NOPE22")):
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["referrer-policy"] == "no-referrer"
            assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_websocket_origin_is_checked(tmp_path: Any) -> None:
    with _client(tmp_path, public_origins=("https://papan.example",)) as client:
        room, _ = new_room(client)
        with (
            pytest.raises(WebSocketDisconnect),
            client.websocket_connect(f"/ws/{room}", headers={"origin": "https://evil.example"}),
        ):
            pass
        with client.websocket_connect(
            f"/ws/{room}", headers={"origin": "https://papan.example"}
        ) as ws:
            assert hello(ws)["you"]["role"] == "participant"


def test_rooms_per_address_per_hour(tmp_path: Any) -> None:
    with _client(tmp_path, rooms_per_ip_per_hour=2) as client:
        new_room(client)
        new_room(client)
        response = client.post("/api/rooms", json={"title": "satu lagi"})
        assert response.status_code == 429
        assert response.json()["error"]["code"] == "rate_limited"


def test_participants_per_room(tmp_path: Any) -> None:
    with _client(tmp_path, participants_per_room=2) as client:
        room, _ = new_room(client)
        with (
            client.websocket_connect(f"/ws/{room}") as a,
            client.websocket_connect(f"/ws/{room}") as b,
        ):
            hello(a)
            hello(b)
            with client.websocket_connect(f"/ws/{room}") as c:
                c.send_json({"type": "hello", "name": "Ketiga"})
                assert closed_with(c) == 4429
        with client.websocket_connect(f"/ws/{room}") as again:  # returning with a token is fine
            token = tokens.sign(client.app.state.hub._secret, room, "u1")  # type: ignore[attr-defined]
            assert hello(again, token=token)["you"]["id"] == "u1"


def test_request_body_size(tmp_path: Any) -> None:
    with _client(tmp_path, max_body=1024) as client:
        json_body = {"content-type": "application/json"}
        response = client.post(
            "/api/rooms", content=b'{"title":"' + b"x" * 5000 + b'"}', headers=json_body
        )
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "too_long"
        response = client.post("/api/rooms", content=b"not json", headers=json_body)
        assert response.status_code == 400


def test_tokens_are_scoped_to_one_room_and_one_participant(tmp_path: Any) -> None:
    with _client(tmp_path) as client:
        room, _ = new_room(client)
        other, _ = new_room(client)
        with client.websocket_connect(f"/ws/{room}") as ws:
            token = hello(ws)["token"]
        with client.websocket_connect(f"/ws/{other}") as ws:
            ws.send_json({"type": "hello", "token": token})
            assert closed_with(ws) == 4401
        forged = "u2." + token.split(".", 1)[1]  # someone else's id with my signature
        with client.websocket_connect(f"/ws/{room}") as ws:
            ws.send_json({"type": "hello", "token": forged})
            assert closed_with(ws) == 4401
        with client.websocket_connect(f"/ws/{room}") as ws:
            ws.send_json({"type": "hello", "token": "ü" * 40})
            assert closed_with(ws) == 4401


def test_the_facilitator_key_is_not_in_any_participant_frame(tmp_path: Any) -> None:
    with _client(tmp_path) as client:
        room, key = new_room(client)
        with (
            client.websocket_connect(f"/ws/{room}") as f,
            client.websocket_connect(f"/ws/{room}") as p,
        ):
            hello(f, key=key)
            welcome = hello(p)
            f.send_json({"type": "op", "id": "1", "op": {"kind": "vision.set", "text": "Visi"}})
            frames = [welcome]
            while not any(e.get("op_id") == "1" for fr in frames for e in fr.get("events", [])):
                frames.append(p.receive_json())
            assert key not in str(frames)
        record = client.get(
            f"/api/rooms/{room}/scenario", headers={"Authorization": f"Bearer {key}"}
        )
        assert key not in record.text
