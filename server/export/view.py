"""The report as its readers see it: the record with every id replaced by a name.

The record (``spwt.scenario/1``) refers to things by id so that it stays a faithful,
machine-readable log of the workshop. A planning document names them: the lead agency by its
name, a cluster by its title, a card's author by name (or not at all in an anonymous room).
Every renderer reads this one view, so the Markdown, HTML, CSV and XLSX outputs cannot
disagree about a name, a rank or an order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from server.state.models import DEFAULT_CRITERIA

from .i18n import Catalogue, catalogue
from .people import People, people_view

DEFAULT_LABELS = frozenset(c.label for c in DEFAULT_CRITERIA)


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    weight: float


@dataclass(frozen=True)
class Card:
    text: str
    author: str  # a name, or "" when the room is anonymous or the author is unknown
    color: str
    cluster: str
    phase: str
    created_at: str


Value = int | float | str | None  # an indicator's value: a number, or a qualitative text


@dataclass(frozen=True)
class Budget:
    year: int | str  # a year; text only in records from before protocol v1.1
    amount: float
    source: str


@dataclass(frozen=True)
class Indicator:
    name: str
    unit: str
    baseline: Value
    targets: tuple[Value, ...]  # aligned with Report.years
    final: Value
    kind: str | None = None
    baseline_year: int | None = None
    source: str = ""


@dataclass(frozen=True)
class Program:
    id: str
    rank: int | None
    title: str
    cluster: str
    scores: dict[str, float] | None
    quadrant: str | None
    leads: tuple[str, ...]  # names of the actors marked lead (one, unless flagged)
    by_role: dict[str, tuple[str, ...]]  # role -> actor names
    location: str
    timeframe: str
    budget: tuple[Budget, ...]
    indicators: tuple[Indicator, ...]
    policies: tuple[str, ...]
    strategies: tuple[str, ...]
    issues: tuple[str, ...]
    code: str = ""  # national program code (Kepmendagri 050-5889), e.g. "1.03.10"
    nomenclature: str = ""  # the official name of the code
    urusan: tuple[str, str] | None = None  # (code, name)
    bidang: tuple[str, str] | None = None
    mission: int | None = None  # index into Report.missions
    goal: str = ""
    target: str = ""

    @property
    def lead(self) -> str:
        return ", ".join(self.leads)

    @property
    def budget_total(self) -> float | None:
        return sum(b.amount for b in self.budget) if self.budget else None

    @property
    def mixed_sources(self) -> bool:
        """Whether the budget lines name different sources (then each line shows its own)."""
        return len({b.source for b in self.budget}) > 1

    @property
    def sources(self) -> str:
        return ", ".join(dict.fromkeys(b.source for b in self.budget if b.source))

    def amount(self, year: str) -> float | None:
        """The pagu of one plan year, over all its sources; None when none is planned."""
        lines = [b.amount for b in self.budget if str(b.year) == year]
        return sum(lines) if lines else None


@dataclass(frozen=True)
class Actor:
    name: str
    category: str


@dataclass(frozen=True)
class MatrixRow:
    program: Program
    cells: tuple[str | None, ...]  # role keys, aligned with Report.actors


@dataclass(frozen=True)
class Cluster:
    title: str
    program: str  # the title of the program it became, or ""
    cards: tuple[Card, ...]


@dataclass(frozen=True)
class GroupResult:
    """What a working group brought to the plenary ("Hasil kelompok")."""

    name: str
    rapporteur: str  # a name, or ""
    members: tuple[str, ...]  # names
    clusters: tuple[Cluster, ...]
    programs: tuple[str, ...]  # titles of the programs grown from its work


@dataclass(frozen=True)
class Person:
    name: str
    org: str
    role: str
    joined_at: str


@dataclass(frozen=True)
class Phase:
    key: str
    started_at: str
    ended_at: str | None


@dataclass(frozen=True)
class Report:
    t: Catalogue
    room: dict[str, Any]
    snapshot: dict[str, Any]
    voting: dict[str, Any]
    criteria: tuple[Criterion, ...]
    revealed: bool
    vision_statement: tuple[str, ...]  # paragraphs
    missions: tuple[str, ...]
    vision_cards: tuple[Card, ...]
    programs: tuple[Program, ...]
    years: tuple[str, ...]
    actors: tuple[Actor, ...]
    matrix: tuple[MatrixRow, ...]
    clusters: tuple[Cluster, ...]
    unclustered: tuple[Card, ...]
    participants: tuple[Person, ...]
    phases: tuple[Phase, ...]
    card_count: int
    cards: tuple[Card, ...] = field(default=())
    people: People | None = None  # attendance, commitments, follow-up, votes by element
    groups: tuple[GroupResult, ...] = ()
    sources: tuple[dict[str, Any], ...] = ()  # the records the room was started from

    @property
    def tied(self) -> frozenset[int]:
        """Ranks that more than one program shares (equal totals)."""
        ranks = [p.rank for p in self.programs if p.rank is not None]
        return frozenset(r for r in ranks if ranks.count(r) > 1)

    def rank_label(self, p: Program) -> str:
        """``2`` or, for a shared rank, ``2=``; an en dash before the reveal."""
        if p.rank is None:
            return "\u2013"
        return f"{p.rank}=" if p.rank in self.tied else str(p.rank)

    def by_mission(self) -> list[tuple[str, list[Program]]]:
        """Programs under their mission, in mission order, then those without one; in rank
        order within. One group with an empty heading when no program names a mission."""
        if not any(p.mission is not None for p in self.programs):
            return [("", list(self.programs))] if self.programs else []
        known = range(len(self.missions))
        groups = [
            (self.t("mission_heading", n=n + 1, text=self.missions[n]),
             [p for p in self.programs if p.mission == n])
            for n in known
        ]  # fmt: skip
        rest = [p for p in self.programs if p.mission not in known]
        groups.append((self.t("no_mission"), rest))
        return [(heading, programs) for heading, programs in groups if programs]

    @property
    def has_quadrant(self) -> bool:
        return {"feasibility", "urgency"} <= {c.key for c in self.criteria}

    @property
    def has_policies(self) -> bool:
        return any(p.policies or p.strategies or p.goal or p.target for p in self.programs)

    @property
    def has_indicators(self) -> bool:
        return any(p.indicators or p.budget for p in self.programs)


def year_key(year: int | str) -> tuple[int, int, str]:
    """Years sort as numbers ("2025" < "2030"), any other label after them, by text."""
    digits = re.fullmatch(r"\s*(\d{1,6})\s*", str(year))
    return (0, int(digits.group(1)), "") if digits else (1, 0, year.casefold())


def build_report(record: dict[str, Any]) -> Report:
    """Resolve ids to names and order everything as the report shows it."""
    t = catalogue(record["room"].get("language"), record["room"].get("timezone", "UTC"))
    people = {p["id"]: p["name"] for p in record["participants"]}
    actors = {a["id"]: a for a in record["actors"]}
    clusters = {c["id"]: c["title"] for c in record["clusters"]}
    criteria = tuple(_criterion(t, c) for c in record["voting"]["criteria"])
    span = record["room"].get("years")
    planned = {str(y) for y in range(span["from"], span["to"] + 1)} if span else set()
    years = tuple(
        sorted(
            planned
            | {y for p in record["programs"] for i in p["indicators"] for y in i["targets"]},
            key=year_key,
        )
    )
    programs = tuple(_program(p, actors, clusters, years) for p in record["programs"])
    cards = {n["id"]: _card(n, people, clusters) for n in record["notes"]}
    clustered = {n for c in record["clusters"] for n in c["notes"]}
    vision_ids = set(record["vision"]["notes"])
    promoted = {p["cluster"]: p["title"] for p in record["programs"] if p["cluster"]}
    statement = record["vision"]["statement"]
    matrix = record["role_matrix"]
    by_id = {p.id: p for p in programs}
    cluster_view = {
        c["id"]: Cluster(
            title=c["title"],
            program=promoted.get(c["id"], ""),
            cards=tuple(cards[n] for n in c["notes"] if n in cards),
        )
        for c in record["clusters"]
    }
    return Report(
        t=t,
        room=record["room"],
        sources=tuple(record.get("sources", ())),
        snapshot=record["snapshot"],
        voting=record["voting"],
        criteria=criteria,
        revealed=bool(record["voting"]["revealed"]),
        vision_statement=tuple(p.strip() for p in re.split(r"\n\s*\n", statement) if p.strip()),
        missions=tuple(record["vision"]["missions"]),
        vision_cards=tuple(cards[n] for n in record["vision"]["notes"] if n not in clustered),
        programs=programs,
        years=years,
        actors=tuple(
            Actor(name=actors[a]["name"], category=actors[a]["category"])
            for a in matrix["columns"]
            if a in actors
        ),
        matrix=tuple(
            MatrixRow(
                program=by_id[row],
                cells=tuple(
                    cell for a, cell in zip(matrix["columns"], cells, strict=True) if a in actors
                ),
            )
            for row, cells in zip(matrix["rows"], matrix["cells"], strict=True)
            if row in by_id
        ),
        clusters=tuple(cluster_view[c["id"]] for c in record["clusters"]),
        groups=tuple(
            GroupResult(
                name=g["name"],
                rapporteur=people.get(g["rapporteur"] or "", ""),
                members=tuple(people[m] for m in g["members"] if m in people),
                clusters=tuple(cluster_view[c] for c in g["clusters"] if c in cluster_view),
                programs=tuple(
                    p["title"] for p in record["programs"] if g["id"] in p.get("groups", ())
                ),
            )
            for g in record.get("groups", ())
        ),
        unclustered=tuple(
            card for n, card in cards.items() if n not in clustered and n not in vision_ids
        ),
        participants=tuple(
            Person(name=p["name"], org=p["org"], role=p["role"], joined_at=p["joined_at"])
            for p in record["participants"]
        ),
        phases=tuple(
            Phase(key=p["key"], started_at=p["started_at"], ended_at=p["ended_at"])
            for p in record["phases"]
        ),
        card_count=len(cards),
        cards=tuple(cards.values()),
        people=people_view(record, t),
    )


def _criterion(t: Catalogue, row: dict[str, Any]) -> Criterion:
    """Known criteria under their default label speak the room's language."""
    key, label = row["key"], row["label"]
    known = t.data["criteria"].get(key)
    if known and (not label or label == key or label in DEFAULT_LABELS):
        label = known
    return Criterion(key=key, label=label or key, weight=float(row["weight"]))


