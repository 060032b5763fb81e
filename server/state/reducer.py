"""``apply(state, entry)``: the gate every op passes, then the rule of its kind.

Every rule of DESIGN.md §1 and §3 that a room enforces lives in ``rules/``, and nowhere
else. The reducer is pure: the time of an op is the time stored in its log entry, ids
derive from the entry's sequence number, and nothing is read from outside. ``apply``
turns a rule's ``Rejected`` into a value, so callers never catch anything.
"""

from __future__ import annotations

from collections.abc import Iterable

from . import ops as o
from .codes import Code
from .counts import recounted
from .models import PhaseSpan, RoomState, Settings, horizon_years
from .rules import OPEN, RULES, Event, Rejected, Rule
from .text import clean

__all__ = ["OPEN", "RULES", "Rejected", "apply", "create", "replay"]


# --- the entry point -----------------------------------------------------------------


def create(entry: o.Entry) -> RoomState:
    """The state of a new room, from the first entry of its log (``room.create``)."""
    op: o.RoomCreate = entry.op
    settings = Settings(
        title=clean(op.title), region=clean(op.region), horizon=op.horizon, language=op.language,
        timezone=op.timezone, years=horizon_years(entry.at, op.horizon),
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
        return Rejected(Code.INVALID, f"{op.kind} cannot be applied to a running room")
    try:
        _gate(state, entry, rule_)
        outcome = rule_.handler(state, entry, op)
    except Rejected as rejection:
        return rejection
    after, extra = outcome if isinstance(outcome, tuple) else (outcome, None)
    wire_op = op.normalised()
    if extra:
        wire_op.update(extra)
    event = entry.to_wire(wire_op)
    update = {"seq": entry.seq, "at": entry.at, **recounted(state, after)}
    return after.model_copy(update=update), event


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
    """The checks every op passes before its own rule: role, lock, phase.

    An op sent ``on_behalf`` of a paper participant (``via`` the facilitator) is checked
    as that participant's own: their role, the phase, the lock, and later their budgets.
    """
    if not e.by:
        # The server: its own kinds, and the ordinary ops that rebuild a room started from
        # an earlier record (room.seed), with the facilitator's reach. It never votes.
        if e.via:
            raise Rejected(Code.FORBIDDEN, "on_behalf must name a paper participant")
        if r.who == "voter":
            raise Rejected(Code.FORBIDDEN, "only participants vote")
        return
    if r.who == "server":
        raise Rejected(Code.FORBIDDEN, "only the server writes this op")
    who = s.participants.get(e.by)
    if e.via:
        if s.role_of(e.via) != "facilitator":
            raise Rejected(Code.FORBIDDEN, "only the facilitator acts on behalf of someone")
        if who is None or who.removed or not who.paper:
            raise Rejected(Code.FORBIDDEN, "on_behalf must name a paper participant")
    elif who is not None and who.paper:
        raise Rejected(Code.FORBIDDEN, "a paper participant acts only through the facilitator")
    role = s.role_of(e.by)
    if role is None:
        raise Rejected(Code.FORBIDDEN, "not a participant of this room")
    if role == "observer":
        raise Rejected(Code.FORBIDDEN, "observers cannot change the board")
    if r.who == "facilitator" and role != "facilitator":
        raise Rejected(Code.FORBIDDEN, "only the facilitator may do this")
    if r.who == "voter" and role != "participant":
        raise Rejected(Code.FORBIDDEN, "only participants vote")
    if role == "facilitator":
        return
    if s.locked:
        raise Rejected(Code.LOCKED, "the board is locked")
    if r.phases is not None and s.phase not in r.phases:
        raise Rejected(Code.WRONG_PHASE, f"not possible in phase {s.phase}")
