"""The scenario record (schema ``spwt.scenario/1``): the room as a planning document sees it.

``build_record`` is pure, like the reducer. The record holds only what has been revealed:
vote scores, ranks and quadrants appear once the facilitator has revealed the votes, and
cards written privately appear once they are revealed. Authors of cards in an anonymous
room appear nowhere.
"""

from __future__ import annotations

import statistics
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..planning import nomenclature
from .canonical import fingerprint
from .models import (
    GENDERS,
    PARTICIPANT_CATEGORIES,
    ROLES_IN_MATRIX,
    BudgetLine,
    Category,
    Gender,
    Indicator,
    Level,
    Origin,
    RoomState,
    SnapshotInfo,
    Source,
    YearRange,
    plan_years,
)
from .tally import UNSPECIFIED, tallies
from .views import note_private

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


def iso(ms: int | None) -> str | None:
    if ms is None:
        return None
    return (
        datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    )


def build_record(s: RoomState, snapshot: SnapshotInfo | None = None) -> ScenarioRecord:
    """The record of ``s``; ``snapshot`` names it when it is a stored snapshot."""
    meta = snapshot or SnapshotInfo(n=0, seq=s.seq, label="", taken_at=s.at, phase=s.phase)
    notes = [n for n in s.notes.values() if not note_private(s, n)]
    anonymous = s.settings.anonymous
    programs = _programs(s)
    return ScenarioRecord(
        room=RoomInfo(
            code=s.code, title=s.settings.title, region=s.settings.region,
            horizon=s.settings.horizon, language=s.settings.language,
            timezone=s.settings.timezone, created_at=iso(s.created_at) or "",
            years=plan_years(s), level=s.settings.level, venue=s.settings.venue,
            date=s.settings.date,
        ),
        snapshot=SnapshotMeta(
            seq=meta.seq, taken_at=iso(meta.taken_at) or "", label=meta.label,
            phase=meta.phase, final=meta.final,
        ),
        participants=[
            ParticipantRow(
                id=p.id, name=p.name, org=p.org, role=p.role, joined_at=iso(p.joined_at) or "",
                category=p.category, position=p.position, gender=p.gender, paper=p.paper,
            )
            for p in s.participants.values() if p.role != "observer"
        ],
        participation=_participation(s),
        followups=[
            FollowupRow(id=f.id, text=f.text, actor=f.actor, due=f.due)
            for f in s.followups.values()
        ],
        phases=[
            PhaseRow(key=p.key, started_at=iso(p.started_at) or "", ended_at=iso(p.ended_at))
            for p in s.phase_log
        ],
        vision=VisionRecord(
            statement=s.vision.statement, missions=list(s.vision.missions),
            notes=[n.id for n in notes if n.phase == "vision"],
        ),
        notes=[
            NoteRow(
                id=n.id, text=n.text, author=None if anonymous else n.author or None,
                color=n.color, cluster=n.cluster, phase=n.phase,
                created_at=iso(n.created_at) or "", origin=s.origins.get(n.id), group=n.group,
            )
            for n in notes
        ],
        clusters=[
            ClusterRow(
                id=c.id, title=c.title, notes=[n.id for n in notes if n.cluster == c.id],
                origin=s.origins.get(c.id),
                group=c.group,
            )
            for c in s.clusters.values()
        ],
        programs=programs,
        actors=[
            ActorRow(id=a.id, name=a.name, category=a.category, origin=s.origins.get(a.id))
            for a in s.actors.values()
        ],
        role_matrix=RoleMatrix(
            roles=list(ROLES_IN_MATRIX),
            rows=[p.id for p in programs],
            columns=list(s.actors),
            cells=[[s.matrix.get(p.id, {}).get(a) for a in s.actors] for p in programs],
        ),
        voting=VotingRecord(
            mode=s.settings.voting.mode,
            criteria=[CriterionRow(**c.model_dump()) for c in s.settings.voting.criteria],
            dots=s.settings.dots, max_per_item=s.settings.max_per_item,
            revealed=s.votes_revealed,
        ),
        sources=list(s.sources),
        groups=[
            GroupRow(
                id=g.id, name=g.name, rapporteur=g.rapporteur,
                members=[p for p, member_of in s.membership.items() if member_of == g.id],
                clusters=[c.id for c in s.clusters.values() if c.group == g.id],
            )
            for g in s.groups.values()
        ],
    )  # fmt: skip


