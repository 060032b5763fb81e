"""Per-message deflate for the board's sockets: how much zlib state each connection keeps.

uvicorn's offer (12-bit windows, ``memLevel`` 5, both contexts kept) makes every idle
connection that negotiated deflate hold a compressor and a decompressor: about 50 KB of
zlib buffers, more than the rest of the connection. ``SPWT_WS_DEFLATE`` picks a variant
(docs/benchmarks.md has each one's memory, bytes and CPU):

- ``uvicorn``: uvicorn's own settings;
- ``small``: 9-bit windows and ``memLevel`` 1, both contexts kept (about a sixth of the
  buffers; small events still compress against the ones before);
- ``nocontext``: no context kept either way: websockets frees the compressor after each
  message, so an idle connection keeps no zlib state; every message is compressed alone;
- ``lean``: as ``nocontext``, and messages under ``LARGE`` bytes go uncompressed (a lone
  small event does not shrink: deflating it costs CPU for nothing).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from websockets.extensions.base import Extension
from websockets.extensions.permessage_deflate import (
    PerMessageDeflate,
    ServerPerMessageDeflateFactory,
)
from websockets.frames import CONT, CTRL_OPCODES, Frame
from websockets.typing import ExtensionParameter

VARIANTS = ("uvicorn", "small", "nocontext", "lean")
LARGE = 1024  # bytes: ``lean`` compresses messages from this size on


class LeanDeflate(PerMessageDeflate):
    """Deflate that sends messages smaller than ``large`` bytes as they are (RFC 7692 lets
    any message go uncompressed: its first frame's RSV1 bit says which). Without context
    takeover websockets frees each compressor after its message: nothing stays idle."""

    def __init__(self, *args: Any, large: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.large = large
        self._plain = False

    def encode(self, frame: Frame) -> Frame:
        if frame.opcode in CTRL_OPCODES:
            return frame
        if frame.opcode is not CONT:
            self._plain = len(frame.data) < self.large
        if self._plain:
            return frame
        return super().encode(frame)


class Factory(ServerPerMessageDeflateFactory):
    """websockets' server factory, whose extensions are ``LeanDeflate``."""

    def __init__(self, large: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.large = large

    def process_request_params(
        self, params: Sequence[ExtensionParameter], accepted_extensions: Sequence[Extension]
    ) -> tuple[list[ExtensionParameter], PerMessageDeflate]:
        response, ext = super().process_request_params(params, accepted_extensions)
        return response, LeanDeflate(
            ext.remote_no_context_takeover, ext.local_no_context_takeover,
            ext.remote_max_window_bits, ext.local_max_window_bits, ext.compress_settings,
            large=self.large,
        )  # fmt: skip


def factory(variant: str) -> ServerPerMessageDeflateFactory | None:
    """The extension factory of ``variant``; None for uvicorn's own."""
    if variant == "small":
        return Factory(
            server_max_window_bits=9, client_max_window_bits=9, compress_settings={"memLevel": 1}
        )
    if variant in ("nocontext", "lean"):
        return Factory(
            large=LARGE if variant == "lean" else 0,
            server_no_context_takeover=True, client_no_context_takeover=True,
            server_max_window_bits=12, client_max_window_bits=12,
            compress_settings={"memLevel": 5},
        )  # fmt: skip
    if variant == "uvicorn":
        return None
    raise ValueError(f"SPWT_WS_DEFLATE must be one of {', '.join(VARIANTS)}")
