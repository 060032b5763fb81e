"""Reading a scenario record back: any ``spwt.scenario/1`` this server ever wrote.

A record read here starts a new room (``carry.py``) or joins a regional plan
(``consolidate.py``). Only the parts those two use are read; fields added later (a
``fingerprint``, ``commitments``, new participant fields) are read when present and never
required, and fields this reader does not know are ignored. Old records are read as they
were written: budget years as text ("2025") and amounts as floats (2500000000.0) or text
("Rp 2,5 M", read by :func:`numbers.parse_rupiah`, the one money parser); indicator values
as text ("25,6" becomes 25.6; a text that is no number, "Tersedia", stays text).

Every refusal is a :class:`RecordError` with the JSON path of the first thing wrong.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..state.codes import Code
from ..state.models import Horizon, Language, Level
from ..state.plan_models import MAX_RUPIAH, Origin, Source, Value, YearRange
from . import numbers

SCHEMA = "spwt.scenario/1"
DEFAULT_LIMIT = 5 * 1024 * 1024


class RecordError(ValueError):
    """A file that cannot be read as a record: ``code``, the JSON ``path`` of the first
    error ("" for the whole file), and the HTTP status an API answers it with."""

    def __init__(self, code: Code, path: str, message: str, status: int = 422) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.code = code
        self.path = path
        self.message = message
        self.status = status

    def within(self, prefix: str) -> RecordError:
        """The same error, its path seen from an enclosing document (``from``, ``records.2``)."""
        path = f"{prefix}.{self.path}" if self.path else prefix
        return RecordError(self.code, path, self.message, self.status)


class Part(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True, frozen=True)


def _value(raw: Any) -> Any:
    """An indicator value of an old record: numbers written as text become numbers."""
    if isinstance(raw, str):
        try:
            return numbers.parse_number(raw)
        except numbers.NumberError:
            return raw.strip() or None  # qualitative ("Tersedia"), or nothing
    return raw


class IndicatorIn(Part):
    name: Annotated[str, Field(min_length=1)]
    unit: str = ""
    kind: str | None = None
    baseline: Value | None = None
    baseline_year: int | None = None
    targets: dict[str, Value | None] = Field(default_factory=dict)
    final: Value | None = None
    source: str = ""

    @field_validator("baseline", "final", mode="before")
    @classmethod
    def _number(cls, raw: Any) -> Any:
        return _value(raw)

    @field_validator("targets", mode="before")
    @classmethod
    def _numbers(cls, raw: Any) -> Any:
        return {k: _value(v) for k, v in raw.items()} if isinstance(raw, dict) else raw

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, raw: Any) -> Any:
        return raw if raw in ("outcome", "output") else None


class BudgetIn(Part):
    year: int
    amount: Annotated[int, Field(ge=0, le=MAX_RUPIAH)]
    source: str = ""

    @field_validator("year", mode="before")
    @classmethod
    def _year(cls, raw: Any) -> Any:
        if isinstance(raw, str) and raw.strip().isdigit():
            return int(raw)
        return raw

    @field_validator("amount", mode="before")
    @classmethod
    def _amount(cls, raw: Any) -> Any:
        if isinstance(raw, str):
            try:
                return numbers.parse_rupiah(raw)
            except numbers.NumberError as error:
                raise ValueError(f"{raw[:40]!r}: {error}") from None
        if isinstance(raw, float) and math.isfinite(raw) and raw == round(raw):
            return round(raw)
        return raw


class RoleIn(Part):
    actor: str
    role: str


class CommitmentIn(Part):
    actor: str
    text: str


class ProgramIn(Part):
    id: str
    title: Annotated[str, Field(min_length=1)]
    cluster: str | None = None
    rank: int | None = None
    scores: dict[str, int | float | dict[str, Any]] | None = None  # by_category: a dict
    quadrant: str | None = None
    indicators: list[IndicatorIn] = Field(default_factory=list)
    budget: list[BudgetIn] = Field(default_factory=list)
    policies: list[str] = Field(default_factory=list)
    strategies: list[str] = Field(default_factory=list)
    location: str = ""
    timeframe: str = ""
    lead: str | None = None
    roles: list[RoleIn] = Field(default_factory=list)
    code: str | None = None
    nomenclature: str | None = None
    mission: int | None = None
    goal: str = ""
    target: str = ""
    commitments: list[CommitmentIn] = Field(default_factory=list)
    origin: Origin | None = None

    @field_validator("origin", mode="before")
    @classmethod
    def _origin(cls, raw: Any) -> Any:
        # A record written by a newer server may say more about an origin than we read.
        if isinstance(raw, dict):
            return {k: v for k, v in raw.items() if k in Origin.model_fields}
        return raw

    def pagu(self) -> int:
        return sum(line.amount for line in self.budget)


class ActorIn(Part):
    id: str
    name: Annotated[str, Field(min_length=1)]
    category: str = "agency"


class NoteIn(Part):
    id: str
    text: Annotated[str, Field(min_length=1)]
    color: str = "yellow"
    cluster: str | None = None
    phase: str = "issues"
    author: str | None = None  # absent in anonymous rooms


class ParticipantIn(Part):
    id: str
    name: str = ""
    org: str = ""


class ClusterIn(Part):
    id: str
    title: Annotated[str, Field(min_length=1)]


class VisionIn(Part):
    statement: str = ""
    missions: list[str] = Field(default_factory=list)


class RoomIn(Part):
    code: str
    title: str
    region: str = ""
    horizon: Horizon
    language: Language = "id"
    years: YearRange | None = None
    level: Level = "kabupaten"
    created_at: str = ""


class VotingIn(Part):
    revealed: bool = False


class ImportedRecord(Part):
    """The parts of a record that carrying and consolidating read."""

    schema_: str = Field(alias="schema")
    fingerprint: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None = None
    room: RoomIn
    vision: VisionIn
    notes: list[NoteIn]
    clusters: list[ClusterIn]
    programs: list[ProgramIn]
    actors: list[ActorIn]
    participants: list[ParticipantIn] = Field(default_factory=list)
    voting: VotingIn = VotingIn()
    sources: list[Source] = Field(default_factory=list)

    def source(self) -> Source:
        """How a room started from this record lists it."""
        return Source(
            room=self.room.code,
            title=self.room.title,
            horizon=self.room.horizon,
            fingerprint=self.fingerprint,
        )

    def years(self) -> tuple[int, ...]:
        """The plan's years; records written before rooms had years: those of its figures."""
        if self.room.years is not None:
            return self.room.years.years()
        seen = {line.year for p in self.programs for line in p.budget}
        targets = (y for p in self.programs for i in p.indicators for y in i.targets)
        seen |= {int(y) for y in targets if y.isdigit()}
        return tuple(sorted(seen))

    def actor_names(self) -> dict[str, str]:
        return {a.id: a.name for a in self.actors}

    def proposers(self, program: ProgramIn) -> list[str]:
        """The organisations (or, without one, the names) of the people whose cards make up
        the program's cluster, in the order they first wrote; none in an anonymous room."""
        people = {p.id: p.org or p.name for p in self.participants}
        who = (people.get(n.author or "") for n in self.notes if n.cluster == program.cluster)
        return list(dict.fromkeys(w for w in who if w)) if program.cluster else []


