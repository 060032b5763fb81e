"""The rule book's binding: ``@rule`` registers a handler, and the checks rules share.

A handler either returns the next state (and, for a few kinds, fields that the event
carries beyond the op) or raises ``Rejected``. Handlers are grouped by what they are about:
``cards`` (notes and clusters), ``votes`` (programs and voting), ``roles`` (actors, the role
matrix), ``plans`` (program details), ``people`` (joining, paper participants, who they are),
``commitments`` (commitments and the follow-up plan) and ``facilitation`` (phases and the
facilitator's tools).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from ..codes import Code
from ..models import PHASES, Cluster, Criterion, Note, Program, RoomState
from ..ops import Entry, Op
from ..text import clean

Event = dict[str, Any]
Who = Literal["server", "facilitator", "member", "voter"]
Outcome = RoomState | tuple[RoomState, dict[str, Any]]

WRITING = frozenset({"vision", "issues"})
CLUSTERING = frozenset({"cluster"})
VOTING = frozenset({"vote"})
ROLES = frozenset({"roles"})
# In review and closed the board is read-only for everyone but the facilitator.
OPEN = frozenset(PHASES) - {"review", "closed"}
LIST_ITEMS = 50


class Rejected(Exception):
    """An op the rules refuse. ``code`` is one of the rejection codes of the protocol."""

    def __init__(self, code: Code, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"Rejected({self.code!r}, {self.message!r})"


@dataclass(frozen=True, slots=True)
class Rule:
    handler: Callable[..., Outcome]
    who: Who
    phases: frozenset[str] | None


RULES: dict[str, Rule] = {}


def rule(op: type[Op], who: Who, phases: Iterable[str] | None = None) -> Callable[..., Any]:
    """Bind the handler of ``op``'s kind, with who may send it and in which phases.

    The op's model and its rule stand side by side; the kind is read from the model.
    """

    def register(handler: Callable[..., Outcome]) -> Callable[..., Outcome]:
        RULES[op.kind_name()] = Rule(handler, who, None if phases is None else frozenset(phases))
        return handler

    return register


# --- shared checks -------------------------------------------------------------------


# Text is cleaned (``state/text.py``) before it is measured: client ops arrive cleaned
# already, and this covers logs written before the rule and the server's own ops.
def required_text(value: str, limit: int, what: str = "text") -> str:
    value = clean(value).strip()
    if not value:
        raise Rejected(Code.INVALID, f"{what} is empty")
    if len(value) > limit:
        raise Rejected(Code.TOO_LONG, f"{what} is longer than {limit} characters")
    return value


def optional_text(value: str, limit: int, what: str) -> str:
    value = clean(value).strip()
    if len(value) > limit:
        raise Rejected(Code.TOO_LONG, f"{what} is longer than {limit} characters")
    return value


def text_list(values: list[str], limit: int, what: str) -> tuple[str, ...]:
    if len(values) > LIST_ITEMS:
        raise Rejected(Code.TOO_LONG, f"more than {LIST_ITEMS} {what}")
    return tuple(v for v in (optional_text(v, limit, what) for v in values) if v)


def note_of(s: RoomState, note_id: str) -> Note:
    note = s.notes.get(note_id)
    if note is None:
        raise Rejected(Code.NOT_FOUND, f"no note {note_id}")
    return note


def cluster_of(s: RoomState, cluster_id: str) -> Cluster:
    cluster = s.clusters.get(cluster_id)
    if cluster is None:
        raise Rejected(Code.NOT_FOUND, f"no cluster {cluster_id}")
    return cluster


def program_of(s: RoomState, program_id: str) -> Program:
    program = s.programs.get(program_id)
    if program is None:
        raise Rejected(Code.NOT_FOUND, f"no program {program_id}")
    return program


def criterion_of(s: RoomState, key: str) -> Criterion:
    for criterion in s.settings.voting.criteria:
        if criterion.key == key:
            return criterion
    raise Rejected(Code.INVALID, f"no voting criterion {key}")


def own_or_facilitator(s: RoomState, e: Entry, note: Note) -> None:
    if note.author != e.by and s.role_of(e.by) != "facilitator":
        raise Rejected(Code.FORBIDDEN, "only the author or the facilitator may do this")


def room_for_a_card(s: RoomState, author: str) -> None:
    """Refuse one card more for ``author`` past the room's limit (kept per author by the
    reducer: no scan of the room); a card the server carries has no author and no limit."""
    limit = s.limits.cards_per_person
    if author and s.cards_by_author.get(author, 0) >= limit:
        raise Rejected(Code.ITEM_LIMIT, f"at most {limit} cards per person")


def voting_mode(s: RoomState, mode: str) -> None:
    if s.settings.voting.mode != mode:
        raise Rejected(Code.INVALID, f"this room votes in {s.settings.voting.mode} mode")


def release_focus(s: RoomState, *ids: str) -> str | None:
    return None if s.focus in ids else s.focus


def split_program_votes(
    votes: dict[str, dict[str, int]], program: str
) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    """Every ballot without ``program``'s votes, and those votes by voter (voters who cast
    none left out), in one pass over the ballots."""
    prefix = f"{program}/"
    kept: dict[str, dict[str, int]] = {}
    taken: dict[str, dict[str, int]] = {}
    for voter, mine in votes.items():
        kept[voter] = {k: v for k, v in mine.items() if not k.startswith(prefix)}
        if cast := {k: v for k, v in mine.items() if k.startswith(prefix)}:
            taken[voter] = cast
    return kept, taken
