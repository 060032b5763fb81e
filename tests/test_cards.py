"""Cards and clusters (``rules/cards.py``): who writes, edits, moves and groups them, when."""

from __future__ import annotations

import pytest

from .board import Board


@pytest.fixture
def b() -> Board:
    return Board()


def test_participants_write_cards_only_in_vision_and_issues(b: Board) -> None:
    alice = b.join("Alice")
    assert b.refused(alice, "note.add", text="x") == "wrong_phase"
    for phase in ("vision", "issues"):
        b.phase(phase)
        b.note(alice, f"kartu {phase}")
    b.phase("cluster")
    assert b.refused(alice, "note.add", text="x") == "wrong_phase"
    b.note(b.facilitator, "the facilitator writes in any phase")


def test_card_text_is_checked(b: Board) -> None:
    alice = b.join("Alice")
    b.phase("issues")
    assert b.refused(alice, "note.add", text="   ") == "invalid"
    assert b.refused(alice, "note.add", text="x" * 501) == "too_long"
    assert b.refused(alice, "note.add", text="ok", color="chartreuse") == "invalid"
    event = b.do(alice, "note.add", text="  Air bersih  ", color="green")
    assert event["op"]["text"] == "Air bersih" and event["op"]["color"] == "green"


def test_cards_per_person_are_limited() -> None:
    b = Board(limits={"cards_per_person": 2})
    alice, bob = b.join("Alice"), b.join("Bob")
    b.phase("issues")
    b.note(alice)
    b.note(alice)
    assert b.refused(alice, "note.add", text="one more") == "item_limit"
    b.note(bob)


def test_only_the_author_or_the_facilitator_edits_and_deletes(b: Board) -> None:
    alice, bob = b.join("Alice"), b.join("Bob")
    b.phase("issues")
    note = b.note(alice, "Puskesmas kurang dokter")
    assert b.refused(bob, "note.edit", note=note, text="hijacked") == "forbidden"
    assert b.refused(bob, "note.delete", note=note) == "forbidden"
    b.do(alice, "note.edit", note=note, text="Puskesmas kekurangan dokter")
    assert b.state.notes[note].text == "Puskesmas kekurangan dokter"
    b.do(b.facilitator, "note.edit", note=note, text="Kekurangan dokter")
    b.do(b.facilitator, "note.delete", note=note)
    assert note not in b.state.notes
    assert b.refused(alice, "note.edit", note=note, text="late") == "not_found"


def test_moving_cards(b: Board) -> None:
    alice, bob = b.join("Alice"), b.join("Bob")
    b.phase("issues")
    note = b.note(alice)
    b.do(alice, "note.move", note=note, x=10, y=20)
    assert (b.state.notes[note].x, b.state.notes[note].y) == (10, 20)
    assert b.refused(bob, "note.move", note=note, x=1, y=1) == "forbidden"
    b.phase("cluster")
    b.do(bob, "note.move", note=note, x=1, y=1)
    b.do(b.facilitator, "note.move", note=note, x=5, y=5)
    assert b.refused(bob, "note.move", note="n999", x=1, y=1) == "not_found"


def test_clustering_in_the_cluster_phase(b: Board) -> None:
    alice, bob = b.join("Alice"), b.join("Bob")
    b.phase("issues")
    n1, n2 = b.note(alice, "Jalan rusak"), b.note(bob, "Jembatan putus")
    assert b.refused(alice, "cluster.add", title="Jalan") == "wrong_phase"
    b.phase("cluster")
    c1 = b.cluster(alice, "Jalan")
    c2 = b.cluster(bob, "Jembatan")
    b.do(bob, "note.cluster", note=n1, cluster=c1)
    b.do(alice, "note.cluster", note=n2, cluster=c2)
    b.do(alice, "cluster.rename", cluster=c1, title="Jalan dan jembatan")
    assert b.state.clusters[c1].title == "Jalan dan jembatan"
    assert b.refused(alice, "cluster.merge", cluster=c1, into=c1) == "invalid"
    assert b.refused(alice, "note.cluster", note=n1, cluster="c999") == "not_found"
    b.do(alice, "cluster.merge", cluster=c2, into=c1)
    assert c2 not in b.state.clusters
    assert b.state.notes[n2].cluster == c1
    b.do(alice, "note.cluster", note=n2, cluster=None)
    assert b.state.notes[n2].cluster is None
    b.do(bob, "cluster.delete", cluster=c1)
    assert b.state.notes[n1].cluster is None
    assert b.refused(bob, "cluster.rename", cluster=c1, title="x") == "not_found"
    assert b.refused(bob, "cluster.add", title="t" * 121) == "too_long"


