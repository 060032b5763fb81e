"""Undo: the facilitator's last destructive ops, and putting back what they removed.

A merge or deletion of a cluster, a card the facilitator deleted and a dropped program are
remembered (``remember``) with what they removed, the last ``UNDO_DEPTH`` of them, in
``RoomState.undo``. ``op.undo`` names the top one by its seq, so that of two console tabs
only the first undo counts, and restores what it removed with the same ids, as far as that
still makes sense: cards deleted since stay deleted, a card moved elsewhere since stays
where it is, votes that no longer fit their voter's budget stay out.

Only the facilitator's own ops are remembered: a participant who deletes their own card
restores it with ``note.restore``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from ..codes import Code
from ..models import Note, RoomState, Undoable, split_vote_key
from ..ops import Entry
from ..ops import undo as o
from .base import Outcome, Rejected, room_for_a_card, rule

UNDO_DEPTH = 10


class _Made(Protocol):
    @property
    def created_at(self) -> int: ...


Item = TypeVar("Item", bound=_Made)


def in_place(items: dict[str, Item], back: Item, key: str) -> dict[str, Item]:
    """``items`` with ``back`` where it was, in the order things were made, so that the
    record and the boards list a restored card, cluster or program where it stood before."""
    placed = {**items, key: back}
    if next(reversed(placed)) == key and len(placed) > 1:
        placed = dict(sorted(placed.items(), key=lambda kv: kv[1].created_at))
    return placed


def remember(s: RoomState, e: Entry, after: Outcome, **record: Any) -> Outcome:
    """``after`` (a rule's outcome on ``s``) with the op remembered when the facilitator sent
    it; the event then says ``undoable`` so that the console offers the undo at once."""
    state, extra = after if isinstance(after, tuple) else (after, {})
    if s.role_of(e.by) != "facilitator":
        return after
    stack = (*s.undo, Undoable(seq=e.seq, kind=e.op.kind, **record))[-UNDO_DEPTH:]
    return state.model_copy(update={"undo": stack}), {**extra, "undoable": True}


def put_back(s: RoomState, note: Note) -> RoomState:
    """``s`` with a deleted card back under its id: in its cluster if that still exists,
    within the card limit of its author (a card the server carried has no author)."""
    room_for_a_card(s, note.author)
    back = note.model_copy(
        update={
            "cluster": note.cluster if note.cluster in s.clusters else None,
            "group": note.group if note.group in s.groups else None,
        }
    )
    deleted = {k: n for k, n in s.deleted.items() if k != note.id}
    return s.model_copy(update={"notes": in_place(s.notes, back, note.id), "deleted": deleted})


# --- what each kind puts back --------------------------------------------------------


def _unfold_cluster(s: RoomState, r: Undoable) -> RoomState:
    """A merged or deleted cluster back, with the cards and program that are still where the
    op put them (in ``into``, or unclustered)."""
    assert r.cluster is not None
    cluster = r.cluster
    if cluster.group is not None and cluster.group not in s.groups:
        cluster = cluster.model_copy(update={"group": None})
    clusters = in_place(s.clusters, cluster, cluster.id)
    into = s.clusters.get(r.into or "")
    if into is not None and into.group != r.into_group and r.into_group in s.groups:
        clusters[into.id] = into.model_copy(update={"group": r.into_group})
    moved, programs = set(r.notes), set(r.programs)
    notes = {
        k: n.model_copy(update={"cluster": cluster.id}) if k in moved and n.cluster == r.into else n
        for k, n in s.notes.items()
    }
    kept = {
        k: p.model_copy(update={"cluster": cluster.id})
        if k in programs and p.cluster == r.into
        else p
        for k, p in s.programs.items()
    }
    focus = cluster.id if r.had_focus and s.focus == r.into else s.focus
    return s.model_copy(
        update={"clusters": clusters, "notes": notes, "programs": kept, "focus": focus}
    )


def _undelete_note(s: RoomState, r: Undoable) -> RoomState:
    assert r.note is not None
    if r.note.id in s.notes:  # restored already (note.restore)
        return s
    after = put_back(s, r.note)
    return after.model_copy(update={"focus": r.note.id}) if r.had_focus and not s.focus else after


def _ballot_fits(s: RoomState, ballot: dict[str, int]) -> bool:
    if s.settings.voting.mode == "score":
        return all(1 <= v <= 5 for v in ballot.values())
    used: dict[str, int] = {}
    for key, value in ballot.items():
        criterion = split_vote_key(key)[1]
        used[criterion] = used.get(criterion, 0) + value
    return all(v <= s.settings.max_per_item for v in ballot.values()) and all(
        n <= s.settings.dots for n in used.values()
    )


def _undrop_program(s: RoomState, r: Undoable) -> RoomState:
    """A dropped program back, with its role matrix, commitments and votes. Its cluster, if
    another program took it since, stays that program's; actors removed since stay out, and
    a voter's dots come back only within their budget under the same voting."""
    assert r.program is not None
    program = r.program
    taken = any(p.cluster == program.cluster for p in s.programs.values())
    if program.cluster not in s.clusters or taken:
        program = program.model_copy(update={"cluster": None})
    changes: dict[str, Any] = {"programs": in_place(s.programs, program, program.id)}
    if row := {a: role for a, role in r.matrix.items() if a in s.actors}:
        changes["matrix"] = {**s.matrix, program.id: row}
    if row := {a: text for a, text in r.commitments.items() if a in s.actors}:
        changes["commitments"] = {**s.commitments, program.id: row}
    if r.voting == s.settings.voting:
        votes = dict(s.votes)
        for voter, cast in r.votes.items():
            ballot = {**s.votes.get(voter, {}), **cast}
            if s.role_of(voter) == "participant" and _ballot_fits(s, ballot):
                votes[voter] = ballot
        changes["votes"] = votes
    if r.had_focus and s.focus is None:
        changes["focus"] = program.id
    return s.model_copy(update=changes)


UNDO: dict[str, Callable[[RoomState, Undoable], RoomState]] = {
    "cluster.merge": _unfold_cluster,
    "cluster.delete": _unfold_cluster,
    "note.delete": _undelete_note,
    "program.drop": _undrop_program,
}


@rule(o.OpUndo, who="facilitator")
def op_undo(s: RoomState, e: Entry, op: o.OpUndo) -> Outcome:
    if not s.undo:
        raise Rejected(Code.INVALID, "nothing to undo")
    top = s.undo[-1]
    if op.seq != top.seq:
        raise Rejected(
            Code.INVALID,
            f"only the last destructive op can be undone: seq {top.seq} ({top.kind}), not {op.seq}",
        )
    after = UNDO[top.kind](s, top)
    # The pages load the room anew: what came back is for each viewer to see as views.py
    # shapes it, the same as when it was first made.
    return after.model_copy(update={"undo": s.undo[:-1]}), {"undone": top.kind, "resync": True}
