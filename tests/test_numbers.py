"""Indonesian numbers and money: every case of the shared table, the refusal messages in
both catalogues, and format/parse round trips. tests/browser/test_numbers_js.py runs the
same table against numbers.js in the browser."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.planning import numbers
from server.planning.numbers import (
    MAX_AMOUNT,
    MESSAGES,
    NumberError,
    format_number,
    format_rupiah,
    parse_number,
    parse_rupiah,
)

CASES_PATH = Path(numbers.__file__).with_name("number_cases.json")
CASES: list[dict[str, Any]] = json.loads(CASES_PATH.read_text(encoding="utf-8"))
WEB = Path(__file__).resolve().parent.parent / "web"
PARSERS = {"rupiah": parse_rupiah, "number": parse_number}


def _case_id(case: dict[str, Any]) -> str:
    return f"{case['kind']}:{case['input']!r}"


def test_the_table_is_well_formed() -> None:
    assert len(CASES) >= 40
    for case in CASES:
        assert set(case) - {"note"} in ({"input", "kind", "value"}, {"input", "kind", "error"})
        assert case["kind"] in PARSERS
        assert case.get("error", "empty") in MESSAGES
    keys = [(c["kind"], c["input"]) for c in CASES]
    assert len(keys) == len(set(keys)), "a case twice"


def test_every_refusal_code_has_a_case() -> None:
    assert {c["error"] for c in CASES if "error" in c} == set(MESSAGES)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_case(case: dict[str, Any]) -> None:
    parse = PARSERS[case["kind"]]
    if "error" in case:
        with pytest.raises(NumberError) as caught:
            parse(case["input"])
        assert caught.value.code == case["error"]
    else:
        value = parse(case["input"])
        assert value == case["value"]
        assert type(value) is type(case["value"])  # 70 is an int, 4.5 a float


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_pages_show_the_same_messages(lang: str) -> None:
    catalogue = json.loads((WEB / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))
    shown = {k.removeprefix("number.error."): v for k, v in catalogue.items()}
    wanted = {code: texts[lang == "en"] for code, texts in MESSAGES.items()}
    assert {k: shown.get(k) for k in wanted} == wanted
    assert not {k for k in catalogue if k.startswith("number.error.")} - {
        f"number.error.{k}" for k in wanted
    }


def test_the_error_says_why_in_both_languages() -> None:
    with pytest.raises(NumberError) as caught:
        parse_rupiah("12.5")
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.message_id.startswith("Tidak jelas")
    assert str(error) == error.message_en == error.message("en")
    assert error.message("id") == error.message_id


def test_only_text_is_read() -> None:
    for parse in PARSERS.values():
        with pytest.raises(TypeError):
            parse(12)  # type: ignore[arg-type]


def test_formats() -> None:
    assert format_rupiah(12_500_000_000) == "Rp 12.500.000.000"
    assert format_rupiah(0) == "Rp 0"
    assert format_rupiah(MAX_AMOUNT) == "Rp 1.000.000.000.000.000"
    assert format_number(4.5) == "4,5"
    assert format_number(1250.75) == "1.250,75"
    assert format_number(70) == format_number(70.0) == "70"
    assert format_number(-1_234_567) == "-1.234.567"
    assert format_number(-0.0) == "0"
    assert format_number(1.001) == format_number(1.0010) == "1,0010"  # "1,001" is ambiguous
    assert format_number(-999.125) == "-999,1250"
    assert format_number(1000.125) == "1.000,125"  # the dot says it is Indonesian
    assert format_number(1.5e-7) == "0,00000015"  # repr() says 1.5e-07: no exponent shown
    assert format_number(2.0**60) == "1.152.921.504.606.847.000"  # shortest digits, as JS


@pytest.mark.parametrize("amount", [-1, MAX_AMOUNT + 1, 1.5, True, "5"])
def test_format_rupiah_refuses_what_is_not_an_amount(amount: Any) -> None:
    with pytest.raises((TypeError, ValueError)):
        format_rupiah(amount)


@pytest.mark.parametrize("value", [math.nan, math.inf, True, "4,5", None])
def test_format_number_refuses_what_is_not_a_number(value: Any) -> None:
    with pytest.raises((TypeError, ValueError)):
        format_number(value)


@settings(max_examples=500, deadline=None)
@given(st.integers(0, MAX_AMOUNT))
def test_rupiah_round_trip(amount: int) -> None:
    text = format_rupiah(amount)
    assert parse_rupiah(text) == amount
    assert parse_rupiah(text.removeprefix("Rp ")) == amount


# Indicator values as people type them: up to 15 significant digits, integral or not.
DECIMALS = st.builds(
    lambda mantissa, places: float(Decimal(mantissa).scaleb(-places)),
    st.integers(-(10**15 - 1), 10**15 - 1),
    st.integers(1, 15),
)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.integers(-MAX_AMOUNT, MAX_AMOUNT), DECIMALS))
def test_number_round_trip(value: int | float) -> None:
    text = format_number(value)
    back = parse_number(text)
    assert back == value
    assert format_number(back) == text


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10**6), st.sampled_from(sorted(numbers.SCALES.items())))
def test_scale_words_shift_the_digits(count: int, scale: tuple[str, int]) -> None:
    word, exponent = scale
    text = f"{format_number(count)} {word}"
    if count * 10**exponent > MAX_AMOUNT:
        with pytest.raises(NumberError, match="at most"):
            parse_rupiah(text)
    else:
        assert parse_rupiah(text) == count * 10**exponent


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0123456789.,-+ RpMjtrbiulawT%\u00a0", max_size=14))
def test_any_text_gives_an_amount_or_a_reason(text: str) -> None:
    for kind, parse in PARSERS.items():
        try:
            value = parse(text)
        except NumberError as error:
            assert error.code in MESSAGES
        else:
            assert abs(value) <= MAX_AMOUNT
            assert value >= 0 or kind == "number"
