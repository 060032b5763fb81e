"""uvicorn's HTTP and WebSocket protocols, with the two deadlines a public server needs.

- **Headers within ``SPWT_HEADER_TIMEOUT`` s** (30). uvicorn times out a connection idle
  between requests, but not one that is still sending its headers: a client that sends
  half a request line, or a byte now and then, keeps its socket forever, and enough of
  them use up the process's file descriptors. Each request's headers now have a deadline
  from their first byte (from the connection's start for the first request).
- **A close never waits on the peer.** uvicorn writes a WebSocket's close frame only once
  the socket is writable, and then waits up to 10 s for the reply before an orderly
  close, which waits again for the kernel to deliver what is queued. A client that stopped
  reading (dropped for falling behind, server/rooms/connection.py) would keep its socket
  and megabytes of queued frames for good. Here a close to a peer that is not reading
  aborts the connection at once, and a close the peer does not answer within
  ``CLOSE_TIMEOUT`` s is aborted too: with ``SO_LINGER`` 0, so the kernel drops what was
  queued (a reset) instead of trying to deliver it to a reader that is not there.
- **A closed WebSocket's memory is freed when it closes**, not at the next full garbage
  collection (see ``AbortingWebSocket.connection_lost``).
- **One text frame, written to many sockets, is encoded once.** Through ASGI every send
  encodes the text and builds its WebSocket frame again, per recipient: 40% of the CPU of
  a delivery. ``send_now`` (offered to the app as the scope extension ``SEND_NOW``) writes
  a text frame straight to the socket when nothing stands in the way (no deflate
  negotiated, open, the kernel buffer not full) and keeps the last frame it encoded, so a
  fan-out of one text to a room encodes it once. A socket whose per-message deflate keeps
  no compressor context (``SPWT_WS_DEFLATE=nocontext``) compresses each message alone, so
  its compressed frame is the same for every such socket: it is made once too. Otherwise
  (websockets keeps a context, a full buffer, a close) it says no, and the caller sends
  through ASGI, which waits as it must.
- **A compressor's context, shared by the sockets of a room** (``SPWT_WS_DEFLATE=warm``,
  server/frames.py): an ordinary event in 25 bytes on the wire instead of 115, for one
  compression per fan-out.
- **A socket's own parts are small**: uvicorn's queue and event, the handshake it keeps,
  Starlette's frames (server/app.py); an idle connection costs 18 KB instead of 31.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.protocol import State

from .deflate import factory
from .frames import (
    WARM_LIMIT,
    Context,
    Deflate,
    compression,
    start,
    text_frame,
    warm_sockets,
)
from .settings import Settings

CLOSE_TIMEOUT = 3.0
#: The ASGI scope extension whose ``"send"`` writes a text frame now, if it can (a bool).
SEND_NOW = "spwt.send_now"
_LINGER_OFF = struct.pack("ii", 1, 0)  # l_onoff 1, l_linger 0: close() resets


def abort(transport: asyncio.Transport) -> None:
    """Close at once, dropping whatever the kernel still holds for the peer."""
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _LINGER_OFF)
    transport.abort()


class Flag:
    """``asyncio.Event`` as uvicorn uses it (``writable``), without the deque an Event keeps
    for its waiters: 750 bytes on every socket, for a flag that is almost never waited on."""

    __slots__ = ("_set", "_waiters")

    def __init__(self) -> None:
        self._set = False
        self._waiters: list[asyncio.Future[None]] = []

    def is_set(self) -> bool:
        return self._set

    def set(self) -> None:
        self._set = True
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    def clear(self) -> None:
        self._set = False

    async def wait(self) -> bool:
        while not self._set:
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            finally:
                if waiter in self._waiters:  # cancelled while waiting
                    self._waiters.remove(waiter)
        return True


class Inbox:
    """``asyncio.Queue`` as uvicorn uses it (the socket's received events, read by the one
    task of the app), in a list: an idle socket's Queue holds four deques, 3 KB."""

    __slots__ = ("_items", "_waiter")

    def __init__(self) -> None:
        self._items: list[Any] = []
        self._waiter: asyncio.Future[None] | None = None

    def put_nowait(self, item: Any) -> None:
        self._items.append(item)
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def empty(self) -> bool:
        return not self._items

    async def get(self) -> Any:
        while not self._items:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return self._items.pop(0)


