"""The connection's write path: at once when the socket keeps up, queued when it waits.

The socket here is a stand-in whose writes wait while a gate is shut, so that each case
can hold a write in flight exactly where it wants; real slow and stalled peers are in
tests/integration (a raw-TCP reader that never reads is dropped with 1013).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from typing import Any

import pytest

from server.rooms.connection import Connection, finish, run_until_waiting
from server.rooms.protocol import CloseCode


class GatedSocket:
    def __init__(self, *, open: bool = True) -> None:
        self.gate = asyncio.Event()
        if open:
            self.gate.set()
        self.log: list[object] = []
        self.broken = False

    async def send_text(self, data: str) -> None:
        if self.broken:
            raise RuntimeError("the peer went away")
        await self.gate.wait()
        self.log.append(data)

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        self.log.append(("close", code))


def in_loop(test: Callable[[], Coroutine[Any, Any, None]]) -> Callable[[], None]:
    @functools.wraps(test)
    def run() -> None:
        asyncio.run(test())

    return run


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


@in_loop
async def test_a_socket_that_keeps_up_is_written_at_once_without_a_task():
    socket = GatedSocket()
    conn = Connection(socket, "p1", "participant", outbox=4)
    tasks = len(asyncio.all_tasks())
    for frame in ("a", "b", "c"):
        conn.send(frame)
    assert socket.log == ["a", "b", "c"]  # before this test yielded even once
    assert len(asyncio.all_tasks()) == tasks


@in_loop
async def test_frames_wait_in_order_behind_a_write_that_waits_then_go_direct_again():
    socket = GatedSocket(open=False)
    conn = Connection(socket, "p1", "participant", outbox=4)
    for frame in ("a", "b", "c"):
        conn.send(frame)
    await settle()
    assert socket.log == []
    socket.gate.set()
    await settle()
    assert socket.log == ["a", "b", "c"]
    conn.send("d")
    assert socket.log == ["a", "b", "c", "d"]
    assert not conn.closed


@in_loop
async def test_a_full_outbox_drops_the_connection_with_1013():
    socket = GatedSocket(open=False)
    left: list[Connection] = []
    conn = Connection(socket, "p1", "participant", outbox=2, on_close=left.append)
    for frame in ("in flight", "queued 1", "queued 2"):
        conn.send(frame)
    assert not conn.closed
    conn.send("one too many")
    assert conn.closed and conn.close_code == CloseCode.TRY_AGAIN_LATER
    assert left == [conn]
    await conn.wait_closed()
    assert socket.log == [("close", CloseCode.TRY_AGAIN_LATER)]  # nothing queued went out


@in_loop
async def test_close_with_flush_waits_for_the_queued_frames():
    socket = GatedSocket(open=False)
    conn = Connection(socket, "p1", "participant", outbox=4)
    conn.send("a")
    conn.send("b")
    conn.close(CloseCode.GOING_AWAY)
    conn.send("after close")
    socket.gate.set()
    await conn.wait_closed()
    assert socket.log == ["a", "b", ("close", CloseCode.GOING_AWAY)]


@in_loop
async def test_close_of_a_connection_that_kept_up_closes_at_once():
    socket = GatedSocket()
    conn = Connection(socket, "p1", "participant", outbox=4)
    conn.send("a")
    conn.close(CloseCode.REMOVED)
    await conn.wait_closed()
    assert socket.log == ["a", ("close", CloseCode.REMOVED)]


@in_loop
async def test_a_failing_socket_marks_the_connection_closed():
    socket = GatedSocket()
    socket.broken = True
    conn = Connection(socket, "p1", "participant", outbox=4)
    conn.send("a")
    assert conn.closed
    conn.send("b")  # ignored, not raised
    assert socket.log == []


@in_loop
async def test_a_write_that_fails_after_waiting_marks_the_connection_closed():
    socket = GatedSocket(open=False)
    conn = Connection(socket, "p1", "participant", outbox=4)
    conn.send("a")
    socket.broken = True
    conn.send("b")
    socket.gate.set()
    await conn.wait_closed()
    assert socket.log == ["a"] and conn.closed


@in_loop
async def test_stop_cancels_a_waiting_write_and_closes_its_coroutine():
    finished: list[str] = []

    async def write() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            finished.append("cleaned up")

    rest = run_until_waiting(write())
    assert rest is not None
    task = asyncio.ensure_future(finish(rest))
    await settle()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert finished == ["cleaned up"]


@in_loop
async def test_run_until_waiting_returns_none_for_a_coroutine_that_never_waits():
    done: list[int] = []

    async def quick() -> None:
        done.append(1)

    assert run_until_waiting(quick()) is None
    assert done == [1]


@in_loop
async def test_the_rest_sees_the_outcome_of_what_it_waited_for():
    loop = asyncio.get_running_loop()
    future: asyncio.Future[int] = loop.create_future()
    seen: list[object] = []

    async def waits() -> None:
        try:
            seen.append(await future)
        except ValueError as error:
            seen.append(error.args[0])
        seen.append(await asyncio.sleep(0, result="after a bare yield"))

    rest = run_until_waiting(waits())
    assert rest is not None
    task = asyncio.ensure_future(finish(rest))
    future.set_exception(ValueError("raised inside"))
    await task
    assert seen == ["raised inside", "after a bare yield"]


class Direct:
    """A ``send_now`` that takes frames while ``open`` (the server's writes straight to the
    socket) and says no otherwise."""

    def __init__(self) -> None:
        self.open = True
        self.log: list[str] = []

    def __call__(self, frame: str) -> bool:
        if self.open:
            self.log.append(frame)
        return self.open


@in_loop
async def test_frames_go_through_send_now_while_it_takes_them():
    socket, direct = GatedSocket(), Direct()
    conn = Connection(socket, "p1", "participant", outbox=4, send_now=direct)
    conn.send("a")
    direct.open = False  # deflate, or a full kernel buffer: through the socket instead
    conn.send("b")
    assert direct.log == ["a"] and socket.log == ["b"]


@in_loop
async def test_send_now_is_not_used_while_a_write_waits_so_order_holds():
    socket, direct = GatedSocket(open=False), Direct()
    direct.open = False
    conn = Connection(socket, "p1", "participant", outbox=4, send_now=direct)
    conn.send("a")  # waits on the socket
    direct.open = True
    conn.send("b")  # must queue behind "a", not overtake it
    assert direct.log == []
    socket.gate.set()
    await settle()
    assert socket.log == ["a", "b"]
    conn.send("c")  # caught up: straight through again
    assert direct.log == ["c"]


@in_loop
async def test_a_failing_send_now_marks_the_connection_closed():
    def broken(frame: str) -> bool:
        raise RuntimeError("the peer went away")

    socket = GatedSocket()
    conn = Connection(socket, "p1", "participant", outbox=4, send_now=broken)
    conn.send("a")
    assert conn.closed and socket.log == []
