"""The text frames the server writes itself (``send_now``, server/transport.py): plain, or
compressed (RFC 7692) alone, or against a compressor's context that a room's sockets share.

- **Alone** (``SPWT_WS_DEFLATE=nocontext``, and any large message with ``warm``): each
  message is compressed by itself, so its frame is the same for every socket with those
  parameters, and a fan-out makes it once.
- **Against the messages before** (``warm``, the default; server/deflate.py). Compressed
  alone, an ordinary event is 115 bytes; against the ones before it, 25. Kept by
  websockets, that context costs a compression through ASGI per recipient (twice the CPU
  of a delivery) and a compressor per connection. Here websockets compresses alone, and
  the contexts are kept here: sockets whose peers hold the same history share one state
  (``Context``), so a fan-out compresses its text once for all of them.

  A socket that gets a frame of its own (its view of an event the room sees otherwise: a
  hidden vote it cast, a private card it wrote; a rejection) holds another history, and
  is compressed for by itself for a few messages. A compressor refers back at most its
  window (``WARM_BITS``: 512 bytes), so once the last 512 bytes its peer inflated are the
  room's last 512 again, the socket shares the room's state again (``Context.tail``). In
  a hidden vote of 200 at 100 votes a second, a fan-out compresses 2 to 3 times, not 200.
  After a message compressed alone, or one sent through ASGI, a socket starts afresh
  (RFC 7692 lets a server that may keep its context always choose not to refer back).
"""

from __future__ import annotations

import asyncio
import struct
import weakref
import zlib
from typing import Any, Literal, NamedTuple, Protocol

from websockets.extensions.permessage_deflate import PerMessageDeflate

from .deflate import WarmDeflate

_TEXT = 0x81  # FIN and the text opcode: a whole text message in one frame
_RSV1 = 0x40  # set on a compressed message (RFC 7692)
#: With ``warm``: a message up to this many characters is compressed against the messages
#: before it (an event: about 25 bytes on the wire against 115 alone); a longer one alone,
#: in the negotiated window, and the same frame for every socket of a fan-out.
WARM_LIMIT = 1024
WARM_BITS = 9  # a kept compressor's window and memLevel: 9 KB
WARM_MEM_LEVEL = 1
WARM_QUIET = 5.0


class Deflate(NamedTuple):
    """How a socket's messages are compressed when each is compressed alone."""

    bits: int  # the window the negotiation allows the server
    level: int
    mem_level: int
    warm: bool  # the server may keep a compressor's context too (``SPWT_WS_DEFLATE=warm``)


def frame(payload: bytes, compressed: bool = False) -> bytes:
    """A server's (unmasked) WebSocket frame holding one whole text message."""
    first, size = (_TEXT | _RSV1 if compressed else _TEXT), len(payload)
    if size < 126:
        return bytes((first, size)) + payload
    if size < 1 << 16:
        return struct.pack("!BBH", first, 126, size) + payload
    return struct.pack("!BBQ", first, 127, size) + payload


def flushed(compressor: Any, data: bytes) -> bytes:
    """``data`` compressed up to a byte boundary, without the 00 00 ff ff of the flush."""
    payload: bytes = compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)
    return payload[:-4]


def text_frame(text: str, deflate: Deflate | None = None) -> bytes:
    """The frame of ``text``, or with ``deflate`` of ``text`` compressed alone (RFC 7692)."""
    data = text.encode()
    if deflate is None:
        return frame(data)
    compressor = zlib.compressobj(deflate.level, zlib.DEFLATED, -deflate.bits, deflate.mem_level)
    return frame(flushed(compressor, data), compressed=True)


def compression(extensions: list[Any]) -> Deflate | Literal[False] | None:
    """How this socket's messages may be compressed by ``send_now``: None when nothing is
    negotiated; False when websockets keeps a compressor's context (its frames depend on
    what it sent before, so only websockets may write them)."""
    if not extensions:
        return None
    deflate = extensions[0]
    if len(extensions) > 1 or not isinstance(deflate, PerMessageDeflate):
        return False
    if not deflate.local_no_context_takeover:
        return False
    settings = deflate.compress_settings
    level = settings.get("level", zlib.Z_DEFAULT_COMPRESSION)
    mem_level = settings.get("memLevel", zlib.DEF_MEM_LEVEL)
    warm = isinstance(deflate, WarmDeflate)
    return Deflate(deflate.local_max_window_bits, level, mem_level, warm)


