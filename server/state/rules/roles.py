"""Roles: actors, the role matrix (one role per cell) and program details."""

from __future__ import annotations

from typing import Any

from .. import ops as o
from ..models import ACTOR_CATEGORIES, ROLES_IN_MATRIX, Actor, BudgetLine, Indicator, RoomState
from .base import (
    LIST_ITEMS,
    ROLES,
    Outcome,
    Rejected,
    optional_text,
    program_of,
    required_text,
    rule,
    text_list,
)

# --- roles and program details -------------------------------------------------------


@rule("actor.add", who="member", phases=ROLES)
def actor_add(s: RoomState, e: o.Entry, op: o.ActorAdd) -> Outcome:
    name = required_text(op.name, s.limits.title, "name")
    if op.category not in ACTOR_CATEGORIES:
        raise Rejected("invalid", f"category must be one of {', '.join(ACTOR_CATEGORIES)}")
    if any(a.name.casefold() == name.casefold() for a in s.actors.values()):
        raise Rejected("invalid", f"{name} is already an actor")
    actor = Actor(id=f"a{e.seq}", name=name, category=op.category)
    return s.model_copy(update={"actors": {**s.actors, actor.id: actor}}), {
        "actor": actor.id,
        "name": name,
    }


@rule("matrix.set", who="member", phases=ROLES)
def matrix_set(s: RoomState, e: o.Entry, op: o.MatrixSet) -> Outcome:
    program_of(s, op.program)
    if op.actor not in s.actors:
        raise Rejected("not_found", f"no actor {op.actor}")
    if op.role is not None and op.role not in ROLES_IN_MATRIX:
        raise Rejected("invalid", f"role must be one of {', '.join(ROLES_IN_MATRIX)}")
    row = {k: v for k, v in s.matrix.get(op.program, {}).items() if k != op.actor}
    if op.role is not None:
        row[op.actor] = op.role
    return s.model_copy(update={"matrix": {**s.matrix, op.program: row}})


@rule("program.update", who="member", phases=ROLES)
def program_update(s: RoomState, e: o.Entry, op: o.ProgramUpdate) -> Outcome:
    program = program_of(s, op.program)
    text, title = s.limits.text, s.limits.title
    changes: dict[str, Any] = {}
    if op.title is not None:
        changes["title"] = required_text(op.title, title, "title")
    if op.policies is not None:
        changes["policies"] = text_list(op.policies, text, "policies")
    if op.strategies is not None:
        changes["strategies"] = text_list(op.strategies, text, "strategies")
    if op.location is not None:
        changes["location"] = optional_text(op.location, title, "location")
    if op.timeframe is not None:
        changes["timeframe"] = optional_text(op.timeframe, title, "timeframe")
    if op.indicators is not None:
        if len(op.indicators) > LIST_ITEMS:
            raise Rejected("too_long", f"more than {LIST_ITEMS} indicators")
        changes["indicators"] = tuple(
            Indicator(
                name=required_text(i.name, text, "indicator"),
                unit=optional_text(i.unit, title, "unit"),
                baseline=optional_text(i.baseline, title, "baseline"),
                targets={
                    optional_text(y, 16, "year"): optional_text(v, title, "target")
                    for y, v in list(i.targets.items())[:LIST_ITEMS]
                },
                final=optional_text(i.final, title, "final"),
            )
            for i in op.indicators
        )
    if op.budget is not None:
        if len(op.budget) > LIST_ITEMS:
            raise Rejected("too_long", f"more than {LIST_ITEMS} budget lines")
        changes["budget"] = tuple(
            BudgetLine(
                year=required_text(b.year, 16, "year"),
                amount=b.amount,
                source=optional_text(b.source, title, "source"),
            )
            for b in op.budget
        )
    updated = program.model_copy(update=changes)
    return s.model_copy(update={"programs": {**s.programs, program.id: updated}})
