"""Exports off the event loop: rendered once per room, seq and query, and rationed."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from starlette.testclient import TestClient

from server.app import create_app
from server.downloads import Busy, Exports, Limited, RenderCache
from server.export import Rendered
from server.settings import Settings

from .asgi import event_where, hello, new_room, op


def _counter(client: TestClient, name: str, labels: str = "") -> float:
    text = client.get("/metrics").text
    found = re.search(rf"^{name}{re.escape(labels)} (\S+)$", text, flags=re.M)
    return float(found.group(1)) if found else 0.0


def _renders(client: TestClient, fmt: str) -> float:
    return _counter(client, "spwt_export_renders_total", f'{{format="{fmt}"}}')


def test_a_repeated_download_of_one_seq_is_rendered_once(client: TestClient) -> None:
    room, key = new_room(client)
    auth = {"Authorization": f"Bearer {key}"}
    url = f"/api/rooms/{room}/scenario"
    before = _renders(client, "xlsx")
    first = client.get(url, params={"format": "xlsx"}, headers=auth)
    again = client.get(url, params={"format": "xlsx"}, headers=auth)
    assert first.status_code == again.status_code == 200
    assert first.content == again.content
    assert _renders(client, "xlsx") == before + 1  # the second came from the cache
    with client.websocket_connect(f"/ws/{room}") as f:
        hello(f, key=key)
        op(f, "1", "vision.set", text="Sikka sehat")
        event_where(f, op_id="1")
    changed = client.get(url, params={"format": "xlsx"}, headers=auth)
    assert changed.content != first.content  # a new seq is a new record
    assert _renders(client, "xlsx") == before + 2
    client.get(url, params={"format": "xlsx", "table": "matrix"}, headers=auth)
    assert _renders(client, "xlsx") == before + 3  # another query, another entry


def test_exports_per_token_are_limited_with_retry_after(tmp_path: Any) -> None:
    settings = Settings(data=str(tmp_path), exports_per_minute=3)
    with TestClient(create_app(settings)) as client:
        room, key = new_room(client)
        with client.websocket_connect(f"/ws/{room}") as ws:
            token = hello(ws)["token"]
        url = f"/api/rooms/{room}/scenario"
        mine = {"Authorization": f"Bearer {token}"}
        for _ in range(3):  # cache hits count too: the limit is on requests
            assert client.get(url, headers=mine).status_code == 200
        refused = client.get(url, headers=mine)
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "rate_limited"
        assert 1 <= int(refused.headers["retry-after"]) <= 20  # a token every 20 s
        assert client.get(url, headers={"Authorization": f"Bearer {key}"}).status_code == 200
        bad = client.get(url, headers={"Authorization": "Bearer nobody"})
        assert bad.status_code == 401  # strangers are refused before they are counted


def test_concurrent_requests_for_one_key_share_one_render() -> None:
    exports = Exports(Settings(export_workers=0))
    loads = 0

    async def scenario() -> list[Rendered]:
        async def load() -> dict[str, Any]:
            nonlocal loads
            loads += 1
            await asyncio.sleep(0)
            return {"room": {"code": "R", "title": "t"}, "snapshot": {}}

        key = ("R", "scenario", 5, "format=json")
        return await asyncio.gather(*(exports.get(key, load, "json", None) for _ in range(4)))

    results = asyncio.run(scenario())
    assert loads == 1 and len({r.body for r in results}) == 1


def test_beyond_the_queue_exports_are_busy() -> None:
    exports = Exports(Settings(export_workers=1, export_queue=0))

    async def scenario() -> None:
        release = asyncio.Event()

        async def slow() -> dict[str, Any]:
            await release.wait()
            return {"room": {"code": "R"}, "snapshot": {}}

        first = asyncio.create_task(exports.get(("R", "a", 1, ""), slow, "json", None))
        await asyncio.sleep(0)
        with pytest.raises(Busy):
            await exports.get(("R", "b", 1, ""), slow, "json", None)
        release.set()
        await first
        assert exports.cache.get(("R", "a", 1, "")) is not None

    asyncio.run(scenario())


def test_the_cache_is_bounded_least_recently_used_first() -> None:
    cache = RenderCache(max_bytes=10, max_entries=2)

    def item(n: int) -> Rendered:
        return Rendered(b"x" * n, "text/plain", "f")

    cache.put(("r", "a", 1, ""), item(4))
    cache.put(("r", "b", 1, ""), item(4))
    assert cache.get(("r", "a", 1, "")) is not None  # a is now the most recent
    cache.put(("r", "c", 1, ""), item(4))
    assert cache.get(("r", "b", 1, "")) is None and cache.bytes == 8
    cache.put(("r", "d", 1, ""), item(11))  # larger than the whole cache: not kept
    assert cache.get(("r", "d", 1, "")) is None


def test_the_limit_refills_and_says_when() -> None:
    from server.downloads import ExportLimit

    limit = ExportLimit(per_minute=2)
    limit.take("k")
    limit.take("k")
    with pytest.raises(Limited) as limited:
        limit.take("k")
    assert limited.value.retry_after == 30
    limit.take("other")
