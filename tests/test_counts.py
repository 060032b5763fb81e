"""The counts a room keeps beside its cards and votes (server/state/counts.py)."""

from __future__ import annotations

from server.state import RoomState
from server.state.tally import participation
from server.state.views import state_view

from .board import Board


def test_a_state_stored_before_the_counts_derives_them_when_it_loads() -> None:
    b = Board(limits={"cards_per_person": 3})
    alice, bob = b.join("Alice"), b.join("Bob")
    b.phase("issues")
    b.note(alice, "Jalan rusak")
    b.note(alice, "Air bersih")
    b.note(bob, "Sekolah")
    stored = b.state.model_dump(mode="json")
    del stored["cards_by_author"], stored["vote_totals"]
    loaded = RoomState.model_validate(stored)
    assert loaded.cards_by_author == {alice: 2, bob: 1}
    assert loaded == b.state


def test_the_card_limit_counts_cards_deleted_and_added_again() -> None:
    b = Board(limits={"cards_per_person": 2})
    alice = b.join("Alice")
    b.phase("issues")
    first = b.note(alice, "Satu")
    b.note(alice, "Dua")
    assert b.attempt(alice, "note.add", text="Tiga").code == "item_limit"
    b.do(alice, "note.delete", note=first)
    assert b.state.cards_by_author == {alice: 1}
    b.note(alice, "Tiga")
    assert b.attempt(alice, "note.add", text="Empat").code == "item_limit"


def test_participation_follows_casts_and_retracts_and_no_view_shows_the_counts() -> None:
    b = Board()
    alice, bob = b.join("Alice"), b.join("Bob")
    b.phase("issues")
    b.note(alice, "Jalan rusak")
    program = b.program("Jalan")
    b.phase("vote")
    b.do(alice, "vote.cast", program=program, criterion="feasibility")
    b.do(alice, "vote.cast", program=program, criterion="feasibility")
    b.do(bob, "vote.cast", program=program, criterion="urgency")
    assert participation(b.state) == {"voters": 2, "used": 3}
    b.do(bob, "vote.retract", program=program, criterion="urgency")
    assert participation(b.state) == {"voters": 1, "used": 2}
    view = state_view(b.state, bob, "participant")
    assert "cards_by_author" not in view and "vote_totals" not in view
