"""The facilitation assistant in the console: ask for suggested clusters, untick a card,
rename a group, apply them all; participants see ordinary clusters appear."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import DESKTOP, PHONE, join, shot

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

CARDS = [
    "Puskesmas kekurangan dokter",
    "Angka stunting balita tinggi",
    "Posyandu tidak aktif di desa",
    "Jln kabupaten rusak parah",
    "Jembatan desa putus saat banjir",
    "Kerusakan jalan menuju pasar",
]


def test_apply_suggested_clusters(server: Any, browser: Any, watch: Any) -> None:
    base = server.http
    code, key = server.new_room()
    console = watch.page(browser.new_context(viewport=DESKTOP), "console")
    console.goto(f"{base}/r/{code}/console#key={key}")
    phone = watch.page(browser.new_context(viewport=PHONE, is_mobile=True), "phone")
    join(phone, base, code, "Lusia", "Bappeda")
    console.click(".stepper [data-phase=issues]")
    for text in CARDS:
        console.fill("#note-text", text)
        console.click("#composer button[type=submit]")
    expect(phone.locator(".card")).to_have_count(len(CARDS))
    console.click(".stepper [data-phase=cluster]")

    console.click("[data-action=suggest]")
    groups = console.locator(".suggest")
    expect(groups.first).to_be_visible(timeout=20000)  # the lexicon loads on first use
    assert groups.count() >= 2
    shot(console, "console-suggestions")
    health = groups.filter(has_text="Puskesmas")
    health.locator("label", has_text="Posyandu").locator("input").uncheck()
    health.locator("input[data-key^=sg-]").fill("Layanan kesehatan dasar")
    console.click("[data-action=apply-all]")

    title = phone.locator("h3", has_text="Layanan kesehatan dasar")
    placed = phone.locator(".cluster", has=title)
    expect(placed.locator(".card")).to_have_count(2)
    expect(placed.locator(".card", has_text="Posyandu")).to_have_count(0)
    expect(phone.locator(".pool .card", has_text="Posyandu")).to_be_visible()
    expect(phone.locator(".cluster .card")).to_have_count(len(CARDS) - 1, timeout=10000)
    shot(phone, "phone-suggested-clusters")
    assert watch.errors == []