def test_a_delete_wins_over_later_edits(b: Board) -> None:
    alice = b.join("Alice")
    b.phase("cluster")
    cluster = b.cluster(alice)
    b.do(alice, "cluster.delete", cluster=cluster)
    assert b.refused(alice, "cluster.rename", cluster=cluster, title="x") == "not_found"


# --- deleted cards and note.restore -------------------------------------------------


def test_a_deleted_card_is_restored_by_its_author_or_the_facilitator(b: Board) -> None:
    alice, bob = b.join("Alice"), b.join("Bob")
    b.phase("issues")
    note = b.note(alice, "Puskesmas kurang dokter")
    kept = b.state.notes[note]
    b.do(alice, "note.delete", note=note)
    assert b.state.deleted[note] == kept and b.state.cards_by_author == {}
    assert b.refused(bob, "note.restore", note=note) == "forbidden"
    event = b.do(alice, "note.restore", note=note)
    assert event["op"]["text"] == kept.text and event["op"]["author"] == alice
    assert b.state.notes[note] == kept and note not in b.state.deleted
    assert b.state.cards_by_author == {alice: 1}
    assert b.refused(alice, "note.restore", note=note) == "not_found"  # back already
    b.do(alice, "note.delete", note=note)
    b.do(b.facilitator, "note.restore", note=note)
    assert b.state.notes[note].author == alice


def test_a_card_restored_into_a_cluster_gone_since_is_unclustered(b: Board) -> None:
    alice = b.join("Alice")
    b.phase("issues")
    note = b.note(alice)
    b.phase("cluster")
    cluster = b.cluster(alice)
    b.do(alice, "note.cluster", note=note, cluster=cluster)
    b.do(alice, "note.delete", note=note)
    assert b.state.deleted[note].cluster == cluster
    b.do(alice, "cluster.delete", cluster=cluster)
    b.do(alice, "note.restore", note=note)
    assert b.state.notes[note].cluster is None


def test_restoring_keeps_to_the_card_limit_the_lock_and_the_phases() -> None:
    b = Board(limits={"cards_per_person": 1})
    alice = b.join("Alice")
    b.phase("issues")
    note = b.note(alice)
    b.do(alice, "note.delete", note=note)
    b.note(alice, "another card")
    assert b.refused(alice, "note.restore", note=note) == "item_limit"
    assert b.refused(b.facilitator, "note.restore", note=note) == "item_limit"
    b.do(alice, "note.delete", note=next(iter(b.state.notes)))
    b.do(b.facilitator, "board.lock")
    assert b.refused(alice, "note.restore", note=note) == "locked"
    b.do(b.facilitator, "board.unlock")
    b.phase("review")
    assert b.refused(alice, "note.restore", note=note) == "wrong_phase"
    b.do(b.facilitator, "note.restore", note=note)  # the facilitator in any phase


def test_the_room_keeps_a_bounded_number_of_deleted_cards(b: Board) -> None:
    from server.state.rules.cards import DELETED_KEPT

    b.phase("issues")
    for i in range(DELETED_KEPT + 5):
        b.do(b.facilitator, "note.delete", note=b.note(b.facilitator, f"kartu {i}"))
    assert len(b.state.deleted) == DELETED_KEPT
    assert next(iter(b.state.deleted.values())).text == "kartu 5"  # the oldest went
