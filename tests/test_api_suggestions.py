"""The facilitation assistant over HTTP: facilitator only, read-only, no authors."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from .asgi import event_where, hello, new_room, op

CARDS = [
    "Jalan desa rusak parah",
    "jln desa rusak parah",
    "Puskesmas kekurangan dokter",
    "Angka stunting tinggi",
    "Air bersih sulit didapat",
]


def test_suggestions_for_the_facilitator_only_and_nothing_changes(client: TestClient) -> None:
    room, key = new_room(client)
    with client.websocket_connect(f"/ws/{room}") as f, client.websocket_connect(f"/ws/{room}") as p:
        hello(f, key=key)
        token = hello(p, name="Rahasia Penulis")["token"]
        op(f, "anon", "room.configure", anonymous=True)
        op(f, "phase", "phase.set", phase="issues")
        event_where(f, op_id="phase")
        for i, text in enumerate(CARDS):
            op(p, f"c{i}", "note.add", text=text)
        event_where(p, op_id=f"c{len(CARDS) - 1}")
    url = f"/api/rooms/{room}/suggestions/clusters"
    seq = client.get(f"/api/rooms/{room}").json()["seq"]
    assert client.get(url).status_code == 401
    assert client.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 403
    response = client.get(url, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    body = response.json()
    grouped = [n for g in body["groups"] for n in g["notes"]]
    assert len(grouped) == len(set(grouped)) and set(grouped) <= {
        f"n{seq - 4 + i}" for i in range(5)
    }
    assert all({"title", "notes", "sector", "agency"} <= set(g) for g in body["groups"])
    assert "Rahasia" not in response.text and "u2" not in response.text
    assert client.get(f"/api/rooms/{room}").json()["seq"] == seq


def _program(client: TestClient, title: str, cards: tuple[str, ...] = ()) -> tuple[str, str, str]:
    """A room with one program named ``title`` over a cluster of ``cards``."""
    room, key = new_room(client)
    with client.websocket_connect(f"/ws/{room}") as f:
        hello(f, key=key)
        op(f, "phase", "phase.set", phase="issues")
        op(f, "c", "cluster.add", title=title)
        cluster = event_where(f, op_id="c")["op"]["cluster"]
        for i, text in enumerate(cards):
            op(f, f"n{i}", "note.add", text=text)
            note = event_where(f, op_id=f"n{i}")["op"]["note"]
            op(f, f"m{i}", "note.cluster", note=note, cluster=cluster)
        op(f, "p", "program.promote", cluster=cluster)
        program = event_where(f, op_id="p")["op"]["program"]
    return room, key, program


@pytest.mark.parametrize(
    ("title", "code"),
    [("Jalan desa", "1.03.10"), ("Air bersih perdesaan", "1.03.03")],
)
def test_a_code_is_suggested_from_the_title(client: TestClient, title: str, code: str) -> None:
    room, key, program = _program(client, title)
    url = f"/api/rooms/{room}/suggestions/codes?program={program}"
    seq = client.get(f"/api/rooms/{room}").json()["seq"]
    body = client.get(url, headers={"Authorization": f"Bearer {key}"}).json()
    assert body["program"] == program
    first = body["codes"][0]
    assert first["code"] == code
    assert {"nomenclature", "urusan", "bidang", "sector"} <= set(first)
    assert client.get(f"/api/rooms/{room}").json()["seq"] == seq  # nothing changed


def test_stunting_is_a_health_program() -> None:
    from server.suggest.codes import suggest_codes

    first = suggest_codes("Penurunan stunting", [])[0]
    assert first.program.code.startswith("1.02.") and first.sector == "kesehatan"


def test_the_cards_speak_when_the_title_does_not(client: TestClient) -> None:
    room, key, program = _program(
        client, "Infrastruktur dasar", ("Jalan desa rusak parah", "Jembatan putus")
    )
    url = f"/api/rooms/{room}/suggestions/codes?program={program}"
    body = client.get(url, headers={"Authorization": f"Bearer {key}"}).json()
    assert body["codes"][0]["code"] == "1.03.10"


def test_code_suggestions_are_the_facilitators_and_name_a_program(client: TestClient) -> None:
    room, key, program = _program(client, "Jalan desa")
    url = f"/api/rooms/{room}/suggestions/codes"
    with client.websocket_connect(f"/ws/{room}") as p:
        token = hello(p)["token"]
    assert client.get(f"{url}?program={program}").status_code == 401
    participant = {"Authorization": f"Bearer {token}"}
    assert client.get(f"{url}?program={program}", headers=participant).status_code == 403
    missing = client.get(f"{url}?program=p999", headers={"Authorization": f"Bearer {key}"})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_a_title_no_sector_knows_gets_no_code(client: TestClient) -> None:
    room, key, program = _program(client, "Xyzzy")
    url = f"/api/rooms/{room}/suggestions/codes?program={program}"
    assert client.get(url, headers={"Authorization": f"Bearer {key}"}).json()["codes"] == []


def test_the_assistant_works_on_issue_cards_only(client: TestClient) -> None:
    """Vision cards are not needs: they are neither grouped nor offered as duplicates."""
    room, key = new_room(client)
    with client.websocket_connect(f"/ws/{room}") as f:
        hello(f, key=key)
        op(f, "v", "phase.set", phase="vision")
        op(f, "v1", "note.add", text="Jalan desa mulus dan air bersih untuk semua")
        op(f, "i", "phase.set", phase="issues")
        for i, text in enumerate(CARDS):
            op(f, f"c{i}", "note.add", text=text)
        vision = event_where(f, op_id="v1")["op"]["note"]
        event_where(f, op_id=f"c{len(CARDS) - 1}")
    body = client.get(
        f"/api/rooms/{room}/suggestions/clusters", headers={"Authorization": f"Bearer {key}"}
    ).json()
    mentioned = [n for g in body["groups"] for n in g["notes"]] + [
        n for pair in body["duplicates"] for n in pair
    ]
    assert mentioned and vision not in mentioned
