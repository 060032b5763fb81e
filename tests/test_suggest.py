"""The suggestion engine: pure, deterministic, and sensible on the cases a room meets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from server.suggest import suggest

ROOT = Path(__file__).resolve().parents[1]

WORKSHOP = [
    ("n1", "Jalan rusak di desa Mauliru"),
    ("n2", "Puskesmas kekurangan dokter"),
    ("n3", "Angka stunting tinggi"),
    ("n4", "jalan desa Mauliru rusak parah"),
    ("n5", "Kekurangan guru di SD terpencil"),
    ("n6", "Pupuk bersubsidi sering terlambat datang"),
    ("n7", "jembtan gantung di Tabundung sudah lapuk"),
    ("n8", "posyandu tdk aktif krn kader tdk dapat insentif"),
    ("n9", "Too few nurses at the community health centres"),
    ("n10", "Ruang kelas SMP rusak dan bocor"),
    ("n11", "pupuk subsidi telat"),
    ("n12", "Sampah menumpuk di pasar"),
    ("n13", "Koordinasi antar OPD lemah"),
]


def _group_of(result: dict, note: str) -> dict | None:
    return next((g for g in result["groups"] if note in g["notes"]), None)


def test_same_input_gives_the_same_output() -> None:
    assert suggest(WORKSHOP) == suggest(list(WORKSHOP))


def test_output_does_not_depend_on_string_hashing() -> None:
    """Sets iterate in hash order, which changes per process: run under two hash seeds."""
    code = (
        "import json, sys; from server.suggest import suggest;"
        "print(json.dumps(suggest([tuple(c) for c in json.load(sys.stdin)])))"
    )
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", code],
            input=json.dumps(WORKSHOP),
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            check=True,
        )
        outputs.append(json.loads(done.stdout))
    assert outputs[0] == outputs[1]
    assert outputs[0] == suggest(WORKSHOP)


def test_empty_room() -> None:
    assert suggest([]) == {"groups": [], "duplicates": []}


def test_one_card_gets_its_sector() -> None:
    result = suggest([("n1", "Puskesmas kekurangan dokter")])
    assert result == {
        "groups": [
            {
                "title": "Kesehatan",
                "notes": ["n1"],
                "sector": "kesehatan",
                "agency": "Dinas Kesehatan",
            }
        ],
        "duplicates": [],
    }


def test_one_card_no_sector_knows_is_no_suggestion() -> None:
    assert suggest([("n1", "zzz qqq")]) == {"groups": [], "duplicates": []}
    assert suggest([("n1", "")]) == {"groups": [], "duplicates": []}


def test_identical_cards_are_one_group_and_duplicates_of_the_first() -> None:
    cards = [(f"n{i}", "Sampah menumpuk di pasar Guntur") for i in range(5)]
    result = suggest(cards)
    assert [g["notes"] for g in result["groups"]] == [[c[0] for c in cards]]
    assert result["duplicates"] == [["n0", f"n{i}"] for i in range(1, 5)]


def test_identical_cards_no_sector_knows_still_group_by_similarity() -> None:
    cards = [(f"n{i}", "Lorem ipsum dolor") for i in range(3)]
    result = suggest(cards)
    assert [g["notes"] for g in result["groups"]] == [["n0", "n1", "n2"]]
    assert result["groups"][0]["sector"] is None
    assert result["groups"][0]["agency"] is None
    assert result["groups"][0]["title"] == "Ipsum, dolor"


def test_cards_sharing_no_word_meet_in_their_sector() -> None:
    result = suggest(WORKSHOP)
    health = _group_of(result, "n2")
    assert health is not None
    assert health["sector"] == "kesehatan"
    assert {"n2", "n3", "n8", "n9"} <= set(health["notes"])
    assert _group_of(result, "n5")["notes"] == ["n5", "n10"]


def test_cards_in_two_languages_and_titles_in_the_room_language() -> None:
    cards = [("a", "Puskesmas kekurangan dokter"), ("b", "Too few nurses at the health centre")]
    english = suggest(cards, language="en")
    assert english["groups"] == [
        {
            "title": "Health",
            "notes": ["a", "b"],
            "sector": "kesehatan",
            "agency": "District Health Office",
        }
    ]
    assert suggest(cards, language="id")["groups"][0]["title"] == "Kesehatan"


def test_abbreviations_and_typos_find_the_sector() -> None:
    result = suggest([("a", "jln rusak"), ("b", "kerusakan jalan"), ("c", "jembtan lapuk")])
    assert result["groups"][0]["notes"] == ["a", "b", "c"]
    assert result["groups"][0]["sector"] == "jalan_jembatan"
    assert ["a", "b"] in result["duplicates"]


def test_duplicates_found() -> None:
    result = suggest(WORKSHOP)
    assert ["n1", "n4"] in result["duplicates"]
    assert ["n6", "n11"] in result["duplicates"]


def test_same_place_different_topic_is_no_duplicate() -> None:
    cards = [
        ("a", "stunting di Sumba Timur masih tinggi"),
        ("b", "Promosi wisata Sumba Timur lemah"),
    ]
    assert suggest(cards)["duplicates"] == []


def test_the_answer_holds_only_the_given_note_ids_once_each() -> None:
    """The engine sees ids and texts only, so nothing else (an author) can come out."""
    result = suggest(WORKSHOP)
    assert set(result) == {"groups", "duplicates"}
    notes = [n for g in result["groups"] for n in g["notes"]]
    assert len(notes) == len(set(notes))
    assert set(notes) <= {c[0] for c in WORKSHOP}
    for group in result["groups"]:
        assert set(group) == {"title", "notes", "sector", "agency"}
        assert isinstance(group["title"], str) and group["title"]
    for pair in result["duplicates"]:
        assert len(pair) == 2 and set(pair) <= {c[0] for c in WORKSHOP}


def test_groups_are_ordered_by_size_then_first_card() -> None:
    result = suggest(WORKSHOP)
    keys = [
        (-len(g["notes"]), [c[0] for c in WORKSHOP].index(g["notes"][0])) for g in result["groups"]
    ]
    assert keys == sorted(keys)


@pytest.mark.parametrize("language", ["id", "en", "fr"])
def test_unknown_language_falls_back_to_indonesian(language: str) -> None:
    title = suggest([("a", "Guru kurang")], language)["groups"][0]["title"]
    assert title == ("Education" if language == "en" else "Pendidikan")
