"""Programs and votes (``rules/votes.py``): promotion, dots and scores, the reveal."""

from __future__ import annotations

import pytest

from server.state.models import vote_key

from .board import Board


@pytest.fixture
def b() -> Board:
    return Board()


def test_only_the_facilitator_promotes_and_drops(b: Board) -> None:
    alice = b.join("Alice")
    b.phase("cluster")
    cluster = b.cluster(alice, "Air bersih")
    assert b.refused(alice, "program.promote", cluster=cluster) == "forbidden"
    program = b.do(b.facilitator, "program.promote", cluster=cluster)["op"]["program"]
    assert b.state.programs[program].title == "Air bersih"
    assert b.refused(b.facilitator, "program.promote", cluster=cluster) == "invalid"
    assert b.refused(alice, "program.drop", program=program) == "forbidden"
    b.do(b.facilitator, "program.drop", program=program)
    assert program not in b.state.programs
    assert b.refused(b.facilitator, "program.drop", program=program) == "not_found"


def test_dot_voting_budget_and_item_limit(b: Board) -> None:
    alice = b.join("Alice")
    p1, p2 = b.program("Jalan"), b.program("Air")
    assert b.refused(alice, "vote.cast", program=p1, criterion="urgency") == "wrong_phase"
    b.phase("vote")
    for _ in range(3):
        b.do(alice, "vote.cast", program=p1, criterion="urgency")
    assert b.refused(alice, "vote.cast", program=p1, criterion="urgency") == "item_limit"
    b.do(alice, "vote.cast", program=p2, criterion="urgency")
    b.do(alice, "vote.cast", program=p2, criterion="urgency")
    assert b.refused(alice, "vote.cast", program=p2, criterion="urgency") == "budget_exhausted"
    b.do(alice, "vote.cast", program=p2, criterion="feasibility")  # budgets are per criterion
    b.do(alice, "vote.retract", program=p1, criterion="urgency")
    assert b.state.votes[alice][vote_key(p1, "urgency")] == 2
    b.do(alice, "vote.cast", program=p2, criterion="urgency")
    assert b.refused(alice, "vote.retract", program=p1, criterion="feasibility") == "not_found"
    assert b.refused(alice, "vote.cast", program=p1, criterion="beauty") == "invalid"
    assert b.refused(alice, "vote.cast", program="p999", criterion="urgency") == "not_found"
    assert b.refused(b.facilitator, "vote.cast", program=p1, criterion="urgency") == "forbidden"


def test_score_mode(b: Board) -> None:
    alice = b.join("Alice")
    program = b.program()
    b.do(b.facilitator, "room.configure", voting={"mode": "score"})
    b.phase("vote")
    assert b.refused(alice, "vote.cast", program=program, criterion="urgency") == "invalid"
    b.do(alice, "vote.score", program=program, criterion="urgency", value=4)
    assert (
        b.refused(alice, "vote.score", program=program, criterion="urgency", value=6) == "invalid"
    )
    assert b.state.votes[alice][vote_key(program, "urgency")] == 4
    b.do(alice, "vote.score", program=program, criterion="urgency", value=None)
    assert vote_key(program, "urgency") not in b.state.votes[alice]


def test_a_reveal_closes_voting_until_the_votes_are_hidden(b: Board) -> None:
    alice, bob = b.join("Alice"), b.join("Bob")
    program = b.program()
    b.phase("vote")
    b.do(alice, "vote.cast", program=program, criterion="urgency")
    b.do(b.facilitator, "votes.reveal")
    for kind in ("vote.cast", "vote.retract"):
        assert b.refused(bob, kind, program=program, criterion="urgency") == "wrong_phase"
    assert b.refused(alice, "vote.retract", program=program, criterion="urgency") == "wrong_phase"
    b.do(b.facilitator, "votes.hide")
    b.do(bob, "vote.cast", program=program, criterion="urgency")
    b.do(b.facilitator, "room.configure", voting={"mode": "score"})
    b.do(b.facilitator, "votes.reveal")
    score = {"program": program, "criterion": "urgency", "value": 3}
    assert b.refused(bob, "vote.score", **score) == "wrong_phase"


def test_dropping_a_program_gives_the_dots_back(b: Board) -> None:
    alice = b.join("Alice")
    p1, p2 = b.program("Jalan"), b.program("Air")
    b.phase("vote")
    for _ in range(3):
        b.do(alice, "vote.cast", program=p1, criterion="urgency")
    b.do(b.facilitator, "program.drop", program=p1)
    for _ in range(3):
        b.do(alice, "vote.cast", program=p2, criterion="urgency")


def test_tighter_voting_rules_restart_the_vote(b: Board) -> None:
    alice = b.join("Alice")
    program = b.program()
    b.phase("vote")
    b.do(alice, "vote.cast", program=program, criterion="urgency")
    b.do(alice, "vote.cast", program=program, criterion="urgency")
    b.do(b.facilitator, "room.configure", dots=10)
    assert b.state.votes[alice]
    b.do(b.facilitator, "room.configure", max_per_item=1)
    assert not any(b.state.votes.values())


def test_the_reveal_hands_the_pages_the_records_ranks_quadrants_and_medians() -> None:
    """One rule for results: the pages draw the server's, they compute none."""
    from server.state.record import build_record
    from server.state.views import state_view

    b = Board()
    voters = [b.join(f"P{n}") for n in range(3)]
    programs = [b.program(title) for title in ("Jalan", "Air", "Sekolah")]
    b.phase("vote")
    for voter in voters:
        for criterion in ("feasibility", "urgency"):
            b.do(voter, "vote.cast", program=programs[0], criterion=criterion)
        b.do(voter, "vote.cast", program=programs[1], criterion="urgency")
    event = b.do(b.facilitator, "votes.reveal")
    standings = event["op"]["standings"]
    record = build_record(b.state).to_json_dict()
    assert standings["order"] == [p["id"] for p in record["programs"]]
    assert standings["ranks"] == {p["id"]: p["rank"] for p in record["programs"]}
    assert standings["quadrants"] == {p["id"]: p["quadrant"] for p in record["programs"]}
    assert standings["quadrants"][programs[0]] == "priority"
    assert standings["quadrants"][programs[1]] == "enable"
    assert standings["medians"] == {"urgency": 3, "feasibility": 0}
    viewed = state_view(b.state, voters[0], "participant")["votes"]["standings"]
    assert viewed == standings
