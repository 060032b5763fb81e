"""A live room: the asyncio shell around its core (``core.py``).

Ops from all connections of a room go through one queue to one committer task. It takes
everything waiting, has the core check each op against the state the ones before it
produced, appends the accepted ones to the store in one durable write (checking again on
the winner's state when another process appended first), and only then commits them to
the core and sends the frames it made. A batch is one fsync, one frame per client.

Everything else the shell does is I/O too: the sends, the presence timer, the background
store writes, and shutdown. Constructing a room starts nothing; ``start`` starts the
committer, ``drain`` stops it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from .. import metrics
from ..clock import SYSTEM, Clock
from ..settings import Settings
from ..state import Op, Rejected, RoomState
from ..state.codes import Code
from ..store import Conflict, Event, Store, StoreError
from . import loader, protocol
from .connection import Connection
from .core import GAP, Applied, Checked, RoomCore, Submitted
from .protocol import CloseCode
from .recent import RecentEvents

log = logging.getLogger("spwt.room")
BATCH = 256
PRESENCE_DELAY = 0.1


@dataclass(slots=True)
class Pending:
    op: Submitted
    sender: Connection | None
    via: str = ""  # the facilitator who sent it for ``by`` (``on_behalf``)
    done: asyncio.Future[Event] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class Room:
    def __init__(
        self, core: RoomCore, store: Store, settings: Settings, clock: Clock = SYSTEM
    ) -> None:
        self.core = core
        self.clock = clock
        self.code = core.code
        self.store = store
        self.settings = settings
        self.connections: set[Connection] = set()
        self._inbox: asyncio.Queue[Pending | None] = asyncio.Queue()
        self._committer: asyncio.Task[None] | None = None
        self._presence_handle: asyncio.TimerHandle | None = None
        self._background: set[asyncio.Task[Any]] = set()
        # Shared stores: events tailed while our own append is in flight wait here, so the
        # committer's new state is never overwritten by (or applied on top of) a stale one.
        self._appending = False
        self._held: list[Event] = []
        #: Participants online through other processes (shared stores; kept by the hub).
        self.elsewhere: frozenset[str] = frozenset()
        #: When someone last looked the room up, connected or left (``clock.monotonic()``).
        self.last_used = self.clock.monotonic()
        self._stopped = False

    @property
    def state(self) -> RoomState:
        return self.core.state

    @property
    def recent(self) -> RecentEvents:
        return self.core.recent

    @classmethod
    async def load(
        cls, code: str, store: Store, settings: Settings, clock: Clock = SYSTEM
    ) -> Room | None:
        """The room from its last state snapshot and the log after it; None if unknown."""
        core = await loader.load_core(code, store, settings)
        return None if core is None else cls(core, store, settings, clock)

    def start(self) -> Room:
        """Start taking ops (the committer task). Ops submitted before wait for it."""
        if self._committer is None and not self._stopped:
            self._committer = asyncio.create_task(self._commit_loop(), name=f"room-{self.code}")
        return self

    # --- ops -----------------------------------------------------------------------------

    def submit(
        self, by: str, op_id: str, op: Op, sender: Connection | None = None, via: str = ""
    ) -> asyncio.Future[Event]:
        """Queue an op. The future gives its event once durable (rejections go to the sender)."""
        pending = Pending(Submitted(by, op_id, op, via), sender)
        self.last_used = self.clock.monotonic()
        if self._stopped:  # unloaded or shutting down: a new copy of the room will take it
            self._refuse(pending, Rejected(Code.UNAVAILABLE, "the room is closing here, retry"))
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
                        self._refuse(pending, Rejected(Code.UNAVAILABLE, "internal error"))
            if self._held:
                held, self._held = self._held, []
                self.receive(held)

    def _check(self, batch: list[Pending]) -> Checked:
        return self.core.check([pending.op for pending in batch], self.clock.now_ms())

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
                await self.store.append(self.code, checked.events)
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
                checked.refuse_all(Rejected(Code.UNAVAILABLE, f"not saved: {error}"))
            finally:
                self._appending = False
        for i, event, _ in checked.accepted:  # durable now: whatever follows, it holds
            if not batch[i].done.done():  # a joiner that went away cancelled its future
                batch[i].done.set_result(event)
        if checked.accepted:
            self._carry_out(self.core.commit(checked))
        for n, body in checked.records:
            self._in_background(self.store.put_record(self.code, n, body))
        for i in checked.duplicates:
            self._ack_duplicate(batch[i])
        # Refusals go out after the acks of the same batch, as a client would expect.
        for i, rejection in checked.refused:
            self._refuse(batch[i], rejection)
            metrics.OPS.labels(rejection.code).inc()
        metrics.OPS.labels("accepted").inc(len(checked.accepted))

    def _refuse(self, pending: Pending, rejection: Rejected) -> None:
        if pending.sender is not None and pending.op.op_id:
            pending.sender.send(
                protocol.rejected(pending.op.op_id, rejection.code, rejection.message)
            )
        if not pending.done.done():
            pending.done.set_exception(rejection)
            pending.done.exception()  # retrieved: nobody needs to await a refused op

    def _ack_duplicate(self, pending: Pending) -> None:
        """A resent op id: it was applied once; send the original event as its ack again.

        Always answered: a client that lost its acks (closed with 4429, say) learns from the
        resent ids what was applied. An event older than the recent log is read back from
        the store.
        """
        seq, event = self.core.original(pending.op.sender, pending.op.op_id)
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
            self._refuse(pending, Rejected(Code.UNAVAILABLE, f"not read: {error}"))
            return
        if events and events[0]["seq"] == seq:
            self._send_ack(pending, events[0])
        else:  # the log was trimmed below it: applied, but only its seq is left to say so
            op = pending.op
            receipt = {"seq": seq, "by": op.by, "op_id": op.op_id, "op": {"kind": "hidden"}}
            if op.via:
                receipt["via"] = op.via
            self._send_ack(pending, receipt, view=False)

    def _send_ack(self, pending: Pending, event: Event, *, view: bool = True) -> None:
        if pending.sender is not None:
            viewer = (pending.op.sender, pending.sender.role) if view else None
            pending.sender.send(self.core.event_frame(event, viewer))
        if not pending.done.done():
            pending.done.set_result(event)

    def _carry_out(self, applied: Applied) -> None:
        """Send what the core committed, close the removed, save a snapshot when due."""
        self._fan_out(applied)
        if applied.removed:
            for conn in [c for c in self.connections if c.participant in applied.removed]:
                conn.close(CloseCode.REMOVED)
        if applied.snapshot_due:
            seq, body = self.core.snapshot()
            self._in_background(self.store.save_state(self.code, seq, body))

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
        applied = self.core.receive(events)
        if applied == GAP:
            self.catch_up_soon()
        elif isinstance(applied, Applied):
            self._carry_out(applied)

    def _in_background(self, work: Any) -> None:
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        task.add_done_callback(_log_failure)

    async def snapshot_record(self, n: int) -> dict[str, Any] | None:
        """The frozen record of snapshot ``n``, rebuilt from the log if it was never stored."""
        return await loader.snapshot_record(self.store, self.state, n)

    # --- fan-out -------------------------------------------------------------------------

    def _fan_out(self, applied: Applied) -> None:
        """Send events to every connection, serialising each distinct view once."""
        if not self.connections or not applied.views:
            return
        frames = self.core.frames(
            applied.views, ((c.participant, c.role) for c in self.connections)
        )
        for conn in list(self.connections):  # a full outbox drops its connection from the set
            if frames.special:
                conn.send(frames.for_viewer((conn.participant, conn.role)))
            else:
                conn.send(frames.common)

    # --- connections -------------------------------------------------------------------

    def attach(
        self,
        conn: Connection,
        since: int | None,
        you: dict[str, Any],
        token: str,
        with_state: bool = True,
    ) -> None:
        """Welcome a connection (see ``RoomCore.welcome``) and start sending it events."""
        viewer = (conn.participant, conn.role)
        for frame in self.core.welcome(since, viewer, you, token, with_state):
            conn.send(frame)
        self.connections.add(conn)
        self.last_used = self.clock.monotonic()
        self._presence_changed()

    def detach(self, conn: Connection) -> None:
        if conn in self.connections:
            self.connections.discard(conn)
            self.last_used = self.clock.monotonic()
            self._presence_changed()

    def idle_for(self) -> float:
        """Seconds since anyone used the room; 0 while connected or with writes in flight."""
        if self.connections or self._appending or self._background or not self._inbox.empty():
            return 0.0
        return self.clock.monotonic() - self.last_used

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
        if self._committer is not None:
            self._inbox.put_nowait(None)
            await asyncio.wait([self._committer])  # our own cancellation still reaches us
        while not self._inbox.empty():  # never started: what was queued is not applied
            pending = self._inbox.get_nowait()
            if pending is not None:
                self._refuse(pending, Rejected(Code.UNAVAILABLE, "the room is closing here, retry"))
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
        if self._presence_handle is not None:
            self._presence_handle.cancel()


def _log_failure(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.warning("background store write failed: %s", task.exception())
