"""Actors and the role matrix (``rules/roles.py``)."""

from __future__ import annotations

import pytest

from .board import Board


@pytest.fixture
def b() -> Board:
    return Board()


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