def check_size(size: int, limit: int = DEFAULT_LIMIT) -> None:
    if size > limit:
        raise RecordError(
            Code.TOO_LONG, "", f"the record is {size} bytes, over the limit of {limit}", status=413
        )


def read_record(data: object) -> ImportedRecord:
    """Read a parsed JSON document as a record, or raise RecordError."""
    if not isinstance(data, dict) or "schema" not in data or "room" not in data:
        raise RecordError(Code.NOT_A_RECORD, "", "this is not a scenario record (schema, room …)")
    if data["schema"] != SCHEMA:
        schema = str(data["schema"])[:60]
        raise RecordError(
            Code.FOREIGN_SCHEMA,
            "schema",
            f"{schema!r} is not {SCHEMA}, the schema this server reads",
        )
    try:
        return ImportedRecord.model_validate(data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        path = ".".join(str(p) for p in first["loc"] if not _is_union_tag(p))
        raise RecordError(Code.INVALID, path, first["msg"].removeprefix("Value error, ")) from None


def _is_union_tag(step: object) -> bool:
    # pydantic names the member of a union it tried ("int", "str", "function-before[…]").
    return isinstance(step, str) and (step in ("int", "float", "str", "bool") or "[" in step)


def load_record(body: bytes, limit: int = DEFAULT_LIMIT) -> ImportedRecord:
    """A record from the bytes of a file (``spwt consolidate``), size checked first."""
    import orjson

    check_size(len(body), limit)
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise RecordError(Code.NOT_A_RECORD, "", "the file is not JSON", status=400) from None
    return read_record(data)
