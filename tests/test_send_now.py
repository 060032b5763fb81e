"""``send_now``: a text frame written straight to the socket, encoded once for a fan-out.

The bytes must be exactly the frame websockets itself would write, and the shortcut must
step aside whenever the ordinary path has something to do (a compressor that keeps
context, a full buffer, a close); every integration test's clients without deflate, and
those with the context-free deflate, receive through it.
"""

from __future__ import annotations

import asyncio
import random
import weakref
import zlib
from typing import Any

import pytest
from websockets.extensions.permessage_deflate import PerMessageDeflate
from websockets.frames import Frame, Opcode
from websockets.protocol import State

from server.deflate import WarmDeflate
from server.frames import WARM_LIMIT, compression, text_frame, warm_sockets
from server.transport import AbortingWebSocket


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


def socket(loop: asyncio.AbstractEventLoop | None = None) -> Any:
    """The protocol's attributes ``send_now`` reads, without a server around it."""
    ws: Any = AbortingWebSocket.__new__(AbortingWebSocket)
    ws.conn, ws.transport = Conn(), Transport()
    ws.writable = asyncio.Event()
    ws.writable.set()
    ws.close_sent = ws.disconnected = False
    ws._context, ws.warm_since_sweep = None, False
    ws.loop = loop
    return ws


@pytest.fixture
def loop() -> Any:
    made = asyncio.new_event_loop()
    yield made
    made.close()


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
    made = compression([ext])
    assert made == (12, -1, 5, False)
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
    assert compression([deflate(no_context=False)]) is False
    assert compression([]) is None


def warm_socket(loop: asyncio.AbstractEventLoop) -> Any:
    ws = socket(loop)
    ws.conn.extensions = [WarmDeflate(True, True, 12, 15, {})]
    return ws


def read_back(ws: Any) -> list[str]:
    """What a browser reads from ``ws``'s frames: its decoder keeps its context, and
    inflates only the frames marked compressed (RSV1), as RFC 7692 says."""
    browser = zlib.decompressobj(-15)
    texts = []
    for f in ws.transport.written:
        assert f[0] in (0x81, 0xC1) and f[1] <= 126
        payload = f[2:] if f[1] < 126 else f[4:]
        if f[0] & 0x40:
            texts.append(browser.decompress(payload + b"\x00\x00\xff\xff").decode())
        else:
            texts.append(payload.decode())
    return texts


def events(*numbers: int) -> list[str]:
    return [
        f'{{"type":"events","events":[{{"seq":{i},"at":1796185310570,"by":"u1",'
        f'"op_id":"ev-{i}","op":{{"kind":"note.move","note":"n4","x":{i},"y":3}}}}]}}'
        for i in numbers
    ]


def test_warm_compresses_small_messages_against_the_ones_before(loop: Any) -> None:
    ws = warm_socket(loop)
    sent = events(0, 1, 2, 3, 4)
    for text in sent:
        assert ws.send_now(text)
    sizes = [len(f) for f in ws.transport.written]
    assert sizes[0] > 100 and max(sizes[1:]) < 40  # the first alone, the rest against it
    assert all(f[0] == 0xC1 for f in ws.transport.written)
    assert read_back(ws) == sent


def test_warm_sends_a_large_message_alone_once_and_starts_a_new_context(loop: Any) -> None:
    a, b = warm_socket(loop), warm_socket(loop)
    small = '{"type":"presence","online":["u1","u2"]}'
    large = '{"type":"events","events":[' + ",".join(['{"seq":1,"op":{"kind":"x"}}'] * 60) + "]}"
    assert len(large) > WARM_LIMIT
    for text in (small, large, small, small):  # a fan-out, socket by socket
        for ws in (a, b):
            assert ws.send_now(text)
    assert a.transport.written[1] is b.transport.written[1]  # the large frame made once
    assert len(a.transport.written[2]) > len(a.transport.written[3])  # a new context
    assert a._context is b._context  # still together
    for ws in (a, b):
        assert read_back(ws) == [small, large, small, small]


REJECTED = '{"type":"rejected","id":"x","code":"forbidden","message":"no"}'
VOTE = '{"type":"events","events":[{"seq":2,"by":"u3","op_id":"v1","op":{"kind":"vote.cast"}}]}'


