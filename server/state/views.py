"""What each recipient may see: redaction of events and of the state, done on the server.

Hidden votes, private cards and anonymous authors never leave the server in a form a
recipient may not see. An event a recipient may not see still arrives, as a ``hidden`` op
with the same sequence number, so that every client sees a contiguous log.

Most events look the same to everyone; ``event_views`` says which few recipients see
something else, so the fan-out serialises each distinct view once, not once per client.

Whatever the redaction, the sender of an op always gets its ack: its view carries the
``op_id`` and the op it sent (which it knows already), even when the card it moved is one
it may not see. An ``op_id`` is the sender's own: views without the author carry none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .models import Note, RoomState, split_vote_key
from .ops import CLIENT_OPS
from .standings import standings
from .tally import participation, tallies

Event = dict[str, Any]
# The fields a client sends for each kind: what a sender may always be shown of its own op.
SENT_FIELDS: dict[str, frozenset[str]] = {
    op.model_fields["kind"].annotation.__args__[0]: frozenset(op.model_fields)  # type: ignore[union-attr]
    for op in CLIENT_OPS
}

VOTE_KINDS = frozenset({"vote.cast", "vote.retract", "vote.score"})
NOTE_KINDS = frozenset(
    {"note.add", "note.edit", "note.delete", "note.move", "note.cluster", "note.restore"}
)
GROUPED_KINDS = NOTE_KINDS | {"cluster.add", "cluster.rename", "cluster.delete", "cluster.merge"}
# Shaped per viewer below, or (the counts) the server's own: cards per author would name
# the authors of an anonymous room.
STATE_EXCLUDED = frozenset(
    {"notes", "clusters", "votes", "matrix", "participants", "ready", "cards_by_author",
     "vote_totals", "deleted", "undo"}
)  # fmt: skip


@dataclass(slots=True)
class Views:
    """The view of one event: ``everyone``'s, unless the facilitator or a participant differs."""

    everyone: Event
    facilitator: Event | None = None
    own: dict[str, Event] = field(default_factory=dict)
    observer: Event | None = None  # the screen, when it sees more than everyone

    def for_viewer(self, viewer: str, role: str) -> Event:
        if viewer in self.own:
            return self.own[viewer]
        if role == "facilitator" and self.facilitator is not None:
            return self.facilitator
        if role == "observer" and self.observer is not None:
            return self.observer
        return self.everyone


def _hidden(event: Event, **counts: Any) -> Event:
    return {"seq": event["seq"], "at": event["at"], "op": {"kind": "hidden", **counts}}


def _anonymous(event: Event) -> Event:
    # A client chooses its op ids ("bob-1"): they name their sender as surely as ``by``.
    return {k: v for k, v in event.items() if k not in ("by", "via", "op_id")}


def _authorless(event: Event) -> Event:
    """An anonymous room's view of an event that names a card's author (``note.restore``)."""
    op = {k: v for k, v in event["op"].items() if k != "author"}
    return {**_anonymous(event), "op": op}


def note_private(s: RoomState, note: Note | None) -> bool:
    """Private writing: a card stays its author's until a reveal opened its phase. A card no
    longer in the state (deleted) is as private as the cards of the current phase."""
    phase = s.phase if note is None else note.phase
    return s.settings.private_writing and phase not in s.revealed_phases


def group_visible(s: RoomState, group: str | None, viewer: str, role: str) -> bool:
    """While groups work apart, a participant sees their own group's board and the
    plenary's (every group's with ``groups_visible``); the facilitator and screens see all."""
    return (
        group is None
        or not s.grouped
        or s.settings.groups_visible
        or role in ("facilitator", "observer")
        or s.membership.get(viewer) == group
    )


def note_visible(s: RoomState, note: Note, viewer: str, role: str) -> bool:
    private = note_private(s, note) and role != "facilitator" and note.author != viewer
    return not private and group_visible(s, note.group, viewer, role)


def _own(event: Event) -> dict[str, Event]:
    """Who sees ``event`` whole: its author, and the facilitator who sent it for them."""
    own = {event["by"]: event}
    if via := event.get("via"):
        own[via] = event
    return own


def event_views(event: Event, s: RoomState) -> Views:
    """How ``event`` looks to each recipient, given the room state right after it.

    The sender's view always carries its ack (see ``_with_ack``), whatever else is hidden.
    """
    views = _within_group(event, s, _redacted(event, s))
    by, op_id = event["by"], event.get("op_id")
    if by and op_id:
        seen = views.for_viewer(by, s.role_of(by) or "participant")
        if seen.get("op_id") != op_id or seen.get("by") != by:
            views.own[by] = _with_ack(event, seen)
    return views


def _with_ack(event: Event, seen: Event) -> Event:
    """What the sender of ``event`` sees: its redacted view, plus what it knows anyway.

    It knows the op it sent, so a ``hidden`` view becomes that op (the fields a client
    sends, nothing the server added, such as the text of a card it may not see).
    """
    op = event["op"]
    if seen["op"]["kind"] != op["kind"]:
        op = {k: v for k, v in op.items() if k in SENT_FIELDS.get(op["kind"], ("kind",))}
    else:
        op = seen["op"]
    return {**seen, "by": event["by"], "op_id": event["op_id"], "op": op}


