"""Phones and words (issue #17): a 390x844 phone joins knowing which workshop, adds cards
with Enter, keeps a draft through a reload, sees that it saved, hits only 44px targets under
a short phase bar, and reads labels, not keys, in the language it chose."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import DESKTOP, PHONE, shot
from .test_screen_fit import Facilitator

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

TITLE = "Lokakarya RPJMD Kabupaten Sikka"


def small_targets(page: Any, scope: str) -> list[str]:
    """Visible controls in ``scope`` smaller than 44 by 44 px (a finger's tap target)."""
    return page.evaluate(
        """(scope) => [...document.querySelectorAll(`${scope} button, ${scope} input,
        ${scope} select, ${scope} textarea, ${scope} summary`)]
        .filter((el) => el.offsetParent !== null && el.type !== 'checkbox')
        .map((el) => [el, el.getBoundingClientRect()])
        .filter(([, r]) => r.height < 44 || r.width < 44)
        .map(([el, r]) => `${el.tagName}.${el.className} ${el.textContent.trim().slice(0, 20)}`
             + ` ${Math.round(r.width)}x${Math.round(r.height)}`)""",
        scope,
    )


def phone_room(server: Any, browser: Any, watch: Any) -> tuple[Any, Facilitator, str]:
    room, key = server.new_room(TITLE)
    f = Facilitator(server, room, key)
    ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = watch.page(ctx, "phone")
    page.goto(f"{server.http}/r/{room}")
    # The join form says which workshop this is, before any script has run.
    expect(page.locator("#join-workshop")).to_have_text(TITLE)
    shot(page, "phone-join")
    assert not small_targets(page, "#join"), small_targets(page, "#join")
    page.fill("#join-name", "Sari Wulan")
    page.fill("#join-org", "Dinas PUPR")
    page.click("#join button[type=submit]")
    expect(page.locator("#status")).to_have_attribute("data-state", "online")
    return page, f, room


def test_phone_writes_and_reads(server: Any, browser: Any, watch: Any) -> None:
    page, f, _room = phone_room(server, browser, watch)
    f.do({"kind": "phase.set", "phase": "issues"})
    expect(page.locator("body")).to_have_attribute("data-phase", "issues")

    # Enter adds the card; Shift+Enter makes a new line in it.
    box = page.locator("#note-text")
    box.fill("Air bersih")
    box.press("Shift+Enter")
    box.type("untuk desa pesisir")
    assert box.input_value() == "Air bersih\nuntuk desa pesisir"
    box.press("Enter")
    expect(page.locator(".card .text")).to_have_text("Air bersih\nuntuk desa pesisir")
    expect(box).to_have_value("")
    expect(page.locator("#composer .save-status")).to_have_text("Tersimpan")

    # A typed draft survives a reload.
    box.fill("Jalan desa rusak di musim hujan")
    page.reload()
    expect(page.locator("#status")).to_have_attribute("data-state", "online")
    expect(page.locator("#note-text")).to_have_value("Jalan desa rusak di musim hujan")

    # The sticky phase bar leaves the phone its screen; every control takes a finger.
    bar = page.locator("#phasebar").bounding_box()
    assert bar["height"] <= 120, f"phase bar {bar['height']}px high"
    assert not small_targets(page, "#board"), small_targets(page, "#board")
    shot(page, "phone-issues", full=False)

    # Clustering: the drag handle sits beside the text, not on it.
    cluster = f.do(
        {"kind": "cluster.add", "title": "Air"}, {"kind": "phase.set", "phase": "cluster"}
    )
    assert cluster
    expect(page.locator(".card[data-drag] .handle")).to_have_count(1)
    overlap = page.evaluate(
        """() => [...document.querySelectorAll('.card[data-drag]')].map((c) => {
        const a = c.querySelector('.handle').getBoundingClientRect();
        const b = c.querySelector('.text').getBoundingClientRect();
        return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        })"""
    )
    assert overlap == [False], overlap
    assert not small_targets(page, "#board"), small_targets(page, "#board")
    # A form says that what it sent was saved.
    page.fill("form.add-cluster input", "Jalan")
    page.click("form.add-cluster button[type=submit]")
    expect(page.locator("form.add-cluster .save-status.saved")).to_have_text("Tersimpan")
    expect(page.locator(".cluster h3", has_text="Jalan")).to_be_visible()
    shot(page, "phone-cluster", full=False)

    # The language picker shows its whole name; English changes every word, "Terhubung" too.
    cut = page.evaluate(
        """() => { const s = document.querySelector('#lang');
        const ctx = document.createElement('canvas').getContext('2d');
        ctx.font = getComputedStyle(s).font;
        return ctx.measureText(s.selectedOptions[0].text).width + 24 - s.clientWidth; }"""
    )
    assert cut <= 0, f"the language picker cuts {cut}px of its text"
    expect(page.locator("#status")).to_have_text("Terhubung")
    page.select_option("#lang", "en")
    expect(page.locator("#status")).to_have_text("Connected")
    expect(page.locator(".phase-name")).to_have_text("Clustering")
    page.select_option("#lang", "id")
    expect(page.locator("#status")).to_have_text("Terhubung")
    assert not watch.errors, watch.errors


def test_phone_votes_and_tables(server: Any, browser: Any, watch: Any) -> None:
    page, f, _room = phone_room(server, browser, watch)
    # Criteria without a label read as their names, never as their keys.
    f.do(
        {"kind": "room.configure", "voting": {"mode": "dots", "criteria": [
            {"key": "feasibility"}, {"key": "urgency"}]}},
        {"kind": "phase.set", "phase": "issues"},
    )  # fmt: skip
    notes = f.do(*[{"kind": "note.add", "text": f"Kartu {i}"} for i in range(3)])
    made = f.do(
        {"kind": "cluster.add", "title": "Air bersih"}, {"kind": "cluster.add", "title": "Jalan"}
    )
    f.do(
        *[{"kind": "note.cluster", "note": n["note"], "cluster": made[0]["cluster"]} for n in notes]
    )
    programs = f.do(*[{"kind": "program.promote", "cluster": c["cluster"]} for c in made])
    f.do({"kind": "phase.set", "phase": "vote"})
    expect(page.locator("body")).to_have_attribute("data-phase", "vote")
    expect(page.locator(".budget .left").first).to_contain_text("Kelayakan")
    expect(page.locator("#board")).not_to_contain_text("feasibility")
    expect(page.locator(".hint")).to_contain_text("per program untuk tiap kriteria")
    # A voter opens a program's cards while voting.
    cards = page.locator(f"#item-{programs[0]['program']} details.program-cards")
    cards.locator("summary").click()
    expect(cards.locator("li")).to_have_count(3)
    assert not small_targets(page, "#board"), small_targets(page, "#board")
    shot(page, "phone-vote")

    # Votes: "Jalan" gets more, so in roles it comes first (rank order, not creation).
    page.click(f"[data-key=plus-{programs[1]['program']}-feasibility]")
    expect(page.locator(".budget .left").first).to_contain_text("4")
    actors = f.do(*[{"kind": "actor.add", "name": n} for n in ["Bappeda", "Dinas PUPR", "DPRD",
                    "Dinas Kesehatan", "Universitas", "Kelompok Tani"]])  # fmt: skip
    assert actors
    f.do({"kind": "votes.reveal"}, {"kind": "phase.set", "phase": "roles"})
    expect(page.locator("body")).to_have_attribute("data-phase", "roles")
    rows = page.locator("table.matrix tbody th[scope=row]")
    expect(rows.first).to_contain_text("Jalan")
    # The table scrolls sideways under a first column that stays.
    sticky = page.evaluate(
        "getComputedStyle(document.querySelector('table.matrix tbody th')).position"
    )
    assert sticky == "sticky"
    shot(page, "phone-roles")

    f.do({"kind": "phase.set", "phase": "review"})
    expect(page.locator("body")).to_have_attribute("data-phase", "review")
    labels = page.locator(".downloads button").all_inner_texts()
    assert "Laporan (HTML)" in labels and "Spreadsheet (XLSX)" in labels, labels
    assert not [x for x in labels if x.lower() in {"md", "html", "csv", "xlsx", "json"}]
    assert not watch.errors, watch.errors


def test_console_forms_say_saved(server: Any, browser: Any, watch: Any) -> None:
    room, key = server.new_room(TITLE)
    console = watch.page(browser.new_context(viewport=DESKTOP), "console")
    console.goto(f"{server.http}/r/{room}/console#key={key}")
    expect(console.locator("#status")).to_have_attribute("data-state", "online")
    Facilitator(server, room, key).do({"kind": "phase.set", "phase": "vision"})
    console.fill("[data-key=vision-text]", "Sikka maju 2045")
    console.click("form.stack button[type=submit] >> text=Simpan visi")
    expect(console.locator("form.stack .save-status.saved")).to_have_text("Tersimpan")
    assert not watch.errors, watch.errors
