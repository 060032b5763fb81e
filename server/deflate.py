"""Per-message deflate for the board's sockets: how much zlib state each connection keeps.

uvicorn's offer (12-bit windows, ``memLevel`` 5, both contexts kept) makes every idle
connection that negotiated deflate, as every browser does, hold a compressor and a
decompressor: 77 KB per idle connection against 30 KB without deflate. ``SPWT_WS_DEFLATE``
picks another trade (docs/benchmarks.md has each one's memory, bytes and CPU):

- ``uvicorn`` (the default): uvicorn's own settings. Small events compress against the
  ones before: an ordinary event is about 25 bytes on the wire.
- ``nocontext``: no context kept either way: websockets frees the compressor after each
  message and the decompressor after each received one, so an idle connection keeps no
  zlib state (31 KB); every message is compressed alone (an ordinary event: about 115
  bytes), a welcome as well as before.
- ``small``: 9-bit windows and ``memLevel`` 1, both contexts kept: 44 KB, but a welcome
  twice the bytes (the window is too short to find the cards' repeated words).
- ``tight``: the server's compressor kept in a 9-bit window with ``memLevel`` 1 (events
  still compress against the ones before), the client's messages decompressed alone (no
  decompressor kept). For pages that fetch the state over HTTP, where the socket carries
  no big frame.
"""

from __future__ import annotations

from websockets.extensions.permessage_deflate import ServerPerMessageDeflateFactory

VARIANTS = ("uvicorn", "nocontext", "small", "tight")


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
    if variant == "uvicorn":
        return None
    raise ValueError(f"SPWT_WS_DEFLATE must be one of {', '.join(VARIANTS)}")
