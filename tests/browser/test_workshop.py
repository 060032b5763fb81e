"""A whole short workshop in real Chromium: a facilitator and two participants (one on a
phone) in separate browser contexts, plus the projector screen, see each other live.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import docx
import pytest

from .conftest import DESKTOP, PHONE, PROJECTOR, create_room, join, shot

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


def card(page: Any, text: str) -> Any:
    return page.locator(".card", has_text=text)


def cluster(page: Any, title: str) -> Any:
    return page.locator(".cluster", has=page.locator("h3", has_text=title))


def add_card(page: Any, text: str) -> None:
    page.fill("#note-text", text)
    page.click("#composer button[type=submit]")


def box_of(page: Any, element: Any) -> dict[str, float]:
    """Where ``element`` is on screen. The board renders again as each event arrives, so
    an element seen a moment ago may be between two renders: look again, briefly."""
    for _ in range(50):
        box = element.bounding_box()
        if box is not None:
            return box
        page.wait_for_timeout(100)
    raise AssertionError(f"{element} is not on screen")


def drag(page: Any, source: Any, target: Any) -> None:
    """A mouse drag in small steps, as a person does it."""
    expect(source).to_be_visible()
    box, goal = box_of(page, source), box_of(page, target)
    page.mouse.move(box["x"] + 20, box["y"] + 20)
    page.mouse.down()
    page.mouse.move(box["x"] + 40, box["y"] + 40, steps=4)
    page.mouse.move(goal["x"] + goal["width"] / 2, goal["y"] + goal["height"] / 2, steps=12)
    page.mouse.up()


def fits(page: Any) -> None:
    """Nothing wider than the window (the phone must never scroll sideways)."""
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{overflow}px wider than the window"


def next_phase(console: Any, phase: str, *boards: Any) -> None:
    console.click("[data-action=next-phase]")
    for page in (console, *boards):
        expect(page.locator("body")).to_have_attribute("data-phase", phase)


def test_short_workshop(server: Any, browser: Any, watch: Any) -> None:
    base = server.http.replace("localhost", "127.0.0.1")
    f_ctx = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    a_ctx = browser.new_context(viewport=DESKTOP)
    b_ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    s_ctx = browser.new_context(viewport=PROJECTOR)
    fac = watch.page(f_ctx, "console")
    budi, sari = watch.page(a_ctx, "budi"), watch.page(b_ctx, "sari")

    console_link = create_room(fac, base)
    shot(fac, "start-created")
    code = fac.inner_text("#room-code")
    assert "#key=" in console_link
    fac.goto(console_link)
    expect(fac.locator("#status")).to_have_attribute("data-state", "online")
    assert "#key=" not in fac.url  # the key leaves the address bar once stored

    screen = watch.page(s_ctx, "screen")
    screen.goto(f"{base}/r/{code}/screen")
    expect(screen.locator(".lobby .code")).to_have_text(code)
    expect(screen.locator(".lobby img.qr")).to_be_visible()
    shot(screen, "screen-lobby", full=False)

    join(budi, base, code, "Budi Santoso", "Bappeda")
    join(sari, base, code, "Sari <b>Wulan</b>", "Dinas PUPR")
    expect(fac.locator("#controls .people li.on", has_text="Budi Santoso")).to_be_visible()
    # Typed text is text, never markup.
    expect(fac.locator("#controls .people li", has_text="Sari <b>Wulan</b>")).to_be_visible()
    shot(fac, "console-lobby")

    # Vision: cards appear everywhere; the facilitator writes the agreed statement.
    next_phase(fac, "vision", budi, sari)
    add_card(budi, "Sikka yang sejahtera, sehat dan lestari")
    expect(card(sari, "Sikka yang sejahtera")).to_be_visible()
    expect(card(screen, "Sikka yang sejahtera")).to_be_visible()
    vision = "Sikka maju, sejahtera dan berkelanjutan 2045"
    fac.fill("[data-key=vision-text]", vision)
    fac.click("form.stack button[type=submit] >> text=Simpan visi")
    expect(budi.locator(".vision blockquote")).to_have_text(vision)
    shot(sari, "phone-vision")
    fits(sari)

    # Needs and potentials.
    next_phase(fac, "issues", budi, sari)
    add_card(budi, "Air bersih untuk desa pesisir")
    add_card(sari, "Jalan desa rusak")
    add_card(sari, "Pariwisata bahari Maumere")
    for page in (budi, sari, fac):
        expect(page.locator(".card")).to_have_count(3)
    shot(budi, "board-issues")

    # Clustering: name clusters, drag cards in with the mouse, use the menu on the phone.
    next_phase(fac, "cluster", budi, sari)
    budi.fill("[data-key=new-cluster]", "Infrastruktur dasar")
    budi.press("[data-key=new-cluster]", "Enter")
    sari.fill("[data-key=new-cluster]", "Pariwisata")
    sari.press("[data-key=new-cluster]", "Enter")
    expect(cluster(budi, "Pariwisata")).to_be_visible()
    drag(budi, card(budi, "Air bersih"), cluster(budi, "Infrastruktur dasar"))
    expect(cluster(sari, "Infrastruktur dasar").locator(".card")).to_have_count(1)
    expect(cluster(budi, "Infrastruktur dasar").locator(".card.pending")).to_have_count(0)
    drag(budi, card(budi, "Jalan desa"), cluster(budi, "Infrastruktur dasar"))
    card(sari, "Pariwisata bahari").locator("select.move").select_option(label="Pariwisata")
    expect(cluster(budi, "Pariwisata").locator(".card")).to_have_count(1)
    expect(cluster(fac, "Infrastruktur dasar").locator(".card")).to_have_count(2)
    shot(budi, "board-cluster")
    shot(sari, "phone-cluster")
    fits(sari)

    # The facilitator promotes both clusters to programs.
    cluster(fac, "Infrastruktur dasar").locator("button.promote").click()
    cluster(fac, "Pariwisata").locator("button.promote").click()
    expect(cluster(budi, "Pariwisata").locator(".badge")).to_be_visible()
    shot(fac, "console-cluster")
    # "Everyone look here": boards highlight the cluster, the screen puts it in a spotlight.
    cluster(fac, "Pariwisata").locator("header .focus-btn").click()
    expect(cluster(sari, "Pariwisata")).to_have_class(re.compile("focused"))
    expect(screen.locator(".spotlight h2")).to_have_text("Pariwisata")
    shot(screen, "screen-focus", full=False)
    cluster(fac, "Pariwisata").locator("header .focus-btn").click()
    expect(screen.locator(".spotlight")).to_have_count(0)

    # Voting: dots with the remaining budget, hidden until the reveal.
    next_phase(fac, "vote", budi, sari)
    infra = budi.locator(".program", has_text="Infrastruktur dasar")
    for _ in range(3):
        infra.locator("[data-criterion=feasibility] button.plus").click()
    expect(infra.locator("[data-criterion=feasibility] button.plus")).to_be_disabled()  # 3 per item
    infra.locator("[data-criterion=urgency] button.plus").click()
    expect(budi.locator(".budget [data-criterion=feasibility]")).to_contain_text("2")
    tour = sari.locator(".program", has_text="Pariwisata")
    tour.locator("[data-criterion=feasibility] button.plus").click()
    tour.locator("[data-criterion=urgency] button.plus").click()
    tour.locator("[data-criterion=urgency] button.plus").click()
    tour.locator("[data-criterion=urgency] button.minus").click()
    sari_infra = sari.locator(".program", has_text="Infrastruktur dasar")
    sari_infra.locator("[data-criterion=urgency] button.plus").click()
    expect(fac.locator(".participation").first).to_contain_text("2")
    expect(budi.locator("table.ranking")).to_have_count(0)
    shot(sari, "phone-vote")
    fits(sari)
    fac.click("[data-action=reveal-votes]")
    for page in (budi, sari, screen):
        expect(page.locator("table.ranking tbody tr")).to_have_count(2)
        expect(page.locator("svg.chart .point")).to_have_count(2)
    first = budi.locator("table.ranking tbody tr").first
    expect(first).to_contain_text("Infrastruktur dasar")
    expect(first).to_contain_text("5")  # 3 feasibility + 2 urgency
    shot(budi, "board-vote-revealed")
    shot(screen, "screen-results", full=False)

    # Roles: actors, the matrix, program details.
    next_phase(fac, "roles", budi, sari)
    budi.fill("[data-key=actor-name]", "Bappeda")
    budi.press("[data-key=actor-name]", "Enter")
    sari.fill("[data-key=actor-name]", "Dinas PUPR")
    sari.press("[data-key=actor-name]", "Enter")
    expect(budi.locator("table.matrix thead th")).to_have_count(3)
    cell = "table.matrix select[aria-label='Infrastruktur dasar \u00d7 Dinas PUPR']"
    expect(sari.locator(cell)).to_be_enabled()  # once the server has given the actor its id
    sari.locator(cell).focus()
    sari.keyboard.press("ArrowDown")  # by keyboard: "—" to "lead"
    expect(budi.locator(cell)).to_have_value("lead")
    # The menu Sari used keeps focus, yet her board stays live (no wait for her to leave it).
    budi.fill("[data-key=actor-name]", "DPRD Kabupaten")
    budi.press("[data-key=actor-name]", "Enter")
    expect(sari.locator("table.matrix thead th")).to_have_count(4, timeout=2000)
    details = budi.locator(".program-details", has_text="Infrastruktur dasar")
    details.locator("summary").click()
    indicator = "Rumah tangga dengan akses air minum | % | 62 | 90 | 2026: 70, 2027: 80"
    details.locator("textarea").first.fill(indicator)
    # Someone else's change re-renders the board: the open form and the typed text stay.
    sari.fill("[data-key=actor-name]", "Dinas Pariwisata")
    sari.press("[data-key=actor-name]", "Enter")
    expect(budi.locator("table.matrix thead th")).to_have_count(5)
    expect(details).to_have_attribute("open", "")
    expect(details.locator("textarea").first).to_have_value(indicator)
    details.locator("button[type=submit]").click()
    shot(budi, "board-roles")
    shot(sari, "phone-roles")
    fits(sari)

    # Snapshot and downloads from the console.
    fac.fill("[data-key=snap-label]", "setelah peran")
    fac.click("[data-action=snapshot]")
    expect(fac.locator(".snapshots li[data-n='1']")).to_be_visible()
    with fac.expect_download() as info:
        fac.locator(".snapshots li[data-n='1'] button[data-format=json]").click()
    record = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert record["room"]["timezone"] == "WITA"  # chosen on the start page
    titles = {p["title"] for p in record["programs"]}
    assert titles == {"Infrastruktur dasar", "Pariwisata"}
    infra_record = next(p for p in record["programs"] if p["title"] == "Infrastruktur dasar")
    assert infra_record["rank"] == 1
    assert infra_record["indicators"][0]["baseline"] == "62"
    assert infra_record["indicators"][0]["targets"] == {"2026": "70", "2027": "80"}
    with fac.expect_download() as info:
        fac.locator(".downloads button[data-format=md]").click()
    assert "Sikka maju" in Path(info.value.path()).read_text(encoding="utf-8")
    with fac.expect_download() as info:
        fac.locator(".downloads button[data-format=matrix]").click()
    assert "Dinas PUPR" in Path(info.value.path()).read_text(encoding="utf-8-sig")
    with fac.expect_download() as info:
        fac.locator(".downloads button[data-format=xlsx]").click()
    assert Path(info.value.path()).read_bytes().startswith(b"PK")  # a zip: the workbook
    with fac.expect_download() as info:
        fac.locator(".downloads button[data-format=docx]").click()
    assert info.value.suggested_filename.endswith(".docx")
    report = docx.Document(info.value.path())
    cells = [row.cells[1].text for table in report.tables for row in table.rows]
    assert any(c.startswith("Infrastruktur dasar") for c in cells)  # a real Word table

    next_phase(fac, "review", budi, sari)
    # What each page built from live events is what a fresh load shows: the client's
    # reducer agrees with the server's state, for a participant, the facilitator, the screen.
    for page in (budi, fac, screen):
        expect(page.locator("table.ranking")).to_be_visible()
        live = page.inner_text("#content")
        page.reload()
        expect(page.locator("#status")).to_have_attribute("data-state", "online")
        expect(page.locator("table.ranking")).to_be_visible()
        assert page.inner_text("#content") == live
    shot(fac, "console-review")
    shot(budi, "board-review")
    shot(screen, "screen-review", full=False)
    # The participant downloads the record with their own resume token.
    with budi.expect_download() as info:
        budi.locator(".downloads button[data-format=csv]").click()
    assert "Infrastruktur dasar" in Path(info.value.path()).read_text(encoding="utf-8-sig")

    assert watch.errors == []
    assert watch.foreign == []
