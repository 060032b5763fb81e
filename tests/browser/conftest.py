"""Real ``spwt serve`` and real Chromium for the browser tests of the web client.

The server runs as its own process on a free port with a fresh data folder; the browser is
Debian's Chromium driven by Playwright. Screenshots go to ``test-artifacts/`` (not
committed) so that a person can look at every page after a run.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..servers import Server

try:
    from playwright import sync_api
except ImportError:  # without Playwright the browser fixture skips its tests
    sync_api = None

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
PROJECTOR = {"width": 1920, "height": 1080}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("spwt-web")
    srv = Server(data, env={"SPWT_ROOMS_PER_IP_PER_HOUR": "1000"}).start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if sync_api is None or not Path(CHROMIUM).exists():
        pytest.skip("needs Playwright and Debian's chromium at /usr/bin/chromium")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class Watch:
    """Collects script errors, console errors (CSP violations land there) and requests."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.foreign: list[str] = []

    def page(self, context: Any, name: str) -> Any:
        page = context.new_page()
        page.on("pageerror", lambda e: self.errors.append(f"{name}: {e}"))
        page.on(
            "console",
            lambda m: self.errors.append(f"{name}: {m.text}") if m.type == "error" else None,
        )
        page.on("dialog", lambda d: d.accept())

        def request(r: Any) -> None:
            if not r.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
                self.foreign.append(r.url)

        page.on("request", request)
        return page


@pytest.fixture
def watch() -> Watch:
    return Watch()


def shot(page: Any, name: str, full: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"web-{name}.png"), full_page=full)


def create_room(page: Any, base: str, title: str = "Lokakarya RPJMD Kabupaten Sikka") -> str:
    """Create a workshop from the start page; returns the console link."""
    page.goto(base + "/")
    page.fill("[name=title]", title)
    page.fill("[name=region]", "Kabupaten Sikka")
    sync_api.expect(page.locator("[name=timezone]")).to_have_value("WIB")  # most of Indonesia
    page.select_option("[name=timezone]", "WITA")  # Sikka, in Nusa Tenggara Timur
    page.click("#create button[type=submit]")
    page.wait_for_selector("#room-code")
    return page.get_attribute("#console-link", "href")


def join(page: Any, base: str, code: str, name: str, org: str) -> None:
    page.goto(f"{base}/r/{code}")
    page.fill("#join-name", name)
    page.fill("#join-org", org)
    page.click("#join button[type=submit]")
    page.wait_for_selector("#status[data-state=online]")
