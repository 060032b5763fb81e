"""Provenance of a room started from earlier records (``room.seed``, written by the server).

The carried parts arrive as ordinary ops before it; this op only says where they came
from, and files each carried card under the writing phase it belongs to.
"""

from __future__ import annotations

from ..codes import Code
from ..models import RoomState
from ..ops import Entry
from ..ops import seed as o
from .base import WRITING, Outcome, Rejected, rule


@rule(o.RoomSeed, who="server")
def room_seed(s: RoomState, e: Entry, op: o.RoomSeed) -> Outcome:
    known = s.notes.keys() | s.clusters.keys() | s.programs.keys() | s.actors.keys()
    missing = sorted(set(op.origins) - known)
    if missing:
        raise Rejected(Code.NOT_FOUND, f"origins: nothing with id {missing[0]}")
    notes = dict(s.notes)
    for note_id, phase in op.phases.items():
        if note_id not in s.notes:
            raise Rejected(Code.NOT_FOUND, f"phases: no note {note_id}")
        if phase not in WRITING:
            raise Rejected(Code.INVALID, f"phases.{note_id}: {phase} is not a writing phase")
        notes[note_id] = s.notes[note_id].model_copy(update={"phase": phase})
    return s.model_copy(
        update={
            "sources": (*s.sources, *op.sources),
            "origins": {**s.origins, **op.origins},
            "notes": notes,
        }
    )
