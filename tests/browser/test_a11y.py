"""Accessible (issue #17): every page passes axe-core with no serious or critical violation,
and a participant adds a card, puts it in a cluster and votes with the keyboard alone.

axe-core comes bundled in the axe-playwright-python package (no CDN, no npm)."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import DESKTOP, PHONE, PROJECTOR, join, shot
from .test_screen_fit import Facilitator

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect
axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright")

PHASES = ["lobby", "vision", "issues", "cluster", "vote", "roles", "review", "closed"]


def serious(page: Any, where: str) -> list[str]:
    """The serious and critical axe-core violations on ``page``, one line each."""
    results = axe_sync.Axe().run(page)
    out = []
    for v in results.response["violations"]:
        if v["impact"] in ("serious", "critical"):
            targets = [str(n["target"]) for n in v["nodes"][:3]]
            out.append(f"{where}: {v['id']} ({v['impact']}) {v['help']} at {targets}")
    return out


def a_room(server: Any) -> tuple[str, str, Facilitator]:
    room, key = server.new_room("Lokakarya RPJMD Kabupaten Sikka")
    f = Facilitator(server, room, key)
    f.do(
        {"kind": "vision.set", "text": "Sikka maju 2045"}, {"kind": "phase.set", "phase": "issues"}
    )
    notes = f.do(*[{"kind": "note.add", "text": f"Air bersih di desa {i}"} for i in range(4)])
    made = f.do({"kind": "cluster.add", "title": "Air"}, {"kind": "cluster.add", "title": "Jalan"})
    f.do(
        *[{"kind": "note.cluster", "note": n["note"], "cluster": made[0]["cluster"]} for n in notes]
    )
    f.do(*[{"kind": "program.promote", "cluster": c["cluster"]} for c in made])
    f.do({"kind": "actor.add", "name": "Bappeda"}, {"kind": "phase.set", "phase": "lobby"})
    return room, key, f


def test_every_page_passes_axe(server: Any, browser: Any, watch: Any) -> None:
    room, key, f = a_room(server)
    start = watch.page(browser.new_context(viewport=PHONE), "start")
    start.goto(f"{server.http}/")
    found = serious(start, "start")
    start.goto(f"{server.http}/r/{room}")
    found += serious(start, "join")
    board = watch.page(browser.new_context(viewport=PHONE, is_mobile=True), "board")
    join(board, server.http, room, "Sari Wulan", "Dinas PUPR")
    console = watch.page(browser.new_context(viewport=DESKTOP), "console")
    console.goto(f"{server.http}/r/{room}/console#key={key}")
    expect(console.locator("#status")).to_have_attribute("data-state", "online")
    screen = watch.page(browser.new_context(viewport=PROJECTOR), "screen")
    screen.goto(f"{server.http}/r/{room}/screen")
    for phase in PHASES:
        extra = [{"kind": "votes.reveal"}] if phase == "vote" else []
        f.do({"kind": "phase.set", "phase": phase}, *extra)
        for name, page in (("board", board), ("console", console), ("screen", screen)):
            expect(page.locator("body")).to_have_attribute("data-phase", phase)
            found += serious(page, f"{name} in {phase}")
    assert not found, "\n".join(found)


def tab_to(page: Any, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_keyboard_alone(server: Any, browser: Any, watch: Any) -> None:
    room, key = server.new_room()
    f = Facilitator(server, room, key)
    page = watch.page(browser.new_context(viewport=PHONE), "keyboard")
    page.goto(f"{server.http}/r/{room}")
    # The name box has the focus on arrival; Tab and type through the join form.
    page.keyboard.type("Budi Santoso")
    tab_to(page, "#join button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#status")).to_have_attribute("data-state", "online")

    f.do({"kind": "phase.set", "phase": "issues"})
    expect(page.locator("body")).to_have_attribute("data-phase", "issues")
    tab_to(page, "#note-text")
    page.keyboard.type("Air bersih untuk desa pesisir")
    page.keyboard.press("Enter")
    expect(page.locator(".card .text")).to_have_text("Air bersih untuk desa pesisir")

    made = f.do({"kind": "cluster.add", "title": "Air"}, {"kind": "phase.set", "phase": "cluster"})
    expect(page.locator("body")).to_have_attribute("data-phase", "cluster")
    tab_to(page, "select.move")
    page.keyboard.press("ArrowDown")  # from "not in a cluster" to "Air"
    expect(page.locator(".cluster .card .text")).to_have_text("Air bersih untuk desa pesisir")

    program = f.do({"kind": "program.promote", "cluster": made[0]["cluster"]})[0]["program"]
    f.do({"kind": "phase.set", "phase": "vote"})
    expect(page.locator("body")).to_have_attribute("data-phase", "vote")
    tab_to(page, f"[data-key=plus-{program}-feasibility]")
    seen = int(page.locator("body").get_attribute("data-seq") or 0)
    page.keyboard.press("Enter")
    expect(page.locator(".dots").first).to_have_text("●")
    # The ack re-renders the board: tab on once it is in, not into the re-render.
    page.wait_for_function("(s) => Number(document.body.dataset.seq) > s", arg=seen)
    tab_to(page, f"[data-key=plus-{program}-urgency]")
    page.keyboard.press("Space")
    expect(page.locator(".budget .left").nth(1)).to_contain_text("4")
    shot(page, "phone-keyboard-vote", full=False)
    assert not watch.errors, watch.errors
