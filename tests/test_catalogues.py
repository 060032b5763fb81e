"""The UI catalogues: Indonesian and English say the same things, and every string the
pages ask for exists in both (a missing key would show up as the key itself)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from server.export import formats
from server.state import codes

WEB = Path(__file__).resolve().parent.parent / "web"
PHASES = ["lobby", "vision", "issues", "cluster", "vote", "roles", "review", "closed"]
REJECTIONS = [str(code) for code in codes.REJECTIONS]  # each has its toast, reject.<code>
# The funding sources of the budget rows (web/static/js/planform.js FUNDING) and the refusal
# codes of web/static/js/numbers.js, shown as t(`number.error.${code}`).
FUNDING = ["apbd_kab", "apbd_prov", "apbn", "dak", "dana_desa", "csr", "kpbu", "other"]
NUMBER_ERRORS = [
    "ambiguous", "ambiguous_unit", "empty", "fraction", "has_unit", "negative", "not_a_number",
    "separators", "several_numbers", "too_large", "too_precise", "two_scales", "unknown_word",
]  # fmt: skip
DYNAMIC = [
    *(f"phase.{p}" for p in PHASES),
    *(f"hint.{p}" for p in PHASES),
    *(f"hint.{p}.f" for p in PHASES),
    *(f"reject.{r}" for r in REJECTIONS),
    *(f"status.{s}" for s in ["connecting", "online", "reconnecting", "offline", "stopped"]),
    *(f"fatal.{f}" for f in ["removed", "no_room", "bad_credentials", "bad_hello"]),
    *(f"role.{r}" for r in ["lead", "support", "consult", "inform"]),
    *(f"quadrant.{q}" for q in ["priority", "enable", "later", "drop"]),
    *(f"category.{c}" for c in ["agency", "dprd", "ngo", "private", "community", "other"]),
    *(f"color.{c}" for c in ["yellow", "orange", "pink", "green", "blue", "purple", "white"]),
    *(button["label"] for button in formats.downloads()),
    *(f"horizon.{h}" for h in ["PWTJP", "PWTJM", "annual"]),
    *(f"timezone.{z}" for z in ["WIB", "WITA", "WIT", "UTC"]),
    *(f"mode.{m}" for m in ["dots", "score"]),
    *(f"usg.{u}" for u in ["urgency", "seriousness", "growth"]),
    *(f"settings.{s}" for s in ["anonymous", "private_writing"]),
    *(f"program.{f}" for f in ["indicators", "policies", "strategies", "location"]),
    *(f"program.{f}" for f in ["timeframe", "budget"]),
    *(f"program.kind.{k}" for k in ["outcome", "output"]),
    *(f"funding.{f}" for f in FUNDING),
    *(f"number.error.{c}" for c in NUMBER_ERRORS),
    *(f"element.{e}" for e in ["government", "legislature", "academia", "business"]),
    *(f"element.{e}" for e in ["community", "media", "other"]),
    *(f"gender.{g}" for g in ["female", "male"]),
]
STATIC = re.compile(r"""\bt\(\s*["']([\w.]+)["']|data-t(?:-ph|-label|-title)?="([\w.]+)\"""")


def _catalogue(lang: str) -> dict[str, str]:
    return json.loads((WEB / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))


def test_both_languages_have_the_same_keys() -> None:
    ids, ens = _catalogue("id"), _catalogue("en")
    assert set(ids) == set(ens)
    assert all(v.strip() for v in [*ids.values(), *ens.values()])


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_string_the_pages_use_exists(lang: str) -> None:
    strings = _catalogue(lang)
    sources = [*WEB.glob("static/js/*.js"), *WEB.glob("templates/*.html")]
    used = {k for f in sources for m in STATIC.finditer(f.read_text()) for k in m.groups() if k}
    missing = sorted(k for k in {*used, *DYNAMIC} if k not in strings)
    assert missing == []
    placeholders = {k: set(re.findall(r"\{(\w+)\}", v)) for k, v in _catalogue("id").items()}
    for key, text in strings.items():
        assert set(re.findall(r"\{(\w+)\}", text)) == placeholders[key], key


def test_the_funding_list_is_the_forms() -> None:
    """The catalogue test names the same sources as the form offers."""
    source = (WEB / "static" / "js" / "planform.js").read_text()
    listed = re.search(r"FUNDING = \[([^\]]*)\]", source)
    assert listed and re.findall(r'"(\w+)"', listed.group(1)) == FUNDING


def test_every_refusal_of_the_number_reader_has_its_message() -> None:
    source = (WEB / "static" / "js" / "numbers.js").read_text()
    assert set(re.findall(r'refuse\("(\w+)"\)', source)) == set(NUMBER_ERRORS)
