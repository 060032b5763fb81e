"""Starting a room from an earlier record: the ordinary ops that rebuild what is carried.

The new room's log is ``room.create``, then ops the server writes as any facilitator would
(``room.configure``, ``vision.set``, ``actor.add``, ``cluster.add``, ``note.add``,
``note.cluster``, ``program.promote``, ``program.update``, ``matrix.set``, and
``commitment.set`` where the server knows it), then one ``room.seed`` with the provenance.
Replay stays the one truth: a room started from a record loads, resumes and exports like
any other, and the same rules checked every carried value.

Carrying into fewer years than the source plan (an annual room for year Y from a PWTJM
record) proposes the figures of Y: each indicator keeps only Y's target, the budget only
Y's pagu. The five-year figures stay beside them: the indicator's ``final`` is the source
plan's final target ("target 5 tahun"), and the program's ``origin`` has the source's years
and its pagu over all of them.

Pure: the planner derives ids from the seqs the ops will get (``c5`` is made by op 5), and
:func:`seed_log` checks every op with the reducer before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson
from pydantic import ValidationError

from ..state import Entry, Rejected, RoomState, apply, create
from ..state.codes import Code
from ..state.models import horizon_years
from ..state.ops import CLIENT_KINDS, Op, RoomCreate, parse_logged_op
from ..state.plan_models import YearRange
from ..state.rules.base import WRITING
from ..state.text import clean_tree
from .records import (
    DEFAULT_LIMIT,
    ImportedRecord,
    IndicatorIn,
    ProgramIn,
    RecordError,
    check_size,
    read_record,
)

CARRY: tuple[str, ...] = ("vision", "programs", "actors", "cards")
Event = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Step:
    """One op of the seed and the JSON path (in the source record) of what it rebuilds."""

    op: Op
    path: str


@dataclass(slots=True)
class Seed:
    steps: list[Step] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def ops(self) -> list[Op]:
        return [step.op for step in self.steps]


class _Planner:
    def __init__(self, record: ImportedRecord, first_seq: int) -> None:
        self.record = record
        self.seq = first_seq - 1
        self.seed = Seed()
        self.origins: dict[str, dict[str, Any]] = {}
        self.phases: dict[str, str] = {}

    def add(self, path: str, kind: str, **fields: Any) -> int:
        """Plan one op; returns its seq (the ids it creates derive from it)."""
        try:
            # Cleaned as a client's op is, so that the logged op is the text the state keeps.
            op = parse_logged_op(clean_tree({"kind": kind, **fields}))
        except ValidationError as error:
            first = error.errors(include_url=False)[0]
            raise RecordError(Code.INVALID, path, first["msg"]) from None
        self.seq += 1
        self.seed.steps.append(Step(op, path))
        return self.seq

    def origin(self, new_id: str, source_id: str, **more: Any) -> None:
        self.origins[new_id] = {
            "room": self.record.room.code,
            "fingerprint": self.record.fingerprint,
            "id": source_id,
            **more,
        }


def choose_carry(carry: Iterable[str] | None) -> frozenset[str]:
    """The parts to carry (all when None), or RecordError naming an unknown one."""
    if carry is None:
        return frozenset(CARRY)
    chosen = frozenset(carry)
    unknown = sorted(chosen - set(CARRY))
    if unknown:
        raise RecordError(
            Code.INVALID, "carry", f"{unknown[0]!r} is not one of {', '.join(CARRY)}", status=400
        )
    return chosen


def room_years(
    record: ImportedRecord, horizon: str, created_at: int, given: YearRange | None = None
) -> YearRange:
    """The new room's years: as asked; else the source's for a room of the same horizon (a
    revision of the same plan); else the horizon's default. A room narrower than its source
    must lie within the source plan's years, or nothing would be carried."""
    source = record.years()
    if given is not None:
        years = given
    elif horizon == record.room.horizon and source:
        years = YearRange(from_=source[0], to=source[-1])
    else:
        years = horizon_years(created_at, horizon)
    if source and len(years.years()) < len(source) and not set(years.years()) <= set(source):
        raise RecordError(
            Code.INVALID, "years",
            f"{years.from_}-{years.to} is not within the source plan {source[0]}-{source[-1]}",
        )  # fmt: skip
    return years


