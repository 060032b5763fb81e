"""The suggestion benchmark's evaluation set is well-formed: numbers the docs quote rest on it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "suggest"


def _cards(part: str) -> list[list[dict]]:
    data = json.loads((BENCH / f"{part}.json").read_text(encoding="utf-8"))
    assert data["part"] == part
    return [w["cards"] for w in data["workshops"]]


def test_at_least_200_cards_split_into_tuning_and_held_out() -> None:
    tuning = sum(len(w) for w in _cards("tuning"))
    held_out = sum(len(w) for w in _cards("heldout"))
    assert tuning + held_out >= 200
    assert held_out >= 100


@pytest.mark.parametrize("part", ["tuning", "heldout"])
def test_cards_have_ids_groups_and_earlier_duplicates(part: str) -> None:
    ids: set[str] = set()
    for workshop in _cards(part):
        seen: set[str] = set()
        for card in workshop:
            assert card["id"] not in ids, card["id"]
            assert card["text"].strip() and card["group"].strip()
            if card.get("dup_of"):
                assert card["dup_of"] in seen, card["id"]
            seen.add(card["id"])
            ids.add(card["id"])
        assert len({c["group"] for c in workshop}) >= 8


def test_the_two_parts_share_no_card() -> None:
    texts = [{c["text"].lower() for w in _cards(p) for c in w} for p in ("tuning", "heldout")]
    assert not texts[0] & texts[1]
