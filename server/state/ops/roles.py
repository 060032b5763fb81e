"""The role matrix: actors and their role in each program."""

from __future__ import annotations

from typing import Literal

from .base import Op


class ActorAdd(Op):
    kind: Literal["actor.add"]
    name: str
    category: str = "agency"


class MatrixSet(Op):
    kind: Literal["matrix.set"]
    program: str
    actor: str
    role: str | None
