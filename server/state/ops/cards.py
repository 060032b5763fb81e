"""Cards on the board and the clusters they are grouped in."""

from __future__ import annotations

from typing import Literal

from .base import Finite, Op


class NoteAdd(Op):
    kind: Literal["note.add"]
    text: str
    color: str | None = None
    x: Finite | None = None
    y: Finite | None = None


class NoteEdit(Op):
    kind: Literal["note.edit"]
    note: str
    text: str


class NoteDelete(Op):
    kind: Literal["note.delete"]
    note: str


class NoteMove(Op):
    kind: Literal["note.move"]
    note: str
    x: Finite
    y: Finite


class NoteCluster(Op):
    kind: Literal["note.cluster"]
    note: str
    cluster: str | None


class ClusterAdd(Op):
    kind: Literal["cluster.add"]
    title: str


class ClusterRename(Op):
    kind: Literal["cluster.rename"]
    cluster: str
    title: str


class ClusterDelete(Op):
    kind: Literal["cluster.delete"]
    cluster: str


class ClusterMerge(Op):
    kind: Literal["cluster.merge"]
    cluster: str
    into: str


class NoteRestore(Op):
    kind: Literal["note.restore"]
    note: str
