"""Redaction per recipient: hidden votes, private cards, anonymous authors."""

from __future__ import annotations

from server.state.record import build_record
from server.state.views import event_views, state_view

from .board import Board


def _voting_room() -> tuple[Board, str, str, str]:
    b = Board()
    alice, bob = b.join("Alice"), b.join("Bob")
    program = b.program()
    b.phase("vote")
    return b, alice, bob, program


def test_votes_are_hidden_from_everyone_but_the_voter_until_revealed() -> None:
    b, alice, bob, program = _voting_room()
    event = b.do(alice, "vote.cast", program=program, criterion="urgency")
    views = event_views(event, b.state)
    assert views.for_viewer(alice, "participant") == event
    for viewer, role in ((bob, "participant"), (b.facilitator, "facilitator"), ("u9", "observer")):
        seen = views.for_viewer(viewer, role)
        assert seen["op"]["kind"] == "hidden" and seen["seq"] == event["seq"]
        assert "by" not in seen and "program" not in str(seen)
        assert seen["op"]["participation"] == {"voters": 1, "used": 1}
    facilitator = state_view(b.state, b.facilitator, "facilitator")
    assert facilitator["votes"]["mine"] == [] and "tallies" not in facilitator["votes"]
    assert facilitator["votes"]["participation"] == {"voters": 1, "used": 1}
    assert state_view(b.state, alice, "participant")["votes"]["mine"] == [
        {"program": program, "criterion": "urgency", "value": 1}
    ]
    b.do(b.facilitator, "votes.reveal")
    assert state_view(b.state, bob, "participant")["votes"]["tallies"][program]["urgency"] == 1


def test_private_writing_shows_only_ones_own_cards_and_a_count() -> None:
    b = Board()
    alice, bob = b.join("Alice"), b.join("Bob")
    b.do(b.facilitator, "room.configure", private_writing=True)
    b.phase("issues")
    event = b.do(alice, "note.add", text="Rahasia Alice")
    views = event_views(event, b.state)
    assert views.for_viewer(alice, "participant") == event
    assert views.for_viewer(bob, "participant")["op"] == {"kind": "hidden", "note_count": 1}
    assert "Rahasia" not in str(state_view(b.state, bob, "participant"))
    assert state_view(b.state, bob, "participant")["hidden_notes"] == 1
    assert "Rahasia" in str(state_view(b.state, b.facilitator, "facilitator"))
    reveal = b.do(b.facilitator, "notes.reveal")
    assert "Rahasia" in str(event_views(reveal, b.state).for_viewer(bob, "participant"))
    assert "Rahasia" in str(state_view(b.state, bob, "participant"))


def test_anonymous_rooms_hide_authors_except_from_themselves() -> None:
    b = Board()
    alice, bob = b.join("Alice"), b.join("Bob")
    b.do(b.facilitator, "room.configure", anonymous=True)
    b.phase("issues")
    event = b.do(alice, "note.add", text="Kartu tanpa nama")
    views = event_views(event, b.state)
    assert "by" not in views.for_viewer(bob, "participant")
    assert "op_id" not in views.for_viewer(bob, "participant")  # "alice-1" would name her
    assert "by" not in views.for_viewer(b.facilitator, "facilitator")
    assert views.for_viewer(alice, "participant")["by"] == alice
    note = event["op"]["note"]
    assert "author" not in state_view(b.state, bob, "participant")["notes"][note]
    assert state_view(b.state, alice, "participant")["notes"][note]["author"] == alice


def test_anonymous_reveal_keeps_authors_out() -> None:
    b = Board()
    alice, bob = b.join("Alice"), b.join("Bob")
    b.do(b.facilitator, "room.configure", anonymous=True, private_writing=True)
    b.phase("issues")
    b.do(alice, "note.add", text="A")
    reveal = b.do(b.facilitator, "notes.reveal")
    views = event_views(reveal, b.state)
    assert alice not in str(views.for_viewer(bob, "participant"))
    assert views.for_viewer(alice, "participant")["op"]["notes"][0]["author"] == alice


