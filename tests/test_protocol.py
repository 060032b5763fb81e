"""Wire protocol v1 through the ASGI test client: hello, ops, acks, resume, errors, closes."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from server.app import create_app
from server.settings import Settings

from .asgi import closed_with, event_where, hello, new_room, next_of, op


def test_create_room(client: TestClient) -> None:
    response = client.post("/api/rooms", json={"title": "Musrenbang", "horizon": "PWTJP"})
    assert response.status_code == 201
    body = response.json()
    assert len(body["room"]) == 6 and body["room"].isalnum()
    assert len(body["facilitator_key"]) >= 22  # >= 128 bits in url-safe base64
    assert body["links"]["join"].endswith(f"/r/{body['room']}")
    assert body["facilitator_key"] not in body["links"]["join"] + body["links"]["screen"]
    info = client.get(f"/api/rooms/{body['room']}").json()
    assert info == {
        "room": body["room"],
        "title": "Musrenbang",
        "phase": "lobby",
        "seq": 1,
        "online": 0,
    }


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({}, 400, "invalid"),
        ({"title": ""}, 400, "invalid"),
        ({"title": 5}, 400, "invalid"),
        ({"title": "x", "horizon": "forever"}, 400, "invalid"),
        ({"title": "x" * 121}, 400, "too_long"),
    ],
)
def test_create_room_rejects_bad_input(
    client: TestClient, body: dict, status: int, code: str
) -> None:
    response = client.post("/api/rooms", json=body)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


def test_unknown_room_is_a_json_404(client: TestClient) -> None:
    response = client.get("/api/rooms/NOPE22")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "no such room"}}


@pytest.mark.parametrize("path", ["/ws/", "/ws/ABC/x", "/wsx/ABC", "/api/ws/ABC"])
def test_a_socket_elsewhere_than_a_room_is_refused(client: TestClient, path: str) -> None:
    with pytest.raises(WebSocketDisconnect), client.websocket_connect(path) as ws:
        ws.receive_text()


def test_hello_welcome_and_roles(client: TestClient) -> None:
    room, key = new_room(client)
    with client.websocket_connect(f"/ws/{room}") as f:
        welcome = hello(f, name="Fasil", key=key)
        assert welcome["you"]["role"] == "facilitator"
        assert welcome["state"]["phase"] == "lobby" and welcome["seq"] == 2
        with client.websocket_connect(f"/ws/{room}") as p:
            welcome = hello(p)
            assert welcome["you"] == {
                "id": "u2",
                "name": "Budi",
                "org": "Bappeda",
                "role": "participant",
                "paper": False,
                "category": None,
                "position": "",
                "gender": None,
            }
            assert key not in str(welcome)
            joined = next_of(f, "events")["events"][0]
            assert joined["op"]["kind"] == "participant.join" and key not in str(joined)
        with client.websocket_connect(f"/ws/{room}") as screen:
            assert hello(screen, **{"as": "observer"})["you"]["role"] == "observer"


@pytest.mark.parametrize(
    ("first", "code"),
    [
        ("not json", 4400),
        ('{"type":"op","id":"1","op":{"kind":"note.add","text":"x"}}', 4400),
        ('{"type":"hello","name":5}', 4400),
        ('{"type":"hello","as":"god"}', 4400),
        ('{"type":"hello","key":"wrong"}', 4401),
        ('{"type":"hello","token":"u1.forged"}', 4401),
    ],
)
def test_bad_hellos_close_the_socket(client: TestClient, first: str, code: int) -> None:
    room, _ = new_room(client)
    with client.websocket_connect(f"/ws/{room}") as ws:
        ws.send_text(first)
        assert closed_with(ws) == code


def test_no_hello_in_time(client: TestClient) -> None:
    room, _ = new_room(client)
    with client.websocket_connect(f"/ws/{room}") as ws:
        assert closed_with(ws) == 4408


def test_no_such_room(client: TestClient) -> None:
    with client.websocket_connect("/ws/NOPE22") as ws:
        ws.send_json({"type": "hello", "name": "Budi"})
        assert closed_with(ws) == 4404


def test_ops_are_acknowledged_as_events_in_order(client: TestClient) -> None:
    room, key = new_room(client)
    with client.websocket_connect(f"/ws/{room}") as f, client.websocket_connect(f"/ws/{room}") as p:
        hello(f, key=key)
        hello(p)
        op(f, "f1", "phase.set", phase="issues")
        op(p, "p1", "note.add", text="Jalan desa rusak")
        op(p, "p2", "note.add", text="Air bersih sulit")
        seen = []
        while len(seen) < 3:
            seen += [
                e for e in next_of(p, "events")["events"] if e["op"]["kind"] != "participant.join"
            ]
        assert [e["op_id"] for e in seen] == ["f1", "p1", "p2"]
        assert [e["seq"] for e in seen] == list(range(seen[0]["seq"], seen[0]["seq"] + 3))
        assert seen[1]["op"]["note"] == f"n{seen[1]['seq']}"
        assert client.get(f"/api/rooms/{room}").json()["seq"] == seen[-1]["seq"]


def test_a_resent_op_id_is_applied_once(client: TestClient) -> None:
    room, key = new_room(client)
    with client.websocket_connect(f"/ws/{room}") as f:
        hello(f, key=key)
        op(f, "same", "note.add", text="sekali saja")
        first = event_where(f, op_id="same")
        op(f, "same", "note.add", text="sekali saja")
        again = event_where(f, op_id="same")
        assert again == first
        assert client.get(f"/api/rooms/{room}").json()["seq"] == first["seq"]


def test_resume_with_since_sends_only_the_missed_events(client: TestClient) -> None:
    room, key = new_room(client)
    with client.websocket_connect(f"/ws/{room}") as p:
        welcome = hello(p)
        token, seen = welcome["token"], welcome["seq"]
    with client.websocket_connect(f"/ws/{room}") as f:
        hello(f, key=key)
        op(f, "1", "phase.set", phase="issues")
        op(f, "2", "note.add", text="selama kamu pergi")
        next_of(f, "events")
        next_of(f, "events")
    with client.websocket_connect(f"/ws/{room}") as p:
        welcome = hello(p, token=token, since=seen)
        assert "state" not in welcome
        assert welcome["you"]["id"] == "u1"
        missed = next_of(p, "events")["events"]
        assert [e["seq"] for e in missed] == list(range(seen + 1, welcome["seq"] + 1))
        assert missed[-1]["op"]["text"] == "selama kamu pergi"


def test_resume_beyond_the_kept_log_gets_the_full_state(tmp_path: Any) -> None:
    settings = Settings(data=str(tmp_path), recent_events=3)
    with TestClient(create_app(settings)) as client:
        room, key = new_room(client)
        with client.websocket_connect(f"/ws/{room}") as p:
            welcome = hello(p)
        with client.websocket_connect(f"/ws/{room}") as f:
            hello(f, key=key)
            for i in range(5):
                op(f, str(i), "timer.start", seconds=60)
                next_of(f, "events")
        with client.websocket_connect(f"/ws/{room}") as p:
            again = hello(p, token=welcome["token"], since=welcome["seq"])
            assert again["state"]["timer"]["seconds"] == 60


def test_malformed_frames_get_typed_errors_and_the_socket_stays(client: TestClient) -> None:
    room, key = new_room(client)
    with client.websocket_connect(f"/ws/{room}") as f:
        hello(f, key=key)
        for frame in ("{", "[]", '{"type":"dance"}', '{"type":"op","op":{"kind":"x"}}'):
            f.send_text(frame)
            error = next_of(f, "error", "rejected")
            assert error["type"] == "error" and error["code"] == "invalid"
        for body, code in (
            ({"kind": "note.fly"}, "invalid"),
            ({"kind": "note.add", "text": 42}, "invalid"),
            ({"kind": "participant.join", "name": "sneaky"}, "invalid"),
            ({"kind": "note.edit", "note": "n999", "text": "x"}, "not_found"),
        ):
            f.send_json({"type": "op", "id": "bad", "op": body})
            rejected = next_of(f, "rejected")
            assert (rejected["id"], rejected["code"]) == ("bad", code)
        f.send_json({"type": "ping"})
        assert next_of(f, "pong") == {"type": "pong"}
    assert client.get(f"/api/rooms/{room}").json()["seq"] == 2


def test_observers_may_only_ping(client: TestClient) -> None:
    room, _ = new_room(client)
    with client.websocket_connect(f"/ws/{room}") as screen:
        hello(screen, **{"as": "observer"})
        op(screen, "x", "participant.ready", ready=True)
        assert next_of(screen, "rejected")["code"] == "forbidden"


def test_hidden_votes_never_leave_the_server(client: TestClient) -> None:
    room, key = new_room(client)
    with client.websocket_connect(f"/ws/{room}") as f:
        hello(f, key=key)
        op(f, "1", "cluster.add", title="Air bersih")
        cluster = next_of(f, "events")["events"][0]["op"]["cluster"]
        op(f, "2", "program.promote", cluster=cluster)
        program = next_of(f, "events")["events"][0]["op"]["program"]
        op(f, "3", "phase.set", phase="vote")
        next_of(f, "events")
        with (
            client.websocket_connect(f"/ws/{room}") as a,
            client.websocket_connect(f"/ws/{room}") as b,
        ):
            hello(a)
            hello(b)
            op(a, "v", "vote.cast", program=program, criterion="urgency")
            own = event_where(a, op_id="v")
            assert own["op"] == {"kind": "vote.cast", "program": program, "criterion": "urgency"}
            for other in (b, f):
                hidden = event_where(other, seq=own["seq"])
                assert hidden["op"]["kind"] == "hidden" and program not in str(hidden)
                assert "by" not in hidden and "op_id" not in hidden
            op(f, "r", "votes.reveal")
            reveal = event_where(b, op_id="r")
            assert reveal["op"]["tallies"][program]["urgency"] == 1


def test_an_op_on_someone_elses_private_card_is_acknowledged(client: TestClient) -> None:
    """Bob moves Alice's private card in ``cluster``: he gets his ack, not her card."""
    room, key = new_room(client)
    with (
        client.websocket_connect(f"/ws/{room}") as f,
        client.websocket_connect(f"/ws/{room}") as alice,
        client.websocket_connect(f"/ws/{room}") as bob,
        client.websocket_connect(f"/ws/{room}") as carol,
    ):
        hello(f, key=key)
        hello(alice, name="Alice")
        bob_id = hello(bob, name="Bob")["you"]["id"]
        hello(carol, name="Carol")
        op(f, "1", "room.configure", private_writing=True)
        op(f, "2", "phase.set", phase="issues")
        event_where(f, op_id="2")
        op(alice, "a1", "note.add", text="Rahasia Alice")
        note = event_where(alice, op_id="a1")["op"]["note"]
        op(f, "3", "cluster.add", title="Air")
        cluster = event_where(f, op_id="3")["op"]["cluster"]
        op(f, "4", "phase.set", phase="cluster")
        event_where(f, op_id="4")
        sent = [
            ("bob-move-1", {"kind": "note.move", "note": note, "x": 7, "y": 7}),
            ("bob-cluster-1", {"kind": "note.cluster", "note": note, "cluster": cluster}),
        ]
        for op_id, body in sent:
            bob.send_json({"type": "op", "id": op_id, "op": body})
            ack = event_where(bob, op_id=op_id)
            assert ack["op"] == body and ack["by"] == bob_id
            assert "Rahasia" not in str(ack)
            bob.send_json({"type": "op", "id": op_id, "op": body})  # resent: the same ack
            assert event_where(bob, op_id=op_id) == ack
            hidden = event_where(carol, seq=ack["seq"])
            assert hidden["op"]["kind"] == "hidden" and "op_id" not in hidden
            assert event_where(alice, seq=ack["seq"])["op"] == ack["op"]  # her card moved
        assert client.get(f"/api/rooms/{room}").json()["seq"] == ack["seq"]


