"""The rule book, one rule at a time: every op kind and every rejection code."""

from __future__ import annotations

import pytest

from server.state import ops
from server.state.models import vote_key
from server.state.reducer import RULES, replay

from .board import Board


@pytest.fixture
def b() -> Board:
    return Board()


def test_every_op_kind_has_exactly_one_rule() -> None:
    # room.create starts a log (``reducer.create``); every other kind is applied by a rule.
    server = {op.kind_name() for op in ops.SERVER_OPS} - {ops.RoomCreate.kind_name()}
    assert set(RULES) == set(ops.CLIENT_KINDS) | server
    assert len(ops.CLIENT_KINDS) == len(ops.CLIENT_OPS)  # no kind declared twice


def test_ids_derive_from_the_sequence_number(b: Board) -> None:
    alice = b.join("Alice")
    b.phase("issues")
    seq = b.state.seq + 1
    assert b.note(alice) == f"n{seq}"
    assert b.program() == f"p{b.state.seq}"
    assert b.actor() == f"a{b.state.seq}"
    assert alice == "u2" and b.facilitator == "u1"


def test_time_comes_from_the_entry_not_a_clock(b: Board) -> None:
    alice = b.join("Alice")
    b.phase("issues")
    note = b.note(alice)
    assert b.state.notes[note].created_at == b.clock
    b.do(b.facilitator, "timer.start", seconds=90)
    assert b.state.timer is not None
    assert b.state.timer.ends_at == b.clock + 90_000
    b.do(b.facilitator, "timer.stop")
    assert b.state.timer is None


# --- cards -------------------------------------------------------------------------------


def test_participants_write_cards_only_in_vision_and_issues(b: Board) -> None:
    alice = b.join("Alice")
    assert b.refused(alice, "note.add", text="x") == "wrong_phase"
    for phase in ("vision", "issues"):
        b.phase(phase)
        b.note(alice, f"kartu {phase}")
    b.phase("cluster")
    assert b.refused(alice, "note.add", text="x") == "wrong_phase"
    b.note(b.facilitator, "the facilitator writes in any phase")


def test_card_text_is_checked(b: Board) -> None:
    alice = b.join("Alice")
    b.phase("issues")
    assert b.refused(alice, "note.add", text="   ") == "invalid"
    assert b.refused(alice, "note.add", text="x" * 501) == "too_long"
    assert b.refused(alice, "note.add", text="ok", color="chartreuse") == "invalid"
    event = b.do(alice, "note.add", text="  Air bersih  ", color="green")
    assert event["op"]["text"] == "Air bersih" and event["op"]["color"] == "green"


def test_cards_per_person_are_limited() -> None:
    b = Board(limits={"cards_per_person": 2})
    alice, bob = b.join("Alice"), b.join("Bob")
    b.phase("issues")
    b.note(alice)
    b.note(alice)
    assert b.refused(alice, "note.add", text="one more") == "item_limit"
    b.note(bob)


def test_only_the_author_or_the_facilitator_edits_and_deletes(b: Board) -> None:
    alice, bob = b.join("Alice"), b.join("Bob")
    b.phase("issues")
    note = b.note(alice, "Puskesmas kurang dokter")
    assert b.refused(bob, "note.edit", note=note, text="hijacked") == "forbidden"
    assert b.refused(bob, "note.delete", note=note) == "forbidden"
    b.do(alice, "note.edit", note=note, text="Puskesmas kekurangan dokter")
    assert b.state.notes[note].text == "Puskesmas kekurangan dokter"
    b.do(b.facilitator, "note.edit", note=note, text="Kekurangan dokter")
    b.do(b.facilitator, "note.delete", note=note)
    assert note not in b.state.notes
    assert b.refused(alice, "note.edit", note=note, text="late") == "not_found"


def test_moving_cards(b: Board) -> None:
    alice, bob = b.join("Alice"), b.join("Bob")
    b.phase("issues")
    note = b.note(alice)
    b.do(alice, "note.move", note=note, x=10, y=20)
    assert (b.state.notes[note].x, b.state.notes[note].y) == (10, 20)
    assert b.refused(bob, "note.move", note=note, x=1, y=1) == "forbidden"
    b.phase("cluster")
    b.do(bob, "note.move", note=note, x=1, y=1)
    b.do(b.facilitator, "note.move", note=note, x=5, y=5)
    assert b.refused(bob, "note.move", note="n999", x=1, y=1) == "not_found"


def test_review_and_closed_are_read_only_for_participants(b: Board) -> None:
    alice = b.join("Alice")
    b.phase("issues")
    note = b.note(alice)
    b.phase("review")
    assert b.refused(alice, "note.edit", note=note, text="x") == "wrong_phase"
    b.do(alice, "participant.ready", ready=True)


# --- clusters ------------------------------------------------------------------------------


