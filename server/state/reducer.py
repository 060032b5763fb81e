"""The rule book: ``apply(state, entry)`` and one small handler per op kind.

Every rule of DESIGN.md §1 and §3 that a room enforces lives here, and nowhere else. The
reducer is pure: the time of an op is the time stored in its log entry, ids derive from the
entry's sequence number, and nothing is read from outside. A handler either returns the
next state (and, for a few kinds, fields that the event carries beyond the op) or raises
``Rejected``; ``apply`` turns that into a value, so callers never catch anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from . import ops as o
from .models import (
    ACTOR_CATEGORIES,
    COLORS,
    PHASES,
    ROLES_IN_MATRIX,
    Actor,
    BudgetLine,
    Cluster,
    Criterion,
    Indicator,
    Note,
    Participant,
    PhaseSpan,
    Program,
    RoomState,
    Settings,
    SnapshotInfo,
    Timer,
    Vision,
    Voting,
    split_vote_key,
    vote_key,
)
from .tally import tallies

Event = dict[str, Any]
Who = Literal["server", "facilitator", "member", "voter"]
Outcome = RoomState | tuple[RoomState, dict[str, Any]]

WRITING = frozenset({"vision", "issues"})
CLUSTERING = frozenset({"cluster"})
VOTING = frozenset({"vote"})
ROLES = frozenset({"roles"})
# In review and closed the board is read-only for everyone but the facilitator.
OPEN = frozenset(PHASES) - {"review", "closed"}
LIST_ITEMS = 50


class Rejected(Exception):
    """An op the rules refuse. ``code`` is one of the rejection codes of the protocol."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"Rejected({self.code!r}, {self.message!r})"


@dataclass(frozen=True, slots=True)
class Rule:
    handler: Callable[..., Outcome]
    who: Who
    phases: frozenset[str] | None


RULES: dict[str, Rule] = {}


def rule(kind: str, who: Who, phases: Iterable[str] | None = None) -> Callable[..., Any]:
    def register(handler: Callable[..., Outcome]) -> Callable[..., Outcome]:
        RULES[kind] = Rule(handler, who, None if phases is None else frozenset(phases))
        return handler

    return register


# --- the entry point -----------------------------------------------------------------


def create(entry: o.Entry) -> RoomState:
    """The state of a new room, from the first entry of its log (``room.create``)."""
    op: o.RoomCreate = entry.op
    settings = Settings(title=op.title, region=op.region, horizon=op.horizon, language=op.language)
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
    """Fold log entries into a state. Entries the rules refuse change nothing."""
    for entry in entries:
        if state is None:
            state = create(entry)
            continue
        result = apply(state, entry)
        if not isinstance(result, Rejected):
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


# --- shared checks -------------------------------------------------------------------


def _text(value: str, limit: int, what: str = "text") -> str:
    value = value.strip()
    if not value:
        raise Rejected("invalid", f"{what} is empty")
    if len(value) > limit:
        raise Rejected("too_long", f"{what} is longer than {limit} characters")
    return value


def _optional_text(value: str, limit: int, what: str) -> str:
    value = value.strip()
    if len(value) > limit:
        raise Rejected("too_long", f"{what} is longer than {limit} characters")
    return value


def _texts(values: list[str], limit: int, what: str) -> tuple[str, ...]:
    if len(values) > LIST_ITEMS:
        raise Rejected("too_long", f"more than {LIST_ITEMS} {what}")
    return tuple(v for v in (_optional_text(v, limit, what) for v in values) if v)


def _note(s: RoomState, note_id: str) -> Note:
    note = s.notes.get(note_id)
    if note is None:
        raise Rejected("not_found", f"no note {note_id}")
    return note


def _cluster(s: RoomState, cluster_id: str) -> Cluster:
    cluster = s.clusters.get(cluster_id)
    if cluster is None:
        raise Rejected("not_found", f"no cluster {cluster_id}")
    return cluster


def _program(s: RoomState, program_id: str) -> Program:
    program = s.programs.get(program_id)
    if program is None:
        raise Rejected("not_found", f"no program {program_id}")
    return program


def _criterion(s: RoomState, key: str) -> Criterion:
    for criterion in s.settings.voting.criteria:
        if criterion.key == key:
            return criterion
    raise Rejected("invalid", f"no voting criterion {key}")


def _own_or_facilitator(s: RoomState, e: o.Entry, note: Note) -> None:
    if note.author != e.by and s.role_of(e.by) != "facilitator":
        raise Rejected("forbidden", "only the author or the facilitator may do this")


