"""The reducer's own rules: one rule per op kind, ids and time from the entry, who may act
in which phase, replay. Each rule module has its test module (tests/test_cards.py, …)."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.state import ops
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


def test_every_rule_module_has_its_test_module() -> None:
    # tests/test_<module>.py beside each server/state/rules/<module>.py: where a rule's
    # tests are is never a question.
    here = Path(__file__).parent
    rules = Path(__file__).parent.parent / "server" / "state" / "rules"
    modules = {p.stem for p in rules.glob("*.py")} - {"__init__", "base"}
    assert {m for m in modules if not (here / f"test_{m}.py").exists()} == set()


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


def test_review_and_closed_are_read_only_for_participants(b: Board) -> None:
    alice = b.join("Alice")
    b.phase("issues")
    note = b.note(alice)
    b.phase("review")
    assert b.refused(alice, "note.edit", note=note, text="x") == "wrong_phase"
    b.do(alice, "participant.ready", ready=True)


def test_observers_change_nothing(b: Board) -> None:
    screen = b.join("Layar", role="observer")
    b.phase("issues")
    assert b.refused(screen, "note.add", text="x") == "forbidden"
    assert b.refused(screen, "participant.ready", ready=True) == "forbidden"


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
