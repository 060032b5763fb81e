"""The welcome's state over HTTP: rendered once per seq and view, compressed once, cached.

A 5000-card room's state is 1.1 MB of JSON. Per-message deflate on the socket (a 12-bit
window) brings it to 189 KB; brotli over HTTP, with a 4 MB window, to under 150 KB
(docs/benchmarks.md). So the pages fetch the state from ``GET /api/rooms/{room}/state``
and then open the socket with ``since`` (or with ``"state": false``), which sends only
the events after it.

A render is one per (room, seq, view): the view is what ``state_view`` would give this
viewer, named by the few things it depends on (``view_key``). Participants with no card
and no vote of their own in the room (everyone, as a workshop starts) see the same board
as the others of their role and working group, so 50 phones joining at once cost one
render and one compression. Someone with cards or votes of their own gets a render of
their own (cached as well: a reload is free).

In a busy room the state changes with every op, so a render at the newest seq would be
made for every joiner. A cached render a little older (at most ``STALE_EVENTS`` events,
and still covered by the room's recent events, so that the socket's ``since`` resumes
from it) is served instead: the socket then sends what came after it. Whether the older
render is this viewer's view is decided on the state of its seq, which the entry keeps
(states are immutable and share their parts, so keeping one costs little).

Compression (brotli quality ``BROTLI_QUALITY``: about a second of CPU for 5000 cards)
runs in a thread (the brotli module releases the GIL), one at a time per process, and the
requests for one key that arrive meanwhile wait for it. The LRU holds the compressed
bytes only (about an eighth of the JSON), bounded in bytes; gzip, for a browser that asks
for no brotli, is made from it on demand and kept beside it.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
from collections import OrderedDict
from dataclasses import dataclass, field

import brotli  # type: ignore[import-untyped]
import orjson

from ..state.models import RoomState
from ..state.views import state_view

#: Brotli's quality and window: 10 and 4 MB reach 150 KB for 5000 cards at half of 11's CPU.
BROTLI_QUALITY = 10
BROTLI_WINDOW = 22
#: How many events an older cached render may be behind the room and still be served.
STALE_EVENTS = 300
CACHE_BYTES = 32 * 1024 * 1024
CACHE_ENTRIES = 64  # each keeps its state: a few hundred KB for 5000 cards

ViewKey = tuple[str, str, str]  # role, working group ("" for all), participant ("" for any)


def view_key(s: RoomState, viewer: str, role: str) -> ViewKey:
    """What ``state_view(s, viewer, role)`` depends on: equal keys, equal views.

    A viewer with a card or a vote of their own sees their ballot, their private cards and
    (in an anonymous room) their own cards' author: their view is theirs alone. Anyone
    else sees what the others of their role see, within their working group.
    """
    personal = bool(s.votes.get(viewer)) or s.cards_by_author.get(viewer, 0) > 0
    group = ""
    if role == "participant" and s.grouped and not s.settings.groups_visible:
        group = s.membership.get(viewer, "")
    return role, group, viewer if personal else ""


@dataclass(slots=True)
class Rendered:
    """One view of the state at ``seq``, compressed."""

    seq: int
    state: RoomState  # the state it was made of: to decide whose view it is
    key: ViewKey
    brotli: bytes
    gzip: bytes | None = None
    etag: str = ""

    @property
    def size(self) -> int:
        return len(self.brotli) + len(self.gzip or b"")

    def body(self, encoding: str) -> bytes:
        """The body in ``encoding`` ("br", "gzip" or "identity")."""
        if encoding == "br":
            return self.brotli
        if encoding == "gzip":
            if self.gzip is None:
                self.gzip = gzip.compress(brotli.decompress(self.brotli), 6, mtime=0)
            return self.gzip
        return brotli.decompress(self.brotli)  # type: ignore[no-any-return]


def _compress(body: bytes) -> bytes:
    return brotli.compress(body, quality=BROTLI_QUALITY, lgwin=BROTLI_WINDOW)  # type: ignore[no-any-return]


@dataclass
class StateCache:
    """Rendered views, least recently used first out, bounded in bytes and entries."""

    max_bytes: int = CACHE_BYTES
    max_entries: int = CACHE_ENTRIES
    stale_events: int = STALE_EVENTS
    renders: int = 0  # how many views were rendered and compressed (for tests and benches)
    _entries: OrderedDict[tuple[str, ViewKey, int], Rendered] = field(default_factory=OrderedDict)
    _newest: dict[tuple[str, ViewKey], int] = field(default_factory=dict)
    _making: dict[tuple[str, ViewKey, int], asyncio.Future[Rendered]] = field(default_factory=dict)
    _bytes: int = 0
    _one_at_a_time: asyncio.Semaphore | None = None

    async def view(
        self, code: str, s: RoomState, viewer: str, role: str, oldest: int, at_least: int = 0
    ) -> Rendered:
        """``viewer``'s view of room ``code``: of ``s`` (the room's state now), or a cached
        one of an older seq that is still this viewer's view, at least ``at_least`` and
        not older than ``oldest`` (the seq that ``since`` may still resume from)."""
        key = view_key(s, viewer, role)
        older = self._older(code, key, s, viewer, role, max(oldest, at_least))
        if older is not None:
            return older
        slot = (code, key, s.seq)
        hit = self._entries.get(slot)
        if hit is not None:
            self._entries.move_to_end(slot)
            return hit
        making = self._making.get(slot)
        if making is not None:
            return await asyncio.shield(making)
        future: asyncio.Future[Rendered] = asyncio.get_running_loop().create_future()
        self._making[slot] = future
        try:
            body = orjson.dumps(state_view(s, viewer, role))
            if self._one_at_a_time is None:
                self._one_at_a_time = asyncio.Semaphore(1)
            async with self._one_at_a_time:
                compressed = await asyncio.to_thread(_compress, body)
            digest = hashlib.blake2b(compressed, digest_size=9).hexdigest()
            rendered = Rendered(s.seq, s, key, compressed, etag=f"{s.seq}-{digest}")
            self.renders += 1
            self._keep(slot, rendered)
            future.set_result(rendered)
            return rendered
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # retrieved: the waiters, if any, get it themselves
            raise
        finally:
            del self._making[slot]

    def _older(
        self, code: str, key: ViewKey, s: RoomState, viewer: str, role: str, lowest: int
    ) -> Rendered | None:
        seq = self._newest.get((code, key))
        if seq is None or seq > s.seq or seq < lowest or s.seq - seq > self.stale_events:
            return None
        entry = self._entries.get((code, key, seq))
        if entry is None or view_key(entry.state, viewer, role) != key:
            return None  # gone, or this viewer's view then was not this one
        self._entries.move_to_end((code, key, seq))
        return entry

    def _keep(self, slot: tuple[str, ViewKey, int], rendered: Rendered) -> None:
        code, key, seq = slot
        self._entries[slot] = rendered
        self._bytes += rendered.size
        if self._newest.get((code, key), -1) < seq:
            old = self._newest.get((code, key))
            self._newest[(code, key)] = seq
            if old is not None:  # an older render of the same view is never served again
                self._drop((code, key, old))
        while self._entries and (
            self._bytes > self.max_bytes or len(self._entries) > self.max_entries
        ):
            self._drop(next(iter(self._entries)))

    def _drop(self, slot: tuple[str, ViewKey, int]) -> None:
        entry = self._entries.pop(slot, None)
        if entry is None:
            return
        self._bytes -= entry.size
        code, key, seq = slot
        if self._newest.get((code, key)) == seq:
            del self._newest[(code, key)]

    def body(self, rendered: Rendered, encoding: str) -> bytes:
        """``rendered``'s body in ``encoding``. A gzip body made now is held with the render,
        so it counts towards ``max_bytes`` while the render is cached (not once it is gone)."""
        before = rendered.size
        body = rendered.body(encoding)
        slot = (rendered.state.code, rendered.key, rendered.seq)
        if rendered.size != before and self._entries.get(slot) is rendered:
            self._bytes += rendered.size - before
        return body

    @property
    def held_bytes(self) -> int:
        return self._bytes


def encoding_for(accept: str) -> str:
    """The body's encoding for an Accept-Encoding header: brotli, else gzip, else none."""
    offered: dict[str, float] = {}
    for part in accept.split(","):
        name, _, params = part.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        offered[name.strip().lower()] = quality
    for encoding in ("br", "gzip"):
        if offered.get(encoding, offered.get("*", 0.0)) > 0:
            return encoding
    return "identity"
