"""The record over HTTP in every format, as downloads, for the live room and its snapshots."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from typing import Any

import openpyxl
import pytest
from starlette.testclient import TestClient

from server import api
from server.export import render

from .asgi import event_where, hello, new_room, op

FORMATS = {
    "json": "application/json",
    "md": "text/markdown",
    "html": "text/html",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _workshop(client: TestClient) -> tuple[str, dict[str, str]]:
    room, key = new_room(client, title="Lokakarya =Sikka", language="en")
    with client.websocket_connect(f"/ws/{room}") as f:
        hello(f, key=key)
        op(f, "1", "cluster.add", title='=HYPERLINK("http://x")')
        cluster = event_where(f, op_id="1")["op"]["cluster"]
        op(f, "2", "program.promote", cluster=cluster)
        op(f, "3", "actor.add", name="Dinas <b>PUPR</b>")
        op(f, "4", "snapshot.take", label="draf")
        event_where(f, op_id="4")
    return room, {"Authorization": f"Bearer {key}"}


def test_reports_render_beside_the_event_loop(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real renderer runs, watched: in a worker thread, never on the loop."""
    on_loop = []

    def watched(*args: Any, **kwargs: Any) -> Any:
        try:
            asyncio.get_running_loop()
            on_loop.append(True)
        except RuntimeError:  # no loop in this thread: a worker's
            on_loop.append(False)
        return render(*args, **kwargs)

    monkeypatch.setattr(api, "render", watched)
    room, auth = _workshop(client)
    for url in (f"/api/rooms/{room}/scenario", f"/api/rooms/{room}/snapshots/1"):
        response = client.get(url, params={"format": "docx"}, headers=auth)
        assert response.status_code == 200
    bad = client.get(f"/api/rooms/{room}/scenario", params={"format": "pdf"}, headers=auth)
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid"
    assert on_loop == [False, False, False]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_is_a_named_download(client: TestClient, fmt: str) -> None:
    room, auth = _workshop(client)
    for url in (f"/api/rooms/{room}/scenario", f"/api/rooms/{room}/snapshots/1"):
        response = client.get(url, params={"format": fmt}, headers=auth)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith(FORMATS[fmt])
        disposition = response.headers["content-disposition"]
        assert disposition.startswith('attachment; filename="spwt-') and disposition.endswith(
            f'.{fmt}"'
        )
        assert "=" not in disposition.split("filename=")[1].strip('"')


def test_contents_are_safe(client: TestClient) -> None:
    room, auth = _workshop(client)
    url = f"/api/rooms/{room}/scenario"
    record = json.loads(client.get(url, headers=auth).content)
    assert record["programs"][0]["title"].startswith("=HYPERLINK")
    html = client.get(url, params={"format": "html"}, headers=auth).text
    assert "<b>PUPR</b>" not in html and "&lt;b&gt;PUPR&lt;/b&gt;" in html
    rows = list(
        csv.reader(io.StringIO(client.get(url, params={"format": "csv"}, headers=auth).text))
    )
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    matrix = client.get(url, params={"format": "csv", "table": "matrix"}, headers=auth).text
    assert "PUPR" in matrix
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(url, params={"format": "xlsx"}, headers=auth).content)
    )
    cells = [
        c.value
        for sheet in book
        for row in sheet.iter_rows()
        for c in row
        if isinstance(c.value, str)
    ]
    assert not any(v.startswith(("=", "+", "-", "@")) for v in cells)


def test_unknown_formats_are_a_typed_error(client: TestClient) -> None:
    room, auth = _workshop(client)
    response = client.get(f"/api/rooms/{room}/scenario", params={"format": "pdf"}, headers=auth)
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid"


def test_closing_the_room_takes_a_final_snapshot(client: TestClient) -> None:
    room, key = new_room(client)
    auth: dict[str, Any] = {"Authorization": f"Bearer {key}"}
    with client.websocket_connect(f"/ws/{room}") as f:
        hello(f, key=key)
        op(f, "1", "phase.set", phase="closed")
        event_where(f, op_id="1")
    listing = client.get(f"/api/rooms/{room}/snapshots", headers=auth).json()["snapshots"]
    assert [(s["n"], s["final"]) for s in listing] == [(1, True)]
    final = client.get(f"/api/rooms/{room}/snapshots/1", headers=auth).json()
    assert final["snapshot"]["final"] is True and final["snapshot"]["phase"] == "closed"


def test_reports_show_times_in_the_rooms_zone(client: TestClient) -> None:
    assert client.post("/api/rooms", json={"title": "x", "timezone": "PST"}).status_code == 400
    plain, key = new_room(client)
    default = client.get(f"/api/rooms/{plain}/scenario", headers={"Authorization": f"Bearer {key}"})
    assert default.json()["room"]["timezone"] == "WIB"  # most of Indonesia
    room, key = new_room(client, title="Musrenbang Jayapura", timezone="WIT")
    auth = {"Authorization": f"Bearer {key}"}
    record = client.get(f"/api/rooms/{room}/scenario", headers=auth).json()
    assert record["room"]["timezone"] == "WIT"
    assert record["room"]["created_at"].endswith("Z")  # the record itself stays in UTC
    report = client.get(f"/api/rooms/{room}/scenario", params={"format": "md"}, headers=auth).text
    assert "Waktu dalam WIT (UTC+9)." in report


def test_the_program_picker_searches_the_national_nomenclature(client: TestClient) -> None:
    found = client.get("/api/nomenclature", params={"q": "air minum"}).json()
    assert found["programs"][0]["code"] == "1.03.03"
    assert "050-5889" in found["source"]
    roads = client.get("/api/nomenclature", params={"q": "jalan", "level": "provinsi"}).json()
    assert roads["programs"][0]["nomenclature"] == "PROGRAM PENYELENGGARAAN JALAN"
    assert client.get("/api/nomenclature", params={"q": ""}).json()["programs"] == []
    refused = client.get("/api/nomenclature", params={"q": "jalan", "level": "desa"})
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "invalid"
