"""One regional plan from several records (schema ``spwt.consolidated/1``).

Each record is a *source* (a regency's workshop, a kecamatan's musrenbang). Programs are
matched across sources by their official code (the national nomenclature), otherwise by the
similarity of their titles as the facilitation assistant reads text (stems of the words,
shorthand expanded, function words dropped): a program joins the most similar group that
has none of its own source yet, when at least :data:`SIMILAR` of the words agree. Every
member says how it was matched, and ``mapping`` overrides it: ``{"ROOM/p12": "name"}``
puts the programs given the same name in one group, ``null`` keeps one apart. The plan
returns the mapping it used, in the same form, to be edited and sent back.

Side by side per source: who proposed the program (the source, and the organisations whose
cards made its cluster), its scores and quadrant, lead
agencies, targets and pagu; totals per source and year; each member's share of a
program's pagu and its location (for a cooperation region); and the conflicts: different
leads, and different targets for the same indicator and year.

Pure: records in, a JSON-able dict out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import orjson

from ..state.codes import Code
from .records import (
    DEFAULT_LIMIT,
    ImportedRecord,
    ProgramIn,
    RecordError,
    check_size,
    read_record,
)

SCHEMA = "spwt.consolidated/1"
SIMILAR = 0.5
MAX_SOURCES = 20


@dataclass(slots=True)
class _Member:
    source: str
    ref: str
    program: ProgramIn
    record: ImportedRecord
    by: str  # code, title, mapping, or first (the first of its group)
    score: float | None = None


@dataclass(slots=True)
class _Group:
    key: str
    members: list[_Member] = field(default_factory=list)

    def sources(self) -> set[str]:
        return {m.source for m in self.members}


@cache
def _stems(title: str) -> frozenset[str]:
    from ..suggest.lexicon import load  # the lexicon is read on first use

    return frozenset(t.stem for t in load().normaliser.tokens(title))


def similarity(a: str, b: str) -> float:
    """Share of the words two titles have in common, by stem (Jaccard, 0 to 1)."""
    left, right = _stems(a), _stems(b)
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def source_keys(records: Sequence[ImportedRecord]) -> list[str]:
    """A key per record: its room code (``-2``, ``-3`` … when two share one)."""
    keys: list[str] = []
    for record in records:
        key, n = record.room.code, 1
        while key in keys:
            n += 1
            key = f"{record.room.code}-{n}"
        keys.append(key)
    return keys


def _check_mapping(mapping: dict[str, Any], refs: set[str]) -> None:
    for ref, name in mapping.items():
        if ref not in refs:
            raise RecordError(Code.INVALID, f"mapping.{ref}", "no such program (SOURCE/program id)")
        if name is not None and (not isinstance(name, str) or not name.strip()):
            raise RecordError(Code.INVALID, f"mapping.{ref}", "a group name (text) or null")


def _group(members: list[_Member], mapping: dict[str, str | None]) -> dict[str, _Group]:
    groups: dict[str, _Group] = {}

    def join(key: str, member: _Member) -> None:
        groups.setdefault(key, _Group(key)).members.append(member)

    later = []
    for m in members:
        if m.ref in mapping:
            m.by = "mapping"
            name = mapping[m.ref]
            join(name.strip() if name else f"alone:{m.ref}", m)
        elif m.program.code:
            m.by = "code"
            join(f"code:{m.program.code}", m)
        else:
            later.append(m)
    for m in later:
        own = f"title:{m.ref}"
        best, score = None, 0.0
        for group in groups.values():
            if m.source in group.sources() or group.key.startswith("alone:"):
                continue
            near = max(similarity(m.program.title, o.program.title) for o in group.members)
            if near > score:
                best, score = group, near
        if own in groups:  # a mapping named this program's own group
            m.by = "mapping"
            join(own, m)
        elif best is not None and score >= SIMILAR:
            m.by, m.score = "title", round(score, 2)
            best.members.append(m)
        else:
            m.by = "first"
            join(own, m)
    return groups


def consolidate(
    records: Sequence[ImportedRecord],
    mapping: dict[str, Any] | None = None,
    title: str = "",
) -> dict[str, Any]:
    """The regional plan of ``records``; RecordError for a mapping that names no program."""
    if not records:
        raise RecordError(Code.INVALID, "records", "no records to consolidate", status=400)
    if len(records) > MAX_SOURCES:
        raise RecordError(Code.INVALID, "records", f"at most {MAX_SOURCES} records", status=400)
    keys = source_keys(records)
    members = [
        _Member(key, f"{key}/{p.id}", p, record, by="first")
        for key, record in zip(keys, records, strict=True)
        for p in record.programs
    ]
    mapping = dict(mapping or {})
    _check_mapping(mapping, {m.ref for m in members})
    groups = _group(members, mapping)
    years = sorted({y for r in records for y in r.years()})
    programs = [_program(g, years) for g in groups.values()]
    return {
        "schema": SCHEMA,
        "title": title or " · ".join(dict.fromkeys(r.room.region or r.room.title for r in records)),
        "language": records[0].room.language,
        "years": years,
        "sources": [_source(key, r, years) for key, r in zip(keys, records, strict=True)],
        "programs": programs,
        "totals": _totals(programs, years),
        "mapping": {m.ref: g.key for g in groups.values() for m in g.members},
    }


def _source(key: str, record: ImportedRecord, years: list[int]) -> dict[str, Any]:
    budget = {str(y): 0 for y in years}
    for program in record.programs:
        for line in program.budget:
            budget[str(line.year)] = budget.get(str(line.year), 0) + line.amount
    return {
        "key": key,
        "label": record.room.region or record.room.title,
        "room": record.room.code,
        "title": record.room.title,
        "region": record.room.region,
        "horizon": record.room.horizon,
        "level": record.room.level,
        "years": list(record.years()),
        "fingerprint": record.fingerprint,
        "programs": len(record.programs),
        "budget": budget,
        "pagu": sum(budget.values()),
    }


def _leads(member: _Member) -> list[str]:
    names = member.record.actor_names()
    return [names.get(r.actor, r.actor) for r in member.program.roles if r.role == "lead"]


def _program(group: _Group, years: list[int]) -> dict[str, Any]:
    first = group.members[0].program
    pagu = sum(m.program.pagu() for m in group.members)
    budget = {str(y): 0 for y in years}
    rows = []
    for m in group.members:
        own = {str(line.year): line.amount for line in m.program.budget}
        for year, amount in own.items():
            budget[year] = budget.get(year, 0) + amount
        rows.append(
            {
                "source": m.source,
                "ref": m.ref,
                "program": m.program.id,
                "title": m.program.title,
                "proposers": m.record.proposers(m.program),
                "match": {"by": m.by, "score": m.score},
                "rank": m.program.rank,
                "scores": m.program.scores,
                "quadrant": m.program.quadrant,
                "leads": _leads(m),
                "indicators": [i.model_dump() for i in m.program.indicators],
                "budget": own,
                "pagu": m.program.pagu(),
                "share": round(m.program.pagu() / pagu, 4) if pagu else None,
                "location": m.program.location,
            }
        )
    code = next((m.program.code for m in group.members if m.program.code), None)
    name = next((m.program.nomenclature for m in group.members if m.program.nomenclature), None)
    return {
        "key": group.key,
        "title": first.title,
        "code": code,
        "nomenclature": name,
        "proposed_by": list(dict.fromkeys(m.source for m in group.members)),
        "members": rows,
        "budget": budget,
        "pagu": pagu,
        "targets": _targets(group),
        "conflicts": _conflicts(group),
    }


def _indicator_key(name: str) -> str:
    return " ".join(name.casefold().split())


def _targets(group: _Group) -> list[dict[str, Any]]:
    """Each indicator (by name) with its target per year and source, side by side."""
    table: dict[str, dict[str, Any]] = {}
    for m in group.members:
        for indicator in m.program.indicators:
            row = table.setdefault(
                _indicator_key(indicator.name),
                {"name": indicator.name, "unit": indicator.unit, "targets": {}},
            )
            for year, value in indicator.targets.items():
                if value is not None:
                    row["targets"].setdefault(year, {})[m.source] = value
    for row in table.values():
        row["targets"] = dict(sorted(row["targets"].items()))
    return list(table.values())


def _conflicts(group: _Group) -> list[dict[str, Any]]:
    conflicts: list[dict[str, Any]] = []
    leads = {m.source: _leads(m) for m in group.members if _leads(m)}
    if len({tuple(sorted(n.casefold() for n in names)) for names in leads.values()}) > 1:
        conflicts.append({"kind": "leads", "values": leads})
    for row in _targets(group):
        for year, values in row["targets"].items():
            if len(values) > 1 and len({_same(v) for v in values.values()}) > 1:
                conflicts.append(
                    {"kind": "target", "indicator": row["name"], "year": year, "values": values}
                )
    return conflicts


def _same(value: Any) -> Any:
    return value.casefold().strip() if isinstance(value, str) else float(value)


def _totals(programs: list[dict[str, Any]], years: list[int]) -> dict[str, Any]:
    budget = {str(y): 0 for y in years}
    for program in programs:
        for year, amount in program["budget"].items():
            budget[year] = budget.get(year, 0) + amount
    return {
        "programs": len(programs),
        "budget": budget,
        "pagu": sum(budget.values()),
        "conflicts": sum(len(p["conflicts"]) for p in programs),
    }


def consolidate_documents(
    documents: Sequence[object],
    mapping: dict[str, Any] | None = None,
    title: str = "",
    limit: int = DEFAULT_LIMIT,
) -> dict[str, Any]:
    """The plan of parsed JSON documents (``POST /api/consolidate``): each one size checked
    and read as a record; errors name their place (``records.2.programs.0.title``)."""
    if len(documents) > MAX_SOURCES:
        raise RecordError(Code.INVALID, "records", f"at most {MAX_SOURCES} records", status=400)
    records = []
    for n, document in enumerate(documents):
        try:
            check_size(len(orjson.dumps(document)), limit)
            records.append(read_record(document))
        except RecordError as error:
            raise error.within(f"records.{n}") from None
    return consolidate(records, mapping, title)