@pytest.mark.parametrize(
    "own, instead", [(REJECTED, False), (VOTE, True)], ids=["a frame more", "a view instead"]
)
def test_a_socket_whose_peer_holds_another_history_shares_again_once_the_window_is_alike(
    loop: Any, own: str, instead: bool
) -> None:
    """The third socket gets a frame of its own between two fan-outs (a rejection), or
    its own view instead of the room's (the ack of a hidden vote)."""
    room = [warm_socket(loop) for _ in range(3)]
    sent: list[list[str]] = [[], [], []]
    for n, text in enumerate(events(*range(1, 10))):  # a fan-out, socket by socket
        for i, ws in enumerate(room):
            chosen = own if n == 1 and i == 2 and instead else text
            assert ws.send_now(chosen)
            sent[i].append(chosen)
        if n == 1 and not instead:
            assert room[2].send_now(own)
            sent[2].append(own)
        if n == 1:
            assert room[2].transport.written[-1][0] == 0xC1  # compressed too
        if n == 2:  # its peer holds another history: it is compressed for by itself
            assert room[0]._context is room[1]._context is not room[2]._context
            parted = weakref.ref(room[2]._context)
    # More than the window (512 bytes) of the same messages since:
    assert room[0]._context is room[1]._context is room[2]._context
    assert room[0].transport.written[-1] is room[2].transport.written[-1]  # compressed once
    assert parted() is None  # a state no socket is in is freed
    for ws, texts in zip(room, sent, strict=True):
        assert read_back(ws) == texts


@pytest.mark.parametrize("seed", range(12))
def test_every_peer_inflates_what_it_is_sent_whoever_missed_what(loop: Any, seed: int) -> None:
    """Random fan-outs in which sockets get views of their own, frames of their own,
    long messages and a fresh start: every peer, decoding as browsers do, reads what it
    was sent, and the room compresses far less often than once per socket."""
    rng = random.Random(seed)
    room = [warm_socket(loop) for _ in range(6)]
    sent: list[list[str]] = [[] for _ in room]
    long = '{"type":"events","events":[' + ",".join(['{"seq":1,"op":{"kind":"x"}}'] * 50) + "]}"
    compressions = 0
    for n in range(200):
        text = card(n, rng) if rng.random() < 0.97 else long
        instead = {rng.randrange(len(room)): own_view(n)} if rng.random() < 0.3 else {}
        made: set[int] = set()
        for i, ws in enumerate(room):
            chosen = instead.get(i, text)
            written = len(ws.transport.written)
            assert ws.send_now(chosen)
            sent[i].append(chosen)
            made |= {id(f) for f in ws.transport.written[written:] if f[0] & 0x40}
        compressions += len(made)
        if rng.random() < 0.05:
            room[rng.randrange(len(room))].forget_context()  # as after a send through ASGI
    for ws, texts in zip(room, sent, strict=True):
        assert read_back(ws) == texts
    assert compressions < 200 * len(room) / 2


WORDS = ("jalan", "desa", "air", "bersih", "sekolah", "pasar", "rusak", "perlu", "dusun")


def card(n: int, rng: random.Random) -> str:
    """An event whose text repeats words of the ones before (what back-references find)."""
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(3, 12)))
    op = f'{{"kind":"note.add","text":"{text}"}}'
    return f'{{"type":"events","events":[{{"seq":{n},"op":{op}}}]}}'


def own_view(n: int) -> str:
    return (
        f'{{"type":"events","events":[{{"seq":{n},"by":"u2","op_id":"v{n}",'
        f'"op":{{"kind":"vote.cast","program":"p{n % 7}","criterion":"urgency"}}}}]}}'
    )


def test_a_quiet_socket_loses_its_compressor_at_the_second_sweep(loop: Any) -> None:
    busy, quiet = warm_socket(loop), warm_socket(loop)
    for ws in (busy, quiet):
        ws.send_now('{"type":"pong"}')
    assert busy._context is not None and quiet._context is not None
    warm = warm_sockets(loop)
    assert warm.sockets == {busy, quiet} and warm.sweep_at is not None  # a sweep is due
    warm.sweep()
    busy.send_now('{"type":"pong"}')
    warm.sweep()
    assert busy._context is not None and quiet._context is None
    assert warm.sockets == {busy}
    busy.forget_context()  # as when it closes
    assert warm.sockets == set()
