"""People: joining, paper participants and who each one is (category, position, gender).

The category is the element of the region a participant represents (*keterwakilan*): the
pentahelix plus the legislature. A paper participant has no device: the facilitator adds
them (``participant.add``) and sends their cards and votes for them (``on_behalf``, checked
in the reducer's gate).
"""

from __future__ import annotations

from typing import Any

from ..codes import Code
from ..models import Participant, RoomState
from ..ops import Entry
from ..ops import people as o
from .base import Outcome, Rejected, optional_text, required_text, rule

# Paper participants a room may hold: a large plenary's worth, and a bound on what a
# runaway console could add (joins have their own limit, ``participants_per_room``).
PAPER_MAX = 500


def _next_id(s: RoomState) -> str:
    return f"u{len(s.participants) + 1}"


def _added(s: RoomState, who: Participant) -> Outcome:
    return s.model_copy(update={"participants": {**s.participants, who.id: who}}), {
        "participant": who.id,
        "name": who.name,
        "org": who.org,
        "position": who.position,
    }


@rule(o.ParticipantJoin, who="server")
def participant_join(s: RoomState, e: Entry, op: o.ParticipantJoin) -> Outcome:
    return _added(
        s,
        Participant(
            id=_next_id(s),
            name=required_text(op.name, s.limits.title, "name"),
            org=optional_text(op.org, s.limits.title, "organisation"),
            role=op.role,
            joined_at=e.at,
            category=op.category,
            position=optional_text(op.position, s.limits.title, "position"),
            gender=op.gender,
        ),
    )


@rule(o.ParticipantAdd, who="facilitator")
def participant_add(s: RoomState, e: Entry, op: o.ParticipantAdd) -> Outcome:
    if sum(p.paper and not p.removed for p in s.participants.values()) >= PAPER_MAX:
        raise Rejected(Code.ITEM_LIMIT, f"at most {PAPER_MAX} participants without a device")
    return _added(
        s,
        Participant(
            id=_next_id(s),
            name=required_text(op.name, s.limits.title, "name"),
            org=optional_text(op.org, s.limits.title, "organisation"),
            joined_at=e.at,
            category=op.category,
            position=optional_text(op.position, s.limits.title, "position"),
            gender=op.gender,
            paper=True,
        ),
    )


@rule(o.ParticipantUpdate, who="member")
def participant_update(s: RoomState, e: Entry, op: o.ParticipantUpdate) -> Outcome:
    target = op.participant or e.by
    if target != e.by and s.role_of(e.by) != "facilitator":
        raise Rejected(Code.FORBIDDEN, "only the facilitator may change someone else")
    who = s.participants.get(target)
    if who is None or who.removed:
        raise Rejected(Code.NOT_FOUND, f"no participant {target}")
    given = op.model_fields_set
    limit = s.limits.title
    changes: dict[str, Any] = {}
    if op.name is not None:
        changes["name"] = required_text(op.name, limit, "name")
    if op.org is not None:
        changes["org"] = optional_text(op.org, limit, "organisation")
    if op.position is not None:
        changes["position"] = optional_text(op.position, limit, "position")
    for field in ("category", "gender"):  # null clears
        if field in given:
            changes[field] = getattr(op, field)
    updated = who.model_copy(update=changes)
    return s.model_copy(update={"participants": {**s.participants, who.id: updated}}), {
        "participant": who.id,
        **changes,
    }
