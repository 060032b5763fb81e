"""Commitments of actors to programs, and follow-up items."""

from __future__ import annotations

from typing import Literal

from .base import Op


class CommitmentSet(Op):
    kind: Literal["commitment.set"]
    program: str
    actor: str
    text: str | None  # null clears


class FollowupAdd(Op):
    kind: Literal["followup.add"]
    text: str
    actor: str | None = None
    due: str = ""


class FollowupDelete(Op):
    kind: Literal["followup.delete"]
    followup: str
