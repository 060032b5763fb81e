# Indonesian year ranges take an en dash.
# ruff: noqa: RUF001
"""The start page's "Mulai dari hasil sebelumnya": upload a record, tick what to carry, see
the server's preview (counts) change, create, and find exactly that in the new room."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest

from ..fixtures.workshop import record as sikka_record
from .conftest import DESKTOP, shot

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


def _file(data: bytes) -> dict[str, Any]:
    return {"name": "hasil-sikka.json", "mimeType": "application/json", "buffer": data}


def test_upload_preview_and_create(server: Any, browser: Any, watch: Any) -> None:
    record = sikka_record()
    page = watch.page(browser.new_context(viewport=DESKTOP), "start-from")
    page.goto(server.http + "/")
    expect(page.locator("#from-record legend")).to_have_text("Mulai dari hasil sebelumnya")
    expect(page.locator("#from-options")).to_be_hidden()
    page.set_input_files("#from-file", files=[_file(json.dumps(record).encode())])
    counts = page.locator("#preview-counts li")
    expect(counts).to_have_text(
        ["Visi dan 4 misi", "6 program", "8 pelaku", "41 kartu dalam 7 kelompok"]
    )
    expect(page.locator("#preview-years")).to_have_text("Tahun rencana 2025–2029")
    expect(page.locator("#preview-source")).to_contain_text(record["room"]["code"])
    # The empty title takes the source's; ticking boxes asks the server again.
    expect(page.locator("[name=title]")).to_have_value(record["room"]["title"])
    page.uncheck("[name=carry][value=cards]")
    page.uncheck("[name=carry][value=vision]")
    expect(counts).to_have_text(["6 program", "8 pelaku"])
    page.select_option("[name=horizon]", "annual")
    page.fill("#from-year", "2027")
    page.locator("#from-year").dispatch_event("change")
    expect(page.locator("#preview-years")).to_have_text("Tahun rencana 2027–2027")
    shot(page, "start-from-record")
    page.fill("[name=title]", "PWT Tahunan 2027 Kabupaten Sikka")
    page.click("#create button[type=submit]")
    page.wait_for_selector("#room-code")
    code = page.text_content("#room-code")
    key = page.get_attribute("#console-link", "href").rsplit("#key=", 1)[1]
    request = urllib.request.Request(
        f"{server.http}/api/rooms/{code}/scenario", headers={"Authorization": f"Bearer {key}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        created = json.loads(response.read())
    assert created["room"]["horizon"] == "annual"
    assert created["room"]["years"] == {"from": 2027, "to": 2027}
    assert len(created["programs"]) == 6 and created["notes"] == []
    assert created["sources"][0]["room"] == record["room"]["code"]
    assert watch.errors == [] and watch.foreign == []


def test_bad_files_are_explained(server: Any, browser: Any, watch: Any) -> None:
    page = watch.page(browser.new_context(viewport=DESKTOP), "start-from-bad")
    page.goto(server.http + "/?lang=en")
    page.set_input_files("#from-file", files=[_file(b"{ not json")])
    expect(page.locator("#from-error")).to_have_text("This file is not JSON.")
    foreign = json.dumps({"schema": "decidim.proposals/1", "room": {}}).encode()
    page.set_input_files("#from-file", files=[_file(foreign)])
    expect(page.locator("#from-error")).to_contain_text("from.schema")
    expect(page.locator("#preview-counts")).to_have_count(0)
    page.click("#from-clear")
    expect(page.locator("#from-options")).to_be_hidden()
    expect(page.locator("#from-error")).to_be_hidden()
    assert [e for e in watch.errors if "422" not in e] == []
