"""The results of a revealed vote: weighted totals, ranks (ties shared), medians, quadrants.

Stated once: the scenario record, the reveal event and the state the pages receive all
take them from here, so no page recomputes a rank or a median split.
"""

from __future__ import annotations

import statistics
from typing import Any

from .models import RoomState
from .record_models import Quadrant
from .tally import tallies

QUADRANT_AXES = ("urgency", "feasibility")
_TABLE: dict[tuple[bool, bool], Quadrant] = {
    (True, True): "priority",  # urgent and feasible
    (True, False): "enable",  # urgent only: needs enabling conditions
    (False, True): "later",  # feasible only
    (False, False): "drop",
}


def standings(s: RoomState, counted: dict[str, Any] | None = None) -> dict[str, Any]:
    """``{totals, order, ranks, medians, quadrants}`` of the room's programs.

    ``order`` lists programs best first (equal totals in the order they were made); ranks
    are competition ranks (1, 2, 2, 4). A program is high on a criterion when its score is
    above zero and reaches the median of all programs; quadrants exist when the criteria
    include feasibility and urgency (in score mode the scores are the means).
    """
    counted = counted or tallies(s)
    weights = {c.key: c.weight for c in s.settings.voting.criteria}
    rows: dict[str, dict[str, float]] = counted["tallies"]
    totals = {p: round(sum(rows[p][k] * w for k, w in weights.items()), 2) for p in s.programs}
    order = sorted(s.programs, key=lambda p: -totals[p])
    ranks: dict[str, int] = {}
    for n, p in enumerate(order):
        same = n and totals[p] == totals[order[n - 1]]
        ranks[p] = ranks[order[n - 1]] if same else n + 1
    medians: dict[str, float] = {}
    quadrants: dict[str, Quadrant] = {}
    if rows and set(QUADRANT_AXES) <= set(weights):
        medians = {k: statistics.median(rows[p][k] for p in s.programs) for k in QUADRANT_AXES}

        def high(p: str, k: str) -> bool:
            return rows[p][k] > 0 and rows[p][k] >= medians[k]

        quadrants = {p: _TABLE[high(p, "urgency"), high(p, "feasibility")] for p in s.programs}
    return {
        "totals": totals, "order": order, "ranks": ranks, "medians": medians,
        "quadrants": quadrants,
    }  # fmt: skip
