"""The board's state comes over HTTP (compressed, cached), then the socket from its seq; when
the fetch fails, the socket's own welcome with the state still makes the board whole."""

from __future__ import annotations

import json
from typing import Any

import pytest
from websockets.sync.client import connect

from .conftest import PHONE, join

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


def _cards(ws_base: str, code: str, key: str, texts: list[str]) -> None:
    with connect(f"{ws_base}/ws/{code}") as ws:
        ws.send(json.dumps({"type": "hello", "key": key}))
        ws.recv()
        ops = [("p", {"kind": "phase.set", "phase": "issues"})]
        ops += [(f"c{i}", {"kind": "note.add", "text": t}) for i, t in enumerate(texts)]
        for op_id, op in ops:
            ws.send(json.dumps({"type": "op", "id": op_id, "op": op}))
        acked: set[str] = set()
        while len(acked) < len(ops):
            frame = json.loads(ws.recv())
            acked |= {e.get("op_id") for e in frame.get("events", [])} - {None}


def _phone(browser: Any, watch: Any) -> tuple[Any, list[dict[str, Any]], list[str]]:
    """A phone page, the hellos its sockets sent, and the state requests' answers."""
    page = watch.page(browser.new_context(viewport=PHONE, is_mobile=True), "phone")
    hellos: list[dict[str, Any]] = []
    answers: list[str] = []

    def socket(ws: Any) -> None:
        def sent(payload: Any) -> None:
            frame = json.loads(payload)
            if frame.get("type") == "hello":
                hellos.append(frame)

        ws.on("framesent", sent)

    page.on("websocket", socket)
    page.on(
        "response",
        lambda r: (
            answers.append(f"{r.status} {r.headers.get('content-encoding')}")
            if "/api/rooms/" in r.url and "/state" in r.url
            else None
        ),
    )
    return page, hellos, answers


def test_the_board_comes_over_http_then_the_socket(server: Any, browser: Any, watch: Any) -> None:
    code, key = server.new_room("Musrenbang Desa Wairotang")
    texts = [f"Jalan desa rusak di dusun {i}" for i in range(30)]
    _cards(server.ws, code, key, texts)
    page, hellos, answers = _phone(browser, watch)
    join(page, server.http, code, "Maria", "PKK")
    expect(page.locator(".card")).to_have_count(30)
    assert hellos[0].get("state") is False and "since" not in hellos[0]  # no token yet
    assert answers == ["200 br"]
    page.reload()  # with the token: the state first, the socket from its seq
    expect(page.locator(".card")).to_have_count(30)
    expect(page.locator("#status")).to_have_attribute("data-state", "online")
    assert hellos[1].get("token") and isinstance(hellos[1].get("since"), int)
    assert "state" not in hellos[1]
    assert len(answers) == 2
    page.fill("#note-text", "Air bersih sulit di musim kemarau")
    page.click("#composer button[type=submit]")
    expect(page.locator(".card:not(.pending)", has_text="Air bersih sulit")).to_be_visible()
    expect(page.locator(".card")).to_have_count(31)
    assert watch.errors == []


def test_without_the_http_state_the_socket_welcome_makes_the_board(
    server: Any, browser: Any, watch: Any
) -> None:
    code, key = server.new_room("Musrenbang Desa Nita")
    _cards(server.ws, code, key, [f"Puskesmas jauh {i}" for i in range(12)])
    page, hellos, _ = _phone(browser, watch)
    page.route("**/api/rooms/*/state*", lambda route: route.abort())
    join(page, server.http, code, "Yosef", "Desa Nita")
    expect(page.locator(".card")).to_have_count(12)
    assert hellos[0].get("state") is False
    assert hellos[-1].get("token") and "state" not in hellos[-1]  # the full welcome, then
    page.reload()
    expect(page.locator(".card")).to_have_count(12)
    expect(page.locator("#status")).to_have_attribute("data-state", "online")
    # The failed fetches show in the console; nothing else may.
    assert [e for e in watch.errors if "ERR_FAILED" not in e] == []