def _card(note: dict[str, Any], people: dict[str, str], clusters: dict[str, str]) -> Card:
    author = note.get("author")
    return Card(
        text=note["text"],
        author=people.get(author, "") if author else "",
        color=note["color"],
        cluster=clusters.get(note["cluster"] or "", ""),
        phase=note["phase"],
        created_at=note["created_at"],
    )


def _program(
    p: dict[str, Any],
    actors: dict[str, dict[str, Any]],
    clusters: dict[str, str],
    years: tuple[str, ...],
) -> Program:
    by_role: dict[str, list[str]] = {}
    for row in p["roles"]:
        if row["actor"] in actors:
            by_role.setdefault(row["role"], []).append(actors[row["actor"]]["name"])
    return Program(
        id=p["id"],
        rank=p["rank"],
        title=p["title"],
        cluster=clusters.get(p["cluster"] or "", ""),
        scores=p["scores"],
        quadrant=p["quadrant"],
        leads=tuple(by_role.get("lead", ())),
        by_role={role: tuple(names) for role, names in by_role.items()},
        location=p["location"],
        timeframe=p["timeframe"],
        budget=tuple(
            Budget(year=b["year"], amount=float(b["amount"]), source=b["source"])
            for b in sorted(p["budget"], key=lambda b: year_key(b["year"]))
        ),
        indicators=tuple(
            Indicator(
                name=i["name"],
                unit=i["unit"],
                baseline=i["baseline"],
                targets=tuple(i["targets"].get(y) for y in years),
                final=i["final"],
                kind=i.get("kind"),
                baseline_year=i.get("baseline_year"),
                source=i.get("source", ""),
            )
            for i in p["indicators"]
        ),
        policies=tuple(p["policies"]),
        strategies=tuple(p["strategies"]),
        issues=tuple(p["issues"]),
        code=p.get("code") or "",
        nomenclature=p.get("nomenclature") or "",
        urusan=_code_name(p.get("urusan")),
        bidang=_code_name(p.get("bidang")),
        mission=p.get("mission"),
        goal=p.get("goal", ""),
        target=p.get("target", ""),
    )


def _code_name(row: dict[str, str] | None) -> tuple[str, str] | None:
    return (row["code"], row["name"]) if row else None