class GuardedHttp(HttpToolsProtocol):
    """httptools' protocol, with a deadline on each request's headers."""

    header_timeout: float | None = None  # read from the settings by the first connection

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if GuardedHttp.header_timeout is None:
            GuardedHttp.header_timeout = Settings.from_env().header_timeout
        self._header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self._header_timer is None:
            timeout = GuardedHttp.header_timeout or 30.0
            self._header_timer = self.loop.call_later(timeout, self._headers_late)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_late(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            abort(self.transport)


class AbortingWebSocket(WebSocketsSansIOProtocol):
    """uvicorn's WebSocket protocol, whose closes never wait on a peer that does not read,
    with the per-message deflate of ``SPWT_WS_DEFLATE`` (server/deflate.py)."""

    deflate: Any = ...  # the extension factory, read from the settings by the first socket
    #: The text ``send_now`` encoded last, how, and its frame: one entry is enough, as a
    #: fan-out writes one text to every socket in turn.
    _last: tuple[str, Deflate | None, bytes] = ("", None, b"")
    _last_data: tuple[str, bytes] = ("", b"")  # the text a warm fan-out writes, encoded once
    _deflate: Any = ...  # this socket's ``compression()``, once it has sent

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if AbortingWebSocket.deflate is ...:
            AbortingWebSocket.deflate = factory(Settings.from_env().ws_deflate)
        if AbortingWebSocket.deflate is not None and self.conn.available_extensions:
            self.conn.available_extensions = [AbortingWebSocket.deflate]
        self.queue = Inbox()  # type: ignore[assignment]
        self.writable = Flag()  # type: ignore[assignment]
        self.writable.set()
        #: With ``warm``: the compressor's state that the peer's decompressor shares.
        self._context: Context | None = None
        self.warm_since_sweep = False

    def handle_connect(self, event: Any) -> None:
        super().handle_connect(event)
        # The request's headers are in the scope now; websockets' parser keeps the request
        # for the socket's whole life (a local of its generator): 2.5 KB each.
        event.headers.clear()
        scope = getattr(self, "scope", None)  # None: the handshake was refused
        if scope is not None:
            scope["extensions"][SEND_NOW] = {"send": self.send_now}

    def send_now(self, text: str) -> bool:
        """Write ``text`` as one frame now; False if it must go through ``send`` instead
        (a compressor that keeps context, not open, closing, or the kernel buffer is full)."""
        deflate = self._deflate
        if deflate is ...:  # negotiated once, at the handshake
            deflate = self._deflate = compression(self.conn.extensions)
        if (
            deflate is False
            or not self.writable.is_set()
            or self.close_sent
            or self.disconnected
            or self.conn.state is not State.OPEN
            or self.transport.is_closing()
        ):
            return False
        if deflate is not None and deflate.warm and len(text) <= WARM_LIMIT:
            self.transport.write(self._warm_frame(text, deflate))
            return True
        last = AbortingWebSocket._last
        if last[0] is not text or last[1] != deflate:
            last = AbortingWebSocket._last = (text, deflate, text_frame(text, deflate))
        self.forget_context()  # the peer's window now holds a message the compressor did not see
        self.transport.write(last[2])
        return True

    def _warm_frame(self, text: str, deflate: Deflate) -> bytes:
        data = AbortingWebSocket._last_data
        if data[0] is not text:
            data = AbortingWebSocket._last_data = (text, text.encode())
        context = self._context
        if context is None:
            warm_sockets(self.loop).add(self)
            context = start(deflate)
        made, self._context = context.step(text, data[1])
        self.warm_since_sweep = True
        return made

    def forget_context(self) -> None:
        """Start from a fresh compressor at the next message (RFC 7692 lets a server that
        may keep its context always choose not to refer back)."""
        if self._context is not None:
            self._context = None
            warm_sockets(self.loop).sockets.discard(self)

    async def send(self, message: Any) -> None:
        if message["type"] == "websocket.send":
            self.forget_context()  # websockets compresses it alone, unseen by the compressor
        closing = message["type"] == "websocket.close"
        if (
            closing
            and self.handshake_complete
            and not (self.close_sent or self.disconnected)
            and not self.writable.is_set()
        ):
            # The peer is not reading: the close frame would queue behind all it did not read.
            self.close_sent = True
            code = message.get("code", 1000)
            self.queue.put_nowait({"type": "websocket.disconnect", "code": code})
            abort(self.transport)
            return
        await super().send(message)
        if message["type"] == "websocket.accept" and self.handshake_complete:
            # The parsed handshake, uvicorn's until the socket closes: its headers.
            self.request = self.response = None  # type: ignore[assignment]
        if closing and self.close_timer is not None:  # uvicorn's: 10 s, then an orderly close
            self.close_timer.cancel()
            self.close_timer = self.loop.call_later(CLOSE_TIMEOUT, self._close_late)

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        # websockets' protocol and its parser (a generator running in it) refer to each
        # other, so only the cyclic collector would free them: rarely, as the collector
        # counts objects, not the ~50 KB of zlib buffers a compressed connection holds
        # outside them (server/cli.py, tune_gc). Dropping the parser breaks the cycle: the
        # protocol, its compressors and their buffers go now.
        self.conn.parser = None  # type: ignore[assignment]
        self.conn.extensions = []
        self.forget_context()
        scope = getattr(self, "scope", None)
        if scope is not None:
            scope["extensions"].pop(SEND_NOW, None)  # the bound method refers back to us

    def _close_late(self) -> None:
        self.close_timer = None
        abort(self.transport)

    def keepalive_timeout(self) -> None:
        super().keepalive_timeout()  # no pong: a dead peer, whose queued frames go too
        abort(self.transport)
