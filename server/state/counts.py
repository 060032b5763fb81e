"""Counts a room keeps beside its cards and votes, so that no op scans the whole room.

``note.add`` needs the author's card count and every hidden vote event the room's
participation; both were a scan of every card or every ballot, so a 5000-card room paid 100
times a 50-card room's price per op. The state carries them (``RoomState.cards_by_author``
and ``vote_totals``); the rules that change one card or one ballot update them by the
difference, and the reducer recounts after any other rule that changed cards or votes
(``kept``), so a rule that forgets them is slow, never wrong. They are a function of
``notes`` and ``votes`` alone: a replay derives the same, and a state stored before they
existed derives them when it loads.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def cards_by_author(notes: Mapping[str, Any]) -> dict[str, int]:
    """How many cards each author has (an author with none is absent)."""
    counts: dict[str, int] = {}
    for note in notes.values():
        author = note["author"] if isinstance(note, dict) else note.author
        counts[author] = counts.get(author, 0) + 1
    return counts


def counted(counts: dict[str, int], author: str, delta: int) -> dict[str, int]:
    """``counts`` with ``author``'s changed by ``delta``; an author at zero leaves the dict,
    so that a count kept by differences equals one derived from scratch."""
    n = counts.get(author, 0) + delta
    if n:
        return {**counts, author: n}
    return {k: v for k, v in counts.items() if k != author}


def vote_totals(votes: Mapping[str, Mapping[str, int]]) -> dict[str, int]:
    """``voters`` (with any ballot), ``dots`` (the sum of every value) and ``entries`` (the
    number of values): participation in either voting mode, so a mode change keeps them."""
    totals = {"voters": 0, "dots": 0, "entries": 0}
    for mine in votes.values():
        totals = ballot_changed(totals, {}, mine)
    return totals


def ballot_changed(
    totals: dict[str, int], before: Mapping[str, int], after: Mapping[str, int]
) -> dict[str, int]:
    """``totals`` after one voter's ballot went from ``before`` to ``after``."""
    return {
        "voters": totals["voters"] + bool(after) - bool(before),
        "dots": totals["dots"] + sum(after.values()) - sum(before.values()),
        "entries": totals["entries"] + len(after) - len(before),
    }


def recounted(before: Any, after: Any) -> dict[str, Any]:
    """What the reducer updates after a rule: the counts it left stale, or nothing.

    ``before`` and ``after`` are room states. A card's author never changes, so cards that
    kept their number kept their counts; a card added last (``note.add``) is counted alone.
    """
    update: dict[str, Any] = {}
    if after.notes is not before.notes and after.cards_by_author is before.cards_by_author:
        grown = len(after.notes) - len(before.notes)
        if grown == 1 and (last := next(reversed(after.notes))) not in before.notes:
            update["cards_by_author"] = counted(before.cards_by_author, after.notes[last].author, 1)
        elif grown:
            update["cards_by_author"] = cards_by_author(after.notes)
    if after.votes is not before.votes and after.vote_totals is before.vote_totals:
        update["vote_totals"] = vote_totals(after.votes)
    return update
