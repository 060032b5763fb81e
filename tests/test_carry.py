"""Starting a room from an earlier record (``POST /api/rooms`` with ``from`` and ``carry``).

Round trip (export -> import -> export keeps every carried field and its provenance), an
annual room from a PWTJM record, records of every version this server wrote, the log the
seed leaves (ordinary ops, then room.seed), and bad files of every kind.
"""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from server.app import create_app
from server.settings import Settings
from server.state import Entry, Rejected, apply, parse_client_op

from .board import Board
from .fixtures.workshop import record as sikka_record

ROOT = Path(__file__).resolve().parent.parent
# The Sikka record as the server wrote it before numbers were numbers (text years, float
# amounts, text indicator values), kept in git history.
OLD_RECORD_COMMIT = "397fe8b"


@pytest.fixture(scope="module")
def sikka() -> dict[str, Any]:
    return sikka_record()


@pytest.fixture(scope="module")
def old_sikka() -> dict[str, Any]:
    shown = subprocess.run(
        ["git", "show", f"{OLD_RECORD_COMMIT}:tests/golden/sikka.json"],
        cwd=ROOT, capture_output=True, check=True,
    )  # fmt: skip
    return json.loads(shown.stdout)


def _start(client: TestClient, record: dict[str, Any], **fields: Any) -> tuple[str, str]:
    response = client.post("/api/rooms", json={"title": "Lanjutan", "from": record, **fields})
    assert response.status_code == 201, response.json()
    body = response.json()
    return body["room"], body["facilitator_key"]


