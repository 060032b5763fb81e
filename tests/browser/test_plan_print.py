"""The plan table as it prints: A4 landscape, every number inside its cell.

Chromium lays the Sikka report out with print media at the width of an A4 landscape page
less its margins (the report's ``@page wide``), and the test measures what a reader would
see go wrong: a table wider than the paper, a rupiah amount or a target spilling out of its
column, a program cell not merged over its indicators. The table's picture and the whole
report's PDF go to ``test-artifacts/`` for a person to look at.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from server.export import render

from ..fixtures.workshop import record
from .conftest import ARTIFACTS

pytestmark = pytest.mark.browser

MM = 96 / 25.4  # CSS pixels per millimetre
PRINTABLE = round((297 - 2 * 8) * MM)  # A4 landscape less the 8 mm side margins: 1062 px


@pytest.mark.parametrize("language", ["id", "en"])
def test_printed_plan_table_fits_a4_landscape(browser: Any, language: str) -> None:
    html = render(record(language=language), "html").body.decode()
    page = browser.new_page(viewport={"width": PRINTABLE, "height": 760})
    try:
        page.emulate_media(media="print")
        page.set_content(html, wait_until="load")
        table = page.locator("table.plan")
        box = table.bounding_box()
        assert box is not None and box["width"] <= PRINTABLE + 1, box
        spilled = page.evaluate(
            """() => [...document.querySelectorAll('table.plan td.num, table.plan th')]
                 .filter(c => c.scrollWidth > c.clientWidth + 1)
                 .map(c => c.textContent)"""
        )
        assert spilled == [], f"cells wider than their column: {spilled}"
        merged = page.locator("table.plan td[rowspan]").count()
        assert merged >= 6 * 6  # kode, program, five Rp, total, lead, lokasi of each program
        assert page.locator("table.plan tbody.total").count() == 4  # Jumlah and 3 sources
        ARTIFACTS.mkdir(exist_ok=True)
        table.screenshot(path=str(ARTIFACTS / f"print-plan-table-{language}.png"))
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    finally:
        page.close()
    (ARTIFACTS / f"print-report-{language}.pdf").write_bytes(pdf)
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    sizes = [(round(float(w)), round(float(h))) for w, h in boxes]
    assert (842, 595) in sizes  # the plan table's pages are A4 landscape


def test_the_screen_ranks_as_the_server_does(server: Any, browser: Any, watch: Any) -> None:
    """state.js's ``ranked`` draws the server's standings (ties shared), computing none."""
    page = watch.page(browser.new_context(), "ranks")
    page.goto(server.http + "/")  # the module under the pages' own origin
    ranks = page.evaluate(
        """async () => {
            const { ranked } = await import("/static/js/state.js");
            const programs = Object.fromEntries("abcd".split("").map((id) => [id, { id }]));
            const standings = { order: ["a", "c", "b", "d"], ranks: { a: 1, c: 2, b: 2, d: 4 },
                                totals: { a: 10, c: 7, b: 7, d: 2 } };
            const s = { programs, settings: { voting: { criteria: [] } }, votes: { standings } };
            return ranked(s).map((r) => [r.program.id, r.rank, r.total]);
        }"""
    )
    assert ranks == [["a", 1, 10], ["c", 2, 7], ["b", 2, 7], ["d", 4, 2]]
    assert watch.errors == []
