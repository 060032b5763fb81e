"""Chromium reads the board's events compressed against the ones before them
(``SPWT_WS_DEFLATE=warm``, the default): one compressor state shared by a room's sockets, a
phone that parts from it with frames of its own and shares it again once her window is
the room's, a long message sent alone between short ones. A frame it could not inflate
would fail the socket and the page would reconnect, so the test asks for one socket,
never closed, that received every event."""

from __future__ import annotations

import json
from typing import Any

import pytest
from websockets.sync.client import connect

from .conftest import PHONE, join

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


def _facilitate(ws_base: str, code: str, key: str, ops: list[dict[str, Any]]) -> None:
    with connect(f"{ws_base}/ws/{code}", compression="deflate") as ws:
        ws.send(json.dumps({"type": "hello", "key": key}))
        ws.recv()
        for i, op in enumerate(ops):
            ws.send(json.dumps({"type": "op", "id": f"f{i}", "op": op}))
        acked: set[str] = set()
        while len(acked) < len(ops):
            frame = json.loads(ws.recv())
            assert frame["type"] != "rejected", frame
            acked |= {e.get("op_id") for e in frame.get("events", [])} - {None}


def test_chromium_inflates_every_event_of_a_shared_context(
    server: Any, browser: Any, watch: Any
) -> None:
    code, key = server.new_room("Musrenbang Kecamatan Alok")
    writing = [{"kind": "phase.set", "phase": "issues"},
               {"kind": "room.configure", "private_writing": True}]  # fmt: skip
    _facilitate(server.ws, code, key, writing)
    page = watch.page(browser.new_context(viewport=PHONE, is_mobile=True), "phone")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    answers: list[dict[str, str]] = []
    cdp.on(
        "Network.webSocketHandshakeResponseReceived",
        lambda e: answers.append(e["response"]["headers"]),
    )
    sockets: list[Any] = []
    closed: list[Any] = []
    received: list[dict[str, Any]] = []

    def socket(ws: Any) -> None:
        sockets.append(ws)
        ws.on("close", lambda _ws: closed.append(_ws))
        ws.on("framereceived", lambda payload: received.append(json.loads(payload)))

    page.on("websocket", socket)
    join(page, server.http, code, "Maria", "PKK")
    # Another phone in the room, so that the facilitator's events have a room to share.
    # It reads nothing more: an unbounded queue, so that its reader still takes the close.
    with connect(f"{server.ws}/ws/{code}", compression="deflate", max_queue=None) as other:
        other.send(json.dumps({"type": "hello", "name": "Yosef"}))
        other.recv()
        vision = " ".join(["Kecamatan Alok yang sehat, cerdas dan sejahtera."] * 40)
        first = [{"kind": "note.add", "text": f"Jalan rusak di dusun {i}"} for i in range(20)]
        then = [{"kind": "note.add", "text": f"Air bersih di dusun {i}"} for i in range(20)]
        after = [{"kind": "note.add", "text": f"Sekolah jauh di dusun {i}"} for i in range(5)]
        _facilitate(server.ws, code, key, [*first, {"kind": "vision.set", "text": vision}])
        themes = ["Kesehatan ibu dan anak", "Irigasi sawah", "Pariwisata bahari"]
        for i, theme in enumerate(themes):  # her own cards: the room gets a hidden event
            page.fill("#note-text", f"Kartu Maria nomor {i}")
            page.click("#composer button[type=submit]")
            mine = page.locator(".card:not(.pending)", has_text=f"Kartu Maria nomor {i}")
            expect(mine).to_be_visible()
            # She missed the room's view of her card; what follows is compressed for her
            # alone until her window is the room's again.
            with sockets[0].expect_event("framereceived", lambda p, t=theme: t in p):
                _facilitate(server.ws, code, key, [{"kind": "cluster.add", "title": theme}])
        expect(page.locator(".card")).to_have_count(3)  # the others' are hidden until revealed
        _facilitate(server.ws, code, key, [*then, {"kind": "notes.reveal"}, *after])
        expect(page.locator(".card")).to_have_count(48)
        expect(page.locator(".card", has_text="Sekolah jauh di dusun 4")).to_be_visible()
    headers = {name.lower(): value for name, value in answers[0].items()}
    extensions = headers.get("sec-websocket-extensions", "")
    assert extensions.startswith("permessage-deflate")
    assert "server_no_context_takeover" not in extensions  # the server may keep its context
    assert len(sockets) == 1 and closed == []  # never failed, never reconnected
    seqs = [e["seq"] for f in received if f["type"] == "events" for e in f["events"]]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))  # inflated right: none garbled
    texts = {e["op"].get("text") for f in received if f["type"] == "events" for e in f["events"]}
    assert {op["text"] for op in after} | {vision} <= texts
    assert {f"Kartu Maria nomor {i}" for i in range(3)} <= texts
    assert any(
        e["op"]["kind"] == "hidden" for f in received if f["type"] == "events" for e in f["events"]
    )
    assert watch.errors == []
