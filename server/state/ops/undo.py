"""Undoing the facilitator's last destructive op."""

from __future__ import annotations

from typing import Literal

from .base import Op


class OpUndo(Op):
    kind: Literal["op.undo"]
    seq: int  # the op to undo: the top of the room's undo stack