def test_clustering_in_the_cluster_phase(b: Board) -> None:
    alice, bob = b.join("Alice"), b.join("Bob")
    b.phase("issues")
    n1, n2 = b.note(alice, "Jalan rusak"), b.note(bob, "Jembatan putus")
    assert b.refused(alice, "cluster.add", title="Jalan") == "wrong_phase"
    b.phase("cluster")
    c1 = b.cluster(alice, "Jalan")
    c2 = b.cluster(bob, "Jembatan")
    b.do(bob, "note.cluster", note=n1, cluster=c1)
    b.do(alice, "note.cluster", note=n2, cluster=c2)
    b.do(alice, "cluster.rename", cluster=c1, title="Jalan dan jembatan")
    assert b.state.clusters[c1].title == "Jalan dan jembatan"
    assert b.refused(alice, "cluster.merge", cluster=c1, into=c1) == "invalid"
    assert b.refused(alice, "note.cluster", note=n1, cluster="c999") == "not_found"
    b.do(alice, "cluster.merge", cluster=c2, into=c1)
    assert c2 not in b.state.clusters
    assert b.state.notes[n2].cluster == c1
    b.do(alice, "note.cluster", note=n2, cluster=None)
    assert b.state.notes[n2].cluster is None
    b.do(bob, "cluster.delete", cluster=c1)
    assert b.state.notes[n1].cluster is None
    assert b.refused(bob, "cluster.rename", cluster=c1, title="x") == "not_found"
    assert b.refused(bob, "cluster.add", title="t" * 121) == "too_long"


def test_a_delete_wins_over_later_edits(b: Board) -> None:
    alice = b.join("Alice")
    b.phase("cluster")
    cluster = b.cluster(alice)
    b.do(alice, "cluster.delete", cluster=cluster)
    assert b.refused(alice, "cluster.rename", cluster=cluster, title="x") == "not_found"


# --- programs and votes ----------------------------------------------------------------


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


# --- roles -------------------------------------------------------------------------------


def test_role_matrix_one_role_per_cell(b: Board) -> None:
    alice = b.join("Alice")
    program = b.program()
    assert b.refused(alice, "actor.add", name="Bappeda") == "wrong_phase"
    b.phase("roles")
    actor = b.do(alice, "actor.add", name="Dinas PUPR", category="agency")["op"]["actor"]
    assert b.refused(alice, "actor.add", name="dinas pupr") == "invalid"
    assert b.refused(alice, "actor.add", name="X", category="alien") == "invalid"
    b.do(alice, "matrix.set", program=program, actor=actor, role="lead")
    b.do(alice, "matrix.set", program=program, actor=actor, role="support")
    assert b.state.matrix[program] == {actor: "support"}
    assert b.refused(alice, "matrix.set", program=program, actor=actor, role="boss") == "invalid"
    assert b.refused(alice, "matrix.set", program=program, actor="a999", role="lead") == "not_found"
    b.do(alice, "matrix.set", program=program, actor=actor, role=None)
    assert b.state.matrix[program] == {}


def test_program_details(b: Board) -> None:
    alice = b.join("Alice")
    program = b.program()
    b.phase("roles")
    indicator = {"name": "Jalan mantap", "unit": "%", "baseline": 40, "targets": {"2027": 60}}
    b.do(
        alice, "program.update", program=program, location="Kec. Topoyo", policies=["Prioritas"],
        indicators=[indicator], budget=[{"year": 2027, "amount": 1_500_000_000, "source": "APBD"}],
    )  # fmt: skip
    details = b.state.programs[program]
    assert details.location == "Kec. Topoyo" and details.policies == ("Prioritas",)
    assert details.indicators[0].targets == {"2027": 60}
    assert b.refused(alice, "program.update", program=program, policies=["x"] * 51) == "too_long"
    assert b.refused(alice, "program.update", program=program, location="x" * 121) == "too_long"


# --- facilitation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "fields"),
    [
        ("vision.set", {"text": "Mamuju Utara maju"}),
        ("room.configure", {"dots": 3}),
        ("phase.set", {"phase": "issues"}),
        ("timer.start", {"seconds": 60}),
        ("timer.stop", {}),
        ("votes.reveal", {}),
        ("votes.hide", {}),
        ("notes.reveal", {}),
        ("notes.hide", {}),
        ("focus.set", {"target": None}),
        ("board.lock", {}),
        ("board.unlock", {}),
        ("participant.remove", {"participant": "u1"}),
        ("snapshot.take", {"label": "x"}),
        ("program.promote", {"cluster": "c1"}),
        ("program.drop", {"program": "p1"}),
    ],
)
def test_facilitator_only_ops(b: Board, kind: str, fields: dict) -> None:
    alice = b.join("Alice")
    assert b.refused(alice, kind, **fields) == "forbidden"


def test_observers_change_nothing(b: Board) -> None:
    screen = b.join("Layar", role="observer")
    b.phase("issues")
    assert b.refused(screen, "note.add", text="x") == "forbidden"
    assert b.refused(screen, "participant.ready", ready=True) == "forbidden"


