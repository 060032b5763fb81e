"""Programs promoted from clusters, and the votes on them."""

from __future__ import annotations

from typing import Literal

from .base import Op


class ProgramPromote(Op):
    kind: Literal["program.promote"]
    cluster: str
    title: str | None = None


class ProgramDrop(Op):
    kind: Literal["program.drop"]
    program: str


class VoteCast(Op):
    kind: Literal["vote.cast"]
    program: str
    criterion: str


class VoteRetract(Op):
    kind: Literal["vote.retract"]
    program: str
    criterion: str


class VoteScore(Op):
    kind: Literal["vote.score"]
    program: str
    criterion: str
    value: int | None
