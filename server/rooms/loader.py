"""A room's core from the store: its last state snapshot and the log after it.

The one way a room's state is read back, for the live room (``Room.load``), ``spwt
export``, the rebuild of a frozen record and the tests. It starts nothing: a core is plain
data, and an export needs no committer to read one.
"""

from __future__ import annotations

from typing import Any

import orjson

from ..settings import Settings
from ..state import RoomState
from ..state.record import build_record
from ..store import Store
from .core import RoomCore, fold


async def load_core(code: str, store: Store, settings: Settings) -> RoomCore | None:
    """The room from its last state snapshot and the log after it; None if unknown."""
    snapshot = await store.load_state(code)
    state: RoomState | None = None
    op_ids: dict[tuple[str, str], int] = {}
    if snapshot is not None:
        saved = orjson.loads(snapshot[1])
        state = RoomState.model_validate(saved["state"])
        op_ids = {(by, op_id): seq for by, op_id, seq in saved["op_ids"]}
    state = fold(await store.read(code, state.seq if state else 0), state)
    if state is None:
        return None
    recent = await store.read(code, max(0, state.seq - settings.recent_events))
    saved_seq = snapshot[0] if snapshot else 0
    return RoomCore(state, settings, recent, op_ids, saved_seq)


async def snapshot_record(store: Store, state: RoomState, n: int) -> dict[str, Any] | None:
    """The frozen record of snapshot ``n`` of the room in ``state``, rebuilt from the log
    (and stored) if it was never stored; None if there is no such snapshot, or the log
    before it was trimmed and its record lost."""
    if not 0 < n <= len(state.snapshots):
        return None
    body = await store.get_record(state.code, n)
    if body is not None:
        record: dict[str, Any] = orjson.loads(body)
        return record
    info = state.snapshots[n - 1]
    events = await store.read(state.code, 0, upto=info.seq)
    if not events or events[0]["seq"] != 1:
        return None
    then = fold(events)
    assert then is not None
    record = build_record(then, info).to_json_dict()
    await store.put_record(state.code, n, orjson.dumps(record))
    return record
