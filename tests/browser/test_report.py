"""The HTML report in real Chromium: it renders offline, its charts draw, and it prints to A4.

The PDF and a full-page PNG are written to ``test-artifacts/`` (not committed) so that a
person can look at them; the test checks what a machine can: no request leaves the page,
no script error, both charts have their marks, the screen layout does not overflow, and the
PDF has A4 pages with the wide tables on landscape pages.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from server.export import render

from ..fixtures.workshop import record
from .conftest import ARTIFACTS

pytestmark = pytest.mark.browser
A4 = (594, 841)  # points (210 x 297 mm), rounded down


def _page_sizes(pdf: bytes) -> list[tuple[int, int]]:
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    return [(int(float(w)), int(float(h))) for w, h in boxes]


@pytest.mark.parametrize("language", ["id", "en"])
def test_report_renders_and_prints_to_a4(browser: Any, language: str) -> None:
    html = render(record(language=language), "html").body.decode()
    ARTIFACTS.mkdir(exist_ok=True)
    requests: list[str] = []
    errors: list[str] = []
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_content(html, wait_until="load")

    dots = page.locator("figure.chart svg circle[r='10.5']")
    assert dots.count() == 6
    bars = page.locator("figure.chart svg rect[height='17']")
    assert bars.count() == 12  # 6 programs x 2 criteria
    for svg in page.locator("figure.chart svg").all():
        box = svg.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 150
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the report is {overflow}px wider than the window"
    page.screenshot(path=str(ARTIFACTS / f"report-{language}.png"), full_page=True)

    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    context.close()
    (ARTIFACTS / f"report-{language}.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF-")
    sizes = _page_sizes(pdf)
    assert len(sizes) >= 5
    assert set(sizes) == {A4, A4[::-1]}, sizes  # portrait A4, and landscape for wide tables
    assert A4[::-1] in sizes[2:-1]
    assert [u for u in requests if not u.startswith(("about:", "data:"))] == []
    assert errors == []
