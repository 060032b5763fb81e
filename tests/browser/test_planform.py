"""The program form in real Chromium: indicator and budget rows read Indonesian numbers and
money, refuse what is ambiguous in place, pick the nomenclature code, and save numbers as
numbers; on the console the assistant's code suggestion is one click."""

from __future__ import annotations

import asyncio
import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from ..wsclient import Client
from .conftest import PHONE, PROJECTOR, join, shot

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

MISSIONS = ["Infrastruktur merata dan tangguh", "Layanan dasar yang bermutu"]


def _run(coroutine: Any) -> Any:
    """Run a protocol client beside Playwright, whose sync API owns this thread's loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _room_in_roles(server: Any, title: str) -> tuple[str, str, str]:
    """A room in the roles phase with one program named ``title``: (room, key, program)."""
    room, key = server.new_room()

    async def run() -> str:
        c = Client(server.http.replace("http", "ws", 1), room)
        await c.join(key=key, name="Fasilitator")
        await c.until(await c.send("vision.set", text="Sikka maju", missions=MISSIONS))
        await c.until(await c.send("phase.set", phase="issues"))
        cluster = (await c.until(await c.send("cluster.add", title=title)))["op"]["cluster"]
        program = (await c.until(await c.send("program.promote", cluster=cluster)))["op"]
        await c.until(await c.send("phase.set", phase="roles"))
        await c.close()
        return program["program"]

    return room, key, _run(run())


def _get(server: Any, path: str, key: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    request = urllib.request.Request(server.http + path, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _record_program(server: Any, room: str, key: str, program: str) -> dict[str, Any]:
    record = _get(server, f"/api/rooms/{room}/scenario?format=json", key)
    return next(p for p in record["programs"] if p["id"] == program)


def _small_targets(page: Any, scope: str) -> list[str]:
    """Visible controls in ``scope`` smaller than 44 by 44 px (a finger's tap target)."""
    return page.evaluate(
        """(scope) => [...document.querySelectorAll(`${scope} button, ${scope} input,
        ${scope} select, ${scope} textarea, ${scope} summary`)]
        .filter((el) => el.offsetParent !== null)
        .map((el) => [el, el.getBoundingClientRect()])
        .filter(([, r]) => r.height < 44 || r.width < 44)
        .map(([el, r]) => `${el.tagName}.${el.className} ${r.width}x${r.height}`)""",
        scope,
    )


def _fits(page: Any) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{overflow}px wider than the window"


def test_the_form_on_a_phone_saves_numbers_as_numbers(
    server: Any, browser: Any, watch: Any
) -> None:
    room, key, program = _room_in_roles(server, "Jalan desa")
    phone = watch.page(browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True), "sari")
    join(phone, server.http, room, "Sari", "Dinas PUPR")
    details = phone.locator(f"#details-{program}")
    details.locator("summary").click()
    details.locator("[data-action=add-indicator]").click()
    row = details.locator(".ind-row").first
    row.get_by_label("Nama indikator").fill("Panjang jalan kabupaten kondisi mantap")
    row.get_by_label("Satuan").fill("%")
    row.get_by_label("Kondisi awal", exact=True).fill("61,2")
    row.get_by_label("Tahun kondisi awal").fill("2025")
    targets = row.locator(".years .f-value input")
    targets.nth(0).fill("70")
    targets.nth(1).fill("4,5")
    final = row.get_by_label("Kondisi akhir")
    final.fill("Tersedia")  # a qualitative value stays text, and the box says so
    final.press("Tab")
    expect(row.locator(".years .f-value .msg").last).to_have_text(
        "Disimpan sebagai teks (indikator kualitatif)."
    )
    years = [row.locator(".years label").nth(n).inner_text().split()[-1] for n in (0, 1)]

    # Money: "12.5" could be 12,5 or 12.500; it is refused beside the box and nothing goes out.
    details.locator("[data-action=add-budget]").click()
    amount = details.locator(".bud-row .f-amount input").first
    expect(amount).to_have_attribute("inputmode", "decimal")  # the phone's number keypad
    amount.fill("12.5")
    amount.press("Tab")
    expect(amount).to_have_attribute("aria-invalid", "true")
    message = phone.locator(f"#{amount.get_attribute('aria-describedby')}")
    expect(message).to_contain_text("Tidak jelas: 12.5 bisa berarti")
    seq = _get(server, f"/api/rooms/{room}")["seq"]
    details.locator("[data-action=save-program]").click()
    expect(details.locator(".save-status")).to_have_text(
        "Belum tersimpan: periksa kotak yang ditandai."
    )
    expect(amount).to_be_focused()
    shot(phone, "phone-planform-refused")
    shot(phone, "phone-planform-budget", full=False)  # the screen as the phone shows it
    row.scroll_into_view_if_needed()
    shot(phone, "phone-planform-indicator", full=False)
    assert _get(server, f"/api/rooms/{room}")["seq"] == seq  # nothing was sent

    amount.fill("Rp 12.500.000.000")
    expect(amount).not_to_have_attribute("aria-invalid", "true")
    amount.press("Tab")
    expect(amount).to_have_value("Rp 12.500.000.000")
    source = details.locator(".bud-row .f-text input").first
    expect(source).to_have_attribute("list", f"pf-{program}-funding")  # the sources, or free text
    source.fill("APBD Kabupaten/Kota")

    # The code: type "jalan", pick the official program.
    search = details.get_by_label("Cari program dalam nomenklatur")
    search.fill("jalan")
    option = details.locator(".code-option[data-code='1.03.10']")
    expect(option).to_contain_text("PROGRAM PENYELENGGARAAN JALAN")
    option.click()
    expect(details.locator(".code-current")).to_contain_text(
        "1.03.10 PROGRAM PENYELENGGARAAN JALAN"
    )
    details.get_by_label("Misi").select_option(index=1)
    details.get_by_label("Tujuan").fill("Konektivitas antarwilayah meningkat")
    details.get_by_label("Sasaran").fill("Jalan kabupaten dalam kondisi mantap")

    assert _small_targets(phone, f"#details-{program}") == []
    _fits(phone)
    details.locator("[data-action=save-program]").click()
    expect(details.locator(".save-status")).to_have_text("Tersimpan")
    shot(phone, "phone-planform-saved")

    saved = _record_program(server, room, key, program)
    assert saved["code"] == "1.03.10"
    assert saved["nomenclature"] == "PROGRAM PENYELENGGARAAN JALAN"
    line = saved["budget"][0]
    assert line["amount"] == 12500000000 and isinstance(line["amount"], int)
    assert line["year"] == int(years[0]) and line["source"] == "APBD Kabupaten/Kota"
    indicator = saved["indicators"][0]
    assert indicator["targets"] == {years[0]: 70, years[1]: 4.5}
    assert indicator["baseline"] == 61.2 and indicator["baseline_year"] == 2025
    assert indicator["final"] == "Tersedia" and indicator["kind"] == "outcome"
    assert saved["mission"] == 0 and saved["goal"] == "Konektivitas antarwilayah meningkat"
    # The saved form shows the values back the Indonesian way.
    expect(details.locator(".years .f-value input").nth(1)).to_have_value("4,5")
    expect(details.locator(".bud-row .f-amount input").first).to_have_value("Rp 12.500.000.000")
    assert watch.errors == []