def test_removed_participants_are_closed_and_cannot_come_back(client: TestClient) -> None:
    room, key = new_room(client)
    with client.websocket_connect(f"/ws/{room}") as f, client.websocket_connect(f"/ws/{room}") as p:
        hello(f, key=key)
        me = hello(p)
        op(f, "x", "participant.remove", participant=me["you"]["id"])
        assert closed_with(p) == 4403
    with client.websocket_connect(f"/ws/{room}") as p:
        p.send_json({"type": "hello", "token": me["token"]})
        assert closed_with(p) == 4403
    response = client.get(
        f"/api/rooms/{room}/scenario", headers={"Authorization": f"Bearer {me['token']}"}
    )
    assert response.status_code == 401


def test_rate_limit_rejects_then_closes(tmp_path: Any) -> None:
    settings = Settings(data=str(tmp_path), ops_per_second=2, ops_burst=3)
    with TestClient(create_app(settings)) as client:
        room, key = new_room(client)
        with client.websocket_connect(f"/ws/{room}") as f:
            hello(f, key=key)
            for i in range(5):
                op(f, str(i), "timer.start", seconds=30)
            codes = []
            while len(codes) < 2:
                frame = next_of(f, "rejected")
                codes.append(frame["code"])
            assert codes == ["rate_limited", "rate_limited"]
            for i in range(20):
                op(f, f"flood{i}", "timer.start", seconds=30)
            assert closed_with(f) == 4429


