"""Working groups."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .base import Op


class GroupAdd(Op):
    kind: Literal["group.add"]
    name: str


class GroupRename(Op):
    kind: Literal["group.rename"]
    group: str
    name: str


class GroupDelete(Op):
    kind: Literal["group.delete"]
    group: str


class GroupAssign(Op):
    kind: Literal["group.assign"]
    participant: str
    group: str | None


class GroupJoin(Op):
    kind: Literal["group.join"]
    group: str


class GroupsAuto(Op):
    kind: Literal["groups.auto"]
    count: Annotated[int, Field(ge=1, le=50)]
    by: Literal["mixed", "category", "org"] = "mixed"


class GroupRapporteur(Op):
    kind: Literal["group.rapporteur"]
    group: str
    participant: str | None