def plan_seed(
    record: ImportedRecord, carry: frozenset[str], years: YearRange, first_seq: int = 2
) -> Seed:
    """The ops that rebuild ``carry`` of ``record`` in a room of ``years`` (seqs from
    ``first_seq``, right after ``room.create``)."""
    p = _Planner(record, first_seq)
    p.add("room", "room.configure", years=years.model_dump(), level=record.room.level)
    missions = 0
    if "vision" in carry:
        vision = record.vision
        p.add("vision", "vision.set", text=vision.statement, missions=vision.missions)
        missions = len(vision.missions)
    programs = record.programs if "programs" in carry else []
    actors = _actors(record, carry, programs)
    for n, actor in enumerate(record.actors):
        if actor.id in actors:
            seq = p.add(f"actors.{n}", "actor.add", name=actor.name, category=actor.category)
            actors[actor.id] = f"a{seq}"
            p.origin(f"a{seq}", actor.id)
    clusters = _cards(p) if "cards" in carry else {}
    for n, program in enumerate(programs):
        _program(p, f"programs.{n}", program, clusters, actors, years, missions)
    counts = {
        "vision": int("vision" in carry and bool(record.vision.statement)),
        "missions": missions,
        "programs": len(programs),
        "actors": len(actors),
        "cards": sum(1 for o in p.origins if o.startswith("n")),
        "clusters": len(clusters),
    }
    if carry:
        p.add("", "room.seed", sources=[record.source().model_dump()],
              origins=p.origins, phases=p.phases)  # fmt: skip
    p.seed.counts = counts
    return p.seed


def _actors(
    record: ImportedRecord, carry: frozenset[str], programs: list[ProgramIn]
) -> dict[str, str]:
    """Source actor id -> "" for each actor to carry: all of them, or (with programs only)
    those the programs' roles and commitments name: a role needs its actor."""
    if "actors" in carry:
        return {a.id: "" for a in record.actors}
    named = {r.actor for p in programs for r in p.roles} | {
        c.actor for p in programs for c in p.commitments
    }
    return {a.id: "" for a in record.actors if a.id in named}


def _cards(p: _Planner) -> dict[str, str]:
    """Clusters and cards; returns source cluster id -> new cluster id."""
    clusters: dict[str, str] = {}
    for n, cluster in enumerate(p.record.clusters):
        seq = p.add(f"clusters.{n}", "cluster.add", title=cluster.title)
        clusters[cluster.id] = f"c{seq}"
        p.origin(f"c{seq}", cluster.id)
    for n, note in enumerate(p.record.notes):
        seq = p.add(f"notes.{n}", "note.add", text=note.text, color=note.color)
        new = f"n{seq}"
        p.origin(new, note.id)
        # Vision cards stay vision cards; every other card is one of needs and potentials.
        p.phases[new] = note.phase if note.phase in WRITING else "issues"
        if note.cluster in clusters:
            p.add(f"notes.{n}.cluster", "note.cluster", note=new, cluster=clusters[note.cluster])
    return clusters


