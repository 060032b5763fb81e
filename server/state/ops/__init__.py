"""Every op of the wire protocol, as a pydantic model, and the log entry that carries one.

The models live by area, one module beside each rule module of ``state/rules``. Client ops
are a discriminated union on ``kind``, derived here from the models, so a new op kind is
declared once (with its rule). Three more kinds are written only by the server
(``room.create``, ``participant.join`` so that joining, too, is ordered in the log, and
``room.seed``, the provenance of a room started from earlier records). Op models ignore
unknown fields: clients may extend their frames, and the events stored in the log carry
fields the reducer added (tallies on reveal, ids on join).
"""

from __future__ import annotations

import math
import sys
from typing import Annotated, Any, Union

from pydantic import Field, TypeAdapter, ValidationError

from ..text import clean_tree
from . import cards, commitments, facilitation, groups, people, plans, roles, seed, undo, votes
from .base import Entry, Op
from .facilitation import RoomCreate
from .people import ParticipantJoin

__all__ = [
    "AREAS",
    "CLIENT_KINDS",
    "CLIENT_OPS",
    "SERVER_OPS",
    "Entry",
    "InvalidOp",
    "Op",
    "ParticipantJoin",
    "RoomCreate",
    "cards",
    "commitments",
    "facilitation",
    "groups",
    "parse_client_op",
    "parse_logged_op",
    "people",
    "plans",
    "roles",
    "seed",
    "undo",
    "votes",
]

# The order docs/protocol.md lists the kinds in: roughly the order of a workshop.
AREAS = (cards, votes, roles, plans, groups, facilitation, undo, people, commitments, seed)
_MODELS = sorted(Op.__subclasses__(), key=lambda op: AREAS.index(sys.modules[op.__module__]))
SERVER_OPS: tuple[type[Op], ...] = tuple(op for op in _MODELS if op.written_by_server)
CLIENT_OPS: tuple[type[Op], ...] = tuple(op for op in _MODELS if not op.written_by_server)
CLIENT_KINDS: frozenset[str] = frozenset(op.kind_name() for op in CLIENT_OPS)

ClientOp = Annotated[Union[CLIENT_OPS], Field(discriminator="kind")]  # type: ignore[valid-type]  # noqa: UP007
AnyOp = Annotated[Union[(*CLIENT_OPS, *SERVER_OPS)], Field(discriminator="kind")]  # type: ignore[valid-type]

_client_ops: TypeAdapter[Op] = TypeAdapter(ClientOp)
_any_ops: TypeAdapter[Op] = TypeAdapter(AnyOp)


class InvalidOp(ValueError):
    """A client op that does not fit the protocol; ``str()`` says why, briefly."""


def _explain(error: ValidationError) -> str:
    first = error.errors(include_url=False)[0]
    loc = first["loc"][1:]  # the first step is the union's tag: the op's kind
    where = ".".join(str(p) for p in loc)
    return f"{where}: {first['msg']}" if where else first["msg"]


def parse_client_op(data: object) -> Op:
    """Validate an op a client sent. Raises InvalidOp; server-only kinds are unknown here."""
    if not isinstance(data, dict):
        raise InvalidOp("op must be an object")
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in CLIENT_KINDS:
        raise InvalidOp(f"unknown op kind: {str(kind)[:40]!r}")
    try:  # every string cleaned, so the event everyone gets is the text the state keeps
        return _client_ops.validate_python(clean_tree(data))
    except ValidationError as error:
        raise InvalidOp(_explain(error)) from None


def parse_logged_op(data: dict[str, Any]) -> Op:
    """Read an op back from the log (any kind, including the server's own)."""
    if data.get("kind") == "program.update" and data.get("budget"):
        data = {**data, "budget": [_budget_v1(line) for line in data["budget"]]}
    return _any_ops.validate_python(data)


def _budget_v1(line: dict[str, Any]) -> dict[str, Any]:
    """A budget line as logs before protocol v1.1 wrote it (year as text, amount a float)."""
    year, amount = line.get("year"), line.get("amount")
    if isinstance(year, str) and year.strip().isdigit():
        year = int(year)
    if isinstance(amount, float) and math.isfinite(amount):
        amount = round(amount)
    return {**line, "year": year, "amount": amount}