class Context:
    """A compressor's state, shared by the sockets whose peers hold the same history since
    it started. Compressing a text makes the next state (from a copy), kept beside as the
    last step taken from here: a fan-out of one text to a room compresses it once and
    moves every socket along. States no socket is in are freed (the step is held weakly),
    so a chain never outlives its sockets."""

    __slots__ = ("__weakref__", "compressor", "frame", "next", "tail", "text")

    #: The states the text being fanned out was compressed from, by their ``tail``.
    steps: tuple[str | None, dict[bytes, Context]] = (None, {})

    def __init__(self, compressor: Any, tail: bytes = b"") -> None:
        self.compressor = compressor
        #: The last bytes (up to the window) the compressor may refer back to: its peer
        #: holds them too. Two states with one tail make frames either peer can inflate.
        self.tail = tail
        self.text: str | None = None
        self.frame = b""
        self.next: weakref.ref[Context] | None = None

    def step(self, text: str, data: bytes) -> tuple[bytes, Context]:
        """The frame of ``text`` (encoded: ``data``) from this state, and the state after."""
        following = self._stepped(text)
        if following is not None:
            return self.frame, following
        fanned, by_tail = Context.steps
        if fanned is not text:
            by_tail = {}
            Context.steps = (text, by_tail)
        alike = by_tail.get(self.tail)  # another chain whose peers hold what ours do
        if alike is not None and (following := alike._stepped(text)) is not None:
            return alike.frame, following
        compressor = self.compressor.copy()
        self.frame = frame(flushed(compressor, data), compressed=True)
        following = Context(compressor, (self.tail + data)[-_WINDOW:])
        self.text, self.next = text, weakref.ref(following)
        by_tail[self.tail] = self
        return self.frame, following

    def _stepped(self, text: str) -> Context | None:
        """The state after ``text`` if it was the last step taken from here, and lives."""
        return self.next() if self.next is not None and self.text is text else None


_WINDOW = 1 << WARM_BITS  # no compressor of a context refers further back
_starts: dict[tuple[int, int], Context] = {}  # a fresh compressor per (window, level)


def start(deflate: Deflate) -> Context:
    """The state of a compressor that has sent nothing."""
    bits = min(WARM_BITS, deflate.bits)
    fresh = _starts.get((bits, deflate.level))
    if fresh is None:
        compressor = zlib.compressobj(deflate.level, zlib.DEFLATED, -bits, WARM_MEM_LEVEL)
        fresh = _starts[bits, deflate.level] = Context(compressor)
    return fresh


class Warm(Protocol):
    """A socket that writes ``warm`` frames (server/transport.py's)."""

    warm_since_sweep: bool

    def forget_context(self) -> None: ...


class WarmSockets:
    """The sockets of one event loop that hold a context, and the sweep that drops the
    contexts of those that sent nothing for ``WARM_QUIET`` to twice that many seconds: an
    idle socket that parted from the others then holds no compressor of its own (9 KB)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.sockets: set[Warm] = set()
        self.sweep_at: asyncio.TimerHandle | None = None

    def add(self, ws: Warm) -> None:
        self.sockets.add(ws)
        if self.sweep_at is None:
            self.sweep_at = self.loop.call_later(WARM_QUIET, self.sweep)

    def sweep(self) -> None:
        self.sweep_at = None
        for ws in list(self.sockets):
            if ws.warm_since_sweep:
                ws.warm_since_sweep = False
            else:
                ws.forget_context()
        if self.sockets:
            self.sweep_at = self.loop.call_later(WARM_QUIET, self.sweep)


_warm: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, WarmSockets] = (
    weakref.WeakKeyDictionary()
)


def warm_sockets(loop: asyncio.AbstractEventLoop) -> WarmSockets:
    """The sockets of ``loop`` that hold a context."""
    warm = _warm.get(loop)
    if warm is None:
        warm = _warm[loop] = WarmSockets(loop)
    return warm
