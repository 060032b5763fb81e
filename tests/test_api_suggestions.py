"""The facilitation assistant over HTTP: facilitator only, read-only, no authors."""

from __future__ import annotations

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