def test_the_console_suggests_the_code_and_accepts_it_in_one_click(
    server: Any, browser: Any, watch: Any
) -> None:
    room, key, program = _room_in_roles(server, "Jalan desa")
    console = watch.page(browser.new_context(viewport=PROJECTOR), "console")
    console.goto(f"{server.http}/r/{room}/console#key={key}")
    details = console.locator(f"#details-{program}")
    details.locator("summary").click()
    hint = details.locator(".suggest-code")
    expect(hint).to_contain_text("Saran: 1.03.10 PROGRAM PENYELENGGARAAN JALAN", timeout=20000)
    details.locator("[data-action=add-indicator]").click()
    details.locator("[data-action=add-budget]").click()
    amount = details.locator(".bud-row .f-amount input").first
    amount.fill("750 jt")
    amount.press("Tab")
    expect(amount).to_have_value("Rp 750.000.000")
    assert _small_targets(console, f"#details-{program}") == []
    shot(console, "console-planform", full=False)
    details.locator(".ind-row").scroll_into_view_if_needed()
    shot(console, "console-planform-rows", full=False)
    hint.locator("[data-action=code-accept]").click()
    expect(details.locator(".save-status")).to_have_text("Tersimpan")
    # Accepting the code saves only the code: the rows being typed stay for their own save.
    expect(details.locator(".code-current")).to_contain_text("1.03.10")
    expect(details.locator(".bud-row .f-amount input")).to_have_value("Rp 750.000.000")
    assert _record_program(server, room, key, program)["code"] == "1.03.10"
    # The review lists the plan with the code.
    console.click(".stepper [data-phase=review]")
    expect(console.locator(f".program-review[data-id={program}]")).to_contain_text("1.03.10")
    assert watch.errors == []


