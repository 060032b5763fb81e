"""Per-message deflate for the board's sockets: how much zlib state each connection keeps.

Every browser offers per-message deflate. uvicorn's own answer (12-bit windows, ``memLevel``
5, both contexts kept) makes an idle connection hold a compressor and a decompressor:
77 KB against 30 KB without deflate. The pages fetch the board's state over HTTP
(server/rooms/board_state.py), so the socket carries no big frame and needs no big window.
``SPWT_WS_DEFLATE`` picks the trade (docs/benchmarks.md has each one's memory, bytes, CPU):

- ``warm`` (the default): the server may keep its context, the client's messages are
  decompressed alone. websockets compresses each message it writes alone; ``send_now``
  (server/frames.py) compresses a small message against the ones before it (an
  event: about 25 bytes on the wire) in a 9-bit window whose state the sockets of a room
  share while their peers have received the same messages, so a fan-out compresses once;
  a large message goes alone, once per fan-out. An idle connection: 18 KB.
- ``nocontext``: no context kept either way: every message is compressed alone (an
  ordinary event: about 115 bytes), once per fan-out; the same memory and CPU as ``warm``.
- ``uvicorn``: uvicorn's own settings (12-bit windows, ``memLevel`` 5, both contexts
  kept by websockets): a compressor and a decompressor per connection (about 50 KB more),
  one compression per recipient, and the smallest welcome to clients that take the state
  through the socket.

(``tight`` and ``small``, a compressor per socket in a 9-bit window, are gone: ``warm``
sends the same bytes for less memory and half their CPU.)
"""

from __future__ import annotations

from typing import Any

from websockets.exceptions import NegotiationError
from websockets.extensions.permessage_deflate import (
    PerMessageDeflate,
    ServerPerMessageDeflateFactory,
)

VARIANTS = ("warm", "nocontext", "uvicorn")


class WarmDeflate(PerMessageDeflate):
    """A negotiation that leaves the server free to keep its context, held as one that
    compresses each message alone: websockets never keeps a compressor, ``send_now``
    keeps the contexts (server/frames.py)."""


class WarmFactory(ServerPerMessageDeflateFactory):
    def process_request_params(self, params: Any, accepted: Any) -> tuple[Any, WarmDeflate]:
        response, ext = super().process_request_params(params, accepted)
        if ext.local_max_window_bits < 9:  # zlib compresses in no window under 512 bytes
            raise NegotiationError("server_max_window_bits must be at least 9")
        return response, WarmDeflate(
            ext.remote_no_context_takeover, True, ext.remote_max_window_bits,
            ext.local_max_window_bits, ext.compress_settings,
        )  # fmt: skip


def factory(variant: str) -> ServerPerMessageDeflateFactory | None:
    """The extension factory of ``variant``; None for uvicorn's own."""
    if variant == "nocontext":
        return ServerPerMessageDeflateFactory(
            server_no_context_takeover=True, client_no_context_takeover=True,
            server_max_window_bits=12, client_max_window_bits=12,
            compress_settings={"memLevel": 5},
        )  # fmt: skip
    if variant == "warm":
        return WarmFactory(client_no_context_takeover=True, client_max_window_bits=12)
    if variant == "uvicorn":
        return None
    raise ValueError(f"SPWT_WS_DEFLATE must be one of {', '.join(VARIANTS)}")
