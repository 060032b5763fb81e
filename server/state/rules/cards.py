"""Cards and clusters: writing, editing, moving and grouping notes."""

from __future__ import annotations

from typing import Any

from ..codes import Code
from ..models import COLORS, Cluster, Note, RoomState
from ..ops import Entry
from ..ops import cards as o
from .base import (
    CLUSTERING,
    OPEN,
    WRITING,
    Outcome,
    Rejected,
    cluster_of,
    note_of,
    own_or_facilitator,
    release_focus,
    required_text,
    room_for_a_card,
    rule,
)
from .groups import my_group, rapporteur_rights, within_group
from .undo import put_back, remember

# How many deleted cards a room keeps for ``note.restore`` (the oldest go first): enough
# for any mistake of a workshop, and a room that deletes in a loop cannot grow without end.
DELETED_KEPT = 200

# --- cards ---------------------------------------------------------------------------


@rule(o.NoteAdd, who="member", phases=WRITING)
def note_add(s: RoomState, e: Entry, op: o.NoteAdd) -> Outcome:
    text = required_text(op.text, s.limits.text)
    color = op.color or COLORS[0]
    if color not in COLORS:
        raise Rejected(Code.INVALID, f"color must be one of {', '.join(COLORS)}")
    if s.settings.anonymous:  # one colour for all: a person's favourite would name them
        color = COLORS[0]
    room_for_a_card(s, e.by)
    count = len(s.notes)
    x = op.x if op.x is not None else 40.0 + (count % 6) * 220
    y = op.y if op.y is not None else 40.0 + (count // 6 % 20) * 150
    note = Note(
        id=f"n{e.seq}", text=text, author=e.by, color=color, x=x, y=y,
        phase=s.phase, created_at=e.at, group=my_group(s, e.by),
    )  # fmt: skip
    return s.model_copy(update={"notes": {**s.notes, note.id: note}}), {
        "note": note.id, "text": text, "color": color, "x": x, "y": y,
        **({"group": note.group} if note.group else {}),
    }  # fmt: skip


@rule(o.NoteEdit, who="member", phases=OPEN)
def note_edit(s: RoomState, e: Entry, op: o.NoteEdit) -> Outcome:
    note = note_of(s, op.note)
    own_or_facilitator(s, e, note)
    text = required_text(op.text, s.limits.text)
    edited = note.model_copy(update={"text": text})
    return s.model_copy(update={"notes": {**s.notes, note.id: edited}}), {"text": text}


@rule(o.NoteDelete, who="member", phases=OPEN)
def note_delete(s: RoomState, e: Entry, op: o.NoteDelete) -> Outcome:
    note = note_of(s, op.note)
    own_or_facilitator(s, e, note)
    notes = {k: v for k, v in s.notes.items() if k != note.id}
    deleted = {**s.deleted, note.id: note}
    if len(deleted) > DELETED_KEPT:
        deleted = dict(list(deleted.items())[-DELETED_KEPT:])
    after = s.model_copy(
        update={"notes": notes, "deleted": deleted, "focus": release_focus(s, note.id)}
    )
    return remember(s, e, after, title=note.text, note=note, had_focus=s.focus == note.id)


@rule(o.NoteRestore, who="member", phases=OPEN)
def note_restore(s: RoomState, e: Entry, op: o.NoteRestore) -> Outcome:
    """A deleted card back, by its author or the facilitator, under the same id."""
    note = s.deleted.get(op.note)
    if note is None:
        raise Rejected(Code.NOT_FOUND, f"no deleted note {op.note}")
    own_or_facilitator(s, e, note)
    after = put_back(s, note)
    back = after.notes[note.id]
    return after, {
        "author": back.author, "text": back.text, "color": back.color, "x": back.x,
        "y": back.y, "cluster": back.cluster, "phase": back.phase,
        "created_at": back.created_at, **({"group": back.group} if back.group else {}),
    }  # fmt: skip


@rule(o.NoteMove, who="member", phases=OPEN)
def note_move(s: RoomState, e: Entry, op: o.NoteMove) -> Outcome:
    note = note_of(s, op.note)
    if s.phase != "cluster":
        own_or_facilitator(s, e, note)
    within_group(s, e, note.group)
    moved = note.model_copy(update={"x": op.x, "y": op.y})
    return s.model_copy(update={"notes": {**s.notes, note.id: moved}})


# --- clusters ------------------------------------------------------------------------


@rule(o.ClusterAdd, who="member", phases=CLUSTERING)
def cluster_add(s: RoomState, e: Entry, op: o.ClusterAdd) -> Outcome:
    title = required_text(op.title, s.limits.title, "title")
    cluster = Cluster(id=f"c{e.seq}", title=title, created_at=e.at, group=my_group(s, e.by))
    return s.model_copy(update={"clusters": {**s.clusters, cluster.id: cluster}}), {
        "cluster": cluster.id,
        "title": title,
        **({"group": cluster.group} if cluster.group else {}),
    }


@rule(o.ClusterRename, who="member", phases=CLUSTERING)
def cluster_rename(s: RoomState, e: Entry, op: o.ClusterRename) -> Outcome:
    cluster = cluster_of(s, op.cluster)
    rapporteur_rights(s, e, cluster.group)
    title = required_text(op.title, s.limits.title, "title")
    renamed = cluster.model_copy(update={"title": title})
    return s.model_copy(update={"clusters": {**s.clusters, cluster.id: renamed}}), {"title": title}


def _fold_cluster(
    s: RoomState, gone: str, into: str | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """What changes when cluster ``gone`` disappears and its cards and program go ``into``,
    and what an undo of that needs: the cluster, and which cards and program left it."""
    cards = tuple(k for k, n in s.notes.items() if n.cluster == gone)
    programs = tuple(k for k, p in s.programs.items() if p.cluster == gone)
    refiled = {"cluster": into}
    changes = {
        "notes": {**s.notes, **{k: s.notes[k].model_copy(update=refiled) for k in cards}},
        "programs": {
            **s.programs,
            **{k: s.programs[k].model_copy(update=refiled) for k in programs},
        },
        "clusters": {k: c for k, c in s.clusters.items() if k != gone},
    }
    moved = {"cluster": s.clusters[gone], "notes": cards, "programs": programs,
             "had_focus": s.focus == gone}  # fmt: skip
    return changes, moved


@rule(o.ClusterDelete, who="member", phases=CLUSTERING)
def cluster_delete(s: RoomState, e: Entry, op: o.ClusterDelete) -> Outcome:
    cluster = cluster_of(s, op.cluster)
    within_group(s, e, cluster.group)
    changes, moved = _fold_cluster(s, cluster.id, None)
    after = s.model_copy(update={**changes, "focus": release_focus(s, cluster.id)})
    return remember(s, e, after, title=cluster.title, **moved)


@rule(o.ClusterMerge, who="member", phases=CLUSTERING)
def cluster_merge(s: RoomState, e: Entry, op: o.ClusterMerge) -> Outcome:
    cluster, into = cluster_of(s, op.cluster), cluster_of(s, op.into)
    if cluster.id == into.id:
        raise Rejected(Code.INVALID, "a cluster cannot merge into itself")
    rapporteur_rights(s, e, cluster.group)
    rapporteur_rights(s, e, into.group)
    if any(p.cluster == cluster.id for p in s.programs.values()) and any(
        p.cluster == into.id for p in s.programs.values()
    ):
        raise Rejected(Code.INVALID, "both clusters are programs: drop one first")
    changes, moved = _fold_cluster(s, cluster.id, into.id)
    focus = into.id if s.focus == cluster.id else s.focus
    merged = s.model_copy(update={**changes, "focus": focus})
    outcome: Outcome = merged
    if cluster.group != into.group:
        # A merge across groups belongs to the plenary; the event says so to the pages, and
        # while groups work apart the members of the other group load it (it never reached
        # them).
        plenary = into.model_copy(update={"group": None})
        merged = merged.model_copy(update={"clusters": {**merged.clusters, into.id: plenary}})
        outcome = merged, {"group": None, **({"resync": True} if s.grouped else {})}
    merged_into = {"into": into.id, "into_group": into.group}
    return remember(s, e, outcome, title=cluster.title, **moved, **merged_into)


@rule(o.NoteCluster, who="member", phases=CLUSTERING)
def note_cluster(s: RoomState, e: Entry, op: o.NoteCluster) -> Outcome:
    note = note_of(s, op.note)
    within_group(s, e, note.group)
    if op.cluster is not None:
        within_group(s, e, cluster_of(s, op.cluster).group)
    placed = note.model_copy(update={"cluster": op.cluster})
    return s.model_copy(update={"notes": {**s.notes, note.id: placed}})
