"""One client connection: a bounded outbox drained by its own writer task.

The room puts frames into the outbox and never waits: a client that cannot keep up fills
its outbox and is dropped (it resumes later from its last seq), so one slow phone never
delays anyone else.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Protocol

from .protocol import CLOSE_REASONS, CloseCode


class Socket(Protocol):
    """The little a connection needs from a WebSocket (Starlette's fits)."""

    async def send_text(self, data: str) -> None: ...

    async def close(self, code: int = 1000, reason: str | None = None) -> None: ...


_CLOSE = object()


class Connection:
    def __init__(
        self,
        socket: Socket,
        participant: str,
        role: str,
        outbox: int,
        on_close: Callable[[Connection], None] | None = None,
    ) -> None:
        self.socket = socket
        self.participant = participant
        self.role = role
        self.on_close = on_close
        self.closed = False
        self.close_code: int | None = None
        self._outbox: asyncio.Queue[object] = asyncio.Queue(maxsize=outbox)
        self._writer = asyncio.create_task(self._write_loop(), name=f"writer-{participant}")

    def send(self, frame: str) -> None:
        """Queue a frame; a full outbox drops the connection instead of waiting."""
        if self.closed:
            return
        try:
            self._outbox.put_nowait(frame)
        except asyncio.QueueFull:
            self.close(CloseCode.TRY_AGAIN_LATER, flush=False)

    def close(self, code: CloseCode, *, flush: bool = True) -> None:
        """Close after the frames already queued (``flush``) or at once."""
        if self.closed:
            return
        self.closed = True
        self.close_code = code
        if self.on_close is not None:
            self.on_close(self)  # out of the room now, even if the peer never reads again
        if flush:
            with contextlib.suppress(asyncio.QueueFull):
                self._outbox.put_nowait(_CLOSE)
                return
        self._writer.cancel()
        self._writer = asyncio.create_task(self._close_socket(code))

    async def _close_socket(self, code: CloseCode) -> None:
        with contextlib.suppress(Exception):
            await self.socket.close(code, CLOSE_REASONS.get(code, ""))

    async def _write_loop(self) -> None:
        try:
            while True:
                frame = await self._outbox.get()
                if frame is _CLOSE:
                    await self._close_socket(CloseCode(self.close_code))
                    return
                await self.socket.send_text(frame)  # type: ignore[arg-type]
        except asyncio.CancelledError:
            raise
        except Exception:
            self.closed = True

    async def wait_closed(self) -> None:
        with contextlib.suppress(asyncio.CancelledError):
            await self._writer

    def stop(self) -> None:
        """Stop writing (the socket is gone)."""
        self.closed = True
        self._writer.cancel()
