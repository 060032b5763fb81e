"""Who is in the room: joining, the attendance list, paper participants."""

from __future__ import annotations

from typing import ClassVar, Literal

from ..models import Category, Gender, Role
from .base import Op


class ParticipantJoin(Op):
    written_by_server: ClassVar[bool] = True

    kind: Literal["participant.join"]
    name: str
    org: str = ""
    role: Role = "participant"
    category: Category | None = None
    position: str = ""
    gender: Gender | None = None


class ParticipantUpdate(Op):
    partial: ClassVar[bool] = True

    kind: Literal["participant.update"]
    participant: str | None = None  # default: the sender
    name: str | None = None
    org: str | None = None
    category: Category | None = None  # null clears
    position: str | None = None
    gender: Gender | None = None  # null clears


class ParticipantAdd(Op):
    kind: Literal["participant.add"]
    name: str
    org: str = ""
    category: Category | None = None
    position: str = ""
    gender: Gender | None = None
