"""The projector fits the room: every phase of /r/CODE/screen fits 1920x1080 and 1280x720
with no scrolling, even with 12 clusters, 40 cards and 8 programs x 8 actors: zoomed to fit,
never below 15px text, and paged (turning by itself, numbered) beyond that; the join code
and QR stay in a corner after the lobby; the lobby shows who joined; an old timer goes."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from ..wsclient import Client
from .conftest import PROJECTOR, shot

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

SMALL = {"width": 1280, "height": 720}
THEMES = [
    "Air bersih", "Jalan desa", "Pariwisata bahari", "Kesehatan ibu dan anak", "Sekolah dasar",
    "Pertanian lahan kering", "Perikanan tangkap", "Listrik desa", "Sampah pesisir",
    "Pasar rakyat", "Irigasi kecil", "Sinyal seluler",
]  # fmt: skip
ACTORS = ["Bappeda", "Dinas PUPR", "Dinas Kesehatan", "DPRD", "Universitas Nusa Nipa",
          "Kelompok Tani", "Bank NTT", "LSM Pesisir"]  # fmt: skip


def _run(coroutine: Any) -> Any:
    """A protocol client beside Playwright, whose sync API owns this thread's loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class Facilitator:
    """The facilitator's protocol client, one short connection per step."""

    def __init__(self, server: Any, room: str, key: str) -> None:
        self.url, self.room, self.key = server.http.replace("http", "ws", 1), room, key

    def do(self, *ops: dict[str, Any]) -> list[dict[str, Any]]:
        async def run() -> list[dict[str, Any]]:
            out = []
            # A connection may send a burst of 40 frames: a fresh one for every 30 ops.
            for start in range(0, len(ops), 30):
                c = Client(self.url, self.room)
                await c.join(key=self.key, name="Fasilitator")
                for op in ops[start : start + 30]:
                    event = await c.until(await c.send(**op))
                    assert event.get("type") != "rejected", event
                    out.append(event["op"])
                await c.close()
            return out

        return _run(run())


def _people(server: Any, room: str, n: int) -> None:
    async def run() -> None:
        for i in range(n):
            c = Client(server.http.replace("http", "ws", 1), room)
            await c.join(name=f"Peserta {i + 1}", org="Desa")
            await c.close()

    _run(run())


def _build(server: Any) -> tuple[str, Facilitator, list[str]]:
    """A full room: 12 clusters, 40 cards (4 left loose), 8 programs, 8 actors."""
    room, key = server.new_room("Lokakarya RPJMD Kabupaten Sikka 2025-2029")
    f = Facilitator(server, room, key)
    f.do({"kind": "vision.set", "text": "Sikka maju, sejahtera dan lestari 2045"},
         {"kind": "phase.set", "phase": "issues"})  # fmt: skip
    notes = f.do(*[{"kind": "note.add", "text": f"{THEMES[i % 12]}: masalah nomor {i + 1} "
                    "yang dirasakan warga di desa pesisir"} for i in range(40)])  # fmt: skip
    clusters = f.do(*[{"kind": "cluster.add", "title": t} for t in THEMES])
    f.do(*[{"kind": "note.cluster", "note": n["note"], "cluster": clusters[i % 12]["cluster"]}
           for i, n in enumerate(notes[:36])])  # fmt: skip
    programs = f.do(*[{"kind": "program.promote", "cluster": c["cluster"]} for c in clusters[:8]])
    actors = f.do(*[{"kind": "actor.add", "name": a} for a in ACTORS])
    roles = ["lead", "support", "consult", "inform"]
    f.do(*[{"kind": "matrix.set", "program": p["program"], "actor": a["actor"],
            "role": roles[(i + j) % 4]}
           for i, p in enumerate(programs) for j, a in enumerate(actors)])  # fmt: skip
    f.do({"kind": "phase.set", "phase": "lobby"})
    return room, f, [p["program"] for p in programs]


