"""Commitments and the follow-up plan (``rules/commitments.py``)."""

from __future__ import annotations

import pytest

from .board import Board


@pytest.fixture
def b() -> Board:
    return Board()


# --- commitments -------------------------------------------------------------------------


def _roles_board(b: Board) -> tuple[str, str, str]:
    alice = b.join("Alice")
    program = b.program()
    b.phase("roles")
    return alice, program, b.actor()


def test_commitments_are_set_in_roles_and_review_and_cleared(b: Board) -> None:
    alice, program, actor = _roles_board(b)
    b.do(alice, "commitment.set", program=program, actor=actor, text="  Anggaran 2027  ")
    assert b.state.commitments == {program: {actor: "Anggaran 2027"}}
    b.phase("review")
    b.do(alice, "commitment.set", program=program, actor=actor, text="Anggaran 2027 dan 2028")
    assert b.state.commitments[program][actor] == "Anggaran 2027 dan 2028"
    b.do(alice, "commitment.set", program=program, actor=actor, text=None)
    assert b.state.commitments[program] == {}
    b.do(alice, "commitment.set", program=program, actor=actor, text="x")
    b.do(alice, "commitment.set", program=program, actor=actor, text="   ")  # empty clears too
    assert b.state.commitments[program] == {}


def test_commitments_outside_roles_and_review_only_by_the_facilitator(b: Board) -> None:
    alice, program, actor = _roles_board(b)
    for phase in ("vote", "closed"):
        b.phase(phase)
        assert b.refused(alice, "commitment.set", program=program, actor=actor, text="x") == (
            "wrong_phase"
        )
        b.do(b.facilitator, "commitment.set", program=program, actor=actor, text=phase)
    assert b.state.commitments[program][actor] == "closed"


def test_commitments_check_their_fields(b: Board) -> None:
    alice, program, actor = _roles_board(b)
    assert b.refused(alice, "commitment.set", program="p99", actor=actor, text="x") == "not_found"
    assert b.refused(alice, "commitment.set", program=program, actor="a99", text="x") == (
        "not_found"
    )
    assert b.refused(alice, "commitment.set", program=program, actor=actor, text="x" * 501) == (
        "too_long"
    )
    screen = b.join("Layar", role="observer")
    assert b.refused(screen, "commitment.set", program=program, actor=actor, text="x") == (
        "forbidden"
    )


def test_dropping_a_program_drops_its_commitments(b: Board) -> None:
    alice, program, actor = _roles_board(b)
    b.do(alice, "commitment.set", program=program, actor=actor, text="x")
    b.do(b.facilitator, "program.drop", program=program)
    assert program not in b.state.commitments


# --- the follow-up plan ------------------------------------------------------------------


def test_followups_are_the_facilitators(b: Board) -> None:
    alice = b.join("Alice")
    b.phase("roles")
    actor = b.actor()
    event = b.do(b.facilitator, "followup.add", text=" Rapat teknis OPD ", actor=actor,
                 due="2027-01-15")  # fmt: skip
    fid = event["op"]["followup"]
    assert fid == f"f{b.state.seq}"
    f = b.state.followups[fid]
    assert (f.text, f.actor, f.due, f.created_at) == (
        "Rapat teknis OPD", actor, "2027-01-15", b.clock,
    )  # fmt: skip
    b.do(b.facilitator, "followup.add", text="Sosialisasi hasil")
    assert b.refused(alice, "followup.add", text="x") == "forbidden"
    assert b.refused(alice, "followup.delete", followup=fid) == "forbidden"
    b.do(b.facilitator, "followup.delete", followup=fid)
    assert fid not in b.state.followups and len(b.state.followups) == 1
    assert b.refused(b.facilitator, "followup.delete", followup=fid) == "not_found"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"text": " "}, "invalid"),
        ({"text": "x" * 501}, "too_long"),
        ({"text": "x", "due": "x" * 121}, "too_long"),
        ({"text": "x", "actor": "a99"}, "not_found"),
    ],
)
def test_followups_check_their_fields(b: Board, fields: dict, code: str) -> None:
    assert b.refused(b.facilitator, "followup.add", **fields) == code
