"""The scenario record's schema (``spwt.scenario/1``) as pydantic models.

What a record holds and may hold, field by field; ``record.py`` builds one from a room's
state, and ``GET /api/schema/scenario`` serves ``record_schema()``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .canonical import fingerprint
from .models import Category, Gender
from .plan_models import BudgetLine, Indicator, Origin, Source, YearRange

SCHEMA: Literal["spwt.scenario/1"] = "spwt.scenario/1"
Quadrant = Literal["priority", "enable", "later", "drop"]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RoomInfo(Record):
    code: str
    title: str
    region: str
    horizon: str
    language: str
    # How the reports show times (WIB, WITA, WIT, UTC); every time here is UTC. The default
    # keeps records frozen before rooms had a zone valid against the schema.
    timezone: str = "UTC"
    created_at: str
    years: YearRange | None = Field(None, description="the plan's years, inclusive")
    level: str = "kabupaten"
    venue: str = ""
    date: str = ""
    self_select_groups: bool = False
    grouped_phases: list[str] = Field(default_factory=lambda: ["issues", "cluster"])
    groups_visible: bool = False


class SnapshotMeta(Record):
    seq: int
    taken_at: str
    label: str
    phase: str
    final: bool


class ParticipantRow(Record):
    id: str
    name: str
    org: str
    role: str
    joined_at: str
    category: Category | None = None
    position: str = ""
    gender: Gender | None = None
    paper: bool = Field(False, description="added by the facilitator: no device of their own")


class Participation(Record):
    """Who took part (participants, not the facilitator or screens), and who is missing."""

    by_category: dict[str, int] = Field(
        description="participants per category, every category listed; 'unspecified' if any"
    )
    by_gender: dict[str, int] = Field(description="female, male; 'unspecified' if any")
    voters: int = Field(description="participants who cast or scored anything")
    missing: list[Category] = Field(description="categories nobody represents (not 'other')")


class PhaseRow(Record):
    key: str
    started_at: str
    ended_at: str | None


class VisionRecord(Record):
    statement: str
    missions: list[str]
    notes: list[str] = Field(description="ids of the cards written in the vision phase")


class NoteRow(Record):
    id: str
    text: str
    author: str | None = Field(None, description="absent when the room is anonymous")
    color: str
    cluster: str | None
    phase: str
    created_at: str
    origin: Origin | None = Field(None, description="where a carried card came from")
    group: str | None = Field(None, description="the working group it was written in")


class ClusterRow(Record):
    id: str
    title: str
    notes: list[str]
    origin: Origin | None = None
    group: str | None = None


class GroupRow(Record):
    id: str
    name: str
    members: list[str]
    rapporteur: str | None
    clusters: list[str]


class CodeName(Record):
    code: str
    name: str


class RoleRow(Record):
    actor: str
    role: str


class CommitmentRow(Record):
    actor: str
    text: str


class FollowupRow(Record):
    id: str
    text: str
    actor: str | None = Field(description="actor id")
    due: str


class SuppressedScores(Record):
    """A category of fewer than 3 voters in an anonymous room: no numbers, only "< 3"."""

    suppressed: Literal[True]
    voters: Literal["<3"]


CategoryScores = dict[str, int | float] | SuppressedScores
ScoreValue = int | float | dict[str, CategoryScores]


class ProgramRow(Record):
    id: str
    title: str
    cluster: str | None
    rank: int | None = Field(
        description="1 = highest total, equal totals share a rank (1, 2, 2, 4); null until revealed"
    )
    scores: dict[str, ScoreValue] | None = Field(
        description="per criterion, plus total (weighted), voters and by_category "
        "({category: {criteria…, total, voters}}, or {suppressed, voters: '<3'} for fewer than "
        "3 voters in an anonymous room); null until revealed"
    )
    quadrant: Quadrant | None
    indicators: list[Indicator]
    budget: list[BudgetLine] = Field(description="pagu indikatif per year, in whole rupiah")
    policies: list[str]
    strategies: list[str]
    location: str
    timeframe: str
    lead: str | None = Field(description="actor id of the single lead, if exactly one")
    roles: list[RoleRow]
    issues: list[Literal["no_lead", "several_leads"]]
    code: str | None = Field(None, description="national nomenclature (Kepmendagri 050-5889)")
    nomenclature: str | None = Field(None, description="the official name of the code")
    urusan: CodeName | None = None
    bidang: CodeName | None = None
    mission: int | None = Field(None, description="index into vision.missions")
    goal: str = ""
    target: str = ""
    origin: Origin | None = Field(None, description="where a carried program came from")
    groups: list[str] = Field(default_factory=list, description="the groups it came from")
    commitments: list[CommitmentRow] = Field(default_factory=list)


class ActorRow(Record):
    id: str
    name: str
    category: str
    origin: Origin | None = None


class RoleMatrix(Record):
    roles: list[str]
    rows: list[str]
    columns: list[str]
    cells: list[list[str | None]] = Field(description="cells[row][column]: a role or null")


class CriterionRow(Record):
    key: str
    label: str
    weight: float


class VotingRecord(Record):
    mode: str
    criteria: list[CriterionRow]
    dots: int
    max_per_item: int
    revealed: bool


class ScenarioRecord(Record):
    schema_: Literal["spwt.scenario/1"] = Field(SCHEMA, alias="schema")
    room: RoomInfo
    snapshot: SnapshotMeta
    participants: list[ParticipantRow]
    phases: list[PhaseRow]
    vision: VisionRecord
    notes: list[NoteRow]
    clusters: list[ClusterRow]
    programs: list[ProgramRow]
    actors: list[ActorRow]
    role_matrix: RoleMatrix
    voting: VotingRecord
    sources: list[Source] = Field(
        default_factory=list, description="the records this room was started from"
    )
    groups: list[GroupRow] = Field(default_factory=list)
    # Optional so that records frozen before protocol v1.1 stay valid against the schema.
    participation: Participation | None = None
    followups: list[FollowupRow] = Field(default_factory=list)
    fingerprint: str | None = Field(
        default=None,
        pattern="^[0-9a-f]{64}$",
        description="SHA-256 (hex) of the record without this field in canonical JSON "
        "(RFC 8785); see docs/fingerprint.md",
    )

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def to_json_dict(self) -> dict[str, Any]:
        """The record as JSON data, signed with its ``fingerprint``."""
        data = self.model_dump(mode="json", by_alias=True, exclude={"fingerprint"})
        for note in data["notes"]:
            if note["author"] is None:
                del note["author"]
        # Provenance appears only in rooms started from a record: the others read as before.
        for part in ("notes", "clusters", "programs", "actors"):
            for row in data[part]:
                if row["origin"] is None:
                    del row["origin"]
        if not data["sources"]:
            del data["sources"]
        data["fingerprint"] = fingerprint(data)
        return data


def record_schema() -> dict[str, Any]:
    return ScenarioRecord.model_json_schema(by_alias=True)