def _assert_fits(page: Any, phase: str, size: dict[str, int]) -> None:
    where = f"{phase} at {size['width']}x{size['height']}"
    # Measured once the QR images have their size and the fonts are in.
    page.wait_for_function(
        "document.querySelector('#fit') && [...document.images].every((i) => i.complete)"
    )
    page.evaluate("document.fonts.ready.then(() => true)")
    page.evaluate("window.dispatchEvent(new Event('resize'))")
    m = page.evaluate(
        """() => {
        const d = document.documentElement, c = document.querySelector('#content');
        const fit = document.querySelector('#fit');
        const breaks = Number(c.dataset.pages);
        return {page: d.scrollHeight - d.clientHeight, wide: d.scrollWidth - d.clientWidth,
                inner: fit.getBoundingClientRect().height, box: c.clientHeight, pages: breaks,
                text: parseFloat(getComputedStyle(d).fontSize) * Number(fit.dataset.zoom),
                pager: document.querySelector('#pager').checkVisibility()};
        }"""
    )
    assert m["page"] <= 0, f"{where}: the page scrolls by {m['page']}px"
    assert m["wide"] <= 0, f"{where}: {m['wide']}px wider than the window"
    assert m["text"] >= 14.9, f"{where}: text shrunk to {m['text']}px, unreadable"
    if m["pages"] == 1:
        assert m["inner"] <= m["box"] + 1, f"{where}: {m['inner'] - m['box']}px cut off"
        assert not m["pager"]
    else:  # more than fits at a readable size: pages, and the room is told so
        assert m["pager"], f"{where}: {m['pages']} pages but no page number"
        expect(page.locator("#pager")).to_contain_text(f"1 dari {m['pages']}")


def _corner(page: Any, room: str) -> None:
    corner = page.locator("#corner")
    expect(corner.locator(".corner-code")).to_have_text(room)
    expect(corner.locator("img.qr-corner")).to_be_visible()
    box = corner.bounding_box()
    size = page.viewport_size
    assert box["x"] + box["width"] <= size["width"] and box["y"] < size["height"] / 4


def test_every_phase_fits(server: Any, browser: Any, watch: Any) -> None:
    room, f, _ = _build(server)
    _people(server, room, 9)
    ctx = browser.new_context(viewport=PROJECTOR)
    screen = watch.page(ctx, "screen")
    screen.goto(f"{server.http}/r/{room}/screen")
    expect(screen.locator("body")).to_have_attribute("data-phase", "lobby")
    # The lobby: who joined, by name.
    expect(screen.locator(".joined-names li")).to_have_count(9)
    expect(screen.locator(".joined-count")).to_contain_text("9")
    expect(screen.locator("#corner")).to_be_hidden()
    for size in (PROJECTOR, SMALL):
        screen.set_viewport_size(size)
        _assert_fits(screen, "lobby", size)
    shot(screen, "screen-fit-lobby-720", full=False)

    steps: list[tuple[str, list[dict[str, Any]]]] = [
        ("vision", []),
        ("issues", [{"kind": "timer.start", "seconds": 1}]),
        ("cluster", []),
        ("vote", [{"kind": "votes.reveal"}]),
        ("roles", []),
        ("review", []),
        ("closed", []),
    ]
    for phase, extra in steps:
        f.do({"kind": "phase.set", "phase": phase}, *extra)
        expect(screen.locator("body")).to_have_attribute("data-phase", phase)
        if phase == "issues":
            expect(screen.locator("#timer")).to_have_class("timer done")  # 0:00, in red
        if phase == "cluster":  # the next phase: the expired timer is gone
            expect(screen.locator("#timer")).to_have_text("")
        if phase == "vote":
            expect(screen.locator("table.ranking tbody tr")).to_have_count(8)
        if phase == "cluster":  # 40 cards in 12 clusters: more than one page, turning alone
            screen.set_viewport_size(SMALL)
            _assert_fits(screen, phase, SMALL)
            expect(screen.locator("#content")).not_to_have_attribute("data-pages", "1")
            expect(screen.locator("#content")).to_have_attribute("data-page", "1", timeout=15000)
            shot(screen, "screen-fit-cluster-720-page2", full=False)
        _corner(screen, room)
        for size in (PROJECTOR, SMALL):
            screen.set_viewport_size(size)
            _assert_fits(screen, phase, size)
            if size == PROJECTOR:
                shot(screen, f"screen-fit-{phase}", full=False)

    # Working groups: the grid of every table fits too.
    f.do({"kind": "phase.set", "phase": "cluster"},
         *[{"kind": "group.add", "name": f"Meja {i + 1}"} for i in range(6)])  # fmt: skip
    expect(screen.locator(".groups-grid .group-tile")).to_have_count(6)
    for size in (PROJECTOR, SMALL):
        screen.set_viewport_size(size)
        _assert_fits(screen, "cluster (groups)", size)
    shot(screen, "screen-fit-groups-720", full=False)
    assert not watch.errors, watch.errors


def test_anonymous_lobby_counts(server: Any, browser: Any, watch: Any) -> None:
    room, key = server.new_room()
    Facilitator(server, room, key).do({"kind": "room.configure", "anonymous": True})
    _people(server, room, 3)
    screen = watch.page(browser.new_context(viewport=PROJECTOR), "screen")
    screen.goto(f"{server.http}/r/{room}/screen")
    expect(screen.locator(".joined-count")).to_contain_text("3")
    expect(screen.locator(".joined-names")).to_have_count(0)
    expect(screen.locator(".joined")).not_to_contain_text("Peserta 1")
