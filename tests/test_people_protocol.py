"""Issue #16 over the socket: the hello's new fields and paper participants through
``on_behalf`` (the starlette test client, the app in-process)."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from .asgi import closed_with, event_where, hello, new_room, next_of, op


def _op(ws: Any, op_id: str, kind: str, on_behalf: Any, **fields: Any) -> None:
    ws.send_json(
        {"type": "op", "id": op_id, "on_behalf": on_behalf, "op": {"kind": kind, **fields}}
    )


def test_hello_carries_category_position_and_gender(client: TestClient) -> None:
    room, key = new_room(client)
    with client.websocket_connect(f"/ws/{room}") as f, client.websocket_connect(f"/ws/{room}") as p:
        hello(f, key=key)
        welcome = hello(p, category="academia", position="Dosen", gender="female")
        assert welcome["you"]["category"] == "academia"
        assert (welcome["you"]["position"], welcome["you"]["gender"]) == ("Dosen", "female")
        joined = event_where(f, seq=welcome["seq"])["op"]
        assert (joined["category"], joined["position"], joined["gender"]) == (
            "academia", "Dosen", "female",
        )  # fmt: skip
        token = welcome["token"]
    with client.websocket_connect(f"/ws/{room}") as p:
        assert hello(p, token=token)["you"]["category"] == "academia"  # kept on resume


@pytest.mark.parametrize(
    "fields", [{"category": "army"}, {"gender": "other"}, {"position": "x" * 121}]
)
def test_a_hello_with_bad_people_fields_is_a_bad_hello(client: TestClient, fields: dict) -> None:
    room, _ = new_room(client)
    with client.websocket_connect(f"/ws/{room}") as ws:
        ws.send_json({"type": "hello", "name": "Budi", **fields})
        assert closed_with(ws) == 4400
    assert client.get(f"/api/rooms/{room}").json()["seq"] == 1  # nobody joined


def test_the_facilitator_sends_a_paper_participants_cards_and_votes(client: TestClient) -> None:
    room, key = new_room(client)
    with client.websocket_connect(f"/ws/{room}") as f, client.websocket_connect(f"/ws/{room}") as p:
        me = hello(f, key=key)["you"]["id"]
        alice = hello(p)["you"]["id"]
        op(f, "add", "participant.add", name="Pak Karto", category="community")
        paper = event_where(f, op_id="add")["op"]["participant"]
        op(f, "phase", "phase.set", phase="issues")
        _op(f, "card", "note.add", paper, text="Sumur kering")
        card = event_where(f, op_id="card")
        assert (card["by"], card["via"]) == (paper, me)
        assert event_where(p, seq=card["seq"])["by"] == paper
        # a resent id is applied once, whoever it was sent for
        _op(f, "card", "note.add", paper, text="Sumur kering")
        assert event_where(f, op_id="card") == card

        op(f, "c", "cluster.add", title="Air")
        cluster = event_where(f, op_id="c")["op"]["cluster"]
        op(f, "pr", "program.promote", cluster=cluster)
        program = event_where(f, op_id="pr")["op"]["program"]
        op(f, "v", "phase.set", phase="vote")
        _op(f, "dot", "vote.cast", paper, program=program, criterion="urgency")
        dot = event_where(f, op_id="dot")  # the sender sees its paper ballot: the ack
        assert dot["op"]["program"] == program and dot["by"] == paper
        hidden = event_where(p, seq=dot["seq"])
        assert hidden["op"]["kind"] == "hidden" and "op_id" not in hidden
        op(f, "r", "votes.reveal")
        assert event_where(p, op_id="r")["op"]["tallies"][program]["urgency"] == 1

        # only the facilitator, and only for a paper participant
        _op(p, "x1", "participant.ready", paper, ready=True)
        assert next_of(p, "rejected") == {
            "type": "rejected", "id": "x1", "code": "forbidden",
            "message": "only the facilitator acts on behalf of someone",
        }  # fmt: skip
        for target, code in ((alice, "forbidden"), ("u99", "forbidden"), (5, "invalid")):
            _op(f, "x2", "participant.ready", target, ready=True)
            rejected = next_of(f, "rejected")
            assert (rejected["id"], rejected["code"]) == ("x2", code)
    record = client.get(
        f"/api/rooms/{room}/scenario", headers={"Authorization": f"Bearer {key}"}
    ).json()
    assert [n["author"] for n in record["notes"]] == [paper]


def test_the_log_keeps_who_sent_an_op_on_behalf(tmp_path: Any) -> None:
    from server.app import create_app
    from server.settings import Settings

    settings = Settings(data=str(tmp_path), hello_timeout=0.5)
    with TestClient(create_app(settings)) as client:
        room, key = new_room(client)
        with client.websocket_connect(f"/ws/{room}") as f:
            hello(f, key=key)
            op(f, "add", "participant.add", name="Bu Siti")
            paper = event_where(f, op_id="add")["op"]["participant"]
            _op(f, "ready", "participant.ready", paper, ready=True)
            sent = event_where(f, op_id="ready")
    # a new process reads the room back from the store
    with TestClient(create_app(settings)) as again, again.websocket_connect(f"/ws/{room}") as f:
        welcome = hello(f, key=key, since=sent["seq"] - 1)
        assert "state" not in welcome
        assert event_where(f, seq=sent["seq"]) == sent
        assert sent["via"] == "u1" and sent["by"] == paper
