"""``send_now``: a text frame written straight to the socket, encoded once for a fan-out.

The bytes must be exactly the frame websockets itself would write, and the shortcut must
step aside whenever the ordinary path has something to do (a compressor that keeps
context, a full buffer, a close); every integration test's clients without deflate, and
those with the context-free deflate, receive through it.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from websockets.extensions.permessage_deflate import PerMessageDeflate
from websockets.frames import Frame, Opcode
from websockets.protocol import State

from server.transport import AbortingWebSocket, context_free, text_frame


@pytest.mark.parametrize("size", [0, 5, 125, 126, 65535, 65536, 70000])
def test_text_frame_is_the_frame_websockets_writes(size: int) -> None:
    text = ("é" * size)[: size // 2] + "a" * (size - size // 2)
    expected = Frame(Opcode.TEXT, text.encode()).serialize(mask=False, extensions=[])
    assert text_frame(text) == expected


class Transport:
    def __init__(self) -> None:
        self.written: list[bytes] = []
        self.closing = False

    def write(self, data: bytes) -> None:
        self.written.append(data)

    def is_closing(self) -> bool:
        return self.closing


class Conn:
    def __init__(self) -> None:
        self.extensions: list[Any] = []
        self.state = State.OPEN


def socket() -> Any:
    """The protocol's attributes ``send_now`` reads, without a server around it."""
    ws: Any = AbortingWebSocket.__new__(AbortingWebSocket)
    ws.conn, ws.transport = Conn(), Transport()
    ws.writable = asyncio.Event()
    ws.writable.set()
    ws.close_sent = ws.disconnected = False
    return ws


def test_a_fan_out_encodes_its_frame_once() -> None:
    a, b = socket(), socket()
    text = '{"type":"events","events":[]}'
    assert a.send_now(text) and b.send_now(text)
    assert a.transport.written == [text_frame(text)]
    assert a.transport.written[0] is b.transport.written[0]  # one encoding, two writes


@pytest.mark.parametrize("obstacle", ["deflate", "buffer full", "closing", "close sent", "state"])
def test_send_now_steps_aside_when_the_ordinary_path_has_work(obstacle: str) -> None:
    ws = socket()
    if obstacle == "deflate":
        ws.conn.extensions = [deflate(no_context=False)]
    elif obstacle == "buffer full":
        ws.writable.clear()
    elif obstacle == "closing":
        ws.transport.closing = True
    elif obstacle == "close sent":
        ws.close_sent = True
    else:
        ws.conn.state = State.CLOSING
    assert ws.send_now("x") is False and ws.transport.written == []


def deflate(no_context: bool, bits: int = 12) -> PerMessageDeflate:
    """The extension as the server's side of a negotiation holds it."""
    return PerMessageDeflate(True, no_context, bits, bits, {"memLevel": 5})


@pytest.mark.parametrize("size", [1, 150, 5000, 70000])
def test_a_context_free_deflate_frame_is_the_one_websockets_writes(size: int) -> None:
    text = ('{"seq":1,"op":{"kind":"note.move","note":"n12","x":3.5}}' * size)[:size]
    ext = deflate(no_context=True)
    expected = Frame(Opcode.TEXT, text.encode()).serialize(mask=False, extensions=[ext])
    made = context_free([ext])
    assert made == (12, -1, 5)
    assert text_frame(text, made) == expected


def test_a_fan_out_with_context_free_deflate_compresses_once() -> None:
    a, b = socket(), socket()
    a.conn.extensions = b.conn.extensions = [deflate(no_context=True)]
    text = '{"type":"events","events":[{"seq":7,"op":{"kind":"note.move"}}]}'
    assert a.send_now(text) and b.send_now(text)
    assert a.transport.written[0] is b.transport.written[0]
    assert a.transport.written[0][0] == 0xC1  # FIN, RSV1 (compressed), text
    plain = socket()
    assert plain.send_now(text) and plain.transport.written == [text_frame(text)]


def test_a_kept_compressor_context_is_left_to_websockets() -> None:
    assert context_free([deflate(no_context=False)]) is False
    assert context_free([]) is None
