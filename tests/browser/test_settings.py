"""Room settings from the console change what participants see: private writing and
anonymous cards, score voting 1-5, and removing a participant.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from .conftest import DESKTOP, PHONE, join, shot

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


def _phase(console: Any, phase: str, *boards: Any) -> None:
    console.click(f".stepper [data-phase={phase}]")
    for page in (console, *boards):
        expect(page.locator("body")).to_have_attribute("data-phase", phase)


def test_private_anonymous_score_and_remove(server: Any, browser: Any, watch: Any) -> None:
    base = server.http
    code, key = server.new_room("FGD Renstra Dinas Kesehatan")
    console = watch.page(browser.new_context(viewport=DESKTOP), "console")
    console.goto(f"{base}/r/{code}/console#key={key}")
    expect(console.locator("#status")).to_have_attribute("data-state", "online")
    ana = watch.page(browser.new_context(viewport=DESKTOP), "ana")
    ben = watch.page(browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True), "ben")
    join(ana, base, code, "Ana", "Puskesmas Beru")
    join(ben, base, code, "Ben", "RSUD TC Hillers")

    console.click(".settings summary")
    console.check("[name=anonymous]")
    console.check("[name=private_writing]")
    console.select_option("[name=mode]", "score")
    console.fill("[data-key=set-dots]", "4")
    console.select_option(".settings-form [name=timezone]", "WIT")
    console.click(".settings-form button[type=submit]")
    expect(console.locator("[data-key=set-dots]")).to_have_value("4")
    console.reload()  # what the server kept, not what the form still shows
    expect(console.locator("#status")).to_have_attribute("data-state", "online")
    console.click(".settings summary")
    expect(console.locator(".settings-form [name=timezone]")).to_have_value("WIT")
    shot(console, "console-settings")

    _phase(console, "issues", ana, ben)
    ana.fill("#note-text", "Stunting di desa terpencil")
    ana.click("#composer button[type=submit]")
    expect(ana.locator(".card", has_text="Stunting")).to_be_visible()
    expect(ben.locator(".hint", has_text="1")).to_be_visible()  # a count, not the card
    expect(ben.locator(".card")).to_have_count(0)
    expect(console.locator(".card", has_text="Stunting")).to_be_visible()
    console.click("[data-action=reveal-cards]")
    revealed = ben.locator(".card", has_text="Stunting")
    expect(revealed).to_be_visible()
    expect(revealed).not_to_contain_text("Ana")  # anonymous: no author
    expect(ana.locator(".card .author")).to_have_text(re.compile("Anda"))

    _phase(console, "cluster", ana, ben)
    console.fill("[data-key=new-cluster]", "Gizi")
    console.press("[data-key=new-cluster]", "Enter")
    console.locator(".cluster", has_text="Gizi").locator("button.promote").click()
    expect(ben.locator(".cluster .badge")).to_be_visible()

    _phase(console, "vote", ana, ben)
    program = ben.locator(".program", has_text="Gizi")
    program.locator("[data-criterion=feasibility] button.score", has_text="4").click()
    program.locator("[data-criterion=urgency] button.score", has_text="5").click()
    expect(program.locator("[data-criterion=urgency] button[aria-pressed=true]")).to_have_text("5")
    ana_program = ana.locator(".program", has_text="Gizi")
    ana_program.locator("[data-criterion=feasibility] button.score", has_text="2").click()
    expect(console.locator(".participation").first).to_contain_text("2")
    shot(ben, "phone-score")
    console.click("[data-action=reveal-votes]")
    row = ana.locator("table.ranking tbody tr").first
    expect(row).to_contain_text("3")  # mean of 4 and 2
    expect(row).to_contain_text("8")  # 3 + 5
    # The reveal closes the vote: the results hold still on every screen.
    expect(ana_program.locator("[data-criterion=feasibility] button.score").first).to_be_disabled()
    for page in (ana, ben, console):
        expect(page.locator("table.ranking tbody tr").first).to_contain_text("8")

    # Removing a participant ends their session with a clear message.
    console.locator("#controls .people li", has_text="Ben").locator("button").click()
    expect(ben.locator(".fatal h1")).to_contain_text("dikeluarkan")
    expect(console.locator("#controls .people li", has_text="Ben")).to_have_count(0)
    assert watch.errors == []
