"""The scenario record (schema ``spwt.scenario/1``): the room as a planning document sees it.

``build_record`` is pure, like the reducer. The record holds only what has been revealed:
vote scores, ranks and quadrants appear once the facilitator has revealed the votes, and
cards written privately appear once they are revealed. Authors of cards in an anonymous
room appear nowhere. The models of the record are in ``record_models.py``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from ..reference import nomenclature
from .models import (
    GENDERS,
    PARTICIPANT_CATEGORIES,
    ROLES_IN_MATRIX,
    Level,
    RoomState,
    SnapshotInfo,
    plan_years,
)
from .record_models import (
    ActorRow,
    ClusterRow,
    CommitmentRow,
    CriterionRow,
    FollowupRow,
    GroupRow,
    NoteRow,
    ParticipantRow,
    Participation,
    PhaseRow,
    ProgramRow,
    Quadrant,
    RoleMatrix,
    RoleRow,
    RoomInfo,
    ScenarioRecord,
    SnapshotMeta,
    VisionRecord,
    VotingRecord,
)
from .record_models import record_schema as record_schema
from .standings import standings
from .tally import UNSPECIFIED, tallies
from .views import note_private


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
            date=s.settings.date, self_select_groups=s.settings.self_select_groups,
            grouped_phases=list(s.settings.grouped_phases),
            groups_visible=s.settings.groups_visible,
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
    counted = tallies(s) if s.votes_revealed else None
    results = standings(s, counted) if counted else None
    scores = _scores(counted, results) if counted and results else {}
    ranked = [s.programs[p] for p in results["order"]] if results else list(s.programs.values())
    quadrants: dict[str, Quadrant] = results["quadrants"] if results else {}
    commitments = s.commitments
    rows = []
    for program in ranked:
        rank = results["ranks"][program.id] if results else None
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


def _scores(counted: dict[str, Any], results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        program: {
            **row,
            "total": results["totals"][program],
            "voters": counted["voters"][program],
            "by_category": counted["by_category"][program],
        }
        for program, row in counted["tallies"].items()
    }


def frozen_records(before: RoomState, after: RoomState) -> list[tuple[int, dict[str, Any]]]:
    """The records of the snapshots an op took (``snapshot.take``, or closing the room)."""
    taken = after.snapshots[len(before.snapshots) :]
    return [(info.n, build_record(after, info).to_json_dict()) for info in taken]