def _record(client: TestClient, room: str, key: str) -> dict[str, Any]:
    response = client.get(f"/api/rooms/{room}/scenario", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    return response.json()


def _carried(record: dict[str, Any]) -> dict[str, Any]:
    """What carrying promises to keep, with ids replaced by what they name."""
    actors = {a["id"]: a["name"] for a in record["actors"]}
    clusters = {c["id"]: c["title"] for c in record["clusters"]}
    programs = []
    for p in record["programs"]:
        kept = {
            k: p[k]
            for k in ("title", "indicators", "budget", "policies", "strategies", "location",
                      "timeframe", "code", "nomenclature", "urusan", "bidang", "mission", "goal",
                      "target")
        }  # fmt: skip
        kept["roles"] = sorted((actors[r["actor"]], r["role"]) for r in p["roles"])
        kept["lead"] = actors.get(p["lead"] or "")
        programs.append(kept)
    return {
        "vision": {k: record["vision"][k] for k in ("statement", "missions")},
        "vision_cards": sorted(
            n["text"] for n in record["notes"] if n["id"] in record["vision"]["notes"]
        ),
        "programs": programs,
        "actors": [(a["name"], a["category"]) for a in record["actors"]],
        "notes": [
            (n["text"], n["color"], n["phase"], clusters.get(n["cluster"] or ""))
            for n in record["notes"]
        ],
        "clusters": sorted(clusters.values()),
    }


def _origins(record: dict[str, Any]) -> dict[str, str]:
    """New id -> source id of every item that carries an origin."""
    return {
        row["id"]: row["origin"]["id"]
        for part in ("notes", "clusters", "programs", "actors")
        for row in record[part]
        if "origin" in row
    }


def test_round_trip_keeps_every_carried_field_and_its_provenance(
    client: TestClient, sikka: dict[str, Any]
) -> None:
    room, key = _start(client, sikka)
    first = _record(client, room, key)
    assert _carried(first) == _carried(sikka)
    # The cards' authors were people of the earlier room: none of them is named here.
    assert first["notes"] and not any("author" in n for n in first["notes"])
    assert first["sources"] == [
        {"room": sikka["room"]["code"], "title": sikka["room"]["title"], "horizon": "PWTJM",
         "fingerprint": sikka.get("fingerprint")}
    ]  # fmt: skip
    # Every carried item names the item it came from, by that item's id in the source.
    origins = _origins(first)
    source_ids = {r["id"] for part in ("notes", "programs", "actors") for r in sikka[part]}
    assert source_ids <= set(origins.values())
    by_title = {p["title"]: p["id"] for p in sikka["programs"]}
    for program in first["programs"]:
        assert program["origin"]["id"] == by_title[program["title"]]
        assert program["origin"]["room"] == sikka["room"]["code"]
        assert "years" not in program["origin"] or program["origin"]["years"] is None
    # A revision of the same plan keeps its years; the region comes along when none is given.
    assert first["room"]["years"] == sikka["room"]["years"]
    assert first["room"]["region"] == sikka["room"]["region"]
    # And again: the second generation points at the first.
    again, again_key = _start(client, first)
    second = _record(client, again, again_key)
    assert _carried(second) == _carried(first)
    assert {p["origin"]["room"] for p in second["programs"]} == {room}
    assert set(_origins(second).values()) <= {
        r["id"] for part in ("notes", "clusters", "programs", "actors") for r in first[part]
    }


def test_carry_takes_only_the_parts_asked_for(client: TestClient, sikka: dict[str, Any]) -> None:
    room, key = _start(client, sikka, carry=["programs"])
    record = _record(client, room, key)
    assert record["vision"]["statement"] == "" and record["notes"] == []
    assert [p["title"] for p in record["programs"]] == [p["title"] for p in sikka["programs"]]
    # A role needs its actor: the programs bring the actors their roles name, no others.
    named = {r["actor"] for p in sikka["programs"] for r in p["roles"]}
    names = {a["id"]: a["name"] for a in sikka["actors"]}
    assert {a["name"] for a in record["actors"]} == {names[a] for a in named}
    # Without the vision a mission index would point at nothing.
    assert all(p["mission"] is None for p in record["programs"])

    room, key = _start(client, sikka, carry=["vision", "actors"])
    record = _record(client, room, key)
    assert record["vision"]["missions"] == sikka["vision"]["missions"]
    assert len(record["actors"]) == len(sikka["actors"]) and record["programs"] == []


def test_preview_counts_and_creates_nothing(client: TestClient, sikka: dict[str, Any]) -> None:
    hub = client.app.state.hub  # type: ignore[attr-defined]
    before = set(hub.rooms)
    response = client.post(
        "/api/rooms", json={"title": "x", "from": sikka, "carry": ["cards"], "preview": True}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["preview"]["cards"] == len(sikka["notes"])
    assert body["preview"]["clusters"] == len(sikka["clusters"])
    assert body["preview"]["programs"] == 0
    assert body["sources"][0]["room"] == sikka["room"]["code"]
    assert body["years"] == sikka["room"]["years"]
    assert set(hub.rooms) == before


def test_annual_room_from_a_pwtjm_record_proposes_its_year(
    client: TestClient, old_sikka: dict[str, Any]
) -> None:
    room, key = _start(
        client, old_sikka, horizon="annual", years={"from": 2027, "to": 2027}, carry=["programs"]
    )
    record = _record(client, room, key)
    assert record["room"]["horizon"] == "annual"
    assert record["room"]["years"] == {"from": 2027, "to": 2027}
    stunting = next(p for p in record["programs"] if p["title"].startswith("Percepatan"))
    # The year's target and pagu are the proposal …
    assert stunting["indicators"][0]["targets"] == {"2027": 18}
    assert stunting["budget"] == [
        {"year": 2027, "amount": 3_200_000_000, "source": "APBD + DAK Kesehatan"}
    ]
    # … and the five-year figures stay beside them: the final target, the plan's pagu.
    assert stunting["indicators"][0]["final"] == 14
    assert stunting["indicators"][0]["baseline"] == 25.6
    assert stunting["origin"]["years"] == {"from": 2025, "to": 2029}
    assert stunting["origin"]["budget_total"] == 15_600_000_000


def test_an_annual_year_outside_the_plan_is_refused(
    client: TestClient, old_sikka: dict[str, Any]
) -> None:
    response = client.post(
        "/api/rooms",
        json={"title": "x", "from": old_sikka, "horizon": "annual",
              "years": {"from": 2031, "to": 2031}},
    )  # fmt: skip
    assert response.status_code == 422
    assert response.json()["error"]["path"] == "years"


def test_an_old_record_is_read_as_it_was_written(
    client: TestClient, old_sikka: dict[str, Any], sikka: dict[str, Any]
) -> None:
    room, key = _start(client, old_sikka)
    record = _record(client, room, key)
    budget = record["programs"][0]["budget"]
    assert all(isinstance(b["year"], int) and isinstance(b["amount"], int) for b in budget)
    assert record["programs"][0]["indicators"][0]["baseline"] == 25.6
    assert [p["title"] for p in record["programs"]] == [p["title"] for p in sikka["programs"]]


def test_amounts_as_text_are_read_as_money(client: TestClient, sikka: dict[str, Any]) -> None:
    edited = copy.deepcopy(sikka)
    edited["programs"][0]["budget"] = [{"year": "2026", "amount": "Rp 2,5 M", "source": "APBD"}]
    room, key = _start(client, edited)
    assert _record(client, room, key)["programs"][0]["budget"] == [
        {"year": 2026, "amount": 2_500_000_000, "source": "APBD"}
    ]


def test_the_log_is_ordinary_ops_then_room_seed_and_replays(tmp_path: Path, sikka: Any) -> None:
    settings = Settings(data=str(tmp_path))
    with TestClient(create_app(settings)) as client:
        room, key = _start(client, sikka)
        before = _record(client, room, key)
        hub = client.app.state.hub  # type: ignore[attr-defined]
        events = client.portal.call(hub.store.read, room, 0)  # type: ignore[union-attr]
    kinds = [e["op"]["kind"] for e in events]
    assert kinds[0] == "room.create" and kinds[-1] == "room.seed"
    assert kinds[1] == "room.configure" and kinds.count("room.seed") == 1
    assert all(e["by"] == "" for e in events)
    assert {"vision.set", "actor.add", "cluster.add", "note.add", "note.cluster",
            "program.promote", "program.update", "matrix.set"} <= set(kinds)  # fmt: skip
    # A fresh process on the same data folder replays the log to the same record.
    with TestClient(create_app(settings)) as client:
        after = _record(client, room, key)
    assert after == before


# --- the rules of room.seed and of ops the server writes ------------------------------


def test_the_server_never_votes_and_carries_cards_beyond_the_per_person_limit() -> None:
    b = Board(cards_per_person=1)  # type: ignore[arg-type]
    b.phase("vote")
    vote = parse_client_op({"kind": "vote.cast", "program": "p1", "criterion": "urgency"})
    refused = apply(b.state, Entry(seq=b.state.seq + 1, at=1, by="", op=vote))
    assert isinstance(refused, Rejected) and refused.code == "forbidden"
    for text in ("satu", "dua"):
        card = parse_client_op({"kind": "note.add", "text": text})
        result = apply(b.state, Entry(seq=b.state.seq + 1, at=1, by="", op=card))
        assert not isinstance(result, Rejected)
        b.state = result[0]
    assert len(b.state.notes) == 2


# --- bad input of every kind changes nothing and says where it is wrong ---------------


def _broken(sikka: dict[str, Any], change: Any) -> dict[str, Any]:
    edited = copy.deepcopy(sikka)
    change(edited)
    return edited


BAD: list[tuple[str, Any, int, str, str]] = [
    ("a list", lambda r: [r], 422, "not_a_record", "from"),
    ("no schema", lambda r: {k: v for k, v in r.items() if k != "schema"}, 422, "not_a_record",
     "from"),
    ("foreign schema", lambda r: {**r, "schema": "decidim.proposals/1"}, 422, "foreign_schema",
     "from.schema"),
    ("newer schema", lambda r: {**r, "schema": "spwt.scenario/2"}, 422, "foreign_schema",
     "from.schema"),
    ("amount not money", lambda r: _broken(r, lambda d: d["programs"][1]["budget"][0].update(
        amount="lima juta")), 422, "invalid", "from.programs.1.budget.0.amount"),
    ("negative amount", lambda r: _broken(r, lambda d: d["programs"][0]["budget"][2].update(
        amount=-5)), 422, "invalid", "from.programs.0.budget.2.amount"),
    ("target a list", lambda r: _broken(r, lambda d: d["programs"][0]["indicators"][0][
        "targets"].update({"2026": [1]})), 422, "invalid",
     "from.programs.0.indicators.0.targets.2026"),
    ("title missing", lambda r: _broken(r, lambda d: d["programs"][2].pop("title")), 422,
     "invalid", "from.programs.2.title"),
    ("actors not a list", lambda r: {**r, "actors": {}}, 422, "invalid", "from.actors"),
    ("bad fingerprint", lambda r: {**r, "fingerprint": "abc"}, 422, "invalid",
     "from.fingerprint"),
    # Refused by the reducer's own rules when the seed is tried: the path of the program.
    ("code not in nomenclature", lambda r: _broken(r, lambda d: d["programs"][3].update(
        code="9.99.99")), 422, "invalid", "from.programs.3"),
    ("actor twice", lambda r: _broken(r, lambda d: d["actors"].append(
        {**d["actors"][0], "id": "a999"})), 422, "invalid", "from.actors.8"),
]  # fmt: skip


@pytest.mark.parametrize(("what", "change", "status", "code", "path"), BAD, ids=[b[0] for b in BAD])
def test_bad_records_change_nothing_and_name_the_first_error(
    client: TestClient,
    sikka: dict[str, Any],
    what: str,
    change: Any,
    status: int,
    code: str,
    path: str,
) -> None:
    hub = client.app.state.hub  # type: ignore[attr-defined]
    before = client.portal.call(hub.store.rooms)  # type: ignore[union-attr]
    response = client.post("/api/rooms", json={"title": "x", "from": change(sikka)})
    assert response.status_code == status, response.json()
    error = response.json()["error"]
    assert (error["code"], error["path"]) == (code, path)
    assert error["message"].startswith(path)
    assert client.portal.call(hub.store.rooms) == before  # type: ignore[union-attr]


def test_a_record_over_the_size_limit_is_refused(tmp_path: Path, sikka: Any) -> None:
    with TestClient(create_app(Settings(data=str(tmp_path), max_record=20_000))) as client:
        response = client.post("/api/rooms", json={"title": "x", "from": sikka})
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "too_long"
        huge = b'{"title": "x", "from": "' + b"x" * 90_000 + b'"}'
        response = client.post(
            "/api/rooms", content=huge, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 413


def test_unknown_parts_and_preview_without_a_record_are_refused(
    client: TestClient, sikka: dict[str, Any]
) -> None:
    response = client.post("/api/rooms", json={"title": "x", "from": sikka, "carry": ["votes"]})
    assert response.status_code == 400
    assert response.json()["error"]["path"] == "carry"
    response = client.post("/api/rooms", json={"title": "x", "preview": True})
    assert response.status_code == 400


def test_the_report_says_where_the_room_started_from(
    client: TestClient, sikka: dict[str, Any]
) -> None:
    room, key = _start(client, sikka, language="en")
    auth = {"Authorization": f"Bearer {key}"}
    for fmt in ("md", "html"):
        body = client.get(f"/api/rooms/{room}/scenario?format={fmt}", headers=auth).text
        assert "Started from the result of" in body
        assert f"({sikka['room']['code']})" in body


def test_only_a_record_makes_a_big_body(tmp_path: Path, sikka: Any) -> None:
    with TestClient(create_app(Settings(data=str(tmp_path), max_body=1024))) as client:
        response = client.post("/api/rooms", json={"title": "x", "region": "y" * 5000})
        assert response.status_code == 413
        assert client.post("/api/rooms", json={"title": "x", "from": sikka}).status_code == 201


def test_fields_of_newer_records_are_read_when_present(
    client: TestClient, sikka: dict[str, Any]
) -> None:
    newer = copy.deepcopy(sikka)
    newer["fingerprint"] = "ab" * 32
    actor = newer["programs"][0]["roles"][0]["actor"]
    newer["programs"][0]["commitments"] = [{"actor": actor, "text": "Menyiapkan data desa"}]
    newer["participants"][0]["gender"] = "female"  # a field this reader does not know
    newer["followups"] = [{"id": "f9", "text": "Rapat lanjutan"}]
    room, key = _start(client, newer)
    record = _record(client, room, key)
    assert record["sources"][0]["fingerprint"] == "ab" * 32
    assert {p["origin"]["fingerprint"] for p in record["programs"]} == {"ab" * 32}


def test_carried_text_is_cleaned_like_a_clients(tmp_path: Path, sikka: Any) -> None:
    edited = copy.deepcopy(sikka)
    edited["programs"][0]["title"] = "Air\u202e minum\x00"
    with TestClient(create_app(Settings(data=str(tmp_path)))) as client:
        room, key = _start(client, edited, carry=["programs"])
        hub = client.app.state.hub  # type: ignore[attr-defined]
        events = client.portal.call(hub.store.read, room, 0)  # type: ignore[union-attr]
        titles = [e["op"]["title"] for e in events if e["op"]["kind"] == "program.promote"]
        assert titles[0] == "Air minum" == _record(client, room, key)["programs"][0]["title"]
