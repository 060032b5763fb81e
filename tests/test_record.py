"""The scenario record builder: ranking, scores, quadrants, lead checks, what stays hidden."""

from __future__ import annotations

import jsonschema

from server.state.record import build_record, record_schema

from .board import Board


def _voted_room() -> tuple[Board, dict[str, str]]:
    b = Board()
    voters = [b.join(f"Peserta {i}", org="OPD") for i in range(3)]
    programs = {name: b.program(name) for name in ("Jalan", "Air", "Sekolah", "Pasar")}
    b.phase("vote")
    plan = {  # program: (urgency dots, feasibility dots) per voter
        "Jalan": (2, 2), "Air": (2, 0), "Sekolah": (0, 2), "Pasar": (1, 1),
    }  # fmt: skip
    for voter in voters:
        for name, (urgent, feasible) in plan.items():
            for _ in range(urgent):
                b.do(voter, "vote.cast", program=programs[name], criterion="urgency")
            for _ in range(feasible):
                b.do(voter, "vote.cast", program=programs[name], criterion="feasibility")
    return b, programs


def test_scores_ranks_and_quadrants_appear_only_after_reveal() -> None:
    b, _ = _voted_room()
    hidden = build_record(b.state).to_json_dict()
    assert all(p["scores"] is None and p["rank"] is None for p in hidden["programs"])
    assert hidden["voting"]["revealed"] is False
    b.do(b.facilitator, "votes.reveal")
    record = build_record(b.state).to_json_dict()
    by_title = {p["title"]: p for p in record["programs"]}
    split = by_title["Jalan"]["scores"].pop("by_category")
    assert by_title["Jalan"]["scores"] == {"feasibility": 6, "urgency": 6, "total": 12, "voters": 3}
    assert split == {"unspecified": {"feasibility": 6, "urgency": 6, "total": 12, "voters": 3}}
    assert by_title["Jalan"]["rank"] == 1
    assert record["programs"][0]["title"] == "Jalan"
    assert {t: p["quadrant"] for t, p in by_title.items()} == {
        "Jalan": "priority", "Air": "enable", "Sekolah": "later", "Pasar": "drop",
    }  # fmt: skip


def test_weighted_totals_in_score_mode() -> None:
    b = Board()
    alice, bob = b.join("Alice"), b.join("Bob")
    program = b.program()
    criteria = [{"key": "urgency", "weight": 2}, {"key": "feasibility", "weight": 1}]
    b.do(b.facilitator, "room.configure", voting={"mode": "score", "criteria": criteria})
    b.phase("vote")
    b.do(alice, "vote.score", program=program, criterion="urgency", value=5)
    b.do(bob, "vote.score", program=program, criterion="urgency", value=4)
    b.do(alice, "vote.score", program=program, criterion="feasibility", value=3)
    b.do(b.facilitator, "votes.reveal")
    scores = build_record(b.state).to_json_dict()["programs"][0]["scores"]
    assert scores.pop("by_category")["unspecified"]["urgency"] == 4.5
    assert scores == {"urgency": 4.5, "feasibility": 3, "total": 12, "voters": 2}


def _scored_room(values: dict[str, tuple[int, int]]) -> Board:
    """Score mode on feasibility and urgency; ``values``: program -> (feasibility, urgency)
    that each of three participants gives."""
    b = Board()
    voters = [b.join(f"Peserta {i}") for i in range(3)]
    programs = {name: b.program(name) for name in values}
    criteria = [{"key": "feasibility"}, {"key": "urgency"}]
    b.do(b.facilitator, "room.configure", voting={"mode": "score", "criteria": criteria})
    b.phase("vote")
    for voter in voters:
        for name, (feasible, urgent) in values.items():
            b.do(voter, "vote.score", program=programs[name], criterion="feasibility",
                 value=feasible)  # fmt: skip
            b.do(voter, "vote.score", program=programs[name], criterion="urgency", value=urgent)
    b.do(b.facilitator, "votes.reveal")
    return b


def test_score_mode_places_programs_in_quadrants_at_the_medians_of_the_means() -> None:
    b = _scored_room({"Jalan": (5, 5), "Air": (2, 5), "Sekolah": (5, 2), "Pasar": (1, 1)})
    programs = build_record(b.state).to_json_dict()["programs"]
    assert {p["title"]: p["quadrant"] for p in programs} == {
        "Jalan": "priority", "Air": "enable", "Sekolah": "later", "Pasar": "drop",
    }  # fmt: skip
    assert {p["title"]: p["scores"]["feasibility"] for p in programs}["Air"] == 2


def test_equal_totals_share_a_rank() -> None:
    """Competition ranking: 10, 7, 7, 2 rank 1, 2, 2, 4 (list order decides no tie)."""
    b = _scored_room({"A": (5, 5), "B": (5, 2), "C": (2, 5), "D": (1, 1)})
    programs = build_record(b.state).to_json_dict()["programs"]
    assert [(p["title"], p["rank"]) for p in programs] == [
        ("A", 1), ("B", 2), ("C", 2), ("D", 4),
    ]  # fmt: skip


def test_lead_checks() -> None:
    b = Board()
    none, one, two = b.program("A"), b.program("B"), b.program("C")
    pupr, dinkes = b.actor("Dinas PUPR"), b.actor("Dinas Kesehatan")
    b.do(b.facilitator, "matrix.set", program=one, actor=pupr, role="lead")
    b.do(b.facilitator, "matrix.set", program=one, actor=dinkes, role="support")
    b.do(b.facilitator, "matrix.set", program=two, actor=pupr, role="lead")
    b.do(b.facilitator, "matrix.set", program=two, actor=dinkes, role="lead")
    rows = {p["id"]: p for p in build_record(b.state).to_json_dict()["programs"]}
    assert (rows[none]["lead"], rows[none]["issues"]) == (None, ["no_lead"])
    assert (rows[one]["lead"], rows[one]["issues"]) == (pupr, [])
    assert (rows[two]["lead"], rows[two]["issues"]) == (None, ["several_leads"])
    matrix = build_record(b.state).to_json_dict()["role_matrix"]
    assert matrix["cells"][matrix["rows"].index(one)][matrix["columns"].index(dinkes)] == "support"


def test_anonymous_authors_and_private_cards_stay_out() -> None:
    b = Board()
    alice = b.join("Alice")
    b.do(b.facilitator, "room.configure", anonymous=True, private_writing=True)
    b.phase("issues")
    b.note(alice, "kartu pribadi")
    assert build_record(b.state).to_json_dict()["notes"] == []
    b.do(b.facilitator, "notes.reveal")
    notes = build_record(b.state).to_json_dict()["notes"]
    assert [n["text"] for n in notes] == ["kartu pribadi"] and "author" not in notes[0]


def test_the_record_follows_its_schema() -> None:
    b, _ = _voted_room()
    b.do(b.facilitator, "votes.reveal")
    b.do(b.facilitator, "vision.set", text="Mamuju Utara sejahtera", missions=["Infrastruktur"])
    record = build_record(b.state).to_json_dict()
    jsonschema.validate(record, record_schema())
    assert record["schema"] == "spwt.scenario/1"
    assert {"room", "snapshot", "participants", "phases", "vision", "notes", "clusters",
            "programs", "actors", "role_matrix", "voting"} <= set(record)  # fmt: skip
