"""The shared store: every room's log is a Redis Stream, so many processes serve one room.

Keys (the ``{code}`` hash tag keeps one room in one Redis Cluster slot)::

    spwt:{CODE}:meta      hash    key_hash, created_at
    spwt:{CODE}:log       stream  one entry per event, id ``<seq>-0``, field ``e`` = JSON
    spwt:{CODE}:state     hash    seq, body: the newest state snapshot
    spwt:{CODE}:records   hash    n -> frozen scenario record (written once)
    spwt:{CODE}:online    hash    process -> "<expiry ms> <participant> <participant>..."
    spwt:rooms            set     every room code
    spwt:secret           string  the secret that signs resume tokens (SET NX)

and one pub/sub channel per room, ``spwt:{CODE}:news``: the script that appends events
publishes them too, so the other processes get them without reading the log. The log
stays the truth; the news are only its fast path: a gap in seq or a restarted feed makes
the reader read the log, and the hub reads every room's log once a second anyway.

Sequence numbers are checked inside Redis: a Lua script compares the stream's last id with
the batch's first seq and appends only if it follows, so two processes can never log two
events under one seq; the loser gets ``Conflict``, catches up and retries. A batch is one
script call, so it lands whole or not at all. Durability is Redis's: see docs/deploy.md.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import orjson
from redis import exceptions as rx
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.crc import key_slot

from ..clock import SYSTEM, Clock
from .base import Conflict, Event, RoomMeta, Unavailable

log = logging.getLogger("spwt.store.redis")
PREFIX = "spwt"
PAGE = 2000  # entries per XRANGE call: long reads never block Redis for long
NEWS = f"{PREFIX}:*:news"  # the pattern of every room's news channel
# Worth a quick retry: the connection dropped, or Redis is still loading its data.
FLAKY = (rx.ConnectionError, rx.TimeoutError, rx.BusyLoadingError)
# Redis cannot take the change now: unreachable, a read-only replica, cluster down, full.
DOWN = (*FLAKY, rx.ReadOnlyError, rx.ClusterError, rx.OutOfMemoryError)

# KEYS: log, meta. ARGV: key_hash, created_at, seq, body. 1 = created, 0 = code taken.
CREATE = """
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('HSET', KEYS[2], 'key_hash', ARGV[1], 'created_at', ARGV[2])
redis.call('XADD', KEYS[1], ARGV[3] .. '-0', 'e', ARGV[4])
return 1
"""

# KEYS: log. ARGV: news channel, origin, first seq, bodies... Returns {last}, the log's
# last seq before the call ({-1}: no such room); the bodies were appended (and published
# as "<origin> [body,...]") only if it was first seq - 1. If not, {last, entries}: up to
# 100 entries from first seq on, which the caller has not seen.
APPEND = """
local top = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if #top == 0 then return {-1} end
local last = tonumber(string.match(top[1][1], '^(%d+)'))
local first = tonumber(ARGV[3])
if last + 1 ~= first then
  return {last, redis.call('XRANGE', KEYS[1], first .. '-0', '+', 'COUNT', 100)}
end
for i = 4, #ARGV do
  redis.call('XADD', KEYS[1], (first + i - 4) .. '-0', 'e', ARGV[i])
end
redis.call('PUBLISH', ARGV[1], ARGV[2] .. ' [' .. table.concat(ARGV, ',', 4) .. ']')
return {last}
"""

# KEYS: state, log. ARGV: seq, body, keep. Keeps the newest snapshot; then trims the log
# to `keep` entries behind it (never past it: a late process loads snapshot + tail).
SAVE_STATE = """
local seq = tonumber(ARGV[1])
local old = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
if seq <= old then return 0 end
redis.call('HSET', KEYS[1], 'seq', ARGV[1], 'body', ARGV[2])
local keep = tonumber(ARGV[3])
if keep >= 0 and seq - keep > 1 then
  redis.call('XTRIM', KEYS[2], 'MINID', '~', (seq - keep) .. '-0')
end
return 1
"""


def _seq(entry_id: bytes | str) -> int:
    text = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    return int(text.partition("-")[0])


def _code(name: bytes) -> str:
    """The room of a key or channel name: what its hash tag holds."""
    text = name.decode()
    return text[text.index("{") + 1 : text.index("}")]


def _key(code: str, part: str) -> str:
    return f"{PREFIX}:{{{code}}}:{part}"


def _options(url: str) -> tuple[str, int, bool]:
    """The URL for redis-py without our own options: ``keep`` (log entries kept behind
    the newest snapshot, default 10,000) and ``cluster`` (``yes``: a Redis Cluster)."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    keep = int(query.pop("keep", ["10000"])[0])
    cluster = query.pop("cluster", ["no"])[0].lower() in ("yes", "1", "true")
    return urlunsplit(parts._replace(query=urlencode(query, doseq=True))), keep, cluster


