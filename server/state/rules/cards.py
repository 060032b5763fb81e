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
    rule,
)
from .groups import my_group, rapporteur_rights, within_group

# --- cards ---------------------------------------------------------------------------


@rule(o.NoteAdd, who="member", phases=WRITING)
def note_add(s: RoomState, e: Entry, op: o.NoteAdd) -> Outcome:
    text = required_text(op.text, s.limits.text)
    color = op.color or COLORS[0]
    if color not in COLORS:
        raise Rejected(Code.INVALID, f"color must be one of {', '.join(COLORS)}")
    if s.settings.anonymous:  # one colour for all: a person's favourite would name them
        color = COLORS[0]
    mine = s.cards_by_author.get(e.by, 0)  # kept by the reducer: no scan of the room
    if e.by and mine >= s.limits.cards_per_person:  # the server carrying earlier cards: none
        raise Rejected(Code.ITEM_LIMIT, f"at most {s.limits.cards_per_person} cards per person")
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
    return s.model_copy(update={"notes": notes, "focus": release_focus(s, note.id)})


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


@rule(o.ClusterDelete, who="member", phases=CLUSTERING)
def cluster_delete(s: RoomState, e: Entry, op: o.ClusterDelete) -> Outcome:
    cluster = cluster_of(s, op.cluster)
    within_group(s, e, cluster.group)
    changes = _fold_cluster(s, cluster.id, None)
    return s.model_copy(update={**changes, "focus": release_focus(s, cluster.id)})


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
    changes = _fold_cluster(s, cluster.id, into.id)
    focus = into.id if s.focus == cluster.id else s.focus
    merged = s.model_copy(update={**changes, "focus": focus})
    if cluster.group == into.group:
        return merged
    # A merge across groups belongs to the plenary; the event says so to the pages, and while
    # groups work apart the members of the other group load it (it never reached them).
    plenary = into.model_copy(update={"group": None})
    merged = merged.model_copy(update={"clusters": {**merged.clusters, into.id: plenary}})
    return merged, {"group": None, **({"resync": True} if s.grouped else {})}


@rule(o.NoteCluster, who="member", phases=CLUSTERING)
def note_cluster(s: RoomState, e: Entry, op: o.NoteCluster) -> Outcome:
    note = note_of(s, op.note)
    within_group(s, e, note.group)
    if op.cluster is not None:
        within_group(s, e, cluster_of(s, op.cluster).group)
    placed = note.model_copy(update={"cluster": op.cluster})
    return s.model_copy(update={"notes": {**s.notes, note.id: placed}})