def test_a_frame_too_large_closes_with_1009(tmp_path: Any) -> None:
    settings = Settings(data=str(tmp_path), max_frame=1024)
    with TestClient(create_app(settings)) as client:
        room, key = new_room(client)
        with client.websocket_connect(f"/ws/{room}") as f:
            hello(f, key=key)
            op(f, "big", "note.add", text="x" * 2000)
            assert closed_with(f) == 1009


def test_exports_need_a_bearer(client: TestClient) -> None:
    room, key = new_room(client)
    with client.websocket_connect(f"/ws/{room}") as p:
        token = hello(p)["token"]
    url = f"/api/rooms/{room}/scenario?format=json"
    assert client.get(url).status_code == 401
    assert client.get(url, headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    record = client.get(url, headers={"Authorization": f"Bearer {key}"}).json()
    assert record["schema"] == "spwt.scenario/1" and record["room"]["code"] == room
    other, _ = new_room(client)
    assert (
        client.get(
            f"/api/rooms/{other}/scenario", headers={"Authorization": f"Bearer {token}"}
        ).status_code
        == 401
    )


def test_snapshots_are_frozen(client: TestClient) -> None:
    room, key = new_room(client)
    auth = {"Authorization": f"Bearer {key}"}
    with client.websocket_connect(f"/ws/{room}") as f:
        hello(f, key=key)
        op(f, "1", "vision.set", text="Visi pertama")
        op(f, "2", "snapshot.take", label="draf")
        op(f, "3", "vision.set", text="Visi kedua")
        while next_of(f, "events")["events"][-1]["op_id"] != "3":
            pass
    listing = client.get(f"/api/rooms/{room}/snapshots", headers=auth).json()["snapshots"]
    assert [(s["n"], s["label"]) for s in listing] == [(1, "draf")]
    frozen = client.get(f"/api/rooms/{room}/snapshots/1", headers=auth).json()
    assert frozen["vision"]["statement"] == "Visi pertama" and frozen["snapshot"]["label"] == "draf"
    now = client.get(f"/api/rooms/{room}/scenario", headers=auth).json()
    assert now["vision"]["statement"] == "Visi kedua"
    assert client.get(f"/api/rooms/{room}/snapshots/2", headers=auth).status_code == 404


def test_service_endpoints(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    schema = client.get("/api/schema/scenario").json()
    assert "programs" in schema["properties"]
    new_room(client)
    assert "spwt_connections" in client.get("/metrics").text


def test_a_full_disk_rejects_ops_as_unavailable_and_recovers(client: TestClient) -> None:
    room, key = new_room(client)
    store = client.app.state.hub.store  # type: ignore[attr-defined]

    def set_page_limit(pages: int | None) -> None:
        def limit(conn: Any) -> None:
            current = conn.execute("PRAGMA page_count").fetchone()[0]
            conn.execute(f"PRAGMA max_page_count = {pages or current}")

        client.portal.call(store._write, limit)  # type: ignore[union-attr]

    with client.websocket_connect(f"/ws/{room}") as f:
        hello(f, key=key)
        seq = client.get(f"/api/rooms/{room}").json()["seq"]
        set_page_limit(None)  # SQLite now answers "database or disk is full"
        sent = [f"card{i}" for i in range(30)]
        for op_id in sent:
            op(f, op_id, "note.add", text="y" * 500)
        acked, refused = set(), set()
        while len(acked) + len(refused) < len(sent):
            frame = next_of(f, "events", "rejected")
            if frame["type"] == "rejected":
                assert frame["code"] == "unavailable"
                refused.add(frame["id"])
            else:
                acked |= {e["op_id"] for e in frame["events"]}
        assert refused, "the full disk refused nothing"
        assert client.get(f"/api/rooms/{room}").json()["seq"] == seq + len(acked)
        set_page_limit(1_000_000)
        op(f, "after", "note.add", text="kembali normal")
        assert event_where(f, op_id="after")["op"]["text"] == "kembali normal"
