"""Provenance of a room started from records (``rules/seed.py``): ``room.seed`` is the
server's alone and names only what exists. The carrying itself: tests/test_carry.py."""

from __future__ import annotations

import pytest

from server.state import Entry, Rejected, apply, parse_client_op, parse_logged_op
from server.state.ops import InvalidOp

from .board import Board


def test_room_seed_is_the_servers_alone() -> None:
    with pytest.raises(InvalidOp):
        parse_client_op({"kind": "room.seed", "sources": []})
    b = Board()
    b.phase("issues")
    note = b.do(b.facilitator, "note.add", text="Air bersih")["op"]["note"]
    seed = parse_logged_op({
        "kind": "room.seed", "sources": [{"room": "ABC", "title": "t", "horizon": "PWTJM"}],
        "origins": {note: {"room": "ABC", "id": "n9"}}, "phases": {note: "vision"},
    })  # fmt: skip
    by_facilitator = apply(b.state, Entry(seq=b.state.seq + 1, at=1, by=b.facilitator, op=seed))
    assert isinstance(by_facilitator, Rejected) and by_facilitator.code == "forbidden"
    result = apply(b.state, Entry(seq=b.state.seq + 1, at=1, by="", op=seed))
    assert not isinstance(result, Rejected)
    state = result[0]
    assert state.origins[note].id == "n9" and state.notes[note].phase == "vision"
    assert state.sources[0].room == "ABC"


def test_room_seed_names_only_what_exists() -> None:
    b = Board()
    b.phase("issues")
    note = b.do(b.facilitator, "note.add", text="Air bersih")["op"]["note"]
    for fields, code in (
        ({"origins": {"p99": {"room": "ABC", "id": "p1"}}}, "not_found"),
        ({"phases": {"n99": "issues"}}, "not_found"),
        ({"phases": {note: "vote"}}, "invalid"),
    ):
        seed = parse_logged_op({
            "kind": "room.seed", "sources": [{"room": "A", "title": "t", "horizon": "annual"}],
            **fields,
        })  # fmt: skip
        result = apply(b.state, Entry(seq=b.state.seq + 1, at=1, by="", op=seed))
        assert isinstance(result, Rejected) and result.code == code