def test_phases_are_a_room_setting(b: Board) -> None:
    b.do(b.facilitator, "room.configure", phases=["issues", "cluster", "vote"])
    assert b.refused(b.facilitator, "phase.set", phase="roles") == "invalid"
    assert b.refused(b.facilitator, "phase.set", phase="party") == "invalid"
    assert b.refused(b.facilitator, "room.configure", phases=["issues", "issues"]) == "invalid"
    b.phase("vote")
    b.phase("issues")  # going back is fine
    assert [p.key for p in b.state.phase_log] == ["lobby", "vote", "issues"]
    assert b.state.phase_log[1].ended_at == b.state.phase_log[2].started_at


def test_lock(b: Board) -> None:
    alice = b.join("Alice")
    b.phase("issues")
    b.do(b.facilitator, "board.lock")
    assert b.refused(alice, "note.add", text="x") == "locked"
    b.note(b.facilitator, "only the facilitator")
    b.do(b.facilitator, "board.unlock")
    b.note(alice)


def test_ready_check_resets_with_the_phase(b: Board) -> None:
    alice = b.join("Alice")
    b.do(alice, "participant.ready", ready=True)
    assert alice in b.state.ready
    b.phase("issues")
    assert not b.state.ready


def test_focus(b: Board) -> None:
    alice = b.join("Alice")
    b.phase("issues")
    note = b.note(alice)
    assert b.refused(b.facilitator, "focus.set", target="n999") == "not_found"
    b.do(b.facilitator, "focus.set", target=note)
    assert b.state.focus == note
    b.do(alice, "note.delete", note=note)
    assert b.state.focus is None


def test_removing_a_participant(b: Board) -> None:
    alice, bob = b.join("Alice"), b.join("Bob")
    program = b.program()
    b.phase("vote")
    b.do(bob, "vote.cast", program=program, criterion="urgency")
    b.do(b.facilitator, "participant.remove", participant=bob)
    assert b.state.participants[bob].removed and bob not in b.state.votes
    assert b.refused(bob, "vote.cast", program=program, criterion="urgency") == "forbidden"
    assert b.refused(b.facilitator, "participant.remove", participant=bob) == "not_found"
    assert b.refused(b.facilitator, "participant.remove", participant=b.facilitator) == "invalid"
    b.do(alice, "vote.cast", program=program, criterion="urgency")


def test_snapshots_are_numbered_and_closing_takes_a_final_one(b: Board) -> None:
    b.do(b.facilitator, "snapshot.take", label="setelah voting")
    b.phase("closed")
    assert [(s.n, s.label, s.final) for s in b.state.snapshots] == [
        (1, "setelah voting", False),
        (2, "final", True),
    ]


def test_reveals_carry_what_was_hidden(b: Board) -> None:
    alice = b.join("Alice")
    program = b.program()
    b.phase("vote")
    b.do(alice, "vote.cast", program=program, criterion="urgency")
    event = b.do(b.facilitator, "votes.reveal")
    assert event["op"]["tallies"][program] == {"feasibility": 0, "urgency": 1}
    assert event["op"]["voters"][program] == 1
    b.do(b.facilitator, "room.configure", private_writing=True)
    b.phase("issues")
    note = b.note(alice, "rahasia")
    event = b.do(b.facilitator, "notes.reveal")
    assert [n["id"] for n in event["op"]["notes"]] == [note]


def test_configure_checks_values(b: Board) -> None:
    assert b.refused(b.facilitator, "room.configure", title=" ") == "invalid"
    assert b.refused(b.facilitator, "room.configure", title="x" * 121) == "too_long"
    voting = {"mode": "score", "criteria": [{"key": "u"}, {"key": "u"}]}
    assert b.refused(b.facilitator, "room.configure", voting=voting) == "invalid"
    usg = [{"key": k, "weight": w} for k, w in (("urgency", 2), ("seriousness", 1), ("growth", 1))]
    b.do(b.facilitator, "room.configure", voting={"mode": "score", "criteria": usg})
    assert [c.key for c in b.state.settings.voting.criteria] == ["urgency", "seriousness", "growth"]
    assert b.state.settings.voting.criteria[0].label == "urgency"
    with pytest.raises(ops.InvalidOp):
        ops.parse_client_op({"kind": "room.configure", "timezone": "PST"})
    assert b.state.settings.timezone == "UTC"  # a room logged before zones keeps its clock
    b.do(b.facilitator, "room.configure", timezone="WIT")
    assert b.state.settings.timezone == "WIT"


def test_replay_of_the_log_gives_the_same_state(b: Board) -> None:
    alice = b.join("Alice")
    b.phase("issues")
    b.note(alice)
    b.attempt(alice, "cluster.add", title="refused in this phase")
    assert replay(b.log) == b.state


def test_in_an_anonymous_room_every_card_has_one_colour(b: Board) -> None:
    alice = b.join("Alice")
    b.do(b.facilitator, "room.configure", anonymous=True)
    b.phase("issues")
    event = b.do(alice, "note.add", text="Jalan rusak", color="pink")
    assert event["op"]["color"] == "yellow" and b.state.notes[event["op"]["note"]].color == "yellow"
    assert b.refused(alice, "note.add", text="Air", color="neon") == "invalid"