def test_the_review_shows_numbers_and_money_the_indonesian_way(
    server: Any, browser: Any, watch: Any
) -> None:
    room, key, program = _room_in_roles(server, "Air bersih perdesaan")

    async def plan() -> None:
        c = Client(server.http.replace("http", "ws", 1), room)
        await c.join(key=key, name="Fasilitator")
        years = c.welcome["state"]["settings"]["years"]
        first = str(years["from"])
        indicator = {"name": "Akses air minum layak", "unit": "%", "baseline": 62.5,
                     "targets": {first: 1250.75}, "final": 90}  # fmt: skip
        budget = [{"year": years["from"], "amount": 12500000000, "source": "APBN"}]
        op = await c.send("program.update", program=program, indicators=[indicator], budget=budget)
        await c.send("phase.set", phase="review")
        event = await c.until(op)
        assert event.get("type") != "rejected", event
        await c.close()

    _run(plan())
    console = watch.page(browser.new_context(viewport=PROJECTOR), "review")
    console.goto(f"{server.http}/r/{room}/console#key={key}")
    # A loaded machine may take a while to start the page: wait for it to be online.
    expect(console.locator("#status")).to_have_attribute("data-state", "online", timeout=20000)
    review = console.locator(f".program-review[data-id={program}]")
    expect(review.locator(".indicators")).to_contain_text("awal 62,5")
    expect(review.locator(".indicators")).to_contain_text("1.250,75")
    expect(review.locator(".budget")).to_contain_text("Rp 12.500.000.000 · APBN")
    # In one step in the page: a re-render between finding the node and scrolling to it
    # (the room's presence arriving) would detach it under Playwright's scroll.
    console.evaluate(
        f"document.querySelector('.program-review[data-id={program}]').scrollIntoView()"
    )
    shot(console, "console-review-plan", full=False)
    assert watch.errors == []


def test_a_save_the_server_refuses_says_why_in_place(server: Any, browser: Any, watch: Any) -> None:
    room, key, program = _room_in_roles(server, "Jalan desa")
    page = watch.page(browser.new_context(viewport=PROJECTOR), "budi")
    join(page, server.http, room, "Budi", "Bappeda")
    details = page.locator(f"#details-{program}")
    details.locator("summary").click()
    details.locator("[data-action=add-budget]").click()
    amount = details.locator(".bud-row .f-amount input").first
    amount.fill("750 juta")
    first = int(details.locator(".bud-row select").first.input_value())

    async def move_the_years() -> None:  # the facilitator moves the plan while Budi types
        c = Client(server.http.replace("http", "ws", 1), room)
        await c.join(key=key, name="Fasilitator")
        years = {"from": first + 1, "to": first + 5}
        event = await c.until(await c.send("room.configure", years=years))
        assert event.get("type") != "rejected", event
        await c.close()

    _run(move_the_years())
    details.locator("[data-action=save-program]").click()
    status = details.locator(".save-status")
    expect(status).to_contain_text(f"budget.0.year: {first} is not a year of the plan")
    expect(status).to_have_class("save-status error")
    expect(page.locator(".toast")).to_have_count(0)  # said in place, not in a passing toast
    assert _record_program(server, room, key, program)["budget"] == []
    shot(page, "board-planform-refused-by-server", full=False)
