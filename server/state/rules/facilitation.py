"""Facilitation: people leaving, phases, timer, reveals, focus, lock, snapshots."""

from __future__ import annotations

from typing import Any

from ..codes import Code
from ..models import (
    PHASES,
    Criterion,
    PhaseSpan,
    RoomState,
    Settings,
    SnapshotInfo,
    Timer,
    Vision,
    Voting,
    horizon_years,
    split_vote_key,
)
from ..ops import Entry
from ..ops import facilitation as o
from ..plan_models import YearRange
from ..standings import standings
from ..tally import tallies
from .base import Outcome, Rejected, optional_text, required_text, rule, text_list
from .groups import grouped_phases, regrouped

# --- facilitation --------------------------------------------------------------------


@rule(o.VisionSet, who="facilitator")
def vision_set(s: RoomState, e: Entry, op: o.VisionSet) -> Outcome:
    statement = optional_text(op.text, s.limits.text * 4, "vision")
    missions = text_list(op.missions, s.limits.text, "missions")
    return s.model_copy(update={"vision": Vision(statement=statement, missions=missions)})


def _voting(s: RoomState, given: o.VotingIn) -> Voting:
    criteria = s.settings.voting.criteria
    if given.criteria is not None:
        keys = [c.key for c in given.criteria]
        if len(set(keys)) != len(keys):
            raise Rejected(Code.INVALID, "criteria keys must be unique")
        criteria = tuple(
            Criterion(
                key=c.key,
                label=optional_text(c.label, s.limits.title, "label") or c.key,
                weight=c.weight,
            )
            for c in given.criteria
        )
    return Voting(mode=given.mode, criteria=criteria)


def _years(given: YearRange) -> YearRange:
    if not 2000 <= given.from_ <= given.to <= given.from_ + 24 <= 2124:
        raise Rejected(Code.INVALID, "years: from..to must be a span of 1 to 25 years after 2000")
    return given


def _votes_fit(s: RoomState, settings: Settings) -> bool:
    """Whether every vote cast so far is still allowed under ``settings``."""
    if settings.voting != s.settings.voting:
        return not any(s.votes.values())
    for mine in s.votes.values():
        used: dict[str, int] = {}
        for key, count in mine.items():
            criterion = split_vote_key(key)[1]
            used[criterion] = used.get(criterion, 0) + count
            if settings.voting.mode == "dots" and count > settings.max_per_item:
                return False
        if settings.voting.mode == "dots" and any(n > settings.dots for n in used.values()):
            return False
    return True


@rule(o.RoomConfigure, who="facilitator")
def room_configure(s: RoomState, e: Entry, op: o.RoomConfigure) -> Outcome:
    given = op.model_dump(exclude_unset=True, exclude={"kind"})
    changes: dict[str, Any] = {}
    if "title" in given:
        changes["title"] = required_text(op.title or "", s.limits.title, "title")
    if "region" in given:
        changes["region"] = optional_text(op.region or "", s.limits.title, "region")
    for flag in ("horizon", "timezone", "dots", "max_per_item", "anonymous", "private_writing"):
        if given.get(flag) is not None:
            changes[flag] = getattr(op, flag)
    if op.phases is not None:
        unknown = [p for p in op.phases if p not in PHASES]
        if unknown or len(set(op.phases)) != len(op.phases):
            raise Rejected(Code.INVALID, f"phases must be distinct keys of {', '.join(PHASES)}")
        changes["phases"] = tuple(op.phases)
    if op.voting is not None:
        changes["voting"] = _voting(s, op.voting)
    if op.years is not None:
        changes["years"] = _years(op.years)
    elif op.horizon is not None and op.horizon != s.settings.horizon:
        changes["years"] = horizon_years(s.created_at, op.horizon)
    if op.level is not None:
        changes["level"] = op.level
    if op.venue is not None:
        changes["venue"] = optional_text(op.venue, s.limits.title, "venue")
    if op.date is not None:
        changes["date"] = op.date
    for flag in ("self_select_groups", "groups_visible"):
        if given.get(flag) is not None:
            changes[flag] = getattr(op, flag)
    if op.grouped_phases is not None:
        changes["grouped_phases"] = grouped_phases(op.grouped_phases)
    settings = s.settings.model_copy(update=changes)
    # Votes cast under rules that no longer hold would break the budget: restart the vote.
    votes = s.votes if _votes_fit(s, settings) else {}
    after = s.model_copy(update={"settings": settings, "votes": votes})
    extra: dict[str, Any] = {}
    if "years" in changes:  # the years a new horizon brings travel with the event
        extra["years"] = changes["years"].model_dump()
    if isinstance(outcome := regrouped(s, after), tuple):
        extra.update(outcome[1])
    return (after, extra) if extra else after


