"""Server settings: one frozen object built from the command line and the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from typing import Any

from .state.models import Limits


@dataclass(frozen=True, slots=True)
class Settings:
    data: str = "./spwt-data"
    redis_url: str | None = None
    #: The address people open (join links, QR codes; its origin may open sockets).
    public_url: str | None = None
    #: Further page origins that may open sockets and POST (besides the request's own host).
    public_origins: tuple[str, ...] = ()
    #: Proxies whose X-Forwarded-For / X-Forwarded-Proto are believed; empty: none.
    trusted_proxies: tuple[str, ...] = ()
    hello_timeout: float = 10.0
    header_timeout: float = 30.0  # s a client may take to send a request's headers
    max_frame: int = 64 * 1024
    ws_deflate: str = "warm"  # per-message deflate's variant: see server/deflate.py
    max_body: int = 64 * 1024
    max_record: int = 5 * 1024 * 1024  # a record sent to start a room from or to consolidate
    # Consolidations and previews of a room from a record: each reads up to max_record.
    consolidations_per_ip_per_hour: int = 120
    ops_per_second: float = 20.0
    ops_burst: int = 40
    bad_frames_before_close: int = 20
    outbox_frames: int = 512
    participants_per_room: int = 2000
    rooms_per_ip_per_hour: int = 30
    #: Lookups of codes that are no room, per address per minute, before 429 / 4429.
    misses_per_minute: int = 30
    snapshot_every: int = 200
    recent_events: int = 10_000
    unload_after: float = 600.0  # s a room with no one connected stays in memory; 0: forever
    sqlite_synchronous: str = "full"  # or "normal": survives kill -9, not a power cut
    export_workers: int = 1  # processes that render exports; 0: a thread of this process
    export_queue: int = 8  # renders that may wait for a worker; beyond them, 503
    exports_per_minute: int = 30  # per key or token, in bursts of as many; beyond, 429
    limits: Limits = field(default_factory=Limits)

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        """Settings from ``SPWT_*`` variables (and ``REDIS_URL``), then ``overrides``."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = os.environ.get(f"SPWT_{f.name.upper()}")
            if raw is None or f.name == "limits":
                continue
            if f.type == "tuple[str, ...]":
                values[f.name] = tuple(o.strip() for o in raw.split(",") if o.strip())
            elif f.type in ("int", "float"):
                values[f.name] = int(raw) if f.type == "int" else float(raw)
            else:
                values[f.name] = raw or None
        if os.environ.get("REDIS_URL") and "redis_url" not in values:
            values["redis_url"] = os.environ["REDIS_URL"]
        limits = {
            name: int(os.environ[f"SPWT_LIMIT_{name.upper()}"])
            for name in Limits.model_fields
            if f"SPWT_LIMIT_{name.upper()}" in os.environ
        }
        if limits:
            values["limits"] = Limits(**limits)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)
