"""Per-message deflate for the board's sockets: how much zlib state each connection keeps.

Every browser offers per-message deflate. uvicorn's own answer (12-bit windows, ``memLevel``
5, both contexts kept) makes an idle connection hold a compressor and a decompressor:
77 KB against 30 KB without deflate. The pages fetch the board's state over HTTP
(server/rooms/board_state.py), so the socket carries no big frame and needs no big window.
``SPWT_WS_DEFLATE`` picks the trade (docs/benchmarks.md has each one's memory, bytes, CPU):

- ``nocontext`` (the default): no context kept either way: websockets frees the
  compressor after each message and the decompressor after each received one (31 KB per
  idle connection). Every message is compressed alone (an ordinary event: about 115 bytes
  on the wire), so a fan-out compresses its frame once for all such sockets
  (``server/transport.py``): with browser-like clients that halves the server's CPU per
  delivery against the variants that keep a compressor per socket.
- ``tight``: the server's compressor kept in a 9-bit window with ``memLevel`` 1, so
  events compress against the ones before (about 25 bytes); the client's messages are
  decompressed alone. 39 KB per idle connection, and one compression per recipient. A
  welcome that carries the state is about twice the bytes of ``uvicorn``'s.
- ``warm``: the server may keep its context, the client's messages are decompressed
  alone. ``send_now`` (server/transport.py) compresses a small message with a compressor
  it keeps per socket in a 9-bit window (an event: about 25 bytes), a large one alone and
  once per fan-out, and drops a socket's compressor after a few quiet seconds: an idle
  connection costs what ``nocontext``'s does, a busy one 9 KB more.
- ``uvicorn``: uvicorn's own settings: 77 KB, the smallest socket welcome with state.
- ``small``: 9-bit windows and ``memLevel`` 1, both contexts kept: 45 KB.
"""

from __future__ import annotations

from typing import Any

from websockets.extensions.permessage_deflate import (
    PerMessageDeflate,
    ServerPerMessageDeflateFactory,
)

VARIANTS = ("uvicorn", "nocontext", "small", "tight", "warm")


class WarmDeflate(PerMessageDeflate):
    """A negotiation that leaves the server free to keep its context, held as one that
    compresses each message alone: websockets never keeps a compressor, ``send_now``
    keeps one per socket while messages flow (server/transport.py)."""


class WarmFactory(ServerPerMessageDeflateFactory):
    def process_request_params(self, params: Any, accepted: Any) -> tuple[Any, WarmDeflate]:
        response, ext = super().process_request_params(params, accepted)
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
    if variant == "small":
        return ServerPerMessageDeflateFactory(
            server_max_window_bits=9, client_max_window_bits=9, compress_settings={"memLevel": 1}
        )
    if variant == "tight":
        return ServerPerMessageDeflateFactory(
            client_no_context_takeover=True, server_max_window_bits=9,
            client_max_window_bits=9, compress_settings={"memLevel": 1},
        )  # fmt: skip
    if variant == "warm":
        return WarmFactory(client_no_context_takeover=True, client_max_window_bits=12)
    if variant == "uvicorn":
        return None
    raise ValueError(f"SPWT_WS_DEFLATE must be one of {', '.join(VARIANTS)}")
