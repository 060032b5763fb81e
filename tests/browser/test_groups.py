"""Working groups in real Chromium (issue #19): the facilitator forms three groups from the
console, each participant sees only their group's board, the projector shows every group
side by side at 1920x1080, and a merge across groups reaches both groups."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import DESKTOP, PHONE, create_room, join, shot

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect
PROJECTOR = {"width": 1920, "height": 1080}
PEOPLE = (("Ani", "Dinas PUPR", "Infrastruktur"), ("Budi", "Dinas Kesehatan", "Sosial"),
          ("Citra", "Koperasi Tani", "Ekonomi"))  # fmt: skip


def _phase(console: Any, phase: str, *pages: Any) -> None:
    console.click(f"button.step[data-phase={phase}]")
    for page in (console, *pages):
        expect(page.locator("body")).to_have_attribute("data-phase", phase)


def test_three_groups_write_apart_and_meet_in_the_plenary(
    server: Any, browser: Any, watch: Any
) -> None:
    base = server.http.replace("localhost", "127.0.0.1")
    fac = watch.page(browser.new_context(viewport=DESKTOP), "console")
    console_link = create_room(fac, base, "Lokakarya kelompok kerja")
    code = fac.inner_text("#room-code")
    fac.goto(console_link)
    expect(fac.locator("#status")).to_have_attribute("data-state", "online")
    phones = []
    for name, org, _ in PEOPLE:
        page = watch.page(browser.new_context(viewport=PHONE, is_mobile=True), name)
        join(page, base, code, name, org)
        phones.append(page)
    screen = watch.page(browser.new_context(viewport=PROJECTOR), "screen")
    screen.goto(f"{base}/r/{code}/screen")
    expect(screen.locator("#status")).to_have_attribute("data-state", "online")

    for _, _, group in PEOPLE:
        fac.fill("[data-key=group-name]", group)
        fac.click("[data-action=add-group]")
        expect(fac.locator("ul.groups li", has_text=group)).to_be_visible()
    fac.click("text=Atur anggota")
    for name, _, group in PEOPLE:
        fac.get_by_label(f"Kelompok kerja untuk {name}").select_option(label=group)
    for page, (_, _, group) in zip(phones, PEOPLE, strict=True):
        expect(page.locator(".group-banner")).to_contain_text(group)

    _phase(fac, "issues", *phones)
    texts = ("Jalan desa rusak", "Posyandu kurang kader", "Harga kakao jatuh")
    for page, text in zip(phones, texts, strict=True):
        page.fill("#note-text", text)
        page.press("#note-text", "Control+Enter")
        expect(page.locator(".card", has_text=text)).to_be_visible()
    for page, text in zip(phones, texts, strict=True):  # each board: its own group's card
        expect(page.locator(".card")).to_have_count(1)
        expect(page.locator(".card")).to_contain_text(text)
    expect(fac.locator(".card")).to_have_count(3)  # the facilitator sees every group
    tiles = screen.locator(".groups-grid .group-tile")
    expect(tiles).to_have_count(3)
    expect(tiles.first).to_contain_text("1 kartu")
    shot(screen, "screen-groups-grid", full=False)
    height = screen.evaluate("document.documentElement.scrollHeight")
    assert height <= PROJECTOR["height"], height

    _phase(fac, "cluster", *phones)
    ani, budi = phones[0], phones[1]
    for page, title in ((ani, "Jalan"), (budi, "Kesehatan")):
        page.fill("[data-key=new-cluster]", title)
        page.press("[data-key=new-cluster]", "Enter")
        expect(page.locator(".cluster", has_text=title)).to_be_visible()
    expect(ani.locator(".cluster", has_text="Kesehatan")).to_have_count(0)
    fac.get_by_role("region", name="Kesehatan").locator("select.merge").select_option(label="Jalan")
    # The merged cluster belongs to the plenary: both groups see it, with both cards.
    for page in (ani, budi):
        expect(page.get_by_role("region", name="Jalan")).to_be_visible()
        expect(page.get_by_role("region", name="Kesehatan")).to_have_count(0)
    shot(budi, "phone-groups-merged")
    assert watch.errors == []
