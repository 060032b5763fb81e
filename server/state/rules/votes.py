"""Programs and votes: promoting clusters, dots and scores."""

from __future__ import annotations

from ..codes import Code
from ..counts import ballot_changed
from ..models import Program, RoomState, split_vote_key, vote_key
from ..ops import Entry
from ..ops import votes as o
from .base import (
    VOTING,
    Outcome,
    Rejected,
    cluster_of,
    criterion_of,
    program_of,
    release_focus,
    required_text,
    rule,
    split_program_votes,
    voting_mode,
)
from .undo import remember

# --- programs and votes --------------------------------------------------------------


@rule(o.ProgramPromote, who="facilitator")
def program_promote(s: RoomState, e: Entry, op: o.ProgramPromote) -> Outcome:
    cluster = cluster_of(s, op.cluster)
    if any(p.cluster == cluster.id for p in s.programs.values()):
        raise Rejected(Code.INVALID, f"cluster {cluster.id} is already a program")
    title = required_text(op.title, s.limits.title, "title") if op.title else cluster.title
    program = Program(id=f"p{e.seq}", title=title, cluster=cluster.id, created_at=e.at)
    return s.model_copy(update={"programs": {**s.programs, program.id: program}}), {
        "program": program.id,
        "title": title,
    }


@rule(o.ProgramDrop, who="facilitator")
def program_drop(s: RoomState, e: Entry, op: o.ProgramDrop) -> Outcome:
    program = program_of(s, op.program)
    kept, votes = split_program_votes(s.votes, program.id)
    after = s.model_copy(
        update={
            "programs": {k: p for k, p in s.programs.items() if k != program.id},
            "matrix": {k: row for k, row in s.matrix.items() if k != program.id},
            "commitments": {k: row for k, row in s.commitments.items() if k != program.id},
            "votes": kept,
            "focus": release_focus(s, program.id),
        }
    )
    return remember(
        s, e, after, title=program.title, program=program, matrix=s.matrix.get(program.id, {}),
        commitments=s.commitments.get(program.id, {}), votes=votes, voting=s.settings.voting,
        had_focus=s.focus == program.id,
    )  # fmt: skip


def _set_vote(s: RoomState, voter: str, key: str, value: int | None) -> Outcome:
    before = s.votes.get(voter, {})
    mine = {k: v for k, v in before.items() if k != key}
    if value:
        mine[key] = value
    # The totals by difference: the reducer would otherwise recount every ballot.
    totals = ballot_changed(s.vote_totals, before, mine)
    return s.model_copy(update={"votes": {**s.votes, voter: mine}, "vote_totals": totals})


def voting_open(s: RoomState) -> None:
    """A reveal closes the vote, so that the results on the projector hold still."""
    if s.votes_revealed:
        raise Rejected(Code.WRONG_PHASE, "voting is closed: the votes are revealed")


@rule(o.VoteCast, who="voter", phases=VOTING)
def vote_cast(s: RoomState, e: Entry, op: o.VoteCast) -> Outcome:
    voting_open(s)
    voting_mode(s, "dots")
    program_of(s, op.program)
    criterion_of(s, op.criterion)
    mine = s.votes.get(e.by, {})
    used = sum(v for k, v in mine.items() if split_vote_key(k)[1] == op.criterion)
    if used >= s.settings.dots:
        raise Rejected(Code.BUDGET_EXHAUSTED, f"all {s.settings.dots} dots for {op.criterion} used")
    key = vote_key(op.program, op.criterion)
    if mine.get(key, 0) >= s.settings.max_per_item:
        raise Rejected(Code.ITEM_LIMIT, f"at most {s.settings.max_per_item} dots on one program")
    return _set_vote(s, e.by, key, mine.get(key, 0) + 1)


@rule(o.VoteRetract, who="voter", phases=VOTING)
def vote_retract(s: RoomState, e: Entry, op: o.VoteRetract) -> Outcome:
    voting_open(s)
    voting_mode(s, "dots")
    program_of(s, op.program)
    criterion_of(s, op.criterion)
    key = vote_key(op.program, op.criterion)
    placed = s.votes.get(e.by, {}).get(key, 0)
    if not placed:
        raise Rejected(Code.NOT_FOUND, "no dot of yours to take back there")
    return _set_vote(s, e.by, key, placed - 1)


@rule(o.VoteScore, who="voter", phases=VOTING)
def vote_score(s: RoomState, e: Entry, op: o.VoteScore) -> Outcome:
    voting_open(s)
    voting_mode(s, "score")
    program_of(s, op.program)
    criterion_of(s, op.criterion)
    if op.value is not None and not 1 <= op.value <= 5:
        raise Rejected(Code.INVALID, "a score is 1 to 5")
    return _set_vote(s, e.by, vote_key(op.program, op.criterion), op.value)