def _voting_mode(s: RoomState, mode: str) -> None:
    if s.settings.voting.mode != mode:
        raise Rejected("invalid", f"this room votes in {s.settings.voting.mode} mode")


def _release_focus(s: RoomState, *ids: str) -> str | None:
    return None if s.focus in ids else s.focus


def _without_program_votes(
    votes: dict[str, dict[str, int]], program: str
) -> dict[str, dict[str, int]]:
    prefix = f"{program}/"
    return {
        voter: {k: v for k, v in mine.items() if not k.startswith(prefix)}
        for voter, mine in votes.items()
    }


# --- server ops ----------------------------------------------------------------------


@rule("participant.join", who="server")
def participant_join(s: RoomState, e: o.Entry, op: o.ParticipantJoin) -> Outcome:
    pid = f"u{len(s.participants) + 1}"
    name = _text(op.name, s.limits.title, "name")
    org = _optional_text(op.org, s.limits.title, "organisation")
    who = Participant(id=pid, name=name, org=org, role=op.role, joined_at=e.at)
    return s.model_copy(update={"participants": {**s.participants, pid: who}}), {
        "participant": pid,
        "name": name,
        "org": org,
    }


# --- cards ---------------------------------------------------------------------------


@rule("note.add", who="member", phases=WRITING)
def note_add(s: RoomState, e: o.Entry, op: o.NoteAdd) -> Outcome:
    text = _text(op.text, s.limits.text)
    color = op.color or COLORS[0]
    if color not in COLORS:
        raise Rejected("invalid", f"color must be one of {', '.join(COLORS)}")
    mine = sum(1 for n in s.notes.values() if n.author == e.by)
    if mine >= s.limits.cards_per_person:
        raise Rejected("item_limit", f"at most {s.limits.cards_per_person} cards per person")
    count = len(s.notes)
    x = op.x if op.x is not None else 40.0 + (count % 6) * 220
    y = op.y if op.y is not None else 40.0 + (count // 6 % 20) * 150
    note = Note(
        id=f"n{e.seq}", text=text, author=e.by, color=color, x=x, y=y,
        phase=s.phase, created_at=e.at,
    )  # fmt: skip
    return s.model_copy(update={"notes": {**s.notes, note.id: note}}), {
        "note": note.id, "text": text, "color": color, "x": x, "y": y,
    }  # fmt: skip


@rule("note.edit", who="member", phases=OPEN)
def note_edit(s: RoomState, e: o.Entry, op: o.NoteEdit) -> Outcome:
    note = _note(s, op.note)
    _own_or_facilitator(s, e, note)
    text = _text(op.text, s.limits.text)
    edited = note.model_copy(update={"text": text})
    return s.model_copy(update={"notes": {**s.notes, note.id: edited}}), {"text": text}


@rule("note.delete", who="member", phases=OPEN)
def note_delete(s: RoomState, e: o.Entry, op: o.NoteDelete) -> Outcome:
    note = _note(s, op.note)
    _own_or_facilitator(s, e, note)
    notes = {k: v for k, v in s.notes.items() if k != note.id}
    return s.model_copy(update={"notes": notes, "focus": _release_focus(s, note.id)})


@rule("note.move", who="member", phases=OPEN)
def note_move(s: RoomState, e: o.Entry, op: o.NoteMove) -> Outcome:
    note = _note(s, op.note)
    if s.phase != "cluster":
        _own_or_facilitator(s, e, note)
    moved = note.model_copy(update={"x": op.x, "y": op.y})
    return s.model_copy(update={"notes": {**s.notes, note.id: moved}})


# --- clusters ------------------------------------------------------------------------


@rule("cluster.add", who="member", phases=CLUSTERING)
def cluster_add(s: RoomState, e: o.Entry, op: o.ClusterAdd) -> Outcome:
    title = _text(op.title, s.limits.title, "title")
    cluster = Cluster(id=f"c{e.seq}", title=title, created_at=e.at)
    return s.model_copy(update={"clusters": {**s.clusters, cluster.id: cluster}}), {
        "cluster": cluster.id,
        "title": title,
    }


@rule("cluster.rename", who="member", phases=CLUSTERING)
def cluster_rename(s: RoomState, e: o.Entry, op: o.ClusterRename) -> Outcome:
    cluster = _cluster(s, op.cluster)
    title = _text(op.title, s.limits.title, "title")
    renamed = cluster.model_copy(update={"title": title})
    return s.model_copy(update={"clusters": {**s.clusters, cluster.id: renamed}}), {"title": title}


def _fold_cluster(s: RoomState, gone: str, into: str | None) -> dict[str, Any]:
    """What changes when cluster ``gone`` disappears and its cards and program go ``into``."""
    notes = {
        k: n.model_copy(update={"cluster": into}) if n.cluster == gone else n
        for k, n in s.notes.items()
    }
    programs = {
        k: p.model_copy(update={"cluster": into}) if p.cluster == gone else p
        for k, p in s.programs.items()
    }
    clusters = {k: c for k, c in s.clusters.items() if k != gone}
    return {"notes": notes, "programs": programs, "clusters": clusters}


@rule("cluster.delete", who="member", phases=CLUSTERING)
def cluster_delete(s: RoomState, e: o.Entry, op: o.ClusterDelete) -> Outcome:
    cluster = _cluster(s, op.cluster)
    changes = _fold_cluster(s, cluster.id, None)
    return s.model_copy(update={**changes, "focus": _release_focus(s, cluster.id)})


@rule("cluster.merge", who="member", phases=CLUSTERING)
def cluster_merge(s: RoomState, e: o.Entry, op: o.ClusterMerge) -> Outcome:
    cluster, into = _cluster(s, op.cluster), _cluster(s, op.into)
    if cluster.id == into.id:
        raise Rejected("invalid", "a cluster cannot merge into itself")
    if any(p.cluster == cluster.id for p in s.programs.values()) and any(
        p.cluster == into.id for p in s.programs.values()
    ):
        raise Rejected("invalid", "both clusters are programs: drop one first")
    changes = _fold_cluster(s, cluster.id, into.id)
    focus = into.id if s.focus == cluster.id else s.focus
    return s.model_copy(update={**changes, "focus": focus})


@rule("note.cluster", who="member", phases=CLUSTERING)
def note_cluster(s: RoomState, e: o.Entry, op: o.NoteCluster) -> Outcome:
    note = _note(s, op.note)
    if op.cluster is not None:
        _cluster(s, op.cluster)
    placed = note.model_copy(update={"cluster": op.cluster})
    return s.model_copy(update={"notes": {**s.notes, note.id: placed}})


# --- programs and votes --------------------------------------------------------------


@rule("program.promote", who="facilitator")
def program_promote(s: RoomState, e: o.Entry, op: o.ProgramPromote) -> Outcome:
    cluster = _cluster(s, op.cluster)
    if any(p.cluster == cluster.id for p in s.programs.values()):
        raise Rejected("invalid", f"cluster {cluster.id} is already a program")
    title = _text(op.title, s.limits.title, "title") if op.title else cluster.title
    program = Program(id=f"p{e.seq}", title=title, cluster=cluster.id, created_at=e.at)
    return s.model_copy(update={"programs": {**s.programs, program.id: program}}), {
        "program": program.id,
        "title": title,
    }


@rule("program.drop", who="facilitator")
def program_drop(s: RoomState, e: o.Entry, op: o.ProgramDrop) -> Outcome:
    program = _program(s, op.program)
    return s.model_copy(
        update={
            "programs": {k: p for k, p in s.programs.items() if k != program.id},
            "matrix": {k: row for k, row in s.matrix.items() if k != program.id},
            "votes": _without_program_votes(s.votes, program.id),
            "focus": _release_focus(s, program.id),
        }
    )


def _set_vote(s: RoomState, voter: str, key: str, value: int | None) -> RoomState:
    mine = {k: v for k, v in s.votes.get(voter, {}).items() if k != key}
    if value:
        mine[key] = value
    return s.model_copy(update={"votes": {**s.votes, voter: mine}})


@rule("vote.cast", who="voter", phases=VOTING)
def vote_cast(s: RoomState, e: o.Entry, op: o.VoteCast) -> Outcome:
    _voting_mode(s, "dots")
    _program(s, op.program)
    _criterion(s, op.criterion)
    mine = s.votes.get(e.by, {})
    used = sum(v for k, v in mine.items() if split_vote_key(k)[1] == op.criterion)
    if used >= s.settings.dots:
        raise Rejected("budget_exhausted", f"all {s.settings.dots} dots for {op.criterion} used")
    key = vote_key(op.program, op.criterion)
    if mine.get(key, 0) >= s.settings.max_per_item:
        raise Rejected("item_limit", f"at most {s.settings.max_per_item} dots on one program")
    return _set_vote(s, e.by, key, mine.get(key, 0) + 1)


@rule("vote.retract", who="voter", phases=VOTING)
def vote_retract(s: RoomState, e: o.Entry, op: o.VoteRetract) -> Outcome:
    _voting_mode(s, "dots")
    _program(s, op.program)
    _criterion(s, op.criterion)
    key = vote_key(op.program, op.criterion)
    placed = s.votes.get(e.by, {}).get(key, 0)
    if not placed:
        raise Rejected("not_found", "no dot of yours to take back there")
    return _set_vote(s, e.by, key, placed - 1)


@rule("vote.score", who="voter", phases=VOTING)
def vote_score(s: RoomState, e: o.Entry, op: o.VoteScore) -> Outcome:
    _voting_mode(s, "score")
    _program(s, op.program)
    _criterion(s, op.criterion)
    if op.value is not None and not 1 <= op.value <= 5:
        raise Rejected("invalid", "a score is 1 to 5")
    return _set_vote(s, e.by, vote_key(op.program, op.criterion), op.value)


# --- roles and program details -------------------------------------------------------


@rule("actor.add", who="member", phases=ROLES)
def actor_add(s: RoomState, e: o.Entry, op: o.ActorAdd) -> Outcome:
    name = _text(op.name, s.limits.title, "name")
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
    _program(s, op.program)
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
    program = _program(s, op.program)
    text, title = s.limits.text, s.limits.title
    changes: dict[str, Any] = {}
    if op.title is not None:
        changes["title"] = _text(op.title, title, "title")
    if op.policies is not None:
        changes["policies"] = _texts(op.policies, text, "policies")
    if op.strategies is not None:
        changes["strategies"] = _texts(op.strategies, text, "strategies")
    if op.location is not None:
        changes["location"] = _optional_text(op.location, title, "location")
    if op.timeframe is not None:
        changes["timeframe"] = _optional_text(op.timeframe, title, "timeframe")
    if op.indicators is not None:
        if len(op.indicators) > LIST_ITEMS:
            raise Rejected("too_long", f"more than {LIST_ITEMS} indicators")
        changes["indicators"] = tuple(
            Indicator(
                name=_text(i.name, text, "indicator"),
                unit=_optional_text(i.unit, title, "unit"),
                baseline=_optional_text(i.baseline, title, "baseline"),
                targets={
                    _optional_text(y, 16, "year"): _optional_text(v, title, "target")
                    for y, v in list(i.targets.items())[:LIST_ITEMS]
                },
                final=_optional_text(i.final, title, "final"),
            )
            for i in op.indicators
        )
    if op.budget is not None:
        if len(op.budget) > LIST_ITEMS:
            raise Rejected("too_long", f"more than {LIST_ITEMS} budget lines")
        changes["budget"] = tuple(
            BudgetLine(
                year=_text(b.year, 16, "year"),
                amount=b.amount,
                source=_optional_text(b.source, title, "source"),
            )
            for b in op.budget
        )
    updated = program.model_copy(update=changes)
    return s.model_copy(update={"programs": {**s.programs, program.id: updated}})


# --- facilitation --------------------------------------------------------------------


@rule("vision.set", who="facilitator")
def vision_set(s: RoomState, e: o.Entry, op: o.VisionSet) -> Outcome:
    statement = _optional_text(op.text, s.limits.text * 4, "vision")
    missions = _texts(op.missions, s.limits.text, "missions")
    return s.model_copy(update={"vision": Vision(statement=statement, missions=missions)})


def _voting(s: RoomState, given: o.VotingIn) -> Voting:
    criteria = s.settings.voting.criteria
    if given.criteria is not None:
        keys = [c.key for c in given.criteria]
        if len(set(keys)) != len(keys):
            raise Rejected("invalid", "criteria keys must be unique")
        criteria = tuple(
            Criterion(
                key=c.key,
                label=_optional_text(c.label, s.limits.title, "label") or c.key,
                weight=c.weight,
            )
            for c in given.criteria
        )
    return Voting(mode=given.mode, criteria=criteria)


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


@rule("room.configure", who="facilitator")
def room_configure(s: RoomState, e: o.Entry, op: o.RoomConfigure) -> Outcome:
    given = op.model_dump(exclude_unset=True, exclude={"kind"})
    changes: dict[str, Any] = {}
    if "title" in given:
        changes["title"] = _text(op.title or "", s.limits.title, "title")
    if "region" in given:
        changes["region"] = _optional_text(op.region or "", s.limits.title, "region")
    for flag in ("horizon", "dots", "max_per_item", "anonymous", "private_writing"):
        if given.get(flag) is not None:
            changes[flag] = getattr(op, flag)
    if op.phases is not None:
        unknown = [p for p in op.phases if p not in PHASES]
        if unknown or len(set(op.phases)) != len(op.phases):
            raise Rejected("invalid", f"phases must be distinct keys of {', '.join(PHASES)}")
        changes["phases"] = tuple(op.phases)
    if op.voting is not None:
        changes["voting"] = _voting(s, op.voting)
    settings = s.settings.model_copy(update=changes)
    # Votes cast under rules that no longer hold would break the budget: restart the vote.
    votes = s.votes if _votes_fit(s, settings) else {}
    return s.model_copy(update={"settings": settings, "votes": votes})


@rule("phase.set", who="facilitator")
def phase_set(s: RoomState, e: o.Entry, op: o.PhaseSet) -> Outcome:
    allowed = {*s.settings.phases, "lobby", "closed"}
    if op.phase not in PHASES or op.phase not in allowed:
        raise Rejected(
            "invalid", f"phase must be one of {', '.join(p for p in PHASES if p in allowed)}"
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
    return s.model_copy(update=changes)


@rule("timer.start", who="facilitator")
def timer_start(s: RoomState, e: o.Entry, op: o.TimerStart) -> Outcome:
    timer = Timer(started_at=e.at, seconds=op.seconds, ends_at=e.at + op.seconds * 1000)
    return s.model_copy(update={"timer": timer}), {"ends_at": timer.ends_at}


@rule("timer.stop", who="facilitator")
def timer_stop(s: RoomState, e: o.Entry, op: o.TimerStop) -> Outcome:
    return s.model_copy(update={"timer": None})


@rule("votes.reveal", who="facilitator")
def votes_reveal(s: RoomState, e: o.Entry, op: o.VotesReveal) -> Outcome:
    return s.model_copy(update={"votes_revealed": True}), tallies(s)


@rule("votes.hide", who="facilitator")
def votes_hide(s: RoomState, e: o.Entry, op: o.VotesHide) -> Outcome:
    return s.model_copy(update={"votes_revealed": False})


@rule("notes.reveal", who="facilitator")
def notes_reveal(s: RoomState, e: o.Entry, op: o.NotesReveal) -> Outcome:
    cards = [n.model_dump(mode="json") for n in s.notes.values()]
    return s.model_copy(update={"notes_revealed": True}), {"notes": cards}


@rule("notes.hide", who="facilitator")
def notes_hide(s: RoomState, e: o.Entry, op: o.NotesHide) -> Outcome:
    return s.model_copy(update={"notes_revealed": False})


@rule("focus.set", who="facilitator")
def focus_set(s: RoomState, e: o.Entry, op: o.FocusSet) -> Outcome:
    target = op.target
    if target is not None and not (
        target in s.notes or target in s.clusters or target in s.programs
    ):
        raise Rejected("not_found", f"nothing with id {target}")
    return s.model_copy(update={"focus": target})


@rule("participant.ready", who="member")
def participant_ready(s: RoomState, e: o.Entry, op: o.ParticipantReady) -> Outcome:
    ready = s.ready | {e.by} if op.ready else s.ready - {e.by}
    return s.model_copy(update={"ready": ready})


@rule("board.lock", who="facilitator")
def board_lock(s: RoomState, e: o.Entry, op: o.BoardLock) -> Outcome:
    return s.model_copy(update={"locked": True})


@rule("board.unlock", who="facilitator")
def board_unlock(s: RoomState, e: o.Entry, op: o.BoardUnlock) -> Outcome:
    return s.model_copy(update={"locked": False})


@rule("participant.remove", who="facilitator")
def participant_remove(s: RoomState, e: o.Entry, op: o.ParticipantRemove) -> Outcome:
    who = s.participants.get(op.participant)
    if who is None or who.removed:
        raise Rejected("not_found", f"no participant {op.participant}")
    if who.id == e.by:
        raise Rejected("invalid", "a facilitator cannot remove themselves")
    removed = who.model_copy(update={"removed": True})
    return s.model_copy(
        update={
            "participants": {**s.participants, who.id: removed},
            "votes": {k: v for k, v in s.votes.items() if k != who.id},
            "ready": s.ready - {who.id},
        }
    )


def _snapshot(s: RoomState, e: o.Entry, label: str, phase: str, final: bool) -> SnapshotInfo:
    return SnapshotInfo(
        n=len(s.snapshots) + 1, seq=e.seq, label=label, taken_at=e.at, phase=phase, final=final
    )


@rule("snapshot.take", who="facilitator")
def snapshot_take(s: RoomState, e: o.Entry, op: o.SnapshotTake) -> Outcome:
    label = _optional_text(op.label, s.limits.title, "label")
    snapshot = _snapshot(s, e, label, s.phase, final=s.phase == "closed")
    return s.model_copy(update={"snapshots": (*s.snapshots, snapshot)}), {
        "snapshot": snapshot.n,
        "label": label,
    }
