"""The room's settings and the facilitator's control of the process."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..models import Horizon, Language, Level, Limits, TimeZone, VotingMode
from ..plan_models import YearRange
from .base import Op


class RoomCreate(Op):
    written_by_server: ClassVar[bool] = True

    kind: Literal["room.create"]
    code: str
    title: str
    region: str = ""
    horizon: Horizon = "PWTJM"
    language: Language = "id"
    timezone: TimeZone = "UTC"  # what a room.create logged before zones existed meant
    limits: Limits = Limits()


class VisionSet(Op):
    kind: Literal["vision.set"]
    text: str
    missions: list[str] = Field(default_factory=list)


class CriterionIn(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
    label: str = ""
    weight: Annotated[float, Field(allow_inf_nan=False, ge=0, le=100)] = 1.0


class VotingIn(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    mode: VotingMode = "dots"
    criteria: Annotated[list[CriterionIn], Field(min_length=1, max_length=8)] | None = None


class RoomConfigure(Op):
    partial: ClassVar[bool] = True

    kind: Literal["room.configure"]
    title: str | None = None
    region: str | None = None
    horizon: Horizon | None = None
    timezone: TimeZone | None = None
    dots: Annotated[int, Field(ge=1, le=100)] | None = None
    max_per_item: Annotated[int, Field(ge=1, le=100)] | None = None
    anonymous: bool | None = None
    private_writing: bool | None = None
    phases: Annotated[list[str], Field(min_length=1, max_length=8)] | None = None
    voting: VotingIn | None = None
    years: YearRange | None = None
    level: Level | None = None
    venue: str | None = None
    date: Annotated[str, Field(pattern=r"^(\d{4}-\d{2}-\d{2})?$")] | None = None
    self_select_groups: bool | None = None
    grouped_phases: Annotated[list[str], Field(max_length=8)] | None = None
    groups_visible: bool | None = None


class PhaseSet(Op):
    kind: Literal["phase.set"]
    phase: str


class TimerStart(Op):
    kind: Literal["timer.start"]
    seconds: Annotated[int, Field(ge=1, le=24 * 3600)]


class TimerStop(Op):
    kind: Literal["timer.stop"]


class VotesReveal(Op):
    kind: Literal["votes.reveal"]


class VotesHide(Op):
    kind: Literal["votes.hide"]


class NotesReveal(Op):
    kind: Literal["notes.reveal"]


class NotesHide(Op):
    kind: Literal["notes.hide"]


class FocusSet(Op):
    kind: Literal["focus.set"]
    target: str | None


class ParticipantReady(Op):
    kind: Literal["participant.ready"]
    ready: bool


class BoardLock(Op):
    kind: Literal["board.lock"]


class BoardUnlock(Op):
    kind: Literal["board.unlock"]


class ParticipantRemove(Op):
    kind: Literal["participant.remove"]
    participant: str


class SnapshotTake(Op):
    kind: Literal["snapshot.take"]
    label: str = ""
