"""The shared store: every room's log is a Redis Stream, so many processes serve one room.

Keys (the ``{code}`` hash tag keeps one room in one Redis Cluster slot)::

    spwt:{CODE}:meta      hash    key_hash, created_at
    spwt:{CODE}:log       stream  one entry per event, id ``<seq>-0``, field ``e`` = JSON
    spwt:{CODE}:state     hash    seq, body: the newest state snapshot
    spwt:{CODE}:records   hash    n -> frozen scenario record (written once)
    spwt:{CODE}:online    zset    "<process>|<participant>" -> expiry (ms)
    spwt:rooms            set     every room code
    spwt:secret           string  the secret that signs resume tokens (SET NX)

On a Redis Cluster (``?cluster=yes`` in the URL) a room's keys share one slot, but an XREAD
may not span slots: the tail then keeps one blocking reader per slot that has rooms.

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

from .base import Conflict, Event, RoomMeta, Unavailable

log = logging.getLogger("spwt.store.redis")
PREFIX = "spwt"
PAGE = 2000  # entries per XRANGE call: long reads never block Redis for long
TAIL_COUNT = 1000  # entries per stream per XREAD
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

# KEYS: log. ARGV: first seq, bodies... Returns the log's last seq before the call; the
# bodies were appended only if it was first seq - 1 (-1: no such room).
APPEND = """
local top = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if #top == 0 then return -1 end
local last = tonumber(string.match(top[1][1], '^(%d+)'))
local first = tonumber(ARGV[1])
if last + 1 ~= first then return last end
for i = 2, #ARGV do
  redis.call('XADD', KEYS[1], (first + i - 2) .. '-0', 'e', ARGV[i])
end
return last
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

    def __init__(self, url: str, keep: int | None = None) -> None:
        self.url, default_keep, self.cluster = _options(url)
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
        # The tail blocks in XREAD: its own connections and a longer read timeout.
        self.tailer = client.from_url(self.url, socket_timeout=30, **common)
        self._readers: dict[int, tuple[asyncio.Future[Any], dict[bytes, bytes]]] = {}
        self._log_keys: dict[str, bytes] = {}
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
        for reader, _ in self._readers.values():
            reader.cancel()
        await asyncio.gather(*(r for r, _ in self._readers.values()), return_exceptions=True)
        self._readers.clear()
        await self.tailer.aclose()
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
        last = await self._call(
            self._append(keys=[_key(code, "log")], args=[first, *(orjson.dumps(e) for e in events)])
        )
        if last == -1:  # not a race another writer won: catching up would not help
            raise Unavailable(f"{code}: the room's log is missing from Redis (was it flushed?)")
        if last + 1 != first:
            raise Conflict(f"{code}: log ends at {last}, not {first - 1}")

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
        return await self._call(self.redis.hget(_key(code, "records"), str(n)))

    async def rooms(self) -> list[str]:
        codes = await self._call(self.redis.smembers(f"{PREFIX}:rooms"))
        return sorted(c.decode() for c in codes)

    async def secret(self) -> bytes:
        key = f"{PREFIX}:secret"
        await self._call(self.redis.set(key, secrets.token_bytes(32), nx=True))
        return await self._call(self.redis.get(key))

    # --- sharing between processes (used by the hub) ------------------------------------

    async def tail(self, positions: dict[str, int], block: float) -> dict[str, list[Event]]:
        """Events after ``positions[code]`` in each room's log, waiting up to ``block`` s.

        One blocking XREAD over every stream. Cancelling it is safe: redis-py drops the
        connection, and the next call reads from the positions again.
        """
        keys = self._log_keys
        for code in positions.keys() - keys.keys():
            keys[code] = _key(code, "log").encode()
        # Bytes, not str: redis-py packs them without encoding (the tail runs once per wake).
        streams = {keys[code]: b"%d-0" % seq for code, seq in positions.items()}
        wait = max(1, int(block * 1000))
        if not self.cluster:
            reply = await self._call(self.tailer.xread(streams, count=TAIL_COUNT, block=wait))
            return _found(reply)
        return await self._tail_slots(streams, block)

    async def _tail_slots(
        self, streams: dict[bytes, bytes], block: float
    ) -> dict[str, list[Event]]:
        """The tail on a Cluster: one blocking XREAD per slot, each kept until it answers.

        Readers outlive a cancelled call (the hub cancels to re-arm): only the reader of a
        slot whose rooms changed is replaced, so re-arming costs one connection, not all.
        """
        groups: dict[int, dict[bytes, bytes]] = {}
        for key, position in streams.items():
            groups.setdefault(key_slot(key), {})[key] = position
        for slot, (reader, keys) in list(self._readers.items()):
            if set(keys) != set(groups.get(slot, {})):
                reader.cancel()
                del self._readers[slot]
        wait = max(1, int(block * 1000))
        for slot, group in groups.items():
            if slot not in self._readers:
                read = self._call(self.tailer.xread(group, count=TAIL_COUNT, block=wait))
                self._readers[slot] = (asyncio.ensure_future(read), group)
        readers = [reader for reader, _ in self._readers.values()]
        await asyncio.wait(readers, timeout=block, return_when=asyncio.FIRST_COMPLETED)
        found: dict[str, list[Event]] = {}
        failure: BaseException | None = None
        for slot, (reader, _) in list(self._readers.items()):
            if not reader.done():
                continue
            del self._readers[slot]
            if reader.cancelled():
                continue
            if reader.exception() is not None:
                failure = reader.exception()
                continue
            found.update(_found(reader.result()))
        if failure is not None and not found:
            raise failure
        return found

    async def presence(
        self, process: str, online: dict[str, set[str]], gone: dict[str, set[str]], ttl: float
    ) -> dict[str, frozenset[str]]:
        """Publish who is online here; return who is online through other processes.

        ``online``: room -> participants connected to this process (refreshed, expiring in
        ``ttl`` s unless refreshed again, so a dead process's participants fade away);
        ``gone``: participants to withdraw now.
        """
        now = int(time.time() * 1000)
        expiry = now + int(ttl * 1000)
        codes = list(online)
        async with self.redis.pipeline(transaction=False) as pipe:
            for code in codes:
                key = _key(code, "online")
                if gone.get(code):
                    pipe.zrem(key, *(f"{process}|{p}" for p in gone[code]))
                if online[code]:
                    pipe.zadd(key, {f"{process}|{p}": expiry for p in online[code]})
                pipe.zremrangebyscore(key, "-inf", now)
                pipe.zrangebyscore(key, now, "+inf")
                pipe.pexpire(key, int(ttl * 4000))
            replies = await self._call(pipe.execute())
        found: dict[str, frozenset[str]] = {}
        i = 0
        for code in codes:
            i += (1 if gone.get(code) else 0) + (1 if online[code] else 0) + 1
            members = (m.decode().partition("|") for m in replies[i])
            found[code] = frozenset(p for proc, _, p in members if proc != process)
            i += 2
        return found


def _found(reply: Any) -> dict[str, list[Event]]:
    """XREAD's reply as room code -> events."""
    found: dict[str, list[Event]] = {}
    for stream, entries in reply or []:
        name = stream.decode() if isinstance(stream, bytes) else stream
        code = name[name.index("{") + 1 : name.index("}")]
        found[code] = [orjson.loads(fields[b"e"]) for _, fields in entries]
    return found
