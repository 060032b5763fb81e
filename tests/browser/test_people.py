"""Issue #16 in real Chromium: the join form asks who one is, the console's lobby names the
missing elements, the facilitator adds a participant without a phone and enters their card
and their vote, and the berita acara downloads and prints on A4."""

from __future__ import annotations

import io
import re
import urllib.request
from pathlib import Path
from typing import Any

import docx
import pytest

from .conftest import DESKTOP, PHONE, create_room, shot

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


def _next(console: Any, phase: str, *boards: Any) -> None:
    console.click(f"button.step[data-phase={phase}]")
    for page in (console, *boards):
        expect(page.locator("body")).to_have_attribute("data-phase", phase)


def test_people_paper_participants_and_the_minutes(server: Any, browser: Any, watch: Any) -> None:
    base = server.http.replace("localhost", "127.0.0.1")
    f_ctx = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    p_ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    fac, ani = watch.page(f_ctx, "console"), watch.page(p_ctx, "ani")
    console_link = create_room(fac, base, "Musrenbang Kecamatan Alok")
    code = fac.inner_text("#room-code")
    fac.goto(console_link)
    expect(fac.locator("#status")).to_have_attribute("data-state", "online")
    key = fac.evaluate(f"localStorage.getItem('spwt:key:{code}')")

    # The join form asks for position, element and gender on the same screen.
    ani.goto(f"{base}/r/{code}")
    ani.fill("#join-name", "Ani Lewar")
    ani.fill("#join-org", "Universitas Nusa Nipa")
    ani.fill("#join-position", "Dosen")
    ani.select_option("#join-category", "academia")
    ani.select_option("#join-gender", "female")
    shot(ani, "phone-join-people")
    ani.click("#join button[type=submit]")
    expect(ani.locator("#status")).to_have_attribute("data-state", "online")

    lobby = fac.locator("#content .missing")
    expect(lobby).to_contain_text("Belum ada peserta dari:")
    expect(lobby).to_contain_text("Media")
    expect(lobby).not_to_contain_text("Akademisi")  # Ani is there
    expect(fac.locator("#controls .people li", has_text="Ani Lewar")).to_contain_text("Akademisi")

    # A participant without a phone, added by the facilitator.
    fac.click(".add-paper summary")
    form = fac.locator("form.add-paper")
    form.locator("[name=name]").fill("Pak Karto")
    form.locator("[name=org]").fill("Desa Nita")
    form.locator("[name=position]").fill("Kepala Dusun")
    form.locator("[name=category]").select_option("community")
    form.locator("[data-action=add-paper]").click()
    karto = fac.locator("#controls .people li", has_text="Pak Karto")
    expect(karto).to_contain_text("peserta tanpa perangkat")
    expect(lobby).not_to_contain_text("Masyarakat")
    expect(ani.locator("#content .people li", has_text="Pak Karto")).to_be_visible()
    shot(fac, "console-paper-participant")

    # His card, entered by the facilitator "for:" him, reaches every board as his.
    _next(fac, "issues", ani)
    fac.select_option("#acting-for", label="Pak Karto")
    expect(fac.locator(".acting .hint")).to_contain_text("Pak Karto")
    fac.fill("#note-text", "Jalan dusun licin saat hujan")
    fac.click("#composer button[type=submit]")
    expect(ani.locator(".card", has_text="Jalan dusun licin")).to_be_visible()
    fac.select_option("#acting-for", "")

    _next(fac, "cluster", ani)
    fac.fill("[data-key=new-cluster]", "Jalan desa")
    fac.press("[data-key=new-cluster]", "Enter")
    jalan = fac.locator(".cluster", has=fac.locator("h3", has_text="Jalan desa"))
    jalan.locator("button.promote").click()
    expect(ani.locator(".cluster .badge")).to_be_visible()

    # His paper ballot: his own dots, not the facilitator's (who has none).
    _next(fac, "vote", ani)
    expect(fac.locator(".program button.plus")).to_have_count(0)
    fac.select_option("#acting-for", label="Pak Karto")
    program = fac.locator(".program", has_text="Jalan desa")
    for _ in range(2):
        program.locator("[data-criterion=urgency] button.plus").click()
    expect(program.locator("[data-criterion=urgency] .dots")).to_have_text("●●")
    expect(fac.locator(".budget [data-criterion=urgency]")).to_contain_text("3")  # 5 - 2
    expect(ani.locator(".participation").first).to_contain_text("1")
    expect(fac.locator("#content .participation")).to_contain_text("1 orang")
    shot(fac, "console-paper-vote")
    fac.select_option("#acting-for", "")
    fac.click("[data-action=reveal-votes]")
    expect(ani.locator("table.ranking tbody tr").first).to_contain_text("2")

    # Roles: the lead agency, its commitment (typed on the phone), the follow-up plan.
    _next(fac, "roles", ani)
    fac.fill("[data-key=actor-name]", "Dinas PUPR")
    fac.press("[data-key=actor-name]", "Enter")
    cell = fac.locator("table.matrix select[aria-label='Jalan desa \u00d7 Dinas PUPR']")
    expect(cell).to_be_enabled()
    cell.select_option("lead")
    commitment = ani.get_by_label("Komitmen: Jalan desa \u00d7 Dinas PUPR")
    commitment.fill("Pengerasan jalan dusun pada 2027")
    ani.locator("form.commit", has=commitment).locator("button").click()
    expect(fac.locator(".commitments [data-key*=commit-]")).to_have_value(
        "Pengerasan jalan dusun pada 2027"
    )
    fac.fill("[data-key=followup-text]", "Survei ruas jalan dusun")
    fac.locator("form.add-followup select").select_option(label="Dinas PUPR")
    fac.fill("[data-key=followup-due]", "Januari 2027")
    fac.click("[data-action=add-followup]")
    expect(fac.locator("ol.followups li")).to_contain_text("Survei ruas jalan dusun")
    shot(ani, "phone-commitment")

    # The berita acara from the console's button: an editable Word file.
    _next(fac, "review", ani)
    with fac.expect_download() as got:
        fac.click("[data-minutes=docx]")
    download = got.value
    assert re.fullmatch(r"berita-acara-musrenbang-kecamatan-alok-\d{4}-\d\d-\d\d\.docx",
                        download.suggested_filename)  # fmt: skip
    word = docx.Document(io.BytesIO(Path(download.path()).read_bytes()))
    attendance = word.tables[-1]
    names = [row.cells[1].text for row in attendance.rows[1:]]
    assert "Pak Karto *" in names and "Ani Lewar" in names

    # ... and the printed HTML, on A4 portrait, as a person would look at it.
    request = urllib.request.Request(
        f"{server.http}/api/rooms/{code}/minutes?format=html",
        headers={"Authorization": f"Bearer {key}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        html = response.read().decode()
    printed = watch.page(browser.new_context(viewport={"width": 794, "height": 1123}), "print")
    printed.set_content(html)
    printed.emulate_media(media="print")
    expect(printed.locator("h1")).to_have_text("Berita Acara Kesepakatan")
    expect(printed.locator("table.attendance tbody tr")).to_have_count(3)  # F, Ani, Karto
    expect(printed.locator("#programs")).to_contain_text("Pengerasan jalan dusun pada 2027")
    expect(printed.locator("#followups")).to_contain_text("Survei ruas jalan dusun")
    expect(printed.locator(".signature .actor").first).to_have_text("Dinas PUPR")
    shot(printed, "minutes-printed")
    pdf = printed.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    assert watch.errors == [] and watch.foreign == []