def test_ordinary_events_are_the_same_for_everyone() -> None:
    b = Board()
    alice = b.join("Alice")
    b.phase("issues")
    views = event_views(b.do(alice, "note.add", text="Jalan"), b.state)
    assert views.facilitator is None and not views.own


def test_a_reveal_holds_for_its_phase_and_a_new_writing_phase_starts_hidden() -> None:
    b = Board()
    alice, bob = b.join("Alice"), b.join("Bob")
    b.do(b.facilitator, "room.configure", private_writing=True)
    b.phase("vision")
    vision = b.note(alice, "Sikka sehat")
    b.do(b.facilitator, "notes.reveal")
    moved = b.do(b.facilitator, "phase.set", phase="issues")
    assert moved["op"]["notes_revealed"] is False  # the console's toggle follows
    event = b.do(alice, "note.add", text="Jalan rusak")
    assert event_views(event, b.state).for_viewer(bob, "participant")["op"]["kind"] == "hidden"
    seen = state_view(b.state, bob, "participant")["notes"]
    assert list(seen) == [vision]  # the vision card stays revealed, the new one is Alice's
    record = build_record(b.state).to_json_dict()
    assert [n["id"] for n in record["notes"]] == [vision]
    b.do(b.facilitator, "notes.reveal")
    assert len(state_view(b.state, bob, "participant")["notes"]) == 2
    back = b.do(b.facilitator, "phase.set", phase="vision")
    assert "notes_revealed" not in back["op"]  # still revealed: vision's cards were opened


def test_deleted_cards_are_seen_by_the_facilitator_and_their_author_alone() -> None:
    b = Board()
    alice, bob = b.join("Alice"), b.join("Bob")
    b.do(b.facilitator, "room.configure", private_writing=True, anonymous=True)
    b.phase("issues")
    mine, theirs = b.note(alice, "Rahasia Alice"), b.note(bob, "Rahasia Bob")
    b.do(alice, "note.delete", note=mine)
    b.do(bob, "note.delete", note=theirs)
    assert set(state_view(b.state, alice, "participant")["deleted"]) == {mine}
    assert state_view(b.state, alice, "participant")["deleted"][mine]["author"] == alice
    assert state_view(b.state, "u9", "observer")["deleted"] == {}
    seen = state_view(b.state, b.facilitator, "facilitator")["deleted"]
    assert set(seen) == {mine, theirs} and "author" not in str(seen)  # an anonymous room
    assert mine not in str(build_record(b.state).model_dump()) and "Rahasia" not in str(
        build_record(b.state).model_dump()
    )


def test_a_private_card_the_facilitator_deletes_leaves_its_authors_page() -> None:
    b = Board()
    alice, bob = b.join("Alice"), b.join("Bob")
    b.do(b.facilitator, "room.configure", private_writing=True)
    b.phase("issues")
    note = b.note(alice, "Rahasia")
    event = b.do(b.facilitator, "note.delete", note=note)
    views = event_views(event, b.state)
    assert views.for_viewer(alice, "participant")["op"] == event["op"]
    assert views.for_viewer(bob, "participant")["op"]["kind"] == "hidden"


def test_a_restored_card_names_its_author_to_no_one_else_in_an_anonymous_room() -> None:
    b = Board()
    alice, bob = b.join("Alice"), b.join("Bob")
    b.do(b.facilitator, "room.configure", anonymous=True)
    b.phase("issues")
    note = b.note(alice, "Air bersih")
    b.do(alice, "note.delete", note=note)
    event = b.do(b.facilitator, "note.restore", note=note)
    views = event_views(event, b.state)
    assert views.for_viewer(alice, "participant")["op"]["author"] == alice
    for viewer, role in ((bob, "participant"), (b.facilitator, "facilitator"), ("u9", "observer")):
        seen = views.for_viewer(viewer, role)
        assert alice not in str(seen["op"]) and seen["op"]["text"] == "Air bersih"
    b.do(alice, "note.delete", note=note)
    event = b.do(alice, "note.restore", note=note)
    seen = event_views(event, b.state).for_viewer(bob, "participant")
    assert "by" not in seen and alice not in str(seen)
