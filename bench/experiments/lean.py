"""``ours-lean``: our server with a leaner connection, to measure two ideas of issue 6.

1. **No writer task while idle.** The stock ``Connection`` keeps an ``asyncio.Queue`` and a
   writer task for every socket, even one that has nothing to send (``idle``: KB per
   connection). Here the outbox is a plain ``deque`` and the writer task exists only
   while frames are waiting.
2. **Coalesce a backlog.** When a client's outbox holds several ``events`` frames, the
   writer sends them as one ``events`` frame (the room's frames are joined as text, no
   parsing): fewer frames and syscalls exactly when the server is behind, no added
   latency when it is not.

Same constructor, methods and bounds as ``server/rooms/connection.py``; swapped in before
the app is built. Run as ``python -m bench.experiments.lean serve --port …``.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections import deque
from collections.abc import Callable
from typing import Any

from server.rooms.connection import Socket
from server.rooms.protocol import CLOSE_REASONS, CloseCode

EVENTS_HEAD = '{"type":"events","events":['
EVENTS_TAIL = "]}"
_CLOSE = object()


class LeanConnection:
    def __init__(
        self,
        socket: Socket,
        participant: str,
        role: str,
        outbox: int,
        on_close: Callable[[Any], None] | None = None,
    ) -> None:
        self.socket = socket
        self.participant = participant
        self.role = role
        self.on_close = on_close
        self.closed = False
        self.close_code: int | None = None
        self._limit = outbox
        self._outbox: deque[object] = deque()
        self._writer: asyncio.Task[None] | None = None

    def send(self, frame: str) -> None:
        if self.closed:
            return
        if len(self._outbox) >= self._limit:
            self.close(CloseCode.TRY_AGAIN_LATER, flush=False)
            return
        self._outbox.append(frame)
        self._wake()

    def _wake(self) -> None:
        if self._writer is None:
            self._writer = asyncio.create_task(self._write_loop())

    def close(self, code: CloseCode, *, flush: bool = True) -> None:
        if self.closed:
            return
        self.closed = True
        self.close_code = code
        if self.on_close is not None:
            self.on_close(self)
        if flush and len(self._outbox) < self._limit:
            self._outbox.append(_CLOSE)
            self._wake()
            return
        self._outbox.clear()
        if self._writer is not None:
            self._writer.cancel()
        self._writer = asyncio.create_task(self._close_socket(code))

    async def _close_socket(self, code: CloseCode) -> None:
        with contextlib.suppress(Exception):
            await self.socket.close(code, CLOSE_REASONS.get(code, ""))

    def _next(self) -> object:
        first = self._outbox.popleft()
        if not isinstance(first, str) or not first.startswith(EVENTS_HEAD):
            return first
        parts = [first[len(EVENTS_HEAD) : -len(EVENTS_TAIL)]]
        outbox = self._outbox
        while outbox and isinstance(outbox[0], str) and outbox[0].startswith(EVENTS_HEAD):
            parts.append(outbox.popleft()[len(EVENTS_HEAD) : -len(EVENTS_TAIL)])  # type: ignore[index]
        if len(parts) == 1:
            return first
        return EVENTS_HEAD + ",".join(parts) + EVENTS_TAIL

    async def _write_loop(self) -> None:
        try:
            while self._outbox:
                frame = self._next()
                if frame is _CLOSE:
                    await self._close_socket(CloseCode(self.close_code))
                    return
                await self.socket.send_text(frame)  # type: ignore[arg-type]
        except asyncio.CancelledError:
            raise
        except Exception:
            self.closed = True
        finally:
            if self._writer is asyncio.current_task():
                self._writer = None

    async def wait_closed(self) -> None:
        writer = self._writer
        if writer is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await writer

    def stop(self) -> None:
        self.closed = True
        if self._writer is not None:
            self._writer.cancel()


def main(argv: list[str] | None = None) -> int:
    from server import cli
    from server.rooms import connection, session

    connection.Connection = LeanConnection  # type: ignore[misc,assignment]
    session.Connection = LeanConnection  # type: ignore[misc,assignment]
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main())
