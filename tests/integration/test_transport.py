"""What uvicorn's transports do with clients that misbehave below the protocol (raw sockets:
a browser or a client library would hide all of it). See server/transport.py."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import socket
import struct
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..servers import Server
from ..wsclient import Client, stalled_socket

pytestmark = pytest.mark.integration

TCP_ESTABLISHED = 1


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def wait_until(condition: object, timeout: float, poll: float = 0.05) -> float:
    """Seconds until ``condition()`` holds; fails after ``timeout``."""
    started = time.monotonic()
    while not condition():  # type: ignore[operator]
        if time.monotonic() - started > timeout:
            raise AssertionError(f"not within {timeout} s")
        time.sleep(poll)
    return time.monotonic() - started


def tcp_state(raw: socket.socket) -> int:
    """The kernel's state of a client socket (struct tcp_info's first byte)."""
    return raw.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0]


@pytest.fixture
def quick(tmp_path: Path) -> Iterator[Server]:
    env = {"SPWT_HEADER_TIMEOUT": "1.5", "SPWT_HELLO_TIMEOUT": "0.5"}
    server = Server(tmp_path / "data", env=env).start()
    yield server
    server.stop()


def test_a_connection_that_never_finishes_its_headers_is_closed(quick: Server) -> None:
    half = socket.create_connection(("127.0.0.1", quick.port))
    half.sendall(b"GET /healthz HT")
    drip = socket.create_connection(("127.0.0.1", quick.port))  # a byte now and then
    drip.sendall(b"G")
    started = time.monotonic()
    for byte in b"ET /healthz HTTP/1.1\r\n":
        if tcp_state(drip) != TCP_ESTABLISHED:
            break
        time.sleep(0.1)
        try:
            drip.send(bytes([byte]))
        except OSError:
            break
    for raw in (half, drip):
        raw.settimeout(5)
        with contextlib.suppress(ConnectionResetError):  # closed, or reset: either is fine
            assert raw.recv(100) == b""
        raw.close()
    assert time.monotonic() - started < 4
    # A request that finishes its headers in time, on a kept-alive connection, is served.
    with socket.create_connection(("127.0.0.1", quick.port)) as fine:
        for _ in range(2):
            fine.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            response = b""
            while not response.endswith(b'{"status":"ok"}'):
                response += fine.recv(4096)
            assert b" 200 " in response.split(b"\r\n")[0]
            time.sleep(1)  # between requests: uvicorn's keep-alive (5 s) applies, not ours


def test_a_body_that_never_arrives_is_answered_408(quick: Server) -> None:
    with socket.create_connection(("127.0.0.1", quick.port)) as slow:
        slow.sendall(
            b"POST /api/rooms HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b'Content-Length: 100\r\n\r\n{"title": '
        )
        slow.settimeout(5)
        started = time.monotonic()
        assert b" 408 " in slow.recv(4096).split(b"\r\n")[0]
        assert time.monotonic() - started < 3


def test_a_dropped_slow_reader_is_disconnected_within_five_seconds(tmp_path: Path) -> None:
    env = {
        "SPWT_OUTBOX_FRAMES": "8",
        "SPWT_LIMIT_TEXT": "24000",
        "SPWT_LIMIT_CARDS_PER_PERSON": "9999",
        "SPWT_OPS_PER_SECOND": "100000",
        "SPWT_OPS_BURST": "100000",
    }
    server = Server(tmp_path / "data", env=env).start()
    assert server.process is not None
    pid = server.process.pid

    async def scenario() -> None:
        room, key = server.new_room()
        writer = Client(server.ws, room)
        await writer.join(key=key, name="Penulis")
        await writer.until(await writer.send("phase.set", phase="issues"))
        fds = open_fds(pid)
        stalled = stalled_socket(server.port, room, {"type": "hello", "name": "Lambat"})
        stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        online = lambda: server.request("GET", f"/api/rooms/{room}")["online"]  # noqa: E731
        await asyncio.to_thread(wait_until, lambda: online() == 2, 10)
        dropped_at = None
        for i in range(2000):
            await writer.until(await writer.send("note.add", text=f"{i} " + "x" * 23990))
            if i % 10 == 0 and online() == 1:
                dropped_at = time.monotonic()
                break
        assert dropped_at is not None, "the slow reader was never dropped"
        # The server resets the connection: the kernel drops what it held for the reader.
        await asyncio.to_thread(wait_until, lambda: tcp_state(stalled) != TCP_ESTABLISHED, 5)
        assert time.monotonic() - dropped_at < 5
        await asyncio.to_thread(wait_until, lambda: open_fds(pid) <= fds, 5)
        stalled.close()
        await writer.close()

    try:
        asyncio.run(scenario())
    finally:
        server.stop()


async def _never_say_hello(port: int, room: str) -> None:
    """A browser's handshake, offering per-message deflate; then silence until closed."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write(
            f"GET /ws/{room} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n".encode()
        )
        head = await reader.readuntil(b"\r\n\r\n")
        assert b" 101 " in head.split(b"\r\n")[0] and b"permessage-deflate" in head, head
        first = await reader.readexactly(4)  # the close frame: 0x88, length, then its code
        assert first[0] == 0x88 and struct.unpack("!H", first[2:4])[0] == 4408
    finally:  # closed before the round's loop ends, or the test's own sockets leak
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


def test_sockets_that_never_say_hello_leave_no_memory_behind(quick: Server) -> None:
    assert quick.process is not None
    pid = quick.process.pid
    room, _ = quick.new_room()
    fds = open_fds(pid)

    async def one_round(count: int = 1500) -> None:
        gate = asyncio.Semaphore(250)

        async def one() -> None:
            async with gate:
                await _never_say_hello(quick.port, room)

        await asyncio.gather(*(one() for _ in range(count)))

    after = []
    for _ in range(5):
        asyncio.run(one_round())
        wait_until(lambda: open_fds(pid) <= fds, 10)
        after.append(rss_mb(pid))
    assert max(after) - after[0] < 40, after
