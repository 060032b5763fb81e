"""The recent events a room keeps for clients that resume and for ops sent twice."""

from __future__ import annotations

from server.rooms.recent import RecentEvents
from server.store import Event


def ev(seq: int) -> Event:
    return {"seq": seq, "at": seq, "by": "u1", "op_id": f"o{seq}", "op": {"kind": "note.add"}}


def kept(seqs: range, limit: int) -> RecentEvents:
    recent = RecentEvents(limit)
    for seq in seqs:
        recent.append(ev(seq))
    return recent


def test_an_empty_log_has_no_first_and_nothing_after_any_seq() -> None:
    recent = kept(range(0), limit=3)
    assert recent.first is None and len(recent) == 0
    assert recent.after(0) == [] and recent.get(1) is None


def test_only_the_newest_are_kept_and_they_come_back_as_they_went_in() -> None:
    recent = kept(range(1, 6), limit=3)
    assert recent.first == 3 and len(recent) == 3
    assert [recent.get(s) for s in (2, 3, 5, 6)] == [None, ev(3), ev(5), None]
    assert recent.after(3) == [ev(4), ev(5)]
    assert recent.after(0) == [ev(3), ev(4), ev(5)]  # older than the first: all kept
    assert recent.after(5) == []
    recent.append(ev(6))
    assert recent.first == 4 and recent.after(4) == [ev(5), ev(6)]
