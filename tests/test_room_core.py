"""The room core without I/O: plain synchronous tests, no event loop, no store."""

from __future__ import annotations

from typing import Any

import orjson

from server.rooms.core import GAP, Applied, RoomCore, Submitted, entry_of, fold
from server.settings import Settings
from server.state import Rejected, RoomState, create, parse_client_op, parse_logged_op, replay
from server.state.ops import RoomCreate

NOW = 1_700_000_000_000
SETTINGS = Settings(snapshot_every=5, recent_events=100)


def first_event() -> dict[str, Any]:
    op = RoomCreate(kind="room.create", code="CORE42", title="Lokakarya")
    return {"seq": 1, "at": NOW, "by": "", "op_id": "", "op": op.normalised()}


def new_core(settings: Settings = SETTINGS) -> RoomCore:
    event = first_event()
    return RoomCore(create(entry_of(event)), settings, [event])


def join(name: str, role: str = "participant") -> Submitted:
    op = parse_logged_op({"kind": "participant.join", "name": name, "role": role})
    return Submitted("", "", op)


def by(who: str, op_id: str, kind: str, **fields: Any) -> Submitted:
    return Submitted(who, op_id, parse_client_op({"kind": kind, **fields}))


def run(core: RoomCore, *ops: Submitted) -> Applied:
    """Check a batch and commit what it accepted (what the shell does once it is durable)."""
    return core.commit(core.check(ops, NOW))


def people(core: RoomCore) -> tuple[str, str]:
    """A facilitator and a participant, in the issues phase."""
    applied = run(core, join("Fasilitator", "facilitator"), join("Sari"))
    f, p = (e["op"]["participant"] for e in applied.events)
    run(core, by(f, "f0", "phase.set", phase="issues"))
    return f, p


def test_a_batch_is_checked_op_after_op_and_kept_only_when_committed() -> None:
    core = new_core()
    _, p = people(core)
    before = core.state
    checked = core.check(
        [by(p, "p1", "note.add", text="Air bersih"), by(p, "p2", "note.add", text="Jalan")], NOW
    )
    assert [e["seq"] for e in checked.events] == [before.seq + 1, before.seq + 2]
    assert core.state is before and core.original(p, "p1") == (None, None)  # nothing kept yet
    applied = core.commit(checked)
    assert core.state is checked.head and len(core.state.notes) == 2
    assert applied.events == checked.events and core.original(p, "p1") == (
        checked.events[0]["seq"],
        checked.events[0],
    )


def test_refusals_and_duplicates_name_their_op_and_change_nothing() -> None:
    core = new_core()
    _, p = people(core)
    run(core, by(p, "p1", "note.add", text="Air bersih"))
    before = core.state
    checked = core.check(
        [
            by("stranger", "s1", "note.add", text="x"),  # 0: not a participant
            by(p, "p1", "note.add", text="Air bersih"),  # 1: already applied
            by(p, "p2", "note.add", text="Jalan"),  # 2: accepted
            by(p, "p2", "note.add", text="Jalan"),  # 3: the same op id twice in one batch
        ],
        NOW,
    )
    assert [(i, r.code) for i, r in checked.refused] == [(0, "forbidden")]
    assert checked.duplicates == [1, 3]
    assert [i for i, _, _ in checked.accepted] == [2]
    assert core.state is before


def test_a_failed_append_refuses_what_it_would_have_taken() -> None:
    core = new_core()
    f, _ = people(core)
    checked = core.check([by(f, "f1", "phase.set", phase="clustering")], NOW)
    checked.refuse_all(Rejected("unavailable", "not saved"))
    assert checked.events == [] and [i for i, _ in checked.refused] == [0]


def test_one_frame_per_distinct_view() -> None:
    core = new_core()
    f, p = people(core)
    other = run(core, join("Budi")).events[0]["op"]["participant"]
    run(core, by(f, "f1", "room.configure", private_writing=True))
    applied = run(core, by(p, "p1", "note.add", text="Rahasia"))
    viewers = [(f, "facilitator"), (p, "participant"), (p, "participant"), (other, "participant")]
    frames = core.frames(applied.views, viewers)
    assert set(frames.special) == {(f, "facilitator"), (p, "participant")}
    mine = orjson.loads(frames.for_viewer((p, "participant")))["events"][0]
    theirs = orjson.loads(frames.for_viewer((other, "participant")))["events"][0]
    assert mine["op"]["text"] == "Rahasia" and theirs["op"]["kind"] == "hidden"
    assert frames.for_viewer((other, "participant")) == frames.common


