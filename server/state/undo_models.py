"""What the facilitator's last destructive ops removed, so that ``op.undo`` can put it back.

``RoomState.undo`` keeps the last few of them (``rules/undo.py``): a merge or deletion of a
cluster, a card the facilitator deleted, a dropped program. Each record holds what its op
took out of the state, by the ids it had: an undo restores the same ids.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .models import Cluster, Frozen, Note, Program, Voting

UndoableKind = Literal["cluster.merge", "cluster.delete", "note.delete", "program.drop"]


class Undoable(Frozen):
    seq: int  # the op's own seq: ``op.undo`` names it
    kind: UndoableKind
    title: str  # what the console names: the cluster's or program's title, the card's text
    # cluster.merge and cluster.delete: the cluster, where its cards and program went
    # (``into``: None for a deletion) and the group the merged-into cluster had before.
    cluster: Cluster | None = None
    into: str | None = None
    into_group: str | None = None
    notes: tuple[str, ...] = ()
    programs: tuple[str, ...] = ()
    # note.delete: the card.
    note: Note | None = None
    # program.drop: the program, its rows and the votes on it, under the voting they were
    # cast in (votes from before a change of the voting would break its budget).
    program: Program | None = None
    matrix: dict[str, str] = Field(default_factory=dict)
    commitments: dict[str, str] = Field(default_factory=dict)
    votes: dict[str, dict[str, int]] = Field(default_factory=dict)
    voting: Voting | None = None
    # The focus was on what the op removed (or moved off it).
    had_focus: bool = False
