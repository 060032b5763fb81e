"""Vote tallies: what a reveal shows and what the scenario record ranks by."""

from __future__ import annotations

from typing import Any

from .models import RoomState, split_vote_key


def tallies(s: RoomState) -> dict[str, Any]:
    """Per program and criterion: the dot count (dots mode) or the mean score (score mode).

    ``voters`` counts the distinct participants who gave a program anything.
    """
    mode = s.settings.voting.mode
    sums: dict[str, dict[str, float]] = {p: {} for p in s.programs}
    counts: dict[str, dict[str, int]] = {p: {} for p in s.programs}
    voters: dict[str, set[str]] = {p: set() for p in s.programs}
    for voter, mine in s.votes.items():
        for key, value in mine.items():
            program, criterion = split_vote_key(key)
            if program not in sums:
                continue
            sums[program][criterion] = sums[program].get(criterion, 0) + value
            counts[program][criterion] = counts[program].get(criterion, 0) + 1
            voters[program].add(voter)
    result: dict[str, dict[str, float]] = {}
    for program in s.programs:
        row: dict[str, float] = {}
        for criterion in s.settings.voting.criteria:
            total = sums[program].get(criterion.key, 0)
            if mode == "score":
                n = counts[program].get(criterion.key, 0)
                total = round(total / n, 2) if n else 0
            row[criterion.key] = total
        result[program] = row
    return {"tallies": result, "voters": {p: len(v) for p, v in voters.items()}}


def participation(s: RoomState) -> dict[str, int]:
    """What may be seen before a reveal: how many voted and how many dots (or scores) used."""
    if s.settings.voting.mode == "dots":
        used = sum(sum(mine.values()) for mine in s.votes.values())
    else:
        used = sum(len(mine) for mine in s.votes.values())
    return {"voters": sum(1 for mine in s.votes.values() if mine), "used": used}
