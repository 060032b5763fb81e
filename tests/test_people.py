"""Who took part, paper participants acting through the facilitator, commitments and the
follow-up plan: the rules of issue #16 in the pure reducer."""

from __future__ import annotations

import pytest

from server.state.models import vote_key
from server.state.reducer import replay
from server.state.views import event_views

from .board import Board


@pytest.fixture
def b() -> Board:
    return Board()


# --- who took part -----------------------------------------------------------------------


def test_a_join_carries_category_position_and_gender(b: Board) -> None:
    alice = b.join("Alice", "Universitas Nusa Cendana", category="academia",
                   position="  Dosen  ", gender="female")  # fmt: skip
    who = b.state.participants[alice]
    assert (who.category, who.position, who.gender, who.paper) == (
        "academia", "Dosen", "female", False,
    )  # fmt: skip
    bob = b.join("Bob")
    plain = b.state.participants[bob]
    assert (plain.category, plain.position, plain.gender) == (None, "", None)


def test_a_position_is_at_most_a_title_long(b: Board) -> None:
    from server.state import Rejected, apply, parse_logged_op

    op = parse_logged_op({"kind": "participant.join", "name": "A", "position": "x" * 121})
    result = apply(b.state, b._entry("", op))
    assert isinstance(result, Rejected) and result.code == "too_long"


def test_participants_update_themselves(b: Board) -> None:
    alice = b.join("Alice")
    event = b.do(alice, "participant.update", category="community", position="Ketua RT",
                 gender="female", org="LSM Bina Desa")  # fmt: skip
    assert event["op"]["participant"] == alice
    who = b.state.participants[alice]
    assert (who.category, who.position, who.gender, who.org, who.name) == (
        "community", "Ketua RT", "female", "LSM Bina Desa", "Alice",
    )  # fmt: skip
    b.do(alice, "participant.update", category=None)  # null clears
    assert b.state.participants[alice].category is None
    assert b.state.participants[alice].gender == "female"  # what was not given stays


def test_only_the_facilitator_updates_someone_else(b: Board) -> None:
    alice, bob = b.join("Alice"), b.join("Bob")
    assert b.refused(alice, "participant.update", participant=bob, name="Bobby") == "forbidden"
    b.do(b.facilitator, "participant.update", participant=bob, name="Bobby", category="media")
    assert b.state.participants[bob].name == "Bobby"
    assert b.state.participants[bob].category == "media"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"name": "  "}, "invalid"),
        ({"name": "x" * 121}, "too_long"),
        ({"position": "x" * 121}, "too_long"),
        ({"org": "x" * 121}, "too_long"),
        ({"participant": "u99"}, "not_found"),
    ],
)
def test_participant_update_checks_its_fields(b: Board, fields: dict, code: str) -> None:
    b.join("Alice")
    assert b.refused(b.facilitator, "participant.update", **fields) == code


@pytest.mark.parametrize(
    "fields", [{"category": "army"}, {"gender": "x"}, {"name": 5}, {"participant": 2}]
)
def test_participant_update_out_of_the_protocol_is_invalid(b: Board, fields: dict) -> None:
    from server.state import InvalidOp, parse_client_op

    with pytest.raises(InvalidOp):
        parse_client_op({"kind": "participant.update", **fields})


def test_observers_and_removed_participants_update_nothing(b: Board) -> None:
    screen, alice = b.join("Layar", role="observer"), b.join("Alice")
    assert b.refused(screen, "participant.update", name="x") == "forbidden"
    b.do(b.facilitator, "participant.remove", participant=alice)
    assert b.refused(alice, "participant.update", name="x") == "forbidden"
    assert b.refused(b.facilitator, "participant.update", participant=alice, name="x") == (
        "not_found"
    )


# --- paper participants ------------------------------------------------------------------


def test_the_facilitator_adds_paper_participants(b: Board) -> None:
    alice = b.join("Alice")
    event = b.do(b.facilitator, "participant.add", name="Pak Karto", org="Desa Oepura",
                 category="community", position="Kepala Desa", gender="male")  # fmt: skip
    paper = event["op"]["participant"]
    assert paper == "u3"  # ids as joins give them
    who = b.state.participants[paper]
    assert who.paper and who.role == "participant" and who.joined_at == b.clock
    assert (who.name, who.org, who.category, who.position) == (
        "Pak Karto", "Desa Oepura", "community", "Kepala Desa",
    )  # fmt: skip
    assert b.join("Bob") == "u4"
    assert b.refused(alice, "participant.add", name="Bu Siti") == "forbidden"
    assert b.refused(b.facilitator, "participant.add", name=" ") == "invalid"


def test_on_behalf_acts_as_the_paper_participant(b: Board) -> None:
    paper = b.paper()
    b.phase("issues")
    event = b.do(paper, "note.add", via=b.facilitator, text="Sumur kering di musim kemarau")
    assert event["by"] == paper and event["via"] == b.facilitator
    assert b.state.notes[event["op"]["note"]].author == paper
    # the log keeps who sent it: a replay gives the same board
    assert replay(b.log) == b.state
    assert b.log[-1].via == b.facilitator and b.log[-1].to_wire()["via"] == b.facilitator


