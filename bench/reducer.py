"""Reducer throughput on one core: ops applied per second for a realistic workshop mix.

Baseline in the same run: the cheapest possible immutable step (one ``model_copy`` of the
state per op), so the ratio says what the rules themselves cost.

    python -m bench.reducer [--ops 50000]

Then the cost of one op in a small room (50 cards, 10 participants) and in a big one
(5000 cards, 1000 participants who each cast 3 dots), with the votes hidden: ``note.add``
(counts its author's cards), ``vote.cast`` and the views of its event (the participation
every recipient is shown). Goal: the same in both.
"""

from __future__ import annotations

import argparse
import time

from server.state import Entry, Rejected, apply, create, parse_client_op, parse_logged_op
from server.state.ops import RoomCreate
from server.state.views import event_views


def _room(participants: int = 30):
    op = RoomCreate(kind="room.create", code="BENCH", title="b")
    state = create(Entry(seq=1, at=0, by="", op=op))
    seq = 1
    for i in range(participants + 1):
        seq += 1
        role = "facilitator" if i == 0 else "participant"
        join = parse_logged_op({"kind": "participant.join", "name": f"P{i}", "role": role})
        state, _ = apply(state, Entry(seq=seq, at=seq, by="", op=join))
    return state


def _mix(state, ops: int) -> list[Entry]:
    """Cards, then moves, clustering and edits, then dot votes: a workshop's busy hour."""

    def step(by: str, **op: object) -> None:
        nonlocal state
        entry = Entry(
            seq=state.seq + 1, at=state.seq, by=by, op_id=str(state.seq), op=parse_client_op(op)
        )
        result = apply(state, entry)
        if not isinstance(result, Rejected):
            state = result[0]
            entries.append(entry)

    entries: list[Entry] = []
    step("u1", kind="phase.set", phase="issues")
    for i in range(200):
        step(f"u{2 + i % 30}", kind="note.add", text=f"Kartu nomor {i} tentang jalan desa")
    notes = list(state.notes)
    step("u1", kind="phase.set", phase="cluster")
    for c in range(6):
        step("u1", kind="cluster.add", title=f"Klaster {c}")
    clusters = list(state.clusters)
    for c in clusters:
        step("u1", kind="program.promote", cluster=c)
    programs = list(state.programs)
    i = 0
    while len(entries) < ops // 2:
        i += 1
        by = f"u{2 + i % 30}"
        choice = i % 4
        if choice == 0:
            step(by, kind="note.move", note=notes[i % len(notes)], x=i % 900, y=i % 700)
        elif choice == 1:
            step(by, kind="note.cluster", note=notes[i % len(notes)], cluster=clusters[i % 6])
        elif choice == 2:
            step(by, kind="note.edit", note=notes[(i * 7) % len(notes)], text=f"edit {i}")
        else:
            step("u1", kind="note.move", note=notes[i % len(notes)], x=i % 500, y=3)
    step("u1", kind="phase.set", phase="vote")
    while len(entries) < ops:  # every voter casts a dot, then takes it back
        i += 1
        by, program = f"u{2 + i % 30}", programs[i % len(programs)]
        criterion = ("urgency", "feasibility")[i // 30 % 2]
        step(by, kind="vote.cast", program=program, criterion=criterion)
        step(by, kind="vote.retract", program=program, criterion=criterion)
    return entries[:ops]


def _sized(cards: int, people: int):
    """A room in the vote phase: ``cards`` cards by ``people`` participants, 3 dots each."""
    state = _room(people)
    seq = state.seq

    def step(by: str, **op: object):
        nonlocal state, seq
        seq += 1
        entry = Entry(seq=seq, at=seq, by=by, op_id=str(seq), op=parse_client_op(op))
        result = apply(state, entry)
        assert not isinstance(result, Rejected), (op, result)
        state = result[0]
        return result[1]

    step("u1", kind="phase.set", phase="issues")
    for i in range(cards):
        step(f"u{2 + i % people}", kind="note.add", text=f"Kartu {i}")
    step("u1", kind="phase.set", phase="cluster")
    programs = []
    for c in range(6):
        cluster = step("u1", kind="cluster.add", title=f"Klaster {c}")["op"]["cluster"]
        programs.append(step("u1", kind="program.promote", cluster=cluster)["op"]["program"])
    step("u1", kind="phase.set", phase="vote")
    for i in range(people):
        for n in range(3):
            step(f"u{2 + i}", kind="vote.cast", program=programs[n], criterion="feasibility")
    return state, programs


def per_op(cards: int, people: int, repeat: int = 2000) -> dict[str, float]:
    """µs of one op applied to the same state ``repeat`` times (process time)."""
    state, programs = _sized(cards, people)
    seq = state.seq + 1
    add = Entry(seq=seq, at=seq, by="u1", op_id="a",
                op=parse_client_op({"kind": "note.add", "text": "Kartu baru"}))  # fmt: skip
    cast = Entry(seq=seq, at=seq, by="u2", op_id="v", op=parse_client_op(
        {"kind": "vote.cast", "program": programs[4], "criterion": "urgency"}))  # fmt: skip
    figures: dict[str, float] = {}
    for name, entry in (("note.add", add), ("vote.cast", cast)):
        started = time.process_time()
        for _ in range(repeat):
            result = apply(state, entry)
        figures[name] = (time.process_time() - started) / repeat * 1e6
        assert not isinstance(result, Rejected), result
    after, event = apply(state, cast)  # type: ignore[misc]
    started = time.process_time()
    for _ in range(repeat):
        event_views(event, after)
    figures["vote views"] = (time.process_time() - started) / repeat * 1e6
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ops", type=int, default=50_000)
    args = parser.parse_args(argv)
    room = _room()
    entries = _mix(room, args.ops)
    state, refused = room, 0
    started = time.process_time()
    for entry in entries:
        result = apply(state, entry)
        if isinstance(result, Rejected):
            refused += 1
        else:
            state = result[0]
    ours = len(entries) / (time.process_time() - started)
    print(
        f"reducer: {ours:,.0f} ops/s on one core "
        f"({len(entries):,} ops, {refused} refused, {len(state.notes)} cards at the end)"
    )
    started = time.process_time()
    state = room
    for entry in entries:
        state = state.model_copy(update={"seq": entry.seq})
    floor = len(entries) / (time.process_time() - started)
    print(f"baseline (one model_copy per op): {floor:,.0f} ops/s")
    print(f"ours/baseline = {ours / floor:.2f}")
    small, big = per_op(50, 10), per_op(5000, 1000)
    print("\n| op | 50 cards, 10 people (µs) | 5000 cards, 1000 people (µs) | big / small |")
    print("|---|---|---|---|")
    for name in small:
        print(f"| {name} | {small[name]:.1f} | {big[name]:.1f} | {big[name] / small[name]:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
