"""Limits per client address and the origin rule, against real ``spwt serve`` processes.

Real uvicorn because what is tested is what uvicorn believes of a request: its address
(X-Forwarded-For is uvicorn's to honour or not) and its handshake (a refused one is a 403).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from ..redis.redisserver import RedisServer
from ..servers import Server

pytestmark = pytest.mark.integration


def post_room(server: Server, headers: dict[str, str] | None = None, body: bytes = b"") -> int:
    """POST /api/rooms: the status (JSON unless ``headers`` say otherwise)."""
    request = urllib.request.Request(
        server.http + "/api/rooms",
        data=body or json.dumps({"title": "Lokakarya"}).encode(),
        method="POST",
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    return status_of(request)


def get(server: Server, path: str, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(server.http + path, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def status_of(request: urllib.request.Request) -> int:
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


async def close_code_of(url: str) -> int | None:
    """Say hello on ``url``: the code the server closes with."""
    async with connect(url) as ws:
        try:
            await ws.send(json.dumps({"type": "hello", "name": "Penebak"}))
            await asyncio.wait_for(ws.recv(), 10)
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None
    return None


@pytest.fixture
def limited(tmp_path: Path) -> Iterator[Server]:
    env = {"SPWT_ROOMS_PER_IP_PER_HOUR": "2", "SPWT_MISSES_PER_MINUTE": "5"}
    server = Server(tmp_path / "data", env=env).start()
    yield server
    server.stop()


def test_x_forwarded_for_from_an_untrusted_peer_is_ignored(limited: Server) -> None:
    assert [post_room(limited), post_room(limited), post_room(limited)] == [201, 201, 429]
    forged = [post_room(limited, {"X-Forwarded-For": f"10.9.0.{n}"}) for n in range(5)]
    assert forged == [429] * 5


def test_x_forwarded_for_from_a_named_proxy_is_the_client(tmp_path: Path) -> None:
    env = {"SPWT_ROOMS_PER_IP_PER_HOUR": "1"}
    server = Server(tmp_path / "data", "--forwarded-allow-ips", "127.0.0.1", env=env).start()
    try:
        one, two = {"X-Forwarded-For": "10.9.0.1"}, {"X-Forwarded-For": "10.9.0.2"}
        assert [post_room(server, one), post_room(server, one)] == [201, 429]
        assert post_room(server, two) == 201
    finally:
        server.stop()


def test_room_creation_is_limited_once_across_processes_on_redis(tmp_path: Path) -> None:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    redis = RedisServer(tmp_path / "redis").start()
    env = {"SPWT_ROOMS_PER_IP_PER_HOUR": "3", "SPWT_MISSES_PER_MINUTE": "4"}
    servers = [
        Server(tmp_path / f"data{i}", "--redis-url", redis.url, env=env).start() for i in (1, 2)
    ]
    try:
        a, b = servers
        assert [post_room(a), post_room(b), post_room(a), post_room(b)] == [201, 201, 201, 429]
        # Misses too: two on each process make the address's four, and b refuses next. The
        # other process learns it at its next miss (the check before a lookup stays local).
        statuses = [get(s, "/api/rooms/ZZZZZ2")[0] for s in (a, b, a, b)]
        assert statuses == [404] * 4
        assert get(b, "/api/rooms/ZZZZZ3")[0] == 429
        assert [get(a, "/api/rooms/ZZZZZ3")[0] for _ in range(2)] == [404, 429]
    finally:
        for server in servers:
            server.stop()
        redis.stop()


def test_probing_room_codes_is_refused_over_http_and_websocket(limited: Server) -> None:
    room, _ = limited.new_room("Kode yang ditebak")
    # A person who mistypes a few times is not blocked: the right code still opens.
    assert [get(limited, f"/api/rooms/WRONG{n}")[0] for n in range(3)] == [404] * 3
    assert get(limited, f"/api/rooms/{room}")[0] == 200
    assert get(limited, "/r/WRONG9")[0] == 404
    assert get(limited, "/api/rooms/WRONG8")[0] == 404  # the fifth miss
    status, headers = get(limited, "/api/rooms/WRONG7")
    assert status == 429 and 0 < int(headers["Retry-After"]) <= 60
    assert get(limited, f"/api/rooms/{room}")[0] == 429  # found or not, no answer
    page, page_headers = get(limited, f"/r/{room}")
    assert page == 429 and int(page_headers["Retry-After"]) > 0

    assert asyncio.run(close_code_of(f"{limited.ws}/ws/{room}")) == 4429


def test_websocket_misses_count_too(limited: Server) -> None:
    async def scenario() -> list[int | None]:
        return [await close_code_of(f"{limited.ws}/ws/NOPE{n}2") for n in range(6)]

    assert asyncio.run(scenario()) == [4404] * 5 + [4429]
    assert get(limited, "/api/rooms/ANY222")[0] == 429


def test_websocket_origin_is_the_pages_own_by_default(limited: Server) -> None:
    room, _ = limited.new_room("Asal halaman")
    host = f"127.0.0.1:{limited.port}"

    async def open_with(origin: str | None) -> str:
        headers = {"Origin": origin} if origin else {}
        try:
            async with connect(f"{limited.ws}/ws/{room}", additional_headers=headers) as ws:
                await ws.send(json.dumps({"type": "hello", "name": "Tamu"}))
                return json.loads(await asyncio.wait_for(ws.recv(), 10))["type"]
        except InvalidStatus as refused:
            return str(refused.response.status_code)

    async def scenario() -> list[str]:
        origins = [f"http://{host}", None, "https://evil.example", "null", f"http://{host}.x"]
        return [await open_with(origin) for origin in origins]

    assert asyncio.run(scenario()) == ["welcome", "welcome", "403", "403", "403"]


def test_public_origins_and_url_open_sockets(tmp_path: Path) -> None:
    env = {"SPWT_PUBLIC_ORIGINS": "https://papan.example", "SPWT_PUBLIC_URL": "https://b.example/"}
    server = Server(tmp_path / "data", env=env).start()
    try:
        room, _ = server.new_room("Asal yang dikenal")

        async def open_with(origin: str) -> str:
            try:
                headers = {"Origin": origin}
                async with connect(f"{server.ws}/ws/{room}", additional_headers=headers) as ws:
                    await ws.send(json.dumps({"type": "hello", "name": "Tamu"}))
                    return json.loads(await asyncio.wait_for(ws.recv(), 10))["type"]
            except InvalidStatus as refused:
                return str(refused.response.status_code)

        async def scenario() -> list[str]:
            origins = ["https://papan.example", "https://b.example", "https://c.example"]
            return [await open_with(o) for o in origins]

        assert asyncio.run(scenario()) == ["welcome", "welcome", "403"]
        assert post_room(server, {"Origin": "https://papan.example"}) == 201
        assert post_room(server, {"Origin": "https://c.example"}) == 403
    finally:
        server.stop()


def test_a_cross_site_post_creates_no_room(limited: Server) -> None:
    host = f"127.0.0.1:{limited.port}"
    text = {"Content-Type": "text/plain"}
    assert post_room(limited, text, b'{"title": "Dari situs lain"}') == 415
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert post_room(limited, form, b"title=x") == 415
    assert post_room(limited, {"Origin": "https://evil.example"}) == 403
    assert post_room(limited, {"Origin": f"http://{host}"}) == 201
    assert post_room(limited, {"Content-Type": "application/json; charset=utf-8"}) == 201
