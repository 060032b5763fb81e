"""A room started from earlier records."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field

from ..plan_models import Origin, Source
from .base import Op


class RoomSeed(Op):
    """Provenance of a room started from earlier records. The server first rebuilds the
    carried parts with ordinary ops (so replay stays the one truth), then writes this op:
    the sources, the origin of each carried item by its new id, and the writing phase each
    carried card belongs to (``note.add`` files a card under the phase it is written in,
    which is the lobby while the server seeds)."""

    written_by_server: ClassVar[bool] = True
    kind: Literal["room.seed"]
    sources: Annotated[list[Source], Field(min_length=1, max_length=20)]
    origins: dict[str, Origin] = Field(default_factory=dict)
    phases: dict[str, str] = Field(default_factory=dict)
