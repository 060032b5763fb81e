"""The record of issue #16: participants' categories, participation, commitments, the
follow-up plan, and the vote split by category (only after the reveal; "< 3" when anonymous)."""

from __future__ import annotations

import jsonschema
from starlette.testclient import TestClient

from server.state.record import build_record, record_schema
from server.state.views import state_view

from .board import Board


def _valid(record: dict) -> dict:
    jsonschema.validate(record, record_schema(), cls=jsonschema.Draft202012Validator)
    return record


def test_participants_carry_who_they_are_and_participation_counts_them() -> None:
    b = Board()
    b.join("Alice", "Bappeda", category="government", position="Kabid", gender="female")
    b.join("Bob", "DPRD", category="legislature", gender="male")
    bob2 = b.join("Bobi", "Dinas PUPR", category="government")
    b.paper("Pak Karto", org="Desa Oepura", category="community", gender="male")
    b.join("Layar", role="observer")
    b.do(b.facilitator, "participant.remove", participant=bob2)
    record = _valid(build_record(b.state).to_json_dict())
    alice, _, _, karto = record["participants"][1:]
    assert alice == {
        "id": "u2", "name": "Alice", "org": "Bappeda", "role": "participant",
        "joined_at": alice["joined_at"], "category": "government", "position": "Kabid",
        "gender": "female", "paper": False,
    }  # fmt: skip
    assert karto["paper"] is True and karto["category"] == "community"
    assert record["participation"] == {
        "by_category": {
            "government": 1, "legislature": 1, "academia": 0, "business": 0,
            "community": 1, "media": 0, "other": 0,
        },
        "by_gender": {"female": 1, "male": 2},
        "voters": 0,
        "missing": ["academia", "business", "media"],
    }  # fmt: skip


def test_participation_counts_the_unspecified_and_the_voters() -> None:
    b = Board()
    alice, _ = b.join("Alice"), b.join("Bob", category="media")
    program = b.program()
    b.phase("vote")
    b.do(alice, "vote.cast", program=program, criterion="urgency")
    part = build_record(b.state).to_json_dict()["participation"]
    assert part["by_category"]["unspecified"] == 1 and part["by_category"]["media"] == 1
    assert part["by_gender"] == {"female": 0, "male": 0, "unspecified": 2}
    assert part["voters"] == 1  # how many voted may be known before the reveal


def test_commitments_and_followups_are_in_the_record() -> None:
    b = Board()
    program = b.program("Air bersih")
    b.phase("roles")
    pupr, pdam = b.actor("Dinas PUPR"), b.actor("PDAM", "private")
    b.do(b.facilitator, "commitment.set", program=program, actor=pdam, text="Sambungan rumah")
    b.do(b.facilitator, "commitment.set", program=program, actor=pupr, text="Jaringan pipa")
    f = b.do(b.facilitator, "followup.add", text="Rapat teknis", actor=pupr, due="2027-01-15")
    b.do(b.facilitator, "followup.add", text="Sosialisasi")
    record = _valid(build_record(b.state).to_json_dict())
    assert record["programs"][0]["commitments"] == [  # in the order of the actors
        {"actor": pupr, "text": "Jaringan pipa"},
        {"actor": pdam, "text": "Sambungan rumah"},
    ]
    assert record["followups"] == [
        {"id": f["op"]["followup"], "text": "Rapat teknis", "actor": pupr, "due": "2027-01-15"},
        {"id": f"f{b.state.seq}", "text": "Sosialisasi", "actor": None, "due": ""},
    ]


def _split_room(anonymous: bool = False) -> tuple[Board, str]:
    """Three agency voters for the road, one citizen (on paper) against it."""
    b = Board()
    officials = [b.join(f"OPD {i}", category="government") for i in range(3)]
    citizen = b.paper("Bu Siti", category="community")
    road, water = b.program("Jalan"), b.program("Air")
    if anonymous:
        b.do(b.facilitator, "room.configure", anonymous=True)
    b.phase("vote")
    for voter in officials:
        for _ in range(2):
            b.do(voter, "vote.cast", program=road, criterion="urgency")
        b.do(voter, "vote.cast", program=road, criterion="feasibility")
    for _ in range(3):
        b.do(citizen, "vote.cast", via=b.facilitator, program=water, criterion="urgency")
    return b, road


def test_the_split_by_category_appears_only_after_the_reveal() -> None:
    b, road = _split_room()
    before = build_record(b.state).to_json_dict()
    assert all(p["scores"] is None for p in before["programs"])
    assert "by_category" not in str(state_view(b.state, b.facilitator, "facilitator"))
    reveal = b.do(b.facilitator, "votes.reveal")
    split = reveal["op"]["by_category"][road]
    assert split == {
        "government": {"feasibility": 3, "urgency": 6, "total": 9, "voters": 3},
        "community": {"feasibility": 0, "urgency": 0, "total": 0, "voters": 0},
    }
    record = _valid(build_record(b.state).to_json_dict())
    by_id = {p["id"]: p for p in record["programs"]}
    assert by_id[road]["scores"]["by_category"] == split
    assert state_view(b.state, b.facilitator, "facilitator")["votes"]["by_category"][road] == split


def test_an_anonymous_room_shows_small_groups_as_fewer_than_three() -> None:
    b, road = _split_room(anonymous=True)
    reveal = b.do(b.facilitator, "votes.reveal")
    assert reveal["op"]["by_category"][road]["community"] == {"suppressed": True, "voters": "<3"}
    assert reveal["op"]["by_category"][road]["government"]["voters"] == 3
    record = _valid(build_record(b.state).to_json_dict())
    for program in record["programs"]:
        assert program["scores"]["by_category"]["community"] == {
            "suppressed": True, "voters": "<3",
        }  # fmt: skip


def test_the_published_schema_names_the_new_fields(client: TestClient) -> None:
    schema = client.get("/api/schema/scenario").json()
    assert {"participation", "followups", "fingerprint"} <= set(schema["properties"])
    defs = schema["$defs"]
    assert {"category", "position", "gender", "paper"} <= set(defs["ParticipantRow"]["properties"])
    assert "commitments" in defs["ProgramRow"]["properties"]
    assert defs["SuppressedScores"]["properties"]["voters"]["const"] == "<3"
