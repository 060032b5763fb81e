"""The facilitator's ops (``rules/facilitation.py``): phases, timer, reveals, lock, focus,
removal, snapshots and the room's settings."""

from __future__ import annotations

import pytest

from server.state import ops

from .board import Board


@pytest.fixture
def b() -> Board:
    return Board()


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
