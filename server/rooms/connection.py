"""One client connection: frames written at once, or queued behind a write that waits.

The room hands a connection its frames and never waits. A socket that takes a frame
without waiting (the usual case: the kernel buffer has room) is written to right there,
with no task and no queue: a room of 1,000 pays 1,000 writes per event, nothing more. Only
when a write has to wait does the connection start a task that finishes it and then
writes, in order, what queued meanwhile. A client that cannot keep up fills that bounded
outbox and is dropped (it resumes later from its last seq), so one slow phone never
delays anyone else.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Protocol

from .protocol import CLOSE_REASONS, CloseCode


class Socket(Protocol):
    """The little a connection needs from a WebSocket (Starlette's fits)."""

    async def send_text(self, data: str) -> None: ...

    async def close(self, code: int = 1000, reason: str | None = None) -> None: ...


@dataclass(slots=True)
class Waiting:
    """A coroutine stopped at its first wait, on a future (or None: a bare yield)."""

    coro: Coroutine[Any, Any, None]
    on: Any


def run_until_waiting(coro: Coroutine[Any, Any, None]) -> Waiting | None:
    """Run ``coro`` now, up to its first wait: None if it finished, else where it waits.

    What Python 3.12's eager tasks do, without a Task per call. An exception it raises
    before waiting is raised here; ``finish`` runs the rest.
    """
    try:
        on = coro.send(None)
    except StopIteration:
        return None
    return Waiting(coro, on)


async def finish(waiting: Waiting) -> None:
    """Drive a coroutine that ``run_until_waiting`` left waiting, to its end."""
    coro, on = waiting.coro, waiting.on
    try:
        while True:
            if on is None:
                await asyncio.sleep(0)
            else:
                await asyncio.wait([on])  # the coroutine takes its outcome when resumed
            on = coro.send(None)
    except StopIteration:
        return
    finally:
        coro.close()  # cancelled while it waited: it must not stay suspended


_CLOSE = object()


class Connection:
    def __init__(
        self,
        socket: Socket,
        participant: str,
        role: str,
        outbox: int,
        on_close: Callable[[Connection], None] | None = None,
        send_now: Callable[[str], bool] | None = None,
    ) -> None:
        self.socket = socket
        #: Writes a frame at once without a coroutine, or says it cannot (the server's).
        self._send_now = send_now
        self.participant = participant
        self.role = role
        self.on_close = on_close
        self.closed = False
        self.close_code: int | None = None
        self._limit = outbox
        self._outbox: list[object] = []  # not a deque: 56 bytes rather than 600 while idle
        #: Writing what could not be written at once; None while the socket keeps up.
        self._writer: asyncio.Task[None] | None = None

    def send(self, frame: str) -> None:
        """Write a frame now, or queue it; a full outbox drops the connection instead."""
        if self.closed:
            return
        if self._writer is not None:
            if len(self._outbox) >= self._limit:
                self.close(CloseCode.TRY_AGAIN_LATER, flush=False)
            else:
                self._outbox.append(frame)
            return
        if self._send_now is not None:
            try:
                if self._send_now(frame):
                    return
            except Exception:
                self.closed = True
                return
        try:
            rest = run_until_waiting(self.socket.send_text(frame))
        except Exception:
            self.closed = True  # the peer is gone; its session sees it too and cleans up
            return
        if rest is not None:
            self._writer = asyncio.create_task(self._write_queued(rest))

    def close(self, code: CloseCode, *, flush: bool = True) -> None:
        """Close after the frames already queued (``flush``) or at once."""
        if self.closed:
            return
        self.closed = True
        self.close_code = code
        if self.on_close is not None:
            self.on_close(self)  # out of the room now, even if the peer never reads again
        if flush and self._writer is not None:
            self._outbox.append(_CLOSE)
            return
        if self._writer is not None:
            self._writer.cancel()
        self._writer = asyncio.create_task(self._close_socket(code))

    async def _close_socket(self, code: CloseCode) -> None:
        with contextlib.suppress(Exception):
            await self.socket.close(code, CLOSE_REASONS.get(code, ""))

    async def _write_queued(self, started: Waiting) -> None:
        try:
            await finish(started)
            while self._outbox:
                frame = self._outbox.pop(0)
                if frame is _CLOSE:
                    await self._close_socket(CloseCode(self.close_code))
                    return
                await self.socket.send_text(frame)  # type: ignore[arg-type]
        except asyncio.CancelledError:
            raise
        except Exception:
            self.closed = True
            return
        if not self.closed:
            self._writer = None  # caught up: write directly again

    async def wait_closed(self) -> None:
        if self._writer is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer

    def stop(self) -> None:
        """Stop writing (the socket is gone)."""
        self.closed = True
        if self._writer is not None:
            self._writer.cancel()
