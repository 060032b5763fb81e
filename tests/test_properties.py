"""Property tests: any sequence of ops, valid or not, leaves a consistent state."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.state import InvalidOp, Rejected, RoomState, parse_client_op, replay
from server.state.counts import cards_by_author, vote_totals
from server.state.models import NO_FIELDS, PHASES, ROLES_IN_MATRIX, split_vote_key
from server.state.rules.cards import DELETED_KEPT
from server.state.rules.undo import UNDO_DEPTH
from server.state.tally import tallies
from server.state.views import event_views

from .board import Board

PEOPLE = ("u1", "u2", "u3", "u4", "u9")  # facilitator, two participants, an observer, a stranger
people = st.sampled_from(("u2", "u1", "u3", "u1", "u2", "u4", "u9"))


# Ids are drawn as "the i-th thing of a kind that exists" at the time the op is applied.
def ref(prefix: str) -> st.SearchStrategy[tuple[str, int]]:
    return st.tuples(st.sampled_from([prefix, prefix, prefix, "x"]), st.integers(0, 3))


note, cluster, program, actor = ref("n"), ref("c"), ref("p"), ref("a")
deleted, undoable = ref("d"), ref("u")  # a deleted card; a seq on the undo stack
anything = st.one_of(note, cluster, program)
score = st.one_of(st.none(), st.integers(0, 6))
role = st.sampled_from([None, "lead", "support", "boss"])
mode = st.sampled_from(["dots", "score"])
text = st.sampled_from(["Jalan rusak", "Air bersih", "<b>html</b>", "Sekolah", "", "x" * 501])
criterion = st.sampled_from(["feasibility", "urgency", "growth"])


def op_strategy() -> st.SearchStrategy[dict[str, Any]]:
    def kind(name: str, /, **fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
        return st.fixed_dictionaries({"kind": st.just(name), **fields})

    return st.one_of(
        kind("note.add", text=text),
        kind("note.edit", note=note, text=text),
        kind("note.delete", note=note),
        kind("note.restore", note=deleted),
        kind("op.undo", seq=undoable),
        kind("note.move", note=note, x=st.integers(-10, 2000), y=st.integers(-10, 2000)),
        kind("note.cluster", note=note, cluster=st.one_of(st.none(), cluster)),
        kind("cluster.add", title=text),
        kind("cluster.rename", cluster=cluster, title=text),
        kind("cluster.delete", cluster=cluster),
        kind("cluster.merge", cluster=cluster, into=cluster),
        kind("program.promote", cluster=cluster),
        kind("program.drop", program=program),
        kind("vote.cast", program=program, criterion=criterion),
        kind("vote.retract", program=program, criterion=criterion),
        kind("vote.score", program=program, criterion=criterion, value=score),
        kind("actor.add", name=st.sampled_from(["Bappeda", "Dinas PUPR", "bappeda"])),
        kind("matrix.set", program=program, actor=actor, role=role),
        kind("phase.set", phase=st.sampled_from([*PHASES, "party"])),
        kind("phase.set", phase=st.sampled_from(["issues", "cluster", "vote", "roles"])),
        kind("room.configure", dots=st.integers(1, 6), max_per_item=st.integers(1, 4)),
        kind("room.configure", voting=st.fixed_dictionaries({"mode": mode})),
        kind("room.configure", private_writing=st.booleans(), anonymous=st.booleans()),
        kind("votes.reveal"), kind("notes.reveal"), kind("board.lock"), kind("board.unlock"),
        kind("focus.set", target=st.one_of(st.none(), anything)),
        kind("participant.ready", ready=st.booleans()),
        kind("participant.remove", participant=st.sampled_from(["u3", "u9", "u1"])),
        kind("snapshot.take", label=st.just("s")),
        kind("participant.add", name=text, category=st.sampled_from(["media", "academia"])),
        kind("participant.update", category=st.sampled_from([None, "media", "government"])),
        kind("commitment.set", program=program, actor=actor, text=st.one_of(st.none(), text)),
        kind("followup.add", text=text), kind("followup.delete", followup=st.just("f999")),
        kind("note.add", text=st.integers()),  # wrong type: refused before the reducer
    )  # fmt: skip


def assert_consistent(s: RoomState) -> None:
    for note in s.notes.values():
        assert note.cluster is None or note.cluster in s.clusters
    for program in s.programs.values():
        assert program.cluster is None or program.cluster in s.clusters
    assert set(s.matrix) <= set(s.programs)
    for row in s.matrix.values():
        assert set(row) <= set(s.actors)
        assert set(row.values()) <= set(ROLES_IN_MATRIX)
    criteria = {c.key for c in s.settings.voting.criteria}
    for voter, mine in s.votes.items():
        assert s.role_of(voter) == "participant"
        used: dict[str, int] = {}
        for key, value in mine.items():
            program, crit = split_vote_key(key)
            assert program in s.programs and crit in criteria
            if s.settings.voting.mode == "dots":
                assert 0 < value <= s.settings.max_per_item
                used[crit] = used.get(crit, 0) + value
            else:
                assert 1 <= value <= 5
        assert all(n <= s.settings.dots for n in used.values()), "dot budget exceeded"
    assert s.focus is None or s.focus in {*s.notes, *s.clusters, *s.programs}
    assert all(s.role_of(p) is not None for p in s.ready)
    assert [sn.n for sn in s.snapshots] == list(range(1, len(s.snapshots) + 1))
    counted = tallies(s)
    split = counted.pop("by_category")
    assert counted == reference_tallies(s)
    if s.settings.voting.mode == "dots" and not s.settings.anonymous:
        for p, row in counted["tallies"].items():  # the groups add up to the whole
            for crit, dots in row.items():
                assert sum(group[crit] for group in split[p].values()) == dots
    assert set(s.commitments) <= set(s.programs)
    # The counts kept by difference are those counted from scratch (counts.py).
    assert s.cards_by_author == cards_by_author(s.notes)
    assert s.vote_totals == vote_totals(s.votes)
    assert all(set(row) <= set(s.actors) for row in s.commitments.values())
    assert all(f.actor is None or f.actor in s.actors for f in s.followups.values())
    assert not set(s.deleted) & set(s.notes)  # a card is on the board or deleted, not both
    assert len(s.undo) <= UNDO_DEPTH and len(s.deleted) <= DELETED_KEPT


def reference_tallies(s: RoomState) -> dict[str, Any]:
    """Every vote counted once, the slow and obvious way (what tallies() must agree with)."""
    given: dict[str, dict[str, list[int]]] = {p: {} for p in s.programs}
    voters: dict[str, set[str]] = {p: set() for p in s.programs}
    for voter, mine in s.votes.items():
        for key, value in mine.items():
            program, crit = split_vote_key(key)
            given[program].setdefault(crit, []).append(value)
            voters[program].add(voter)
    rows: dict[str, dict[str, float]] = {}
    for p, by_criterion in given.items():
        values = {c.key: by_criterion.get(c.key, []) for c in s.settings.voting.criteria}
        if s.settings.voting.mode == "score":
            rows[p] = {k: round(sum(v) / len(v), 2) if v else 0 for k, v in values.items()}
        else:
            rows[p] = {k: sum(v) for k, v in values.items()}
    return {"tallies": rows, "voters": {p: len(v) for p, v in voters.items()}}


def resolve(s: RoomState, op: dict[str, Any]) -> dict[str, Any]:
    pools = {"n": s.notes, "c": s.clusters, "p": s.programs, "a": s.actors, "d": s.deleted}

    def pick(value: Any) -> Any:
        if not isinstance(value, tuple):
            return value
        prefix, index = value
        if prefix == "u":  # the top of the stack most often, else one below it or none
            seqs = [r.seq for r in reversed(s.undo)]
            return seqs[index] if index < len(seqs) else 999
        pool = sorted(pools.get(prefix, {}), key=lambda k: int(k[1:]))
        return pool[index] if index < len(pool) else f"{prefix}999"

    return {k: pick(v) for k, v in op.items()}


def seeded_board(phase: str = "lobby") -> Board:
    """A room with cards, clusters, two programs and an actor, for the random ops to hit."""
    b = Board(limits={"cards_per_person": 3})
    alice, bob = b.join("Alice"), b.join("Bob")
    b.join("Layar", role="observer")
    b.phase("issues")
    b.note(alice, "Jalan rusak")
    b.note(bob, "Air bersih")
    b.program("Jalan")
    b.program("Air")
    b.actor()
    b.phase(phase)
    return b


def play(b: Board, by: str, template: dict[str, Any]) -> Any:
    """``template`` resolved against the board and sent by ``by``: its result, or None for
    an op the protocol would not even parse (it never reaches the reducer)."""
    op = resolve(b.state, template)
    try:
        parse_client_op(op)
    except InvalidOp:
        return None
    return b.attempt(by, op["kind"], **{k: v for k, v in op.items() if k != "kind"})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["vote", "cluster", "issues", "roles", "lobby"]),
    st.lists(st.tuples(people, op_strategy()), min_size=10, max_size=80),
)
def test_any_sequence_of_ops_keeps_the_state_consistent(phase: str, steps: list) -> None:
    b = seeded_board(phase)
    for by, template in steps:
        before = b.state
        result = play(b, by, template)
        if result is None:
            continue
        if isinstance(result, Rejected):
            assert b.state is before
        else:
            assert b.state.seq == before.seq + 1
        assert_consistent(b.state)
    assert replay(b.log) == b.state
    assert not NO_FIELDS  # shared by every state model: nothing may add to it


def destructive_or_undo() -> st.SearchStrategy[dict[str, Any]]:
    """The facilitator's destructive ops and undos, often enough for undos to happen."""
    return st.one_of(
        st.fixed_dictionaries({"kind": st.just("op.undo"), "seq": undoable}),
        st.fixed_dictionaries({"kind": st.just("note.delete"), "note": note}),
        st.fixed_dictionaries({"kind": st.just("cluster.delete"), "cluster": cluster}),
        st.fixed_dictionaries(
            {"kind": st.just("cluster.merge"), "cluster": cluster, "into": cluster}
        ),
        st.fixed_dictionaries({"kind": st.just("program.drop"), "program": program}),
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["vote", "cluster", "roles"]),
    st.lists(
        st.one_of(
            st.tuples(people, op_strategy()), st.tuples(st.just("u1"), destructive_or_undo())
        ),
        min_size=10,
        max_size=80,
    ),
)
def test_undos_among_any_ops_keep_the_state_consistent(phase: str, steps: list) -> None:
    b = seeded_board(phase)
    for by, template in steps:
        play(b, by, template)
        assert_consistent(b.state)
    assert replay(b.log) == b.state


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["issues", "cluster", "vote"]),
    st.booleans(),
    st.booleans(),
    st.lists(st.tuples(people, op_strategy()), min_size=10, max_size=60),
)
def test_every_accepted_op_reaches_its_sender_with_its_op_id(
    phase: str, private: bool, anonymous: bool, steps: list
) -> None:
    """Private cards, hidden votes, anonymous rooms, observers: the sender keeps its ack."""
    b = seeded_board("lobby")
    b.do(b.facilitator, "room.configure", private_writing=private, anonymous=anonymous)
    b.phase(phase)
    for by, template in steps:
        op = resolve(b.state, template)
        try:
            parse_client_op(op)
        except InvalidOp:
            continue
        event = b.attempt(by, op["kind"], **{k: v for k, v in op.items() if k != "kind"})
        if isinstance(event, Rejected):
            continue
        views = event_views(event, b.state)
        mine = views.for_viewer(by, b.state.role_of(by) or "participant")
        assert mine["op_id"] == event["op_id"] != ""
        assert (mine["seq"], mine["at"], mine["by"]) == (event["seq"], event["at"], by)
        assert mine["op"]["kind"] == event["op"]["kind"]
        for field, value in parse_client_op(op).normalised().items():  # the ids it names
            if isinstance(value, str) and field not in ("text", "title", "name", "label"):
                assert mine["op"][field] == value
        assert all(mine["op"][k] == v for k, v in mine["op"].items() if k in event["op"])
        for viewer in PEOPLE:
            if viewer == by:
                continue
            seen = views.for_viewer(viewer, b.state.role_of(viewer) or "observer")
            if "by" not in seen:  # authorless, so nothing that names the sender either
                assert "op_id" not in seen