def test_on_behalf_only_from_the_facilitator_and_only_for_paper_participants(b: Board) -> None:
    alice, paper = b.join("Alice"), b.paper()
    screen = b.join("Layar", role="observer")
    b.phase("issues")
    for sender in (alice, screen, paper):
        assert b.refused(paper, "note.add", via=sender, text="x") == "forbidden"
    for target in (alice, b.facilitator, "u99", screen):
        assert b.refused(target, "note.add", via=b.facilitator, text="x") == "forbidden"
    b.do(b.facilitator, "participant.remove", participant=paper)
    assert b.refused(paper, "note.add", via=b.facilitator, text="x") == "forbidden"


def test_a_paper_participant_never_acts_without_the_facilitator(b: Board) -> None:
    paper = b.paper()
    b.phase("issues")
    assert b.refused(paper, "note.add", text="x") == "forbidden"


def test_on_behalf_is_checked_against_the_participants_role_and_phase(b: Board) -> None:
    paper = b.paper()
    f = b.facilitator
    # a participant may not do what only the facilitator does
    assert b.refused(paper, "phase.set", via=f, phase="issues") == "forbidden"
    assert b.refused(paper, "participant.add", via=f, name="x") == "forbidden"
    # a participant writes no cards in the lobby, even through the facilitator
    assert b.refused(paper, "note.add", via=f, text="x") == "wrong_phase"
    b.phase("issues")
    b.do(f, "board.lock")
    assert b.refused(paper, "note.add", via=f, text="x") == "locked"


def test_paper_ballots_use_the_paper_participants_own_dots(b: Board) -> None:
    alice, paper = b.join("Alice"), b.paper()
    program = b.program()
    b.phase("vote")
    for _ in range(3):
        b.do(alice, "vote.cast", program=program, criterion="urgency")
    for _ in range(3):  # Alice's dots do not count against the paper ballot
        b.do(paper, "vote.cast", via=b.facilitator, program=program, criterion="urgency")
    assert b.state.votes[paper] == {vote_key(program, "urgency"): 3}
    assert b.refused(paper, "vote.cast", via=b.facilitator, program=program,
                     criterion="urgency") == "item_limit"  # fmt: skip
    other = b.program("Air bersih")
    b.do(paper, "vote.cast", via=b.facilitator, program=other, criterion="urgency")
    b.do(paper, "vote.cast", via=b.facilitator, program=other, criterion="urgency")
    assert b.refused(paper, "vote.cast", via=b.facilitator, program=other,
                     criterion="urgency") == "budget_exhausted"  # fmt: skip
    # the facilitator still has no vote of their own
    assert b.refused(b.facilitator, "vote.cast", program=program, criterion="urgency") == (
        "forbidden"
    )


def test_a_hidden_paper_vote_is_seen_by_its_sender_only(b: Board) -> None:
    paper, alice = b.paper(), b.join("Alice")
    program = b.program()
    b.phase("vote")
    event = b.do(paper, "vote.cast", via=b.facilitator, program=program, criterion="urgency")
    views = event_views(event, b.state)
    ack = views.for_viewer(b.facilitator, "facilitator")  # its acknowledgement, whole
    assert ack == {**event, "op": {**event["op"], "participation": {"voters": 1, "used": 1}}}
    assert views.for_viewer(paper, "participant") == event
    assert views.for_viewer(alice, "participant")["op"]["kind"] == "hidden"


def test_an_anonymous_room_shows_neither_author_nor_sender(b: Board) -> None:
    paper, alice = b.paper(), b.join("Alice")
    b.do(b.facilitator, "room.configure", anonymous=True)
    b.phase("issues")
    event = b.do(paper, "note.add", via=b.facilitator, text="Sumur kering")
    seen = event_views(event, b.state).for_viewer(alice, "participant")
    assert "by" not in seen and "via" not in seen
    assert event_views(event, b.state).for_viewer(b.facilitator, "facilitator") == event


def test_the_facilitators_welcome_holds_the_paper_ballots_only(b: Board) -> None:
    from server.state.views import state_view

    paper, alice = b.paper(), b.join("Alice")
    program = b.program()
    b.phase("vote")
    b.do(paper, "vote.cast", via=b.facilitator, program=program, criterion="urgency")
    b.do(alice, "vote.cast", program=program, criterion="urgency")
    mine = [{"program": program, "criterion": "urgency", "value": 1}]
    assert state_view(b.state, b.facilitator, "facilitator")["votes"]["paper"] == {paper: mine}
    assert "paper" not in state_view(b.state, alice, "participant")["votes"]


def test_paper_participants_are_bounded(b: Board, monkeypatch: pytest.MonkeyPatch) -> None:
    from server.state.rules import people

    monkeypatch.setattr(people, "PAPER_MAX", 2)
    first = b.paper("A")
    b.paper("B")
    assert b.refused(b.facilitator, "participant.add", name="C") == "item_limit"
    b.do(b.facilitator, "participant.remove", participant=first)
    b.paper("C")  # the removed one no longer counts
