"""The lighter stand-ins for the asyncio queue and event that every socket holds
(server/transport.py): they must behave as uvicorn's uses of asyncio's own need."""

from __future__ import annotations

import asyncio

import pytest

from server.transport import Flag, Inbox


def test_a_flag_wakes_its_waiters_and_a_cancelled_waiter_leaves() -> None:
    async def scenario() -> None:
        flag = Flag()
        assert not flag.is_set()
        waiters = [asyncio.create_task(flag.wait()) for _ in range(3)]
        await asyncio.sleep(0)
        waiters[0].cancel()
        await asyncio.sleep(0)
        assert len(flag._waiters) == 2
        flag.set()
        assert await asyncio.gather(*waiters[1:]) == [True, True]
        assert await flag.wait() and flag._waiters == []  # set: no wait at all
        flag.clear()
        late = asyncio.create_task(flag.wait())
        await asyncio.sleep(0)
        assert not late.done()
        flag.set()
        assert await late

    asyncio.run(scenario())


def test_an_inbox_hands_out_in_order_and_survives_a_timeout() -> None:
    async def scenario() -> None:
        inbox = Inbox()
        assert inbox.empty()
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(inbox.get(), 0.01)  # as the hello's deadline does
        reader = asyncio.create_task(inbox.get())
        await asyncio.sleep(0)
        inbox.put_nowait({"type": "websocket.connect"})
        inbox.put_nowait({"type": "websocket.receive", "text": "a"})
        assert await reader == {"type": "websocket.connect"}
        assert not inbox.empty()
        assert await inbox.get() == {"type": "websocket.receive", "text": "a"}
        assert inbox.empty()

    asyncio.run(scenario())
