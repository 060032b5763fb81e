"""numbers.js, as the server serves it, in real Chromium: every case of the table the
Python parser passes (server/planning/number_cases.json), and the same formatted text
for the same values, so that a rule changed on one side only fails here."""

from __future__ import annotations

import json
import random
from decimal import Decimal
from importlib.resources import files
from typing import Any

import pytest

from server.planning.numbers import MAX_AMOUNT, format_number, format_rupiah

pytestmark = pytest.mark.browser
CASES = json.loads(files("server.planning").joinpath("number_cases.json").read_text("utf-8"))

IMPORT = 'const n = await import("/static/js/numbers.js");'


def _module_page(server: Any, browser: Any, watch: Any) -> Any:
    page = watch.page(browser.new_context(), "numbers")
    page.goto(server.http + "/")  # the module under the pages' own CSP and origin
    return page


def _samples() -> tuple[list[int], list[int | float]]:
    """Amounts and indicator values, seeded: edges, then random ones of every length."""
    rng = random.Random(15)
    amounts = [0, 1, 999, 1000, 12_500_000_000, MAX_AMOUNT - 1, MAX_AMOUNT]
    amounts += [rng.randrange(10 ** rng.randint(1, 15)) for _ in range(300)]
    values: list[int | float] = [0, -0.0, 4.5, 1250.75, 1.001, -999.125, 1.5e-7, 1e-15]
    values += [2.0**60, 1e21, 0.1 + 0.2, -MAX_AMOUNT, 70.0]
    for _ in range(300):
        mantissa = rng.randrange(-(10 ** rng.randint(1, 15)), 10**15)
        places = rng.randint(0, 15)
        values.append(mantissa if not places else float(Decimal(mantissa).scaleb(-places)))
    return amounts, values


def test_every_case_of_the_table(server: Any, browser: Any, watch: Any) -> None:
    page = _module_page(server, browser, watch)
    results = page.evaluate(
        f"""async (cases) => {{ {IMPORT}
            return cases.map((c) => (c.kind === "rupiah" ? n.parseRupiah : n.parseNumber)(c.input));
        }}""",
        CASES,
    )
    wanted = [
        {"ok": False, "code": c["error"]} if "error" in c else {"ok": True, "value": c["value"]}
        for c in CASES
    ]
    pairs = zip(CASES, wanted, results, strict=True)
    drift = [(c["kind"], c["input"], w, r) for c, w, r in pairs if w != r]
    assert drift == []
    assert watch.errors == []


def test_the_same_text_for_the_same_values(server: Any, browser: Any, watch: Any) -> None:
    amounts, values = _samples()
    page = _module_page(server, browser, watch)
    shown = page.evaluate(
        f"""async ([amounts, values]) => {{ {IMPORT}
            return {{
                rupiah: amounts.map(n.formatRupiah),
                numbers: values.map(n.formatNumber),
                back: amounts.every((a) => n.parseRupiah(n.formatRupiah(a)).value === a),
            }};
        }}""",
        [amounts, values],
    )
    assert shown["rupiah"] == [format_rupiah(a) for a in amounts]
    assert shown["numbers"] == [format_number(v) for v in values]
    assert shown["back"] is True


def test_bad_calls_throw(server: Any, browser: Any, watch: Any) -> None:
    page = _module_page(server, browser, watch)
    thrown = page.evaluate(
        f"""async () => {{ {IMPORT}
            const name = (f) => {{ try {{ f(); return null; }} catch (e) {{ return e.name; }} }};
            return [
                name(() => n.formatRupiah(-1)), name(() => n.formatRupiah(1e15 + 1)),
                name(() => n.formatRupiah(1.5)), name(() => n.formatRupiah("5")),
                name(() => n.formatNumber(NaN)), name(() => n.parseRupiah(12)),
            ];
        }}"""
    )
    assert thrown == [
        "RangeError",
        "RangeError",
        "RangeError",
        "TypeError",
        "RangeError",
        "TypeError",
    ]
