"""The rule book: one small handler per op kind, in a table from kind to handler."""

from . import cards, facilitation, plans, roles, votes  # noqa: F401 - importing registers the rules
from .base import OPEN, RULES, Event, Outcome, Rejected, Rule

__all__ = ["OPEN", "RULES", "Event", "Outcome", "Rejected", "Rule"]
