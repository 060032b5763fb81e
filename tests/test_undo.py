"""Undo of the facilitator's last destructive op (``rules/undo.py``): what comes back, and
which undo is refused."""

from __future__ import annotations

from server.state import replay
from server.state.rules.undo import UNDO_DEPTH
from server.state.views import event_views, state_view

from .board import Board


def _clustered() -> tuple[Board, str, dict[str, str], dict[str, str]]:
    """Alice's three cards, in clusters "Air bersih" (two) and "Jalan" (one)."""
    b = Board()
    alice = b.join("Alice")
    b.phase("issues")
    notes = {t: b.note(alice, t) for t in ("Sumur kering", "PDAM mati", "Jalan rusak")}
    b.phase("cluster")
    clusters = {t: b.cluster(b.facilitator, t) for t in ("Air bersih", "Jalan")}
    for text, cluster in (("Sumur kering", "Air bersih"), ("PDAM mati", "Air bersih"),
                          ("Jalan rusak", "Jalan")):  # fmt: skip
        b.do(alice, "note.cluster", note=notes[text], cluster=clusters[cluster])
    return b, alice, notes, clusters


def test_a_merge_undone_brings_the_cluster_and_its_cards_back() -> None:
    b, _alice, notes, clusters = _clustered()
    water, road = clusters["Air bersih"], clusters["Jalan"]
    b.do(b.facilitator, "focus.set", target=water)
    before = b.state.clusters[water]
    merge = b.do(b.facilitator, "cluster.merge", cluster=water, into=road)
    assert merge["op"]["undoable"] is True
    assert state_view(b.state, b.facilitator, "facilitator")["undo"] == [
        {"seq": merge["seq"], "kind": "cluster.merge", "title": "Air bersih"}
    ]
    undo = b.do(b.facilitator, "op.undo", seq=merge["seq"])
    assert undo["op"] == {"kind": "op.undo", "seq": merge["seq"], "undone": "cluster.merge",
                          "resync": True}  # fmt: skip
    assert b.state.clusters[water] == before and road in b.state.clusters
    assert {k: n.cluster for k, n in b.state.notes.items()} == {
        notes["Sumur kering"]: water,
        notes["PDAM mati"]: water,
        notes["Jalan rusak"]: road,
    }
    assert b.state.focus == water and b.state.undo == ()
    assert b.refused(b.facilitator, "op.undo", seq=merge["seq"]) == "invalid"  # done once
    assert replay(b.log) == b.state


def test_an_undo_leaves_cards_deleted_or_moved_since_where_they_are() -> None:
    b, alice, notes, clusters = _clustered()
    water, road = clusters["Air bersih"], clusters["Jalan"]
    merge = b.do(b.facilitator, "cluster.merge", cluster=water, into=road)
    b.do(alice, "note.delete", note=notes["Sumur kering"])
    b.do(alice, "note.cluster", note=notes["PDAM mati"], cluster=None)
    b.do(b.facilitator, "op.undo", seq=merge["seq"])
    assert water in b.state.clusters
    assert notes["Sumur kering"] not in b.state.notes
    assert b.state.notes[notes["PDAM mati"]].cluster is None
    assert b.state.notes[notes["Jalan rusak"]].cluster == road


def test_a_deleted_cluster_undone_takes_its_cards_and_program_back() -> None:
    b, _alice, notes, clusters = _clustered()
    water = clusters["Air bersih"]
    program = b.do(b.facilitator, "program.promote", cluster=water)["op"]["program"]
    gone = b.do(b.facilitator, "cluster.delete", cluster=water)
    assert b.state.programs[program].cluster is None
    b.do(b.facilitator, "op.undo", seq=gone["seq"])
    assert b.state.programs[program].cluster == water
    assert b.state.notes[notes["Sumur kering"]].cluster == water


def test_a_card_the_facilitator_deleted_comes_back_by_undo() -> None:
    b, alice, notes, clusters = _clustered()
    card = notes["PDAM mati"]
    gone = b.do(b.facilitator, "note.delete", note=card)
    assert card in b.state.deleted and b.state.cards_by_author[alice] == 2
    b.do(b.facilitator, "op.undo", seq=gone["seq"])
    assert b.state.notes[card].cluster == clusters["Air bersih"]
    assert card not in b.state.deleted and b.state.cards_by_author[alice] == 3
    assert replay(b.log) == b.state


