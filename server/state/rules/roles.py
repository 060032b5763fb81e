"""Roles: actors and the role matrix (one role per cell). Program details: ``plans``."""

from __future__ import annotations

from ..codes import Code
from ..models import ACTOR_CATEGORIES, ROLES_IN_MATRIX, Actor, RoomState
from ..ops import Entry
from ..ops import roles as o
from .base import (
    ROLES,
    Outcome,
    Rejected,
    program_of,
    required_text,
    rule,
)

# --- roles and program details -------------------------------------------------------


@rule(o.ActorAdd, who="member", phases=ROLES)
def actor_add(s: RoomState, e: Entry, op: o.ActorAdd) -> Outcome:
    name = required_text(op.name, s.limits.title, "name")
    if op.category not in ACTOR_CATEGORIES:
        raise Rejected(Code.INVALID, f"category must be one of {', '.join(ACTOR_CATEGORIES)}")
    if any(a.name.casefold() == name.casefold() for a in s.actors.values()):
        raise Rejected(Code.INVALID, f"{name} is already an actor")
    actor = Actor(id=f"a{e.seq}", name=name, category=op.category)
    return s.model_copy(update={"actors": {**s.actors, actor.id: actor}}), {
        "actor": actor.id,
        "name": name,
    }


@rule(o.MatrixSet, who="member", phases=ROLES)
def matrix_set(s: RoomState, e: Entry, op: o.MatrixSet) -> Outcome:
    program_of(s, op.program)
    if op.actor not in s.actors:
        raise Rejected(Code.NOT_FOUND, f"no actor {op.actor}")
    if op.role is not None and op.role not in ROLES_IN_MATRIX:
        raise Rejected(Code.INVALID, f"role must be one of {', '.join(ROLES_IN_MATRIX)}")
    row = {k: v for k, v in s.matrix.get(op.program, {}).items() if k != op.actor}
    if op.role is not None:
        row[op.actor] = op.role
    return s.model_copy(update={"matrix": {**s.matrix, op.program: row}})
