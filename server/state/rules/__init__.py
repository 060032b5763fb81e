"""The rule book: one small handler per op kind, in a table from kind to handler."""

# Importing a module registers its rules.
from . import (  # noqa: F401
    cards,
    commitments,
    facilitation,
    groups,
    people,
    plans,
    roles,
    seed,
    undo,
    votes,
)  # fmt: skip
from .base import OPEN, RULES, Event, Outcome, Rejected, Rule

__all__ = ["OPEN", "RULES", "Event", "Outcome", "Rejected", "Rule", "rule_table"]


def rule_table() -> dict[str, dict[str, object]]:
    """Who may send each client op kind and in which phases (None: any): the server's gate,
    handed to the pages so that they disable what would be refused instead of restating it."""
    return {
        kind: {"who": r.who, "phases": None if r.phases is None else sorted(r.phases)}
        for kind, r in sorted(RULES.items())
        if r.who != "server"
    }
