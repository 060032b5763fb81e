"""Vote tallies: what a reveal shows and what the scenario record ranks by."""

from __future__ import annotations

from typing import Any

from .models import PARTICIPANT_CATEGORIES, RoomState, vote_key

# In an anonymous room a group of fewer voters than this shows no numbers: with one or two
# voters in a category, its split would be their ballots.
MIN_GROUP = 3
UNSPECIFIED = "unspecified"  # voters who gave no category
SUPPRESSED: dict[str, Any] = {"suppressed": True, "voters": "<3"}


def tallies(s: RoomState) -> dict[str, Any]:
    """Per program and criterion: the dot count (dots mode) or the mean score (score mode).

    ``voters`` counts the distinct participants who gave a program anything; ``by_category``
    is the same per participant category (``category_split``).
    """
    counted = {p: program_tally(s, p) for p in s.programs}
    groups = voter_groups(s)
    return {
        "tallies": {p: row for p, (row, _) in counted.items()},
        "voters": {p: voters for p, (_, voters) in counted.items()},
        "by_category": {p: category_split(s, p, groups) for p in s.programs},
    }


def program_tally(s: RoomState, program: str) -> tuple[dict[str, float], int]:
    """One program's row of ``tallies`` and its voters, without counting the others
    (1,000 voters with 3 dots each: 0.5 ms). Votes only ever name
    the room's criteria (changing them restarts the vote), so their keys are all to look up.
    """
    keys = {c.key: vote_key(program, c.key) for c in s.settings.voting.criteria}
    given: dict[str, list[int]] = {criterion: [] for criterion in keys}
    voters = 0
    for mine in s.votes.values():
        gave = False
        for criterion, key in keys.items():
            if value := mine.get(key):
                given[criterion].append(value)
                gave = True
        voters += gave
    return _row(s, given), voters


def voter_groups(s: RoomState) -> dict[str, list[str]]:
    """Who voted, by category, in the order of ``PARTICIPANT_CATEGORIES`` (then unspecified)."""
    groups: dict[str, list[str]] = {}
    for voter, mine in s.votes.items():
        who = s.participants.get(voter)
        if mine and who is not None:
            groups.setdefault(who.category or UNSPECIFIED, []).append(voter)
    order = (*PARTICIPANT_CATEGORIES, UNSPECIFIED)
    return {c: groups[c] for c in order if c in groups}


def category_split(
    s: RoomState, program: str, groups: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    """``program``'s row per category of voters: criteria, weighted ``total`` and ``voters``.

    Only categories in which someone voted appear. In an anonymous room a category with
    fewer than ``MIN_GROUP`` voters (in the whole vote, not on this program) is ``SUPPRESSED``.
    """
    groups = voter_groups(s) if groups is None else groups
    keys = {c.key: vote_key(program, c.key) for c in s.settings.voting.criteria}
    weights = {c.key: c.weight for c in s.settings.voting.criteria}
    split: dict[str, Any] = {}
    for category, voters in groups.items():
        if s.settings.anonymous and len(voters) < MIN_GROUP:
            split[category] = dict(SUPPRESSED)
            continue
        given: dict[str, list[int]] = {criterion: [] for criterion in keys}
        gave = 0
        for voter in voters:
            mine = s.votes[voter]
            values = [(c, v) for c, key in keys.items() if (v := mine.get(key))]
            for criterion, value in values:
                given[criterion].append(value)
            gave += bool(values)
        row: dict[str, Any] = _row(s, given)
        total = sum(row[key] * weight for key, weight in weights.items())
        split[category] = {**row, "total": round(total, 2), "voters": gave}
    return split


def _row(s: RoomState, given: dict[str, list[int]]) -> dict[str, float]:
    """Each criterion's dots, or its mean score (0 while nobody scored it)."""
    row: dict[str, float] = {}
    for criterion in s.settings.voting.criteria:
        values = given.get(criterion.key, [])
        if s.settings.voting.mode == "score":
            row[criterion.key] = round(sum(values) / len(values), 2) if values else 0
        else:
            row[criterion.key] = sum(values)
    return row


def participation(s: RoomState) -> dict[str, int]:
    """What may be seen before a reveal: how many voted and how many dots (or scores) used."""
    totals = s.vote_totals  # kept by the rules (counts.py): no scan of every ballot
    used = totals["dots"] if s.settings.voting.mode == "dots" else totals["entries"]
    return {"voters": totals["voters"], "used": used}