def test_a_dropped_program_comes_back_with_its_votes_roles_and_details() -> None:
    b = Board()
    alice, bob = b.join("Alice"), b.join("Bob")
    program, other = b.program("Air bersih"), b.program("Jalan")
    b.do(b.facilitator, "program.update", program=program, location="Desa Sukamaju")
    actor = b.actor()
    b.do(b.facilitator, "matrix.set", program=program, actor=actor, role="lead")
    b.do(b.facilitator, "commitment.set", program=program, actor=actor, text="Anggaran 2027")
    b.phase("vote")
    for voter in (alice, bob):
        b.do(voter, "vote.cast", program=program, criterion="urgency")
    b.do(alice, "vote.cast", program=other, criterion="urgency")
    kept = b.state
    dropped = b.do(b.facilitator, "program.drop", program=program)
    assert program not in b.state.programs and b.state.vote_totals["dots"] == 1
    b.do(b.facilitator, "op.undo", seq=dropped["seq"])
    for field in ("programs", "matrix", "commitments", "votes", "vote_totals"):
        assert getattr(b.state, field) == getattr(kept, field), field
    assert replay(b.log) == b.state


def test_votes_come_back_only_within_the_budget() -> None:
    b = Board()
    alice = b.join("Alice")
    program, other = b.program("Air bersih"), b.program("Jalan")
    b.do(b.facilitator, "room.configure", dots=2)
    b.phase("vote")
    b.do(alice, "vote.cast", program=program, criterion="urgency")
    dropped = b.do(b.facilitator, "program.drop", program=program)
    for _ in range(2):  # the dot came back to Alice, who spends it elsewhere
        b.do(alice, "vote.cast", program=other, criterion="urgency")
    b.do(b.facilitator, "op.undo", seq=dropped["seq"])
    assert program in b.state.programs
    assert b.state.votes[alice] == {f"{other}/urgency": 2}


def test_only_the_top_of_the_stack_is_undone_and_only_by_the_facilitator() -> None:
    b, alice, notes, clusters = _clustered()
    assert b.refused(b.facilitator, "op.undo", seq=1) == "invalid"  # nothing to undo
    first = b.do(b.facilitator, "note.delete", note=notes["Jalan rusak"])
    second = b.do(b.facilitator, "cluster.delete", cluster=clusters["Jalan"])
    assert b.refused(alice, "op.undo", seq=second["seq"]) == "forbidden"
    assert b.refused(b.facilitator, "op.undo", seq=first["seq"]) == "invalid"
    b.do(b.facilitator, "op.undo", seq=second["seq"])
    b.do(b.facilitator, "op.undo", seq=first["seq"])  # then the one below
    assert b.refused(b.facilitator, "op.undo", seq=first["seq"]) == "invalid"


def test_a_participants_own_deletions_and_merges_are_not_on_the_stack() -> None:
    b, alice, notes, clusters = _clustered()
    event = b.do(alice, "cluster.merge", cluster=clusters["Air bersih"], into=clusters["Jalan"])
    b.do(alice, "note.delete", note=notes["Jalan rusak"])
    assert "undoable" not in event["op"] and b.state.undo == ()


def test_the_stack_keeps_the_last_few() -> None:
    b = Board()
    b.phase("issues")
    cards = [b.note(b.facilitator, f"kartu {i}") for i in range(UNDO_DEPTH + 3)]
    seqs = [b.do(b.facilitator, "note.delete", note=n)["seq"] for n in cards]
    assert [r.seq for r in b.state.undo] == seqs[-UNDO_DEPTH:]


def test_the_undo_stack_is_the_facilitators_alone_to_see() -> None:
    b, alice, _notes, clusters = _clustered()
    water, road = clusters["Air bersih"], clusters["Jalan"]
    merge = b.do(b.facilitator, "cluster.merge", cluster=water, into=road)
    assert state_view(b.state, alice, "participant")["undo"] == []
    assert state_view(b.state, "u9", "observer")["undo"] == []
    undo = b.do(b.facilitator, "op.undo", seq=merge["seq"])
    # Everyone reloads the room, and sees it as the views shape it.
    assert event_views(undo, b.state).for_viewer(alice, "participant")["op"]["resync"] is True


def test_what_comes_back_stands_where_it_stood() -> None:
    b, alice, notes, clusters = _clustered()
    merge = b.do(
        b.facilitator, "cluster.merge", cluster=clusters["Air bersih"], into=clusters["Jalan"]
    )
    b.do(b.facilitator, "op.undo", seq=merge["seq"])
    assert list(b.state.clusters) == [clusters["Air bersih"], clusters["Jalan"]]
    first = notes["Sumur kering"]
    b.do(alice, "note.delete", note=first)
    b.do(alice, "note.restore", note=first)
    assert next(iter(b.state.notes)) == first and b.state.cards_by_author == {alice: 3}
