"""A live room: the committed state, its connections, and the path of every op.

Ops from all connections of a room go through one queue to one committer task. It takes
everything waiting, checks each op against the state the ones before it produced (the pure
reducer), appends the accepted ones to the store in one durable write, and only then
commits the new state and sends the events. A batch is one fsync, one frame per client.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from .. import metrics
from ..settings import Settings
from ..state import Entry, Op, Rejected, RoomState, apply, create, parse_logged_op
from ..state.record import build_record, frozen_records
from ..state.views import Views, event_views, state_view
from ..store import Conflict, Event, Store, StoreError
from . import protocol
from .connection import Connection
from .protocol import CloseCode
from .recent import RecentEvents

log = logging.getLogger("spwt.room")
BATCH = 256
PRESENCE_DELAY = 0.1
OP_IDS_KEPT = 50_000


@dataclass(slots=True)
class Pending:
    by: str
    op_id: str
    op: Op
    sender: Connection | None
    via: str = ""  # the facilitator who sent it for ``by`` (``on_behalf``)
    done: asyncio.Future[Event] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


@dataclass(slots=True)
class Checked:
    """A batch checked against the state: what the log will take, and what it refuses."""

    head: RoomState
    accepted: list[tuple[Pending, Event, Views]] = field(default_factory=list)
    refused: list[tuple[Pending, Rejected]] = field(default_factory=list)
    duplicates: list[Pending] = field(default_factory=list)
    records: list[tuple[int, bytes]] = field(default_factory=list)


def now_ms() -> int:
    return time.time_ns() // 1_000_000


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


class Room:
    def __init__(
        self,
        state: RoomState,
        store: Store,
        settings: Settings,
        recent: Iterable[Event] = (),
        op_ids: dict[tuple[str, str], int] | None = None,
        saved_seq: int = 0,
    ) -> None:
        self.code = state.code
        self.state = state
        self.store = store
        self.settings = settings
        self.connections: set[Connection] = set()
        self.recent = RecentEvents(settings.recent_events)
        self.op_ids: dict[tuple[str, str], int] = op_ids if op_ids is not None else {}
        for event in recent:
            self.recent.append(event)
            self._remember(event)
        self._saved_seq = saved_seq
        self._inbox: asyncio.Queue[Pending | None] = asyncio.Queue()
        self._committer = asyncio.create_task(self._commit_loop(), name=f"room-{self.code}")
        self._presence_handle: asyncio.TimerHandle | None = None
        self._background: set[asyncio.Task[Any]] = set()
        # Shared stores: events tailed while our own append is in flight wait here, so the
        # committer's new state is never overwritten by (or applied on top of) a stale one.
        self._appending = False
        self._held: list[Event] = []
        #: Participants online through other processes (shared stores; kept by the hub).
        self.elsewhere: frozenset[str] = frozenset()
        #: When someone last looked the room up, connected or left (``time.monotonic``).
        self.last_used = time.monotonic()
        self._stopped = False

    # --- loading -----------------------------------------------------------------------

    @classmethod
    async def load(cls, code: str, store: Store, settings: Settings) -> Room | None:
        """The room from its last state snapshot and the log after it; None if unknown."""
        snapshot = await store.load_state(code)
        state: RoomState | None = None
        op_ids: dict[tuple[str, str], int] = {}
        if snapshot is not None:
            saved = orjson.loads(snapshot[1])
            state = RoomState.model_validate(saved["state"])
            op_ids = {(by, op_id): seq for by, op_id, seq in saved["op_ids"]}
        tail = await store.read(code, state.seq if state else 0)
        if state is None:
            if not tail:
                return None
            state = create(entry_of(tail[0]))
            tail = tail[1:]
        for event in tail:
            state, _ = step(state, event)
        keep = settings.recent_events
        recent = await store.read(code, max(0, state.seq - keep))
        return cls(state, store, settings, recent, op_ids, saved_seq=snapshot[0] if snapshot else 0)

    # --- ops -----------------------------------------------------------------------------

    def submit(
        self, by: str, op_id: str, op: Op, sender: Connection | None = None, via: str = ""
    ) -> asyncio.Future[Event]:
        """Queue an op. The future gives its event once durable (rejections go to the sender)."""
        pending = Pending(by, op_id, op, sender, via)
        self.last_used = time.monotonic()
        if self._stopped:  # unloaded or shutting down: a new copy of the room will take it
            self._refuse(pending, Rejected("unavailable", "the room is closing here, retry"))
        else:
            self._inbox.put_nowait(pending)
        return pending.done

    async def _commit_loop(self) -> None:
        stopping = False
        while not stopping:
            batch: list[Pending] = []
            item = await self._inbox.get()
            while True:
                if item is None:
                    stopping = True
                else:
                    batch.append(item)
                if stopping or len(batch) >= BATCH or self._inbox.empty():
                    break
                item = self._inbox.get_nowait()
            if not batch:
                continue
            try:
                await self._commit(batch)
            except Exception:  # a bug must not kill the room: fail this batch, keep serving
                log.exception("room %s: batch failed", self.code)
                for pending in batch:
                    if not pending.done.done():  # ops already durable are not "not applied"
                        self._refuse(pending, Rejected("unavailable", "internal error"))
            if self._held:
                held, self._held = self._held, []
                self.receive(held)

    def _check(self, batch: list[Pending]) -> Checked:
        """Apply the batch, op after op, to the committed state: nothing is kept yet."""
        checked = Checked(head=self.state)
        seen: set[tuple[str, str]] = set()
        for pending in batch:
            key = (pending.via or pending.by, pending.op_id)
            if pending.op_id and (key in self.op_ids or key in seen):
                checked.duplicates.append(pending)
                continue
            head = checked.head
            entry = Entry(
                seq=head.seq + 1, at=max(now_ms(), head.at), by=pending.by,
                op_id=pending.op_id, op=pending.op, via=pending.via,
            )  # fmt: skip
            result = apply(head, entry)
            if isinstance(result, Rejected):
                checked.refused.append((pending, result))
                continue
            checked.head, event = result
            seen.add(key)
            checked.accepted.append((pending, event, event_views(event, checked.head)))
            checked.records.extend(
                (n, orjson.dumps(record)) for n, record in frozen_records(head, checked.head)
            )
        return checked

    async def _commit(self, batch: list[Pending]) -> None:
        checked = self._check(batch)
        if checked.refused and self.store.shared:
            # Our copy of a shared room may lag the log (an op sent just after a phase change
            # made on another process): refuse only what the latest log refuses too.
            with contextlib.suppress(StoreError):
                await self.catch_up()
                checked = self._check(batch)
        while checked.accepted:
            try:
                started = time.perf_counter()
                self._appending = True
                await self.store.append(self.code, [event for _, event, _ in checked.accepted])
                metrics.COMMIT_SECONDS.observe(time.perf_counter() - started)
                break
            except Conflict as conflict:  # another process wrote first: check on its state
                metrics.CONFLICTS.inc()
                self._appending = False
                if conflict.missed:
                    self.receive(conflict.missed)
                else:
                    await self.catch_up()
                checked = self._check(batch)
            except StoreError as error:
                failure = Rejected("unavailable", f"not saved: {error}")
                checked.refused += [(pending, failure) for pending, _, _ in checked.accepted]
                checked.accepted, checked.records = [], []
            finally:
                self._appending = False
        for pending, event, _ in checked.accepted:  # durable now: whatever follows, it holds
            if not pending.done.done():  # a joiner that went away cancelled its future
                pending.done.set_result(event)
        if checked.accepted:
            self._commit_state(checked.head, [(e, views) for _, e, views in checked.accepted])
        for n, body in checked.records:
            self._in_background(self.store.put_record(self.code, n, body))
        for pending in checked.duplicates:
            self._ack_duplicate(pending)
        # Refusals go out after the acks of the same batch, as a client would expect.
        for pending, rejection in checked.refused:
            self._refuse(pending, rejection)
            metrics.OPS.labels(rejection.code).inc()
        metrics.OPS.labels("accepted").inc(len(checked.accepted))

    def _refuse(self, pending: Pending, rejection: Rejected) -> None:
        if pending.sender is not None and pending.op_id:
            pending.sender.send(protocol.rejected(pending.op_id, rejection.code, rejection.message))
        if not pending.done.done():
            pending.done.set_exception(rejection)
            pending.done.exception()  # retrieved: nobody needs to await a refused op

    def _ack_duplicate(self, pending: Pending) -> None:
        """A resent op id: it was applied once; send the original event as its ack again.

        Always answered: a client that lost its acks (closed with 4429, say) learns from the
        resent ids what was applied. An event older than the recent log is read back from
        the store.
        """
        seq = self.op_ids.get((pending.via or pending.by, pending.op_id))
        event = self.recent.get(seq) if seq is not None else None
        if event is not None:
            self._send_ack(pending, event)
        elif seq is not None:
            self._in_background(self._ack_from_log(pending, seq))
        elif not pending.done.done():
            pending.done.cancel()

    async def _ack_from_log(self, pending: Pending, seq: int) -> None:
        try:
            events = await self.store.read(self.code, seq - 1, upto=seq)
        except StoreError as error:  # not known now: the client resends later
            self._refuse(pending, Rejected("unavailable", f"not read: {error}"))
            return
        if events and events[0]["seq"] == seq:
            self._send_ack(pending, events[0])
        else:  # the log was trimmed below it: applied, but only its seq is left to say so
            receipt = {"seq": seq, "by": pending.by, "op_id": pending.op_id}
            if pending.via:
                receipt["via"] = pending.via
            self._send_ack(pending, {**receipt, "op": {"kind": "hidden"}}, view=False)

    def _send_ack(self, pending: Pending, event: Event, *, view: bool = True) -> None:
        if pending.sender is not None:
            seen = event
            if view:
                sender = pending.via or pending.by
                seen = event_views(event, self.state).for_viewer(sender, pending.sender.role)
            pending.sender.send(protocol.encode({"type": "events", "events": [seen]}))
        if not pending.done.done():
            pending.done.set_result(event)

    def _remember(self, event: Event) -> None:
        if event.get("op_id"):
            self.op_ids[(sender_of(event), event["op_id"])] = event["seq"]
            if len(self.op_ids) > OP_IDS_KEPT:
                for key in list(self.op_ids)[: OP_IDS_KEPT // 5]:
                    del self.op_ids[key]

    def _commit_state(self, state: RoomState, events: list[tuple[Event, Views]]) -> None:
        self.state = state
        for event, _ in events:
            self.recent.append(event)
            self._remember(event)
        self._fan_out([views for _, views in events])
        self._after_events([event for event, _ in events])
        if state.seq - self._saved_seq >= self.settings.snapshot_every:
            self._save_state()

    async def catch_up(self) -> None:
        """Apply what other writers appended to the log since our state (shared stores)."""
        events = await self.store.read(self.code, self.state.seq)
        self.receive(events)

    def catch_up_soon(self) -> None:
        self._in_background(self.catch_up())

    def receive(self, events: list[Event]) -> None:
        """Apply events another process appended. Old ones are ignored; a gap reads the log."""
        if self._appending:
            self._held.extend(events)  # applied once our own append has landed
            return
        fresh = [e for e in events if e["seq"] > self.state.seq]
        if not fresh:
            return
        if fresh[0]["seq"] != self.state.seq + 1:
            self.catch_up_soon()
            return
        state = self.state
        applied: list[tuple[Event, Views]] = []
        for event in fresh:
            if event["seq"] != state.seq + 1:
                break
            state, views = step(state, event)
            applied.append((event, views))
        self._commit_state(state, applied)

    def _after_events(self, events: list[Event]) -> None:
        for event in events:
            if event["op"]["kind"] == "participant.remove":
                removed = event["op"]["participant"]
                for conn in [c for c in self.connections if c.participant == removed]:
                    conn.close(CloseCode.REMOVED)

    def _save_state(self) -> None:
        state = self.state
        self._saved_seq = state.seq
        body = orjson.dumps(
            {
                "state": state.model_dump(mode="json"),
                "op_ids": [[by, op_id, seq] for (by, op_id), seq in self.op_ids.items()],
            }
        )
        self._in_background(self.store.save_state(self.code, state.seq, body))

    def _in_background(self, work: Any) -> None:
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        task.add_done_callback(_log_failure)

    async def snapshot_record(self, n: int) -> dict[str, Any] | None:
        """The frozen record of snapshot ``n``, rebuilt from the log if it was never stored."""
        if not 0 < n <= len(self.state.snapshots):
            return None
        body = await self.store.get_record(self.code, n)
        if body is not None:
            return orjson.loads(body)
        info = self.state.snapshots[n - 1]
        events = await self.store.read(self.code, 0, upto=info.seq)
        if not events or events[0]["seq"] != 1:
            return None  # the log before it was trimmed and its record was lost
        state = create(entry_of(events[0]))
        for event in events[1:]:
            state, _ = step(state, event)
        record = build_record(state, info).to_json_dict()
        await self.store.put_record(self.code, n, orjson.dumps(record))
        return record

    # --- fan-out -------------------------------------------------------------------------

    def _fan_out(self, views: list[Views]) -> None:
        """Send events to every connection, serialising each distinct view once."""
        if not self.connections or not views:
            return
        parts: dict[int, str] = {}

        def part(view: Event) -> str:
            text = parts.get(id(view))
            if text is None:
                text = parts[id(view)] = orjson.dumps(view).decode()
            return text

        def frame(chosen: Iterable[Event]) -> str:
            return '{"type":"events","events":[' + ",".join(map(part, chosen)) + "]}"

        common = frame(v.everyone for v in views)
        special = set().union(*(v.own for v in views))
        facilitator_differs = any(v.facilitator is not None for v in views)
        for conn in list(self.connections):  # a full outbox drops its connection from the set
            if conn.participant in special or (facilitator_differs and conn.role == "facilitator"):
                conn.send(frame(v.for_viewer(conn.participant, conn.role) for v in views))
            else:
                conn.send(common)

    # --- connections -------------------------------------------------------------------

    def attach(self, conn: Connection, since: int | None, you: dict[str, Any], token: str) -> None:
        """Welcome a connection and start sending it events.

        With ``since``, and when the recent log still holds everything after it, the
        welcome carries no state and the missed events follow; otherwise the full state.
        """
        state = self.state
        welcome: dict[str, Any] = {"type": "welcome", "you": you, "token": token, "seq": state.seq}
        missed: list[Event] | None = None
        oldest = self.recent.first or state.seq + 1
        if since is not None and since <= state.seq and since + 1 >= oldest:
            missed = self.recent.after(since)
        else:
            welcome["state"] = state_view(state, conn.participant, conn.role)
        conn.send(protocol.encode(welcome))
        if missed:
            views = [event_views(e, state).for_viewer(conn.participant, conn.role) for e in missed]
            conn.send(protocol.encode({"type": "events", "events": views}))
        self.connections.add(conn)
        self.last_used = time.monotonic()
        self._presence_changed()

    def detach(self, conn: Connection) -> None:
        if conn in self.connections:
            self.connections.discard(conn)
            self.last_used = time.monotonic()
            self._presence_changed()

    def idle_for(self) -> float:
        """Seconds since anyone used the room; 0 while connected or with writes in flight."""
        if self.connections or self._appending or self._background or not self._inbox.empty():
            return 0.0
        return time.monotonic() - self.last_used

    def online(self) -> list[str]:
        return sorted({c.participant for c in self.connections} | self.elsewhere)

    def local_participants(self) -> set[str]:
        """Who is connected to this process (what the hub publishes for the others)."""
        return {c.participant for c in self.connections}

    def set_elsewhere(self, participants: frozenset[str]) -> None:
        """Who is online through other processes; a change sends a presence frame."""
        if participants != self.elsewhere:
            self.elsewhere = participants
            self._presence_changed()

    def _presence_changed(self) -> None:
        """Coalesce joins and leaves: one presence frame per short interval, not per change."""
        if self._presence_handle is None:
            loop = asyncio.get_running_loop()
            self._presence_handle = loop.call_later(PRESENCE_DELAY, self._send_presence)

    def _send_presence(self) -> None:
        self._presence_handle = None
        frame = protocol.encode({"type": "presence", "online": self.online()})
        for conn in list(self.connections):
            conn.send(frame)

    # --- shutdown ------------------------------------------------------------------------

    async def drain(self) -> None:
        """Finish the ops already queued and the background writes, then stop."""
        self._stopped = True
        self._inbox.put_nowait(None)
        await asyncio.wait([self._committer])  # our own cancellation still reaches us
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
        if self._presence_handle is not None:
            self._presence_handle.cancel()


def _log_failure(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.warning("background store write failed: %s", task.exception())
