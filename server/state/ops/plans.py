"""A program's planning details (indicators, budget, code, mission)."""

from __future__ import annotations

from typing import ClassVar, Literal

from ..plan_models import BudgetLine, Indicator
from .base import Op


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