def test_a_snapshot_is_due_every_snapshot_every_events() -> None:
    core = new_core()
    _, p = people(core)  # seq 4
    assert run(core, by(p, "p1", "note.add", text="a")).snapshot_due  # seq 5
    seq, body = core.snapshot()
    assert seq == 5 and orjson.loads(body)["state"]["seq"] == 5
    assert [p, "p1", 5] in orjson.loads(body)["op_ids"]
    assert not run(core, by(p, "p2", "note.add", text="b")).snapshot_due


def test_a_room_with_more_cards_than_snapshot_every_snapshots_once_per_card() -> None:
    """A snapshot costs as much as the room is big: a big room takes one less often."""
    core = new_core()
    _, p = people(core)  # seq 4
    cards = [by(p, f"c{i}", "note.add", text=f"kartu {i}") for i in range(8)]
    assert run(core, *cards).snapshot_due  # seq 12, 8 cards
    core.snapshot()
    for i in range(7):  # seq 13..19: 5 ops are past snapshot_every, 8 not yet
        moved = run(core, by(p, f"m{i}", "note.move", note="n5", x=i, y=i))
        assert not moved.snapshot_due
    assert run(core, by(p, "m7", "note.move", note="n5", x=0, y=0)).snapshot_due  # seq 20


def test_received_events_apply_in_order_and_a_gap_asks_for_the_log() -> None:
    writer, reader = new_core(), new_core()
    f, p = people(writer)
    log = writer.recent.after(1)
    assert reader.receive(log[1:]) == GAP and reader.state.seq == 1
    applied = reader.receive(log)
    assert isinstance(applied, Applied) and reader.state == writer.state
    assert reader.receive(log) is None  # old news
    removal = run(writer, by(f, "f1", "participant.remove", participant=p)).events
    applied = reader.receive(removal)
    assert isinstance(applied, Applied) and applied.removed == {p}


def test_a_welcome_resumes_from_the_recent_events_or_sends_the_state() -> None:
    core = new_core()
    _, p = people(core)
    you = {"id": p}
    fresh = [orjson.loads(frame) for frame in core.welcome(None, (p, "participant"), you, "t")]
    assert len(fresh) == 1 and "state" in fresh[0] and fresh[0]["seq"] == core.state.seq
    resumed = [orjson.loads(frame) for frame in core.welcome(2, (p, "participant"), you, "t")]
    assert "state" not in resumed[0]
    assert [e["seq"] for e in resumed[1]["events"]] == [3, 4]
    small = new_core(Settings(recent_events=1))
    people(small)
    too_old = [orjson.loads(frame) for frame in small.welcome(1, (p, "participant"), you, "t")]
    assert "state" in too_old[0] and len(too_old) == 1


def _log_with_a_refused_entry() -> list[dict[str, Any]]:
    core = new_core()
    people(core)
    log = [first_event(), *core.recent.after(1)]
    # An entry the rules refuse on replay (a log from elsewhere): it still takes its seq.
    op = {"kind": "note.add", "text": "dari luar", "id": "n1"}
    return [*log, {"seq": len(log) + 1, "at": NOW + 9, "by": "stranger", "op_id": "x", "op": op}]


def test_the_one_fold_a_refused_entry_still_takes_its_seq() -> None:
    log = _log_with_a_refused_entry()
    state = fold(log)
    assert isinstance(state, RoomState)
    assert state.seq == log[-1]["seq"] and state.at == log[-1]["at"] and not state.notes
    assert replay(entry_of(e) for e in log) == state  # the reducer's fold agrees
    core = new_core()
    applied = core.receive(log[1:])  # and so does a room receiving it
    assert isinstance(applied, Applied) and core.state == state
    assert applied.views[-1].everyone["op"] == {"kind": "hidden"}