def _program(
    p: _Planner,
    path: str,
    program: ProgramIn,
    clusters: dict[str, str],
    actors: dict[str, str],
    years: YearRange,
    missions: int,
) -> None:
    cluster = clusters.get(program.cluster or "")
    if cluster is None:  # a program needs a cluster to be promoted from: one of its name
        cluster = f"c{p.add(f'{path}.title', 'cluster.add', title=program.title)}"
    seq = p.add(path, "program.promote", cluster=cluster, title=program.title)
    new = f"p{seq}"
    source_years = p.record.years()
    narrowed = bool(source_years) and not set(source_years) <= set(years.years())
    details: dict[str, Any] = dict(
        indicators=[_indicator(i, years, source_years) for i in program.indicators],
        budget=[
            line.model_dump() for line in program.budget if years.from_ <= line.year <= years.to
        ],
        policies=program.policies, strategies=program.strategies,
        location=program.location, timeframe=program.timeframe,
        goal=program.goal, target=program.target,
    )  # fmt: skip
    if program.code:
        details["code"] = program.code
    if program.mission is not None and 0 <= program.mission < missions:
        details["mission"] = program.mission
    p.add(path, "program.update", program=new, **details)
    for n, role in enumerate(program.roles):
        if actors.get(role.actor):
            p.add(f"{path}.roles.{n}", "matrix.set", program=new, actor=actors[role.actor],
                  role=role.role)  # fmt: skip
    if "commitment.set" in CLIENT_KINDS:  # once the server has commitments, they travel too
        for n, c in enumerate(program.commitments):
            if actors.get(c.actor):
                p.add(f"{path}.commitments.{n}", "commitment.set", program=new,
                      actor=actors[c.actor], text=c.text)  # fmt: skip
    extra: dict[str, Any] = {}
    if narrowed:
        span = YearRange(from_=source_years[0], to=source_years[-1])
        extra = {"years": span.model_dump(), "budget_total": program.pagu()}
    p.origin(new, program.id, **extra)


def _indicator(
    given: IndicatorIn, years: YearRange, source_years: tuple[int, ...]
) -> dict[str, Any]:
    wanted = {str(y) for y in years.years()}
    final = given.final
    if final is None and source_years:  # the target of the source plan's last year
        final = given.targets.get(str(source_years[-1]))
    data = given.model_dump()
    data["targets"] = {y: v for y, v in given.targets.items() if y in wanted and v is not None}
    data["final"] = final
    return data


def seed_log(first: Entry, seed: Seed) -> tuple[RoomState, list[Event]]:
    """The state and the events of a new room's log: ``first`` (room.create), then the seed,
    each op checked by the reducer. RecordError at the path of the first op refused."""
    state = create(first)
    events: list[Event] = []
    for seq, step in enumerate(seed.steps, start=first.seq + 1):
        result = apply(state, Entry(seq=seq, at=first.at, by="", op=step.op))
        if isinstance(result, Rejected):
            raise RecordError(result.code, step.path, result.message)
        state, event = result
        events.append(event)
    return state, events


def prepare(
    source: object,
    carry: Iterable[str] | None,
    horizon: str,
    created_at: int,
    years: YearRange | None = None,
    limit: int = DEFAULT_LIMIT,
) -> tuple[ImportedRecord, Seed]:
    """Everything ``POST /api/rooms`` checks of ``from`` and ``carry`` before a room exists:
    the size, the record, the parts, the years, and every op against the rules (a dry run
    of the new room's log). RecordError paths are seen from the request (``from.…``)."""
    check_size(len(orjson.dumps(source)), limit)
    try:
        record = read_record(source)
    except RecordError as error:
        raise error.within("from") from None
    chosen = choose_carry(carry)
    span = room_years(record, horizon, created_at, years)
    try:
        seed = plan_seed(record, chosen, span)
        op = RoomCreate(kind="room.create", code="PREVIEW", title="-", horizon=horizon)  # type: ignore[arg-type]
        seed_log(Entry(seq=1, at=created_at, by="", op=op), seed)
    except RecordError as error:
        raise (error if error.path in ("years", "carry") else error.within("from")) from None
    return record, seed


def preview(record: ImportedRecord, seed: Seed) -> dict[str, Any]:
    """What a room started from ``record`` would get: counts per part, the source, the years."""
    configure = seed.steps[0].op
    return {
        "preview": seed.counts,
        "sources": [record.source().model_dump()],
        "years": configure.years.model_dump(),  # type: ignore[attr-defined]
    }
