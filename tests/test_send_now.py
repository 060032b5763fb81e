"""``send_now``: a text frame written straight to the socket, encoded once for a fan-out.

The bytes must be exactly the frame websockets itself would write, and the shortcut must
step aside whenever the ordinary path has something to do (deflate, a full buffer, a
close); every integration test's clients without deflate receive through it.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from websockets.frames import Frame, Opcode
from websockets.protocol import State

from server.transport import AbortingWebSocket, text_frame


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
        ws.conn.extensions = [object()]
    elif obstacle == "buffer full":
        ws.writable.clear()
    elif obstacle == "closing":
        ws.transport.closing = True
    elif obstacle == "close sent":
        ws.close_sent = True
    else:
        ws.conn.state = State.CLOSING
    assert ws.send_now("x") is False and ws.transport.written == []
