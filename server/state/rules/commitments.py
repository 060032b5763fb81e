"""Commitments and follow-up: what each actor undertakes for a program, and what happens next.

A commitment is one text per program and actor (*komitmen*), written while roles are shared
and during the review; the follow-up plan (*rencana tindak lanjut*) is the facilitator's.
Both go into the berita acara that the agencies sign.
"""

from __future__ import annotations

from ..codes import Code
from ..models import Followup, RoomState
from ..ops import Entry
from ..ops import commitments as o
from .base import Outcome, Rejected, optional_text, program_of, required_text, rule


def _actor_of(s: RoomState, actor: str) -> str:
    if actor not in s.actors:
        raise Rejected(Code.NOT_FOUND, f"no actor {actor}")
    return actor


@rule(o.CommitmentSet, who="member", phases=("roles", "review"))
def commitment_set(s: RoomState, e: Entry, op: o.CommitmentSet) -> Outcome:
    program = program_of(s, op.program).id
    actor = _actor_of(s, op.actor)
    text = optional_text(op.text or "", s.limits.text, "commitment")
    row = {k: v for k, v in s.commitments.get(program, {}).items() if k != actor}
    if text:  # an empty text clears, as null does
        row[actor] = text
    return s.model_copy(update={"commitments": {**s.commitments, program: row}}), {"text": text}


@rule(o.FollowupAdd, who="facilitator")
def followup_add(s: RoomState, e: Entry, op: o.FollowupAdd) -> Outcome:
    followup = Followup(
        id=f"f{e.seq}",
        text=required_text(op.text, s.limits.text),
        actor=None if op.actor is None else _actor_of(s, op.actor),
        due=optional_text(op.due, s.limits.title, "due"),
        created_at=e.at,
    )
    return s.model_copy(update={"followups": {**s.followups, followup.id: followup}}), {
        "followup": followup.id,
        "text": followup.text,
        "due": followup.due,
    }


@rule(o.FollowupDelete, who="facilitator")
def followup_delete(s: RoomState, e: Entry, op: o.FollowupDelete) -> Outcome:
    if op.followup not in s.followups:
        raise Rejected(Code.NOT_FOUND, f"no follow-up {op.followup}")
    return s.model_copy(
        update={"followups": {k: f for k, f in s.followups.items() if k != op.followup}}
    )
