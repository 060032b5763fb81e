"""``apply(state, entry)``: the gate every op passes, then the rule of its kind.

Every rule of DESIGN.md §1 and §3 that a room enforces lives in ``rules/``, and nowhere
else. The reducer is pure: the time of an op is the time stored in its log entry, ids
derive from the entry's sequence number, and nothing is read from outside. ``apply``
turns a rule's ``Rejected`` into a value, so callers never catch anything.
"""

from __future__ import annotations

from collections.abc import Iterable

from . import ops as o
from .models import PhaseSpan, RoomState, Settings
from .rules import OPEN, RULES, Event, Rejected, Rule

__all__ = ["OPEN", "RULES", "Rejected", "apply", "create", "replay"]


# --- the entry point -----------------------------------------------------------------


def create(entry: o.Entry) -> RoomState:
    """The state of a new room, from the first entry of its log (``room.create``)."""
    op: o.RoomCreate = entry.op
    settings = Settings(
        title=op.title, region=op.region, horizon=op.horizon, language=op.language,
        timezone=op.timezone,
    )  # fmt: skip
    return RoomState(
        code=op.code,
        created_at=entry.at,
        seq=entry.seq,
        at=entry.at,
        settings=settings,
        limits=op.limits,
        phase="lobby",
        phase_log=(PhaseSpan(key="lobby", started_at=entry.at),),
    )


def apply(state: RoomState, entry: o.Entry) -> tuple[RoomState, Event] | Rejected:
    """Apply one log entry. Returns the next state and the event everyone is sent."""
    op = entry.op
    rule_ = RULES.get(op.kind)
    if rule_ is None:
        return Rejected("invalid", f"{op.kind} cannot be applied to a running room")
    try:
        _gate(state, entry, rule_)
        outcome = rule_.handler(state, entry, op)
    except Rejected as rejection:
        return rejection
    state, extra = outcome if isinstance(outcome, tuple) else (outcome, None)
    wire_op = op.normalised()
    if extra:
        wire_op.update(extra)
    event = {"seq": entry.seq, "at": entry.at, "by": entry.by, "op_id": entry.op_id, "op": wire_op}
    return state.model_copy(update={"seq": entry.seq, "at": entry.at}), event


def replay(entries: Iterable[o.Entry], state: RoomState | None = None) -> RoomState:
    """Fold log entries into a state. The log is the truth: an entry the rules refuse
    changes nothing but still takes its seq (and time), as in the live room."""
    for entry in entries:
        if state is None:
            state = create(entry)
            continue
        result = apply(state, entry)
        if isinstance(result, Rejected):
            state = state.model_copy(update={"seq": entry.seq, "at": entry.at})
        else:
            state = result[0]
    if state is None:
        raise ValueError("a room's log starts with room.create")
    return state


def _gate(s: RoomState, e: o.Entry, r: Rule) -> None:
    """The checks every op passes before its own rule: role, lock, phase."""
    if r.who == "server":
        if e.by:
            raise Rejected("forbidden", "only the server writes this op")
        return
    role = s.role_of(e.by)
    if role is None:
        raise Rejected("forbidden", "not a participant of this room")
    if role == "observer":
        raise Rejected("forbidden", "observers cannot change the board")
    if r.who == "facilitator" and role != "facilitator":
        raise Rejected("forbidden", "only the facilitator may do this")
    if r.who == "voter" and role != "participant":
        raise Rejected("forbidden", "only participants vote")
    if role == "facilitator":
        return
    if s.locked:
        raise Rejected("locked", "the board is locked")
    if r.phases is not None and s.phase not in r.phases:
        raise Rejected("wrong_phase", f"not possible in phase {s.phase}")