@rule(o.PhaseSet, who="facilitator")
def phase_set(s: RoomState, e: Entry, op: o.PhaseSet) -> Outcome:
    allowed = {*s.settings.phases, "lobby", "closed"}
    if op.phase not in PHASES or op.phase not in allowed:
        raise Rejected(
            Code.INVALID, f"phase must be one of {', '.join(p for p in PHASES if p in allowed)}"
        )
    log = s.phase_log
    if log and log[-1].ended_at is None:
        log = (*log[:-1], log[-1].model_copy(update={"ended_at": e.at}))
    changes: dict[str, Any] = {
        "phase": op.phase,
        "phase_log": (*log, PhaseSpan(key=op.phase, started_at=e.at)),
        "ready": frozenset(),
    }
    if op.phase == "closed":
        label = "final"
        changes["snapshots"] = (*s.snapshots, _snapshot(s, e, label, "closed", final=True))
    # A reveal holds for the phase it was made in: a new writing phase starts hidden.
    changes["notes_revealed"] = op.phase in s.revealed_phases
    outcome = regrouped(s, s.model_copy(update=changes))
    after, extra = outcome if isinstance(outcome, tuple) else (outcome, {})
    if after.notes_revealed != s.notes_revealed:
        extra = {**extra, "notes_revealed": after.notes_revealed}
    return (after, extra) if extra else after


@rule(o.TimerStart, who="facilitator")
def timer_start(s: RoomState, e: Entry, op: o.TimerStart) -> Outcome:
    timer = Timer(started_at=e.at, seconds=op.seconds, ends_at=e.at + op.seconds * 1000)
    return s.model_copy(update={"timer": timer}), {"ends_at": timer.ends_at}


@rule(o.TimerStop, who="facilitator")
def timer_stop(s: RoomState, e: Entry, op: o.TimerStop) -> Outcome:
    return s.model_copy(update={"timer": None})


@rule(o.VotesReveal, who="facilitator")
def votes_reveal(s: RoomState, e: Entry, op: o.VotesReveal) -> Outcome:
    counted = tallies(s)
    return s.model_copy(update={"votes_revealed": True}), {
        **counted,
        "standings": standings(s, counted),
    }


@rule(o.VotesHide, who="facilitator")
def votes_hide(s: RoomState, e: Entry, op: o.VotesHide) -> Outcome:
    return s.model_copy(update={"votes_revealed": False})


@rule(o.NotesReveal, who="facilitator")
def notes_reveal(s: RoomState, e: Entry, op: o.NotesReveal) -> Outcome:
    cards = [n.model_dump(mode="json") for n in s.notes.values()]
    phases = s.revealed_phases | {n.phase for n in s.notes.values()} | {s.phase}
    return s.model_copy(update={"notes_revealed": True, "revealed_phases": phases}), {
        "notes": cards
    }


@rule(o.NotesHide, who="facilitator")
def notes_hide(s: RoomState, e: Entry, op: o.NotesHide) -> Outcome:
    return s.model_copy(update={"notes_revealed": False, "revealed_phases": frozenset()})


@rule(o.FocusSet, who="facilitator")
def focus_set(s: RoomState, e: Entry, op: o.FocusSet) -> Outcome:
    target = op.target
    if target is not None and not (
        target in s.notes or target in s.clusters or target in s.programs or target in s.groups
    ):
        raise Rejected(Code.NOT_FOUND, f"nothing with id {target}")
    return s.model_copy(update={"focus": target})


@rule(o.ParticipantReady, who="member")
def participant_ready(s: RoomState, e: Entry, op: o.ParticipantReady) -> Outcome:
    ready = s.ready | {e.by} if op.ready else s.ready - {e.by}
    return s.model_copy(update={"ready": ready})


@rule(o.BoardLock, who="facilitator")
def board_lock(s: RoomState, e: Entry, op: o.BoardLock) -> Outcome:
    return s.model_copy(update={"locked": True})


@rule(o.BoardUnlock, who="facilitator")
def board_unlock(s: RoomState, e: Entry, op: o.BoardUnlock) -> Outcome:
    return s.model_copy(update={"locked": False})


@rule(o.ParticipantRemove, who="facilitator")
def participant_remove(s: RoomState, e: Entry, op: o.ParticipantRemove) -> Outcome:
    who = s.participants.get(op.participant)
    if who is None or who.removed:
        raise Rejected(Code.NOT_FOUND, f"no participant {op.participant}")
    if who.id == e.by:
        raise Rejected(Code.INVALID, "a facilitator cannot remove themselves")
    removed = who.model_copy(update={"removed": True})
    return s.model_copy(
        update={
            "participants": {**s.participants, who.id: removed},
            "votes": {k: v for k, v in s.votes.items() if k != who.id},
            "ready": s.ready - {who.id},
        }
    )


def _snapshot(s: RoomState, e: Entry, label: str, phase: str, final: bool) -> SnapshotInfo:
    return SnapshotInfo(
        n=len(s.snapshots) + 1, seq=e.seq, label=label, taken_at=e.at, phase=phase, final=final
    )


@rule(o.SnapshotTake, who="facilitator")
def snapshot_take(s: RoomState, e: Entry, op: o.SnapshotTake) -> Outcome:
    label = optional_text(op.label, s.limits.title, "label")
    snapshot = _snapshot(s, e, label, s.phase, final=s.phase == "closed")
    return s.model_copy(update={"snapshots": (*s.snapshots, snapshot)}), {
        "snapshot": snapshot.n,
        "label": label,
    }
