"""Every visible word comes from the catalogue of the page's language or from the room itself
(issue #17): walk the visible text nodes of the board, the console and the screen in every
phase, in Bahasa Indonesia and in English, and fail on any string that is neither."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from .conftest import DESKTOP, PHONE, PROJECTOR, join
from .test_screen_fit import Facilitator

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

WEB = Path(__file__).resolve().parent.parent.parent / "web"
PHASES = ["lobby", "vision", "issues", "cluster", "vote", "roles", "review", "closed"]
# Marks, not words: the minus, en dash and times signs the pages draw, as escapes.
MINUS, EN_DASH, TIMES = "\u2212", "\u2013", "\u00d7"
# The brand, the language names (each in its own language), icons.
FIXED = {"S-PWT", "Bahasa Indonesia", "English", "#", "—", MINUS, "+", "●", "·", "⠿", "✎", "✕", "◎"}
SEPARATORS = re.compile(rf"\s*(?:[·:;,()\[\]←→✓{TIMES}|/—{EN_DASH}-]|\s\d+\s)\s*")
COARSE = re.compile(r" · |, |: |; ")
EDGES = " ·:;,←→✓—-"
NEUTRAL = re.compile(rf"^[\d\s.,:%·•●+{MINUS}#()\-{EN_DASH}—/←→✓{TIMES}]*$")  # numbers, times

LOADING = re.compile(
    "|".join(
        re.escape(json.loads((WEB / "i18n" / f"{lang}.json").read_text("utf-8"))["program.loading"])
        for lang in ("id", "en")
    )
)
CONTENT = [
    "Lokakarya RPJMD Kabupaten Sikka", "Kabupaten Sikka", "Sikka maju 2045",
    "Air bersih di desa pesisir", "Jalan desa rusak", "Air bersih", "Jalan desa",
    "Bappeda", "Dinas PUPR", "Sari Wulan", "Fasilitator",
]  # fmt: skip


def templates() -> list[re.Pattern[str]]:
    """Every catalogue string of both languages as a pattern: {n} stands for anything."""
    out = []
    for lang in ("id", "en"):
        strings = json.loads((WEB / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))
        for value in strings.values():
            parts = re.split(r"\{\w+\}", value.strip())
            out.append(re.compile("^" + "(.+)".join(re.escape(p) for p in parts) + "$", re.S))
    return out


def foreign(texts: list[str], allowed: set[str], patterns: list[re.Pattern[str]]) -> list[str]:
    """The texts that are neither catalogue, room content, numbers nor marks."""

    def known(piece: str, depth: int = 0) -> bool:
        piece = piece.strip()
        if not piece or piece in allowed or NEUTRAL.match(piece):
            return True
        for p in patterns:
            m = p.match(piece)
            if m and m.groups() and all(known(g, depth + 1) for g in m.groups()):
                return True
            if m and not m.groups():
                return True
        if depth >= 4:
            return False
        # Marks around a known string ("· Bappeda", "Berikutnya →", "(fasilitator)").
        bare = re.sub(r"^#?\d+\s+", "", piece.strip(EDGES))  # "#1 versi akhir"
        if bare.startswith("(") and bare.endswith(")"):
            bare = bare[1:-1]
        if bare != piece:
            return known(bare, depth + 1)
        # A list or a composite ("a · b", "a, b, c", "Air bersih (3)"): each part known.
        for cut in (COARSE, SEPARATORS):
            parts = [x for x in cut.split(piece) if x.strip()]
            if len(parts) > 1 and all(known(x, depth + 1) for x in parts):
                return True
        return False

    return [text for text in texts if not known(text)]


def strings_of(value: Any) -> set[str]:
    """Every string in a JSON value: what the room itself says (titles, cards, names...)."""
    if isinstance(value, str):
        return {value.strip()}
    if isinstance(value, dict):
        return set().union(*(strings_of(v) for v in value.values()), set())
    if isinstance(value, list):
        return set().union(*(strings_of(v) for v in value), set())
    return set()


VISIBLE_TEXT = """() => {
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const text = n.textContent.trim();
    const el = n.parentElement;
    if (!text || !el || el.closest('script, style, option, .sr, [hidden]')) continue;
    if (!el.checkVisibility || !el.checkVisibility()) continue;
    out.push(text);
  }
  for (const s of document.querySelectorAll('select')) {
    if (s.checkVisibility() && s.selectedOptions[0]) out.push(s.selectedOptions[0].text.trim());
  }
  for (const i of document.querySelectorAll('input[placeholder], textarea[placeholder]')) {
    if (i.checkVisibility() && !i.value) out.push(i.placeholder.trim());
  }
  return out.filter(Boolean);
}"""


def test_no_stray_words(server: Any, browser: Any, watch: Any) -> None:
    room, key = server.new_room(CONTENT[0])
    f = Facilitator(server, room, key)
    f.do(
        {"kind": "room.configure", "region": "Kabupaten Sikka"},
        {"kind": "vision.set", "text": "Sikka maju 2045"},
        {"kind": "phase.set", "phase": "issues"},
    )
    notes = f.do(
        {"kind": "note.add", "text": "Air bersih di desa pesisir"},
        {"kind": "note.add", "text": "Jalan desa rusak"},
    )
    made = f.do(
        {"kind": "cluster.add", "title": "Air bersih"},
        {"kind": "cluster.add", "title": "Jalan desa"},
    )
    f.do(*[{"kind": "note.cluster", "note": n["note"], "cluster": c["cluster"]}
           for n, c in zip(notes, made, strict=True)])  # fmt: skip
    programs = f.do(*[{"kind": "program.promote", "cluster": c["cluster"]} for c in made])
    actors = f.do(
        {"kind": "actor.add", "name": "Bappeda"}, {"kind": "actor.add", "name": "Dinas PUPR"}
    )
    f.do({"kind": "matrix.set", "program": programs[0]["program"], "actor": actors[0]["actor"],
          "role": "lead"}, {"kind": "phase.set", "phase": "lobby"})  # fmt: skip

    base = server.http
    request = urllib.request.Request(
        f"{base}/api/rooms/{room}/scenario?format=json", headers={"Authorization": f"Bearer {key}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        record = json.loads(response.read())
    links = {room, f"{base}/r/{room}", f"{base.split('//')[1]}/r/{room}"}
    allowed = FIXED | set(CONTENT) | strings_of(record) | links
    patterns = templates()
    pages = []
    for lang in ("id", "en"):
        query = "?lang=en" if lang == "en" else ""  # remembered by the browser, as chosen
        board = watch.page(browser.new_context(viewport=PHONE, is_mobile=True), f"board-{lang}")
        board.goto(f"{base}/r/{room}{query}")
        join(board, base, room, "Sari Wulan", "Dinas PUPR")
        console = watch.page(browser.new_context(viewport=DESKTOP), f"console-{lang}")
        console.goto(f"{base}/r/{room}/console{query}#key={key}")
        screen = watch.page(browser.new_context(viewport=PROJECTOR), f"screen-{lang}")
        screen.goto(f"{base}/r/{room}/screen{query}")
        for page in (board, console, screen):
            expect(page.locator("#status")).to_have_attribute("data-state", "online")
            expect(page.locator("html")).to_have_attribute("lang", lang)
        pages += [
            (f"board {lang}", board),
            (f"console {lang}", console),
            (f"screen {lang}", screen),
        ]

    stray: list[str] = []
    for phase in PHASES:
        f.do({"kind": "phase.set", "phase": phase},
             *([{"kind": "votes.reveal"}] if phase == "vote" else []))  # fmt: skip
        for name, page in pages:
            expect(page.locator("body")).to_have_attribute("data-phase", phase)
            if phase in ("roles", "review"):  # the program form loads on demand
                expect(page.locator("#content")).not_to_contain_text(LOADING)
            texts = page.evaluate(VISIBLE_TEXT)
            stray += [f"{name} in {phase}: {x!r}" for x in foreign(texts, allowed, patterns)]
    assert not stray, "\n".join(sorted(set(stray)))


def test_the_walker_finds_a_stray_word() -> None:
    """The check itself: a key shown as a label, or a raw format name, is caught."""
    patterns = templates()
    assert foreign(["Kelayakan: sisa 5 dari 5", "Air bersih (3)"], {"Air bersih"}, patterns) == []
    assert foreign(["feasibility: sisa 5 dari 5"], set(), patterns) == [
        "feasibility: sisa 5 dari 5"
    ]
    assert foreign(["md", "xlsx"], set(), patterns) == ["md", "xlsx"]
