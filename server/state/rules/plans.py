"""Program details: the rows of the RPJMD/Renstra program matrix (``program.update``).

Numbers stay numbers: an indicator's baseline, yearly targets and final value are numbers,
or short texts for qualitative indicators; a budget line is whole rupiah for one of the
plan's years. A program's ``code`` must be in the national nomenclature at the room's level.
"""

from __future__ import annotations

from typing import Any, TypeVar

from ...reference import nomenclature
from ..codes import Code
from ..models import RoomState, plan_years
from ..ops import Entry
from ..ops import plans as o
from ..plan_models import MAX_RUPIAH, BudgetLine, Indicator, Value
from .base import (
    LIST_ITEMS,
    ROLES,
    Outcome,
    Rejected,
    optional_text,
    program_of,
    required_text,
    rule,
    text_list,
)

T = TypeVar("T")


def _outside(s: RoomState, where: str, year: object) -> Rejected:
    span = plan_years(s)
    return Rejected(
        Code.INVALID, f"{where}: {year} is not a year of the plan {span.from_}-{span.to}"
    )


@rule(o.ProgramUpdate, who="member", phases=ROLES)
def program_update(s: RoomState, e: Entry, op: o.ProgramUpdate) -> Outcome:
    program = program_of(s, op.program)
    given = op.model_fields_set
    text, title = s.limits.text, s.limits.title
    changes: dict[str, Any] = {}
    if op.title is not None:
        changes["title"] = required_text(op.title, title, "title")
    for field in ("policies", "strategies"):
        if (values := getattr(op, field)) is not None:
            changes[field] = text_list(values, text, field)
    short = (("location", title), ("timeframe", title), ("goal", text), ("target", text))
    for field, limit in short:
        if (value := getattr(op, field)) is not None:
            changes[field] = optional_text(value, limit, field)
    if op.indicators is not None:
        changes["indicators"] = tuple(
            _indicator(s, f"indicators.{n}", i) for n, i in enumerate(_bounded(op.indicators))
        )
    if op.budget is not None:
        changes["budget"] = tuple(
            _budget_line(s, f"budget.{n}", b) for n, b in enumerate(_bounded(op.budget))
        )
    if "code" in given:
        changes["code"] = None if op.code is None else _code(s, op.code)
    if "mission" in given:
        changes["mission"] = None if op.mission is None else _mission(s, op.mission)
    updated = program.model_copy(update=changes)
    return s.model_copy(update={"programs": {**s.programs, program.id: updated}})


def _bounded(items: list[T]) -> list[T]:
    if len(items) > LIST_ITEMS:
        raise Rejected(Code.TOO_LONG, f"more than {LIST_ITEMS} rows")
    return items


def _indicator(s: RoomState, where: str, given: Indicator) -> Indicator:
    years = {str(y) for y in plan_years(s).years()}
    outside = sorted(set(given.targets) - years)
    if outside:
        raise _outside(s, f"{where}.targets", outside[0])
    if given.baseline_year is not None and not 1900 <= given.baseline_year <= 2200:
        raise Rejected(Code.INVALID, f"{where}.baseline_year: not a year")
    title = s.limits.title
    return Indicator(
        name=required_text(given.name, s.limits.text, f"{where}.name"),
        unit=optional_text(given.unit, title, f"{where}.unit"),
        kind=given.kind,
        baseline=_value(given.baseline, title, f"{where}.baseline"),
        baseline_year=given.baseline_year,
        targets={
            year: value
            for year, raw in sorted(given.targets.items())
            if (value := _value(raw, title, f"{where}.targets.{year}")) is not None
        },
        final=_value(given.final, title, f"{where}.final"),
        source=optional_text(given.source, title, f"{where}.source"),
    )


def _value(value: Value | None, limit: int, where: str) -> Value | None:
    """A number within ±10^15, or a short text; an empty text is no value."""
    if isinstance(value, str):
        return optional_text(value, limit, where) or None
    if value is not None and abs(value) > MAX_RUPIAH:
        raise Rejected(Code.INVALID, f"{where}: the number is too large")
    return value


def _budget_line(s: RoomState, where: str, given: BudgetLine) -> BudgetLine:
    span = plan_years(s)
    if not span.from_ <= given.year <= span.to:
        raise _outside(s, f"{where}.year", given.year)
    source = optional_text(given.source, s.limits.title, f"{where}.source")
    return BudgetLine(year=given.year, amount=given.amount, source=source)


def _code(s: RoomState, code: str) -> str:
    entry = nomenclature.program(code.strip(), s.settings.level)
    if entry is None:
        raise Rejected(
            Code.INVALID,
            f"code: {code.strip()[:20]} is not a program of the national nomenclature "
            f"for a {s.settings.level}",
        )
    return entry.code


def _mission(s: RoomState, index: int) -> int:
    if not 0 <= index < len(s.vision.missions):
        raise Rejected(Code.INVALID, f"mission: no mission {index} in the vision")
    return index
