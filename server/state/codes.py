"""The error codes of the protocol, in one enum: the reducer's rejections, the rejected and
error frames of the socket, and the ``{"error": {"code"}}`` of the HTTP API all use it.

The values are wire strings (docs/protocol.md lists the first ten with their meaning, which
is written here): renaming one breaks every client, so only add.
"""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    meaning: str

    def __new__(cls, value: str, meaning: str) -> Code:
        member = str.__new__(cls, value)
        member._value_ = value
        member.meaning = meaning
        return member

    # An op refused (a ``rejected`` frame), a malformed frame (``error``), an HTTP error.
    FORBIDDEN = "forbidden", "your role may not do this (or you are not in the room)"
    WRONG_PHASE = "wrong_phase", "not possible in the current phase"
    LOCKED = "locked", "the facilitator locked the board"
    NOT_FOUND = "not_found", "the note, cluster, program, actor or vote does not exist (any more)"
    BUDGET_EXHAUSTED = "budget_exhausted", "all your dots for this criterion are used"
    ITEM_LIMIT = "item_limit", "the most dots on one program, or the most cards per person"
    TOO_LONG = "too_long", "a text or a list is over its limit"
    INVALID = "invalid", "the op does not fit the protocol or the room's settings"
    RATE_LIMITED = "rate_limited", "too many frames per second from this connection"
    UNAVAILABLE = (
        "unavailable",
        "the store could not make the op durable: it was not applied, resend it",
    )
    # HTTP only.
    UNAUTHORIZED = "unauthorized", "no key or token, or not one of the room's (401)"
    NOT_A_RECORD = "not_a_record", "the file is not a scenario record (422, or 400: not JSON)"
    FOREIGN_SCHEMA = "foreign_schema", "a record of another schema than spwt.scenario/1 (422)"
    ERROR = "error", "another HTTP error starlette raised (a status without a code of ours)"
    INTERNAL = "internal", "a fault of the server (500)"


# The codes an op or a frame is refused with: the table of docs/protocol.md.
REJECTIONS: tuple[Code, ...] = tuple(Code)[: list(Code).index(Code.UNAVAILABLE) + 1]
