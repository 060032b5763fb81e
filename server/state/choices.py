"""The protocol's closed lists that the pages offer as choices (phases, card colours,
matrix roles, categories …), taken from the models so that a page offers exactly what the
server accepts; ``server/pages.py`` hands them to every page (``#choices-data``)."""

from __future__ import annotations

from typing import get_args

from .models import (
    ACTOR_CATEGORIES,
    COLORS,
    GENDERS,
    HORIZONS,
    PARTICIPANT_CATEGORIES,
    PHASES,
    ROLES_IN_MATRIX,
    TimeZone,
    VotingMode,
)
from .ops.groups import GroupsAuto
from .plan_models import IndicatorKind


def choices() -> dict[str, list[str]]:
    """Each list in the order the pages show it."""
    return {
        "phases": list(PHASES),
        "colors": list(COLORS),
        "matrix_roles": list(ROLES_IN_MATRIX),
        "actor_categories": list(ACTOR_CATEGORIES),
        "participant_categories": list(PARTICIPANT_CATEGORIES),
        "genders": list(GENDERS),
        "horizons": list(HORIZONS),
        "timezones": list(get_args(TimeZone)),
        "voting_modes": list(get_args(VotingMode)),
        "indicator_kinds": list(get_args(IndicatorKind)),
        "group_by": list(get_args(GroupsAuto.model_fields["by"].annotation)),
    }
