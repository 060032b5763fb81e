"""A room without I/O: its state, the op ids it has seen, its newest events, and what every
batch of ops and every event of the log makes happen.

Nothing here awaits, sends or reads a clock: the asyncio shell (``room.py``) hands in the
ops of its connections and the time, gets back what to append, what to send and to whom,
what to refuse and whether a snapshot is due, and does it. So every path of an op through
a room is checked by plain synchronous tests (tests/test_room_core.py), the way a
sans-I/O protocol library is.

The log is the truth: an event the rules refuse when it is applied again (a log written
by an older version, or by a process that saw another state) still takes its seq, and
shows as ``hidden``. ``fold`` and ``RoomCore.receive`` are the one fold of the log, and
``reducer.replay`` agrees with them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson

from ..settings import Settings
from ..state import Entry, Op, Rejected, RoomState, apply, create, parse_logged_op
from ..state.record import frozen_records
from ..state.views import Views, event_views, state_view
from ..store import Event
from . import protocol
from .recent import RecentEvents

log = logging.getLogger("spwt.room")
OP_IDS_KEPT = 50_000
#: Who a frame is for: a participant id and the role it connected with.
Viewer = tuple[str, str]
#: ``receive`` of events that do not follow the state: the log must be read.
GAP: Literal["gap"] = "gap"


def entry_of(event: Event) -> Entry:
    return Entry(
        seq=event["seq"], at=event["at"], by=event.get("by", ""), op_id=event.get("op_id", ""),
        op=parse_logged_op(event["op"]), via=event.get("via", ""),
    )  # fmt: skip


def sender_of(event: Event) -> str:
    """Who sent a logged op: op ids are unique per sender, also when sent on behalf."""
    return event.get("via") or event.get("by", "")


def step(state: RoomState, event: Event) -> tuple[RoomState, Views]:
    """Apply a logged event. The log is the truth: a refused entry still takes its seq."""
    result = apply(state, entry_of(event))
    if isinstance(result, Rejected):
        log.warning("room %s: logged op %s refused on replay: %s", state.code, event["seq"], result)
        state = state.model_copy(update={"seq": event["seq"], "at": event["at"]})
        return state, Views(
            everyone={"seq": event["seq"], "at": event["at"], "op": {"kind": "hidden"}}
        )
    state, applied = result
    return state, event_views(applied, state)


def fold(events: Iterable[Event], state: RoomState | None = None) -> RoomState | None:
    """The state after ``events`` (from ``state``, or from the log's first event when None);
    None when there is neither."""
    for event in events:
        state = create(entry_of(event)) if state is None else step(state, event)[0]
    return state


@dataclass(frozen=True, slots=True)
class Submitted:
    """An op as a connection (or the server, ``by=""``) handed it in."""

    by: str
    op_id: str
    op: Op
    via: str = ""  # the facilitator who sent it for ``by`` (``on_behalf``)

    @property
    def sender(self) -> str:
        return self.via or self.by


@dataclass(slots=True)
class Checked:
    """A batch checked against the state: what the log is to take, and what it refuses.

    ``accepted``, ``refused`` and ``duplicates`` name ops by their index in the batch.
    Nothing of it is kept until ``RoomCore.commit``, after the append.
    """

    head: RoomState
    accepted: list[tuple[int, Event, Views]] = field(default_factory=list)
    refused: list[tuple[int, Rejected]] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)
    records: list[tuple[int, bytes]] = field(default_factory=list)

    @property
    def events(self) -> list[Event]:
        """The entries to append, in order."""
        return [event for _, event, _ in self.accepted]

    def refuse_all(self, rejection: Rejected) -> None:
        """The append failed: what would have been accepted is refused, and no record made."""
        self.refused += [(i, rejection) for i, _, _ in self.accepted]
        self.accepted, self.records = [], []


@dataclass(slots=True)
class Applied:
    """What events that became part of the state make happen."""

    events: list[Event]
    views: list[Views]
    #: Participants removed by these events: their connections close.
    removed: set[str] = field(default_factory=set)
    #: Enough events since the last state snapshot: the shell saves ``RoomCore.snapshot()``.
    snapshot_due: bool = False


@dataclass(frozen=True, slots=True)
class Frames:
    """The events frame of each distinct recipient view: ``common`` unless ``special``."""

    common: str
    special: dict[Viewer, str] = field(default_factory=dict)

    def for_viewer(self, viewer: Viewer) -> str:
        return self.special.get(viewer, self.common) if self.special else self.common


class RoomCore:
    def __init__(
        self,
        state: RoomState,
        settings: Settings,
        recent: Iterable[Event] = (),
        op_ids: dict[tuple[str, str], int] | None = None,
        saved_seq: int = 0,
    ) -> None:
        self.state = state
        self.snapshot_every = settings.snapshot_every
        self.recent = RecentEvents(settings.recent_events)
        self.op_ids: dict[tuple[str, str], int] = op_ids if op_ids is not None else {}
        for event in recent:
            self.recent.append(event)
            self._remember(event)
        self.saved_seq = saved_seq

    @property
    def code(self) -> str:
        return self.state.code

    # --- ops ---------------------------------------------------------------------------

    def check(self, batch: Sequence[Submitted], now: int) -> Checked:
        """Apply the batch, op after op, to the state; ``now``: the time in ms. Nothing is
        kept: the shell appends ``events`` first, and commits only what the log took."""
        checked = Checked(head=self.state)
        seen: set[tuple[str, str]] = set()
        for i, op in enumerate(batch):
            key = (op.sender, op.op_id)
            if op.op_id and (key in self.op_ids or key in seen):
                checked.duplicates.append(i)
                continue
            head = checked.head
            entry = Entry(
                seq=head.seq + 1, at=max(now, head.at), by=op.by, op_id=op.op_id, op=op.op,
                via=op.via,
            )  # fmt: skip
            result = apply(head, entry)
            if isinstance(result, Rejected):
                checked.refused.append((i, result))
                continue
            checked.head, event = result
            seen.add(key)
            checked.accepted.append((i, event, event_views(event, checked.head)))
            checked.records.extend(
                (n, orjson.dumps(record)) for n, record in frozen_records(head, checked.head)
            )
        return checked

    def commit(self, checked: Checked) -> Applied:
        """The log took ``checked.events``: they are the room's now."""
        return self._applied(checked.head, checked.events, [v for _, _, v in checked.accepted])

    def original(self, sender: str, op_id: str) -> tuple[int | None, Event | None]:
        """The seq an op id already sent was applied at (None once forgotten) and its event
        (None once it left the recent log: the shell reads it back from the store)."""
        seq = self.op_ids.get((sender, op_id))
        return seq, self.recent.get(seq) if seq is not None else None

    # --- the log, as other processes append to it -------------------------------------

    def receive(self, events: Iterable[Event]) -> Applied | Literal["gap"] | None:
        """Apply events from the log. Old ones are ignored (None when nothing is new);
        ``GAP`` when the first new one does not follow the state (read the log)."""
        fresh = [e for e in events if e["seq"] > self.state.seq]
        if not fresh:
            return None
        if fresh[0]["seq"] != self.state.seq + 1:
            return GAP
        state = self.state
        applied: list[Event] = []
        views: list[Views] = []
        for event in fresh:
            if event["seq"] != state.seq + 1:
                break
            state, view = step(state, event)
            applied.append(event)
            views.append(view)
        return self._applied(state, applied, views)

    def _applied(self, state: RoomState, events: list[Event], views: list[Views]) -> Applied:
        self.state = state
        removed: set[str] = set()
        for event in events:
            self.recent.append(event)
            self._remember(event)
            if event["op"]["kind"] == "participant.remove":
                removed.add(event["op"]["participant"])
        # A snapshot costs in proportion to the room (14 ms of CPU for 5000 cards): a big
        # room takes one every as many ops as it has cards, so its cost per op stays flat.
        every = max(self.snapshot_every, len(state.notes))
        due = bool(events) and state.seq - self.saved_seq >= every
        return Applied(events, views, removed, due)

    def _remember(self, event: Event) -> None:
        if event.get("op_id"):
            self.op_ids[(sender_of(event), event["op_id"])] = event["seq"]
            if len(self.op_ids) > OP_IDS_KEPT:
                for key in list(self.op_ids)[: OP_IDS_KEPT // 5]:
                    del self.op_ids[key]

    def snapshot(self) -> tuple[int, bytes]:
        """The state snapshot to save (the state and the op ids), counted as saved."""
        self.saved_seq = self.state.seq
        body = orjson.dumps(
            {
                "state": self.state.model_dump(mode="json"),
                "op_ids": [[by, op_id, seq] for (by, op_id), seq in self.op_ids.items()],
            }
        )
        return self.state.seq, body

    # --- frames --------------------------------------------------------------------------

    def frames(self, views: Sequence[Views], viewers: Iterable[Viewer]) -> Frames:
        """One events frame per distinct view among ``viewers``, each view serialised once."""
        parts: dict[int, str] = {}

        def part(view: Event) -> str:
            text = parts.get(id(view))
            if text is None:
                text = parts[id(view)] = orjson.dumps(view).decode()
            return text

        def frame(chosen: Iterable[Event]) -> str:
            return '{"type":"events","events":[' + ",".join(map(part, chosen)) + "]}"

        common = frame(v.everyone for v in views)
        own = set().union(*(v.own for v in views))
        facilitator_differs = any(v.facilitator is not None for v in views)
        observer_differs = any(v.observer is not None for v in views)
        if not own and not facilitator_differs and not observer_differs:  # the usual case
            return Frames(common)
        special: dict[Viewer, str] = {}
        for viewer in viewers:
            participant, role = viewer
            if viewer not in special and (
                participant in own
                or (facilitator_differs and role == "facilitator")
                or (observer_differs and role == "observer")
            ):
                special[viewer] = frame(v.for_viewer(participant, role) for v in views)
        return Frames(common, special)

    @property
    def first_resumable(self) -> int:
        """The oldest seq the recent events still hold (the next one when they hold none): a
        client that saw everything before it catches up from them alone."""
        return self.recent.first or self.state.seq + 1

    def event_frame(self, event: Event, viewer: Viewer | None) -> str:
        """One event as ``viewer`` sees it, in a frame of its own (a resent op's ack);
        ``viewer`` None: the event as it is (a receipt that holds nothing to redact)."""
        view = event if viewer is None else event_views(event, self.state).for_viewer(*viewer)
        return protocol.encode({"type": "events", "events": [view]})

    def welcome(
        self,
        since: int | None,
        viewer: Viewer,
        you: dict[str, Any],
        token: str,
        with_state: bool = True,
    ) -> list[str]:
        """The frames that open a connection: the welcome, then the events it missed.

        With ``since``, and when the recent events still hold everything after it, the
        welcome carries no state and the missed events follow; otherwise the full state,
        unless ``with_state`` is False (the client fetches it over HTTP).
        """
        state = self.state
        welcome: dict[str, Any] = {"type": "welcome", "you": you, "token": token, "seq": state.seq}
        missed: list[Event] | None = None
        if since is not None and since <= state.seq and since + 1 >= self.first_resumable:
            missed = self.recent.after(since)
        elif with_state:
            welcome["state"] = state_view(state, *viewer)
        frames = [protocol.encode(welcome)]
        if missed:
            views = [event_views(e, state).for_viewer(*viewer) for e in missed]
            frames.append(protocol.encode({"type": "events", "events": views}))
        return frames
