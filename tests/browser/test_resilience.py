"""Weak networks: cards typed while offline arrive once the link is back, exactly once;
a rejected op rolls back its optimistic echo and says why.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import DESKTOP, PHONE, join, shot

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


def _room(server: Any, phase: str) -> tuple[str, str]:
    code, key = server.new_room("Musrenbang Kecamatan Alok")
    return code, key


def _console(browser: Any, watch: Any, base: str, code: str, key: str) -> Any:
    page = watch.page(browser.new_context(viewport=DESKTOP), "console")
    page.goto(f"{base}/r/{code}/console#key={key}")
    expect(page.locator("#status")).to_have_attribute("data-state", "online")
    return page


def _phase(console: Any, phase: str) -> None:
    console.click(f".stepper [data-phase={phase}]")
    expect(console.locator("body")).to_have_attribute("data-phase", phase)


def test_cards_typed_offline_arrive_once(server: Any, browser: Any, watch: Any) -> None:
    base = server.http
    code, key = _room(server, "issues")
    console = _console(browser, watch, base, code, key)
    _phase(console, "issues")
    phone_ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    phone = watch.page(phone_ctx, "phone")
    join(phone, base, code, "Yohanes", "Desa Wairotang")
    phone.fill("#note-text", "Sebelum putus")
    phone.click("#composer button[type=submit]")
    expect(console.locator(".card", has_text="Sebelum putus")).to_be_visible()

    phone_ctx.set_offline(True)
    expect(phone.locator("#status")).not_to_have_attribute("data-state", "online", timeout=10000)
    # More than the server's burst of 40 ops: the page paces its resend.
    offline = ["Ditulis luring satu", "Ditulis luring dua", *(f"Catatan {i}" for i in range(43))]
    for text in offline:
        phone.fill("#note-text", text)
        phone.click("#composer button[type=submit]")
    expect(phone.locator(".card.pending")).to_have_count(45)  # the echo, marked as not sent
    expect(phone.locator("#status")).to_contain_text("45")
    shot(phone, "phone-offline", full=False)
    phone.wait_for_timeout(1500)
    expect(console.locator(".card", has_text="Ditulis luring")).to_have_count(0)

    phone_ctx.set_offline(False)
    expect(phone.locator("#status")).to_have_attribute("data-state", "online", timeout=20000)
    expect(console.locator(".card", has_text="Ditulis luring")).to_have_count(2, timeout=10000)
    expect(console.locator(".card")).to_have_count(46, timeout=10000)
    expect(phone.locator(".card.pending")).to_have_count(0)
    expect(phone.locator(".card")).to_have_count(46)

    # A reload resumes the same participant; nothing is applied twice.
    phone.reload()
    expect(phone.locator("#status")).to_have_attribute("data-state", "online")
    expect(phone.locator(".card")).to_have_count(46)
    record = server.request("GET", f"/api/rooms/{code}/scenario?format=json", token=key)
    texts = sorted(n["text"] for n in record["notes"])
    assert texts == sorted(["Sebelum putus", *offline])  # each exactly once
    assert len(record["participants"]) == 2  # the facilitator and Yohanes, who resumed
    assert watch.errors == []


def test_rejected_op_rolls_back_with_reason(server: Any, browser: Any, watch: Any) -> None:
    base = server.http
    code, key = _room(server, "issues")
    console = _console(browser, watch, base, code, key)
    _phase(console, "issues")
    context = browser.new_context(viewport=DESKTOP)
    page = watch.page(context, "board")
    join(page, base, code, "Maria", "LSM Flores")
    # A card written offline, while the facilitator locks the board: sent once back,
    # refused by the server, and the echo goes away with the reason shown.
    context.set_offline(True)
    expect(page.locator("#status")).to_have_attribute("data-state", "offline")
    page.fill("#note-text", "Terlambat")
    page.click("#composer button[type=submit]")
    expect(page.locator(".card.pending", has_text="Terlambat")).to_be_visible()
    console.click("[data-action=lock]")
    expect(console.locator("body.locked")).to_be_visible()
    context.set_offline(False)
    expect(page.locator(".toast")).to_contain_text("dikunci")
    expect(page.locator(".card", has_text="Terlambat")).to_have_count(0)
    expect(page.locator("#note-text")).to_be_disabled()  # what is not allowed is visibly so
    expect(page.locator(".phasebar .lock")).to_be_visible()
    shot(page, "board-rejected", full=False)
    assert [e for e in watch.errors if "ERR_INTERNET_DISCONNECTED" not in e] == []


def test_server_restart_resumes_and_delivers_queued_cards(
    tmp_path: Any, browser: Any, watch: Any
) -> None:
    from ..servers import Server

    server = Server(tmp_path / "data", env={"SPWT_ROOMS_PER_IP_PER_HOUR": "1000"}).start()
    try:
        code, key = server.new_room("Forum OPD")
        console = _console(browser, watch, server.http, code, key)
        _phase(console, "issues")
        page = watch.page(browser.new_context(viewport=DESKTOP), "board")
        join(page, server.http, code, "Petrus", "Dinas Perikanan")
        server.kill()  # kill -9: no goodbye frame
        expect(page.locator("#status")).to_have_attribute("data-state", "reconnecting")
        expect(page.locator("#status")).to_contain_text("Menyambung ulang")
        page.fill("#note-text", "Cold storage ikan di Maumere")
        page.click("#composer button[type=submit]")
        server.start()
        expect(page.locator("#status")).to_have_attribute("data-state", "online", timeout=20000)
        expect(console.locator(".card", has_text="Cold storage")).to_have_count(1, timeout=20000)
        expect(page.locator(".card.pending")).to_have_count(0)
        record = server.request("GET", f"/api/rooms/{code}/scenario?format=json", token=key)
        assert [n["text"] for n in record["notes"]] == ["Cold storage ikan di Maumere"]
    finally:
        server.stop()
    # The browser logs the refused connections while the server was down; nothing else.
    assert [e for e in watch.errors if "WebSocket connection" not in e] == []