class RedisStore:
    """The ``Store`` on Redis. ``keep``: log entries kept behind the newest snapshot."""

    shared = True

    def __init__(self, url: str, keep: int | None = None, clock: Clock = SYSTEM) -> None:
        self.url, default_keep, self.cluster = _options(url)
        self.clock = clock  # what presence entries expire by
        self.keep = default_keep if keep is None else keep
        # A few quick retries ride out a dropped connection; a Redis that stays away makes
        # writes fail fast with Unavailable rather than hang the room.
        retry = Retry(ExponentialBackoff(cap=0.2, base=0.02), 2)
        common: dict[str, Any] = dict(
            retry=retry, retry_on_error=list(FLAKY), socket_connect_timeout=2
        )
        client: Any = Redis
        if self.cluster:
            from redis.asyncio.cluster import RedisCluster

            client = RedisCluster
        self.redis = client.from_url(self.url, socket_timeout=5, **common)
        # The news come through one node even on a Cluster: classic pub/sub reaches them all.
        # Health checks notice a connection that died without a word while the news paused.
        self.listener = Redis.from_url(self.url, health_check_interval=15, **common)
        self._news: Any = None  # the subscription, made by the first news()
        self.origin = secrets.token_hex(6).encode()  # names our own news, which we skip
        self._append = self.redis.register_script(APPEND)
        self._create = self.redis.register_script(CREATE)
        self._save = self.redis.register_script(SAVE_STATE)

    # --- lifecycle ---------------------------------------------------------------------

    async def open(self, wait: float = 10.0) -> None:
        """Wait (a little) for Redis: a server started beside Redis may be up first."""
        deadline = time.monotonic() + wait
        while True:
            try:
                await self.redis.ping()
                return
            except DOWN as error:
                if time.monotonic() > deadline:
                    where = urlsplit(self.url).hostname  # never the password of the URL
                    raise Unavailable(f"Redis at {where} is not reachable: {error}") from error
                await asyncio.sleep(0.2)

    async def close(self) -> None:
        if self._news is not None:
            await self._news.aclose()
        await self.listener.aclose()
        await self.redis.aclose()

    async def _call(self, work: Any) -> Any:
        try:
            return await work
        except DOWN as error:
            raise Unavailable(f"Redis: {error}") from error

    # --- the Store interface ---------------------------------------------------------

    async def create_room(self, meta: RoomMeta, first: Event) -> bool:
        created = await self._call(
            self._create(
                keys=[_key(meta.code, "log"), _key(meta.code, "meta")],
                args=[meta.key_hash, meta.created_at, first["seq"], orjson.dumps(first)],
            )
        )
        if created:
            await self._call(self.redis.sadd(f"{PREFIX}:rooms", meta.code))
        return bool(created)

    async def room_meta(self, code: str) -> RoomMeta | None:
        fields = await self._call(self.redis.hgetall(_key(code, "meta")))
        if not fields:
            return None
        return RoomMeta(code, fields[b"key_hash"].decode(), int(fields[b"created_at"]))

    async def append(self, code: str, events: list[Event]) -> None:
        first = events[0]["seq"]
        last, *missed = await self._call(
            self._append(
                keys=[_key(code, "log")],
                args=[_key(code, "news"), self.origin, first, *(orjson.dumps(e) for e in events)],
            )
        )
        if last == -1:  # not a race another writer won: catching up would not help
            raise Unavailable(f"{code}: the room's log is missing from Redis (was it flushed?)")
        if last + 1 < first:  # nor is a log that lost what this process already applied
            raise Unavailable(f"{code}: the room's log ends at {last}, behind {first - 1}")
        if missed:
            events = [orjson.loads(fields[1]) for _, fields in missed[0]]
            raise Conflict(f"{code}: log ends at {last}, not {first - 1}", events)

    async def read(self, code: str, after: int, upto: int | None = None) -> list[Event]:
        events: list[Event] = []
        start = f"{after + 1}-0"
        end = f"{upto}-0" if upto is not None else "+"
        while True:
            if upto is not None and upto <= after:
                return events
            page = await self._call(self.redis.xrange(_key(code, "log"), start, end, count=PAGE))
            events.extend(orjson.loads(fields[b"e"]) for _, fields in page)
            if len(page) < PAGE:
                return events
            start = f"{_seq(page[-1][0]) + 1}-0"

    async def first_seq(self, code: str) -> int:
        page = await self._call(self.redis.xrange(_key(code, "log"), "-", "+", count=1))
        return _seq(page[0][0]) if page else 0

    async def save_state(self, code: str, seq: int, state: bytes) -> None:
        await self._call(
            self._save(keys=[_key(code, "state"), _key(code, "log")], args=[seq, state, self.keep])
        )

    async def load_state(self, code: str) -> tuple[int, bytes] | None:
        fields = await self._call(self.redis.hmget(_key(code, "state"), "seq", "body"))
        if fields[0] is None:
            return None
        return int(fields[0]), fields[1]

    async def put_record(self, code: str, n: int, body: bytes) -> None:
        await self._call(self.redis.hsetnx(_key(code, "records"), str(n), body))

    async def get_record(self, code: str, n: int) -> bytes | None:
        body: bytes | None = await self._call(self.redis.hget(_key(code, "records"), str(n)))
        return body

    async def rooms(self) -> list[str]:
        codes = await self._call(self.redis.smembers(f"{PREFIX}:rooms"))
        return sorted(c.decode() for c in codes)

    async def secret(self) -> bytes:
        key = f"{PREFIX}:secret"
        await self._call(self.redis.set(key, secrets.token_bytes(32), nx=True))
        secret: bytes = await self._call(self.redis.get(key))
        return secret

    # --- sharing between processes (used by the hub) ------------------------------------

    async def news(self, block: float) -> dict[str, list[Event]] | None:
        """What other processes appended to any room since the last call, waiting up to
        ``block`` s for it; None when the feed (re)started, so whatever was appended
        before is missing from it and must be read from the logs.

        redis-py subscribes again by itself after a lost connection; the subscription's
        confirmation then comes out of here as None.
        """
        if self._news is None:
            news: Any = self.listener.pubsub()  # redis-py leaves PubSub's methods untyped
            try:
                await self._call(news.psubscribe(NEWS))
            except Unavailable:
                await news.aclose()
                raise
            self._news = news
        message = await self._call(self._news.get_message(timeout=block))
        if message is None:
            return {}
        if message["type"] != "pmessage":
            return None if message["type"] == "psubscribe" else {}
        origin, _, body = message["data"].partition(b" ")
        if origin == self.origin:
            return {}
        return {_code(message["channel"]): orjson.loads(body)}

    async def tail(self, positions: dict[str, int]) -> dict[str, list[Event]]:
        """The events after ``positions[code]`` in each room's log: one XREAD over all the
        streams (one per slot on a Cluster, which refuses an XREAD across slots)."""
        groups: dict[int, dict[str, str]] = {}
        for code, seq in positions.items():
            key = _key(code, "log")
            groups.setdefault(key_slot(key.encode()) if self.cluster else 0, {})[key] = f"{seq}-0"
        replies = await self._call(
            asyncio.gather(*(self.redis.xread(group, count=PAGE) for group in groups.values()))
        )
        return {
            _code(stream): [orjson.loads(fields[b"e"]) for _, fields in entries]
            for reply in replies
            for stream, entries in reply or []
        }

    async def presence(
        self, process: str, online: dict[str, set[str]], ttl: float
    ) -> dict[str, frozenset[str]]:
        """Publish who is online here; return who is online through other processes.

        ``online``: room -> participants connected to this process, valid for ``ttl`` s
        unless published again (so a dead process's participants fade away); an empty set
        withdraws this process from the room at once.
        """
        now = self.clock.now_ms()
        entry = f"{now + int(ttl * 1000)}"
        readings: dict[str, int] = {}  # room -> the index of its HGETALL reply
        async with self.redis.pipeline(transaction=False) as pipe:
            for code, participants in online.items():
                key = _key(code, "online")
                if participants:
                    pipe.hset(key, process, " ".join([entry, *participants]))
                    pipe.pexpire(key, int(ttl * 4000))
                else:
                    pipe.hdel(key, process)
                readings[code] = len(pipe)
                pipe.hgetall(key)
            replies = await self._call(pipe.execute())
        found: dict[str, frozenset[str]] = {}
        for code, i in readings.items():
            others: set[str] = set()
            for name, value in replies[i].items():
                expiry, *participants = value.decode().split(" ")
                if int(expiry) > now and name.decode() != process:
                    others.update(participants)
            found[code] = frozenset(others)
        return found

    # --- limits shared by every process (server/limits.py) -----------------------------

    async def hit(self, key: str, window: float) -> int:
        """One more hit on ``key`` in the current window of ``window`` s; the window's hits.

        Fixed windows numbered from the epoch: every process counts into the same key, which
        expires with its window.
        """
        index = int(time.time() // window)
        name = f"{PREFIX}:limit:{key}:{index}"
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.incr(name)
            pipe.expire(name, int(window) + 1)
            count, _ = await self._call(pipe.execute())
        return int(count)
