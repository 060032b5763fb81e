"""The rule book: one small handler per op kind, in a table from kind to handler."""

# Importing a module registers its rules.
from . import cards, commitments, facilitation, people, plans, roles, votes  # noqa: F401
from .base import OPEN, RULES, Event, Outcome, Rejected, Rule

__all__ = ["OPEN", "RULES", "Event", "Outcome", "Rejected", "Rule"]
