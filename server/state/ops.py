"""Every op of the wire protocol, as a pydantic model, and the log entry that carries one.

Client ops are a discriminated union on ``kind``. Three more kinds are written only by the
server (``room.create``, ``participant.join`` so that joining, too, is ordered in the log,
and ``room.seed``, the provenance of a room started from earlier records). Op models
ignore unknown fields: clients may extend their frames, and the events stored in the log
carry fields the reducer added (tallies on reveal, ids on join).
"""

from __future__ import annotations

import math
from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from .models import (
    BudgetLine,
    Category,
    Gender,
    Horizon,
    Indicator,
    Language,
    Level,
    Limits,
    Origin,
    Role,
    Source,
    TimeZone,
    VotingMode,
    YearRange,
)
from .text import clean_tree

Finite = Annotated[float, Field(allow_inf_nan=False, ge=-1e6, le=1e6)]


class Op(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", strict=True)

    # Ops whose fields are "any of": only the fields the sender gave are part of the op.
    partial: ClassVar[bool] = False

    @classmethod
    def kind_name(cls) -> str:
        """The ``kind`` this model stands for (its ``Literal``)."""
        return cls.model_fields["kind"].annotation.__args__[0]  # type: ignore[union-attr,no-any-return]

    def normalised(self) -> dict[str, Any]:
        data = self.model_dump(mode="json", exclude_unset=self.partial, by_alias=True)
        data["kind"] = self.kind  # type: ignore[attr-defined]
        return data


# --- written by the server -------------------------------------------------------------


class RoomCreate(Op):
    kind: Literal["room.create"]
    code: str
    title: str
    region: str = ""
    horizon: Horizon = "PWTJM"
    language: Language = "id"
    timezone: TimeZone = "UTC"  # what a room.create logged before zones existed meant
    limits: Limits = Limits()


class ParticipantJoin(Op):
    kind: Literal["participant.join"]
    name: str
    org: str = ""
    role: Role = "participant"
    category: Category | None = None
    position: str = ""
    gender: Gender | None = None


class RoomSeed(Op):
    """Provenance of a room started from earlier records. The server first rebuilds the
    carried parts with ordinary ops (so replay stays the one truth), then writes this op:
    the sources, the origin of each carried item by its new id, and the writing phase each
    carried card belongs to (``note.add`` files a card under the phase it is written in,
    which is the lobby while the server seeds)."""

    kind: Literal["room.seed"]
    sources: Annotated[list[Source], Field(min_length=1, max_length=20)]
    origins: dict[str, Origin] = Field(default_factory=dict)
    phases: dict[str, str] = Field(default_factory=dict)


# --- cards and clusters --------------------------------------------------------------


class NoteAdd(Op):
    kind: Literal["note.add"]
    text: str
    color: str | None = None
    x: Finite | None = None
    y: Finite | None = None


class NoteEdit(Op):
    kind: Literal["note.edit"]
    note: str
    text: str


class NoteDelete(Op):
    kind: Literal["note.delete"]
    note: str


class NoteMove(Op):
    kind: Literal["note.move"]
    note: str
    x: Finite
    y: Finite


class NoteCluster(Op):
    kind: Literal["note.cluster"]
    note: str
    cluster: str | None


class ClusterAdd(Op):
    kind: Literal["cluster.add"]
    title: str


class ClusterRename(Op):
    kind: Literal["cluster.rename"]
    cluster: str
    title: str


class ClusterDelete(Op):
    kind: Literal["cluster.delete"]
    cluster: str


class ClusterMerge(Op):
    kind: Literal["cluster.merge"]
    cluster: str
    into: str


# --- programs and voting -------------------------------------------------------------


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


# --- roles and program details -------------------------------------------------------


class ActorAdd(Op):
    kind: Literal["actor.add"]
    name: str
    category: str = "agency"


class MatrixSet(Op):
    kind: Literal["matrix.set"]
    program: str
    actor: str
    role: str | None


class ProgramUpdate(Op):
    partial: ClassVar[bool] = True

    kind: Literal["program.update"]
    program: str
    title: str | None = None
    indicators: list[Indicator] | None = None
    policies: list[str] | None = None
    strategies: list[str] | None = None
    location: str | None = None
    timeframe: str | None = None
    budget: list[BudgetLine] | None = None
    code: str | None = None  # null clears
    mission: int | None = None  # null clears
    goal: str | None = None
    target: str | None = None


# --- working groups ------------------------------------------------------------------


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
    by: Literal["category", "org", "mixed"] = "mixed"


class GroupRapporteur(Op):
    kind: Literal["group.rapporteur"]
    group: str
    participant: str | None


# --- facilitation --------------------------------------------------------------------


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


# --- people ---------------------------------------------------------------------------


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


# --- commitments and follow-up -------------------------------------------------------


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


# Every op model above is a client op but the server's own three: the lists and the tagged
# union are derived from the classes, so a new op kind is declared once (with its rule).
SERVER_OPS: tuple[type[Op], ...] = (RoomCreate, ParticipantJoin, RoomSeed)
CLIENT_OPS: tuple[type[Op], ...] = tuple(op for op in Op.__subclasses__() if op not in SERVER_OPS)
CLIENT_KINDS: frozenset[str] = frozenset(op.kind_name() for op in CLIENT_OPS)

ClientOp = Annotated[Union[CLIENT_OPS], Field(discriminator="kind")]  # type: ignore[valid-type]  # noqa: UP007
AnyOp = Annotated[Union[(*CLIENT_OPS, *SERVER_OPS)], Field(discriminator="kind")]  # type: ignore[valid-type]

_client_ops: TypeAdapter[Op] = TypeAdapter(ClientOp)
_any_ops: TypeAdapter[Op] = TypeAdapter(AnyOp)


class InvalidOp(ValueError):
    """A client op that does not fit the protocol; ``str()`` says why, briefly."""


def _explain(error: ValidationError) -> str:
    first = error.errors(include_url=False)[0]
    loc = first["loc"][1:]  # the first step is the union's tag: the op's kind
    where = ".".join(str(p) for p in loc)
    return f"{where}: {first['msg']}" if where else first["msg"]


def parse_client_op(data: object) -> Op:
    """Validate an op a client sent. Raises InvalidOp; server-only kinds are unknown here."""
    if not isinstance(data, dict):
        raise InvalidOp("op must be an object")
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in CLIENT_KINDS:
        raise InvalidOp(f"unknown op kind: {str(kind)[:40]!r}")
    try:  # every string cleaned, so the event everyone gets is the text the state keeps
        return _client_ops.validate_python(clean_tree(data))
    except ValidationError as error:
        raise InvalidOp(_explain(error)) from None


def parse_logged_op(data: dict[str, Any]) -> Op:
    """Read an op back from the log (any kind, including the server's own)."""
    if data.get("kind") == "program.update" and data.get("budget"):
        data = {**data, "budget": [_budget_v1(line) for line in data["budget"]]}
    return _any_ops.validate_python(data)


def _budget_v1(line: dict[str, Any]) -> dict[str, Any]:
    """A budget line as logs before protocol v1.1 wrote it (year as text, amount a float)."""
    year, amount = line.get("year"), line.get("amount")
    if isinstance(year, str) and year.strip().isdigit():
        year = int(year)
    if isinstance(amount, float) and math.isfinite(amount):
        amount = round(amount)
    return {**line, "year": year, "amount": amount}


class Entry(BaseModel):
    """One line of a room's op log: the op and everything the reducer may depend on."""

    model_config = ConfigDict(frozen=True)

    seq: int
    at: int
    by: str
    op_id: str = ""
    op: Any  # an Op
    # The facilitator who sent the op for ``by``, a paper participant (``on_behalf``).
    via: str = ""

    def to_wire(self, op: dict[str, Any] | None = None) -> dict[str, Any]:
        wire = {
            "seq": self.seq,
            "at": self.at,
            "by": self.by,
            "op_id": self.op_id,
            "op": op if op is not None else self.op.normalised(),
        }
        if self.via:
            wire["via"] = self.via
        return wire
