"""Undo and restore in real Chromium (issue #17): the facilitator merges two clusters, undoes
it, and a participant's board shows both again; a participant deletes a card and restores
it; the facilitator restores a card from the console's list. Screenshots at 390x844 and
1920x1080 go to test-artifacts/ (and /tmp/undo-shots/ when that folder exists)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from .conftest import ARTIFACTS, PHONE, PROJECTOR, join, shot
from .test_screen_fit import Facilitator

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

SHOTS = Path("/tmp/undo-shots")


def _height(page: Any, selector: str) -> float:
    """The element's height, measured in one step in the page: a re-render (an event
    arriving) between Playwright finding the node and measuring it would give no box."""
    return float(
        page.evaluate("s => document.querySelector(s).getBoundingClientRect().height", selector)
    )


def keep(page: Any, name: str) -> None:
    shot(page, name, full=False)
    if SHOTS.is_dir():
        shutil.copy(ARTIFACTS / f"web-{name}.png", SHOTS / f"{name}.png")


def cluster(page: Any, title: str) -> Any:
    return page.locator(".cluster", has=page.locator("h3", has_text=title))


def axe_clean(page: Any, where: str) -> None:
    a11y = pytest.importorskip("tests.browser.test_a11y")
    found = a11y.serious(page, where)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("viewport", [PHONE, PROJECTOR], ids=["phone", "1080p"])
def test_a_merge_undone_shows_both_clusters_again(
    server: Any, browser: Any, watch: Any, viewport: dict[str, int]
) -> None:
    room, key = server.new_room("Lokakarya RPJMD Kabupaten Sikka")
    f = Facilitator(server, room, key)
    f.do({"kind": "phase.set", "phase": "issues"})
    notes = f.do(
        {"kind": "note.add", "text": "Sumur kering di musim kemarau"},
        {"kind": "note.add", "text": "Jalan desa rusak"},
    )
    made = f.do(
        {"kind": "cluster.add", "title": "Air bersih"},
        {"kind": "cluster.add", "title": "Jalan"},
        {"kind": "phase.set", "phase": "cluster"},
    )
    f.do(*[
        {"kind": "note.cluster", "note": n["note"], "cluster": c["cluster"]}
        for n, c in zip(notes, made[:2], strict=True)
    ])  # fmt: skip
    mobile = viewport == PHONE
    board = watch.page(browser.new_context(viewport=viewport, is_mobile=mobile), "board")
    join(board, server.http, room, "Sari Wulan", "Dinas PUPR")
    console = watch.page(browser.new_context(viewport=viewport), "console")
    console.goto(f"{server.http}/r/{room}/console#key={key}")
    expect(console.locator("#status")).to_have_attribute("data-state", "online")
    expect(cluster(board, "Air bersih")).to_be_visible()

    cluster(console, "Air bersih").locator("select.merge").select_option(label="Jalan")
    expect(cluster(board, "Air bersih")).to_have_count(0)
    undo = console.locator("[data-action=undo]")
    expect(undo).to_have_text("↶ Urungkan: gabung kelompok “Air bersih”")
    assert _height(console, "[data-action=undo]") >= 44
    name = "phone" if mobile else "1080p"
    keep(console, f"console-undo-{name}")
    axe_clean(console, "console with undo")

    console.reload()  # the undo comes from the server's state, not the tab's memory
    expect(console.locator("#status")).to_have_attribute("data-state", "online")
    console.locator("[data-action=undo]").click()
    for page in (board, console):
        expect(cluster(page, "Air bersih")).to_contain_text("Sumur kering")
        expect(cluster(page, "Jalan")).not_to_contain_text("Sumur kering")
    expect(console.locator("[data-action=undo]")).to_have_count(0)
    keep(board, f"board-after-undo-{name}")
    assert not watch.errors, watch.errors


@pytest.mark.parametrize("viewport", [PHONE, PROJECTOR], ids=["phone", "1080p"])
def test_a_participant_deletes_a_card_and_restores_it(
    server: Any, browser: Any, watch: Any, viewport: dict[str, int]
) -> None:
    room, key = server.new_room()
    f = Facilitator(server, room, key)
    f.do(
        {"kind": "room.configure", "private_writing": True},
        {"kind": "phase.set", "phase": "issues"},
    )
    mobile = viewport == PHONE
    name = "phone" if mobile else "1080p"
    board = watch.page(
        browser.new_context(viewport=viewport, is_mobile=mobile, has_touch=mobile), "board"
    )
    join(board, server.http, room, "Budi Santoso", "Bappeda")
    board.fill("#note-text", "Air bersih untuk desa pesisir")
    board.press("#note-text", "Enter")
    card = board.locator(".card", has_text="Air bersih")
    expect(card).to_be_visible()
    card.locator("button[aria-label='Hapus kartu']").click()  # the dialog is accepted
    expect(card).to_have_count(0)
    bar = board.locator(".restore-bar")
    expect(bar).to_contain_text("Kartu dihapus")
    restore = bar.locator("[data-action=restore]")
    assert _height(board, ".restore-bar [data-action=restore]") >= 44
    keep(board, f"board-restore-{name}")
    axe_clean(board, "board with the restore bar")
    restore.click()
    expect(card).to_be_visible()
    expect(bar).to_have_count(0)

    # The facilitator deletes Budi's private card: it leaves Budi's page at once (it used to
    # stay until a reload), and the console lists it to restore.
    console = watch.page(browser.new_context(viewport=viewport), "console")
    console.goto(f"{server.http}/r/{room}/console#key={key}")
    expect(console.locator(".card", has_text="Air bersih")).to_be_visible()
    console.locator(".card", has_text="Air bersih").locator(
        "button[aria-label='Hapus kartu']"
    ).click()
    expect(card).to_have_count(0)
    listed = console.locator("ul.deleted li", has_text="Air bersih")
    expect(listed).to_be_visible()
    expect(console.locator("[data-action=undo]")).to_have_text(
        "↶ Urungkan: hapus kartu “Air bersih untuk desa pesisir”"
    )
    listed.locator("[data-action=restore]").scroll_into_view_if_needed()
    keep(console, f"console-deleted-{name}")
    axe_clean(console, "console with deleted cards")
    listed.locator("[data-action=restore]").click()
    expect(card).to_be_visible()
    expect(console.locator("ul.deleted li")).to_have_count(0)

    # A bar put away stays away after a reload; the card stays deleted.
    card.locator("button[aria-label='Hapus kartu']").click()
    bar.locator("button[aria-label=Tutup]").click()
    expect(bar).to_have_count(0)
    board.reload()
    expect(board.locator("#status")).to_have_attribute("data-state", "online")
    expect(board.locator("body")).to_have_attribute("data-phase", "issues")
    expect(bar).to_have_count(0)
    expect(card).to_have_count(0)
    assert not watch.errors, watch.errors