def _programs(s: RoomState) -> list[ProgramRow]:
    scores = _scores(s) if s.votes_revealed else {}
    ranked = (
        sorted(s.programs.values(), key=lambda p: -scores[p.id]["total"])
        if scores
        else list(s.programs.values())
    )
    quadrants = _quadrants(s, scores)
    ranks = _ranks([scores[p.id]["total"] for p in ranked]) if scores else [None] * len(ranked)
    commitments = s.commitments
    rows = []
    for rank, program in zip(ranks, ranked, strict=True):
        roles = s.matrix.get(program.id, {})
        leads = [actor for actor, role in roles.items() if role == "lead"]
        rows.append(
            ProgramRow(
                id=program.id,
                title=program.title,
                cluster=program.cluster,
                rank=rank,
                scores=scores.get(program.id),
                quadrant=quadrants.get(program.id),
                indicators=list(program.indicators),
                budget=list(program.budget),
                policies=list(program.policies),
                strategies=list(program.strategies),
                location=program.location,
                timeframe=program.timeframe,
                lead=leads[0] if len(leads) == 1 else None,
                roles=[RoleRow(actor=a, role=r) for a, r in roles.items() if a in s.actors],
                issues=_lead_issues(leads),
                mission=program.mission,
                goal=program.goal,
                target=program.target,
                origin=s.origins.get(program.id),
                groups=_origins(s, program.cluster),
                commitments=[
                    CommitmentRow(actor=a, text=text)
                    for a in s.actors
                    if (text := commitments.get(program.id, {}).get(a))
                ],
                **_nomenclature(program.code, s.settings.level),
            )
        )
    return rows


def _ranks(totals: list[int | float]) -> list[int | None]:
    """Competition ranks of totals sorted high to low: equal totals share the better rank
    (11,44 and 11,44 are both 2nd, the next is 4th), so no tie is decided by list order."""
    ranks: list[int | None] = []
    for n, total in enumerate(totals):
        ranks.append(ranks[-1] if n and total == totals[n - 1] else n + 1)
    return ranks


def _nomenclature(code: str | None, level: Level) -> dict[str, Any]:
    entry = nomenclature.program(code, level) if code else None
    return {"code": code} if entry is None else entry.as_record()


def _origins(s: RoomState, cluster: str | None) -> list[str]:
    """The groups whose cards or cluster a program grew from, in the order groups were made."""
    found = {n.group for n in s.notes.values() if n.cluster == cluster and cluster}
    if cluster in s.clusters:
        found.add(s.clusters[cluster].group)
    return [g for g in s.groups if g in found]


def _participation(s: RoomState) -> Participation:
    people = [p for p in s.participants.values() if p.role == "participant" and not p.removed]
    by_category = {c: sum(p.category == c for p in people) for c in PARTICIPANT_CATEGORIES}
    by_gender = {g: sum(p.gender == g for p in people) for g in GENDERS}
    if unspecified := sum(p.category is None for p in people):
        by_category[UNSPECIFIED] = unspecified
    if unspecified := sum(p.gender is None for p in people):
        by_gender[UNSPECIFIED] = unspecified
    voters = sum(1 for voter, mine in s.votes.items() if mine and s.role_of(voter))
    missing = [c for c in PARTICIPANT_CATEGORIES if c != "other" and not by_category[c]]
    return Participation(
        by_category=by_category, by_gender=by_gender, voters=voters,
        missing=missing,
    )  # fmt: skip


def _lead_issues(leads: list[str]) -> list[Literal["no_lead", "several_leads"]]:
    if not leads:
        return ["no_lead"]
    return ["several_leads"] if len(leads) > 1 else []


def _scores(s: RoomState) -> dict[str, dict[str, Any]]:
    counted = tallies(s)
    weights = {c.key: c.weight for c in s.settings.voting.criteria}
    result = {}
    for program, row in counted["tallies"].items():
        total = sum(row[key] * weight for key, weight in weights.items())
        result[program] = {
            **row,
            "total": round(total, 2),
            "voters": counted["voters"][program],
            "by_category": counted["by_category"][program],
        }
    return result


def _quadrants(s: RoomState, scores: dict[str, dict[str, int | float]]) -> dict[str, Quadrant]:
    """Urgent and feasible = priority, urgent only = enable, feasible only = later, else drop.

    A program is "high" on a criterion when its score reaches the median of all programs
    (and is above zero: a program nobody voted for is never high).
    """
    keys = {c.key for c in s.settings.voting.criteria}
    if not scores or not {"urgency", "feasibility"} <= keys:
        return {}
    median = {
        key: statistics.median(row[key] for row in scores.values())
        for key in ("urgency", "feasibility")
    }

    def high(row: dict[str, int | float], key: str) -> bool:
        return row[key] > 0 and row[key] >= median[key]

    table: dict[tuple[bool, bool], Quadrant] = {
        (True, True): "priority",
        (True, False): "enable",
        (False, True): "later",
        (False, False): "drop",
    }
    return {
        program: table[high(row, "urgency"), high(row, "feasibility")]
        for program, row in scores.items()
    }


def frozen_records(before: RoomState, after: RoomState) -> list[tuple[int, dict[str, Any]]]:
    """The records of the snapshots an op took (``snapshot.take``, or closing the room)."""
    taken = after.snapshots[len(before.snapshots) :]
    return [(info.n, build_record(after, info).to_json_dict()) for info in taken]


def record_schema() -> dict[str, Any]:
    return ScenarioRecord.model_json_schema(by_alias=True)
