"""The planning rows that ops, the state and the record share: indicators, budget lines,
the plan's years, and where a carried item came from."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

IndicatorKind = Literal["outcome", "output"]
# An indicator's value: a number (70, 4.5) or, for a qualitative indicator, a short text
# ("Tersedia"). Numbers stay numbers from the form to the spreadsheet.
Value = int | Annotated[float, Field(allow_inf_nan=False)] | str
MAX_RUPIAH = 10**15


class Planning(BaseModel):
    """The planning rows that ops, the state and the record share: one model each, strict,
    so a client's "70" stays text and 70 stays a number. (Not ``Frozen``: ops nested in a
    partial op are dumped with ``exclude_unset``, which needs the fields-set record.)"""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class Indicator(Planning):
    """A performance indicator (tolok ukur) as the program matrices of RPJMD/Renstra list it.

    ``targets`` maps a year ("2027") to the target of that year; ``final`` is the target at
    the end of the period (kondisi akhir). Logs written before numbers were numbers hold
    text here, and text stays allowed for qualitative indicators.
    """

    name: str
    unit: str = ""
    kind: IndicatorKind | None = None
    baseline: Value | None = None
    baseline_year: int | None = None
    targets: dict[str, Value] = Field(default_factory=dict)
    final: Value | None = None
    source: str = ""


class BudgetLine(Planning):
    """One year's indicative ceiling (pagu indikatif) of a program, in whole rupiah."""

    year: int
    amount: Annotated[int, Field(ge=0, le=MAX_RUPIAH)]
    source: str = ""


class YearRange(Planning):
    """The plan's years, inclusive: one column per year in forms and tables."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", strict=True, validate_by_name=True, serialize_by_alias=True
    )

    from_: int = Field(alias="from")
    to: int

    def years(self) -> tuple[int, ...]:
        return tuple(range(self.from_, self.to + 1))


class Origin(Planning):
    """Where a carried item came from: the source record's room, its fingerprint (when the
    record had one) and the item's id there. A program narrowed from a longer plan (an
    annual room from a PWTJM record) keeps the source plan's years and its total pagu over
    them, beside the one year it now proposes."""

    room: str
    fingerprint: str | None = None
    id: str
    years: YearRange | None = None
    budget_total: Annotated[int, Field(ge=0, le=MAX_RUPIAH * 100)] | None = None


class Source(Planning):
    """A record a room was started from (the record's ``sources``)."""

    room: str
    title: str
    horizon: str
    fingerprint: str | None = None