def _redacted(event: Event, s: RoomState) -> Views:
    kind = event["op"]["kind"]
    by = event["by"]
    if kind in VOTE_KINDS and not s.votes_revealed:
        counts = participation(s)
        own = _own(event)
        if via := event.get("via"):  # the facilitator's console counts what it entered too
            own[via] = {**event, "op": {**event["op"], "participation": counts}}
        return Views(everyone=_hidden(event, participation=counts), own=own)
    note = _card_of(event, s) if kind in NOTE_KINDS else None
    if kind in NOTE_KINDS and note_private(s, note):
        author = note.author if note is not None else by
        hidden = _hidden(event, note_count=len(s.notes))
        own = {author: _anonymous(event) if s.settings.anonymous and by != author else event}
        return Views(everyone=hidden, facilitator=_strip(event, s), own=own)
    if kind == "notes.reveal" and s.settings.anonymous:
        return _reveal_anonymously(event)
    if kind == "note.restore" and s.settings.anonymous and note is not None:
        own = {note.author: event if by == note.author else _anonymous(event)}
        return Views(everyone=_authorless(event), own=own)
    if s.settings.anonymous and by:
        return Views(everyone=_anonymous(event), own=_own(event))
    return Views(everyone=event)


def _card_of(event: Event, s: RoomState) -> Note | None:
    """The card an event on a card is about, in the state after it: on the board, or among
    the deleted cards (``note.delete``), so that the author of a private card the
    facilitator deleted is told."""
    note_id = event["op"].get("note", "")
    return s.notes.get(note_id) or s.deleted.get(note_id)


def _event_group(event: Event, s: RoomState) -> str | None:
    """The working group an event on a card or cluster belongs to (None: the plenary's)."""
    op = event["op"]
    if "group" in op:  # the card or cluster it made
        return op["group"]  # type: ignore[no-any-return]
    if (note := s.notes.get(op.get("note", ""))) is not None:
        return note.group
    if (cluster := s.clusters.get(op.get("cluster", ""))) is not None:
        return cluster.group
    return None


def _within_group(event: Event, s: RoomState, views: Views) -> Views:
    """Events on another group's board reach only its members, the facilitator and screens;
    the other participants get a ``hidden`` event (its seq keeps their log contiguous)."""
    if not s.grouped or s.settings.groups_visible or event["op"]["kind"] not in GROUPED_KINDS:
        return views
    group = _event_group(event, s)
    if group is None:
        return views
    own = {p: views.for_viewer(p, "participant") for p, g in s.membership.items() if g == group}
    # A facilitator's own view (an op it sent on behalf of someone) stays its own.
    own.update({k: v for k, v in views.own.items() if s.role_of(k) == "facilitator"})
    return Views(
        everyone=_hidden(event),
        facilitator=views.facilitator or views.everyone,
        observer=views.everyone,
        own=own,
    )


def _strip(event: Event, s: RoomState) -> Event:
    return _authorless(event) if s.settings.anonymous else event


def _reveal_anonymously(event: Event) -> Views:
    """Cards of a reveal without authors, except that each author keeps theirs."""
    cards = event["op"]["notes"]
    anonymous = [{k: v for k, v in c.items() if k != "author"} for c in cards]
    everyone = _anonymous({**event, "op": {**event["op"], "notes": anonymous}})
    own: dict[str, Event] = {}
    for author in {c["author"] for c in cards}:
        mine = [c if c["author"] == author else a for c, a in zip(cards, anonymous, strict=True)]
        own[author] = {**everyone, "op": {**event["op"], "notes": mine}}
    return Views(everyone=everyone, own=own)


def state_view(s: RoomState, viewer: str, role: str) -> dict[str, Any]:
    """The room state as ``viewer`` may see it (the ``state`` of a welcome frame)."""
    anonymous = s.settings.anonymous

    def shown(note: Note) -> dict[str, Any]:
        data = note.model_dump(mode="json")
        if anonymous and note.author != viewer:
            del data["author"]
        return data

    notes = {n.id: shown(n) for n in s.notes.values() if note_visible(s, n, viewer, role)}
    mine = s.votes.get(viewer, {})
    deleted = {  # the facilitator's all, a participant's own
        n.id: shown(n) for n in s.deleted.values() if role == "facilitator" or n.author == viewer
    }
    votes: dict[str, Any] = {
        "mine": [
            {"program": p, "criterion": c, "value": v}
            for p, c, v in ((*split_vote_key(k), v) for k, v in mine.items())
        ],
        "participation": participation(s),
    }
    if role == "facilitator":
        # The ballots the facilitator entered for paper participants (``on_behalf``): the
        # console shows each one's remaining dots, as a phone shows its owner's.
        votes["paper"] = {
            p.id: [
                {"program": prog, "criterion": c, "value": v}
                for prog, c, v in (
                    (*split_vote_key(k), v) for k, v in s.votes.get(p.id, {}).items()
                )
            ]
            for p in s.participants.values()
            if p.paper and not p.removed
        }
    if s.votes_revealed:
        counted = tallies(s)
        votes.update(counted, standings=standings(s, counted))
    view = s.model_dump(mode="json", exclude=set(STATE_EXCLUDED))
    view.update(
        notes=notes,
        clusters={
            c.id: c.model_dump(mode="json")
            for c in s.clusters.values()
            if group_visible(s, c.group, viewer, role)
        },
        hidden_notes=len(s.notes) - len(notes),
        deleted=deleted,
        # What the console's undo names (the records themselves hold votes and private
        # cards): the facilitator's only.
        undo=[
            {"seq": r.seq, "kind": r.kind, "title": r.title}
            for r in (s.undo if role == "facilitator" else ())
        ],
        votes=votes,
        matrix=s.matrix,
        participants=[p.model_dump(mode="json") for p in s.participants.values() if not p.removed],
        ready=sorted(s.ready),
    )
    return view
