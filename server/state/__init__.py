"""The pure core: room state, ops, the reducer, redaction and the scenario record."""

from .models import RoomState
from .ops import Entry, InvalidOp, Op, parse_client_op, parse_logged_op
from .reducer import Rejected, apply, create, replay

__all__ = [
    "Entry",
    "InvalidOp",
    "Op",
    "Rejected",
    "RoomState",
    "apply",
    "create",
    "parse_client_op",
    "parse_logged_op",
    "replay",
]
