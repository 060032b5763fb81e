"""Prometheus metrics of the process (served at ``/metrics``)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

REGISTRY = CollectorRegistry(auto_describe=True)

CONNECTIONS = Gauge("spwt_connections", "Open WebSocket connections", registry=REGISTRY)
ROOMS = Gauge("spwt_rooms_loaded", "Rooms loaded in this process", registry=REGISTRY)
OPS = Counter("spwt_ops_total", "Ops received, by outcome", ["outcome"], registry=REGISTRY)
COMMIT_SECONDS = Histogram(
    "spwt_commit_seconds",
    "Time to make a batch of ops durable",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0),
    registry=REGISTRY,
)
CONFLICTS = Counter(
    "spwt_append_conflicts_total",
    "Appends another process won (shared stores): each one reads the log and tries again",
    registry=REGISTRY,
)
DROPPED = Counter(
    "spwt_dropped_connections_total", "Connections dropped, by reason", ["reason"],
    registry=REGISTRY,
)  # fmt: skip

EXPORT_RENDERS = Counter(
    "spwt_export_renders_total", "Exports rendered (not served from the cache), by format",
    ["format"], registry=REGISTRY,
)  # fmt: skip
EXPORT_CACHE_HITS = Counter(
    "spwt_export_cache_hits_total",
    "Exports served from the cache or from a render already in flight",
    registry=REGISTRY,
)
EXPORT_SECONDS = Histogram(
    "spwt_export_render_seconds",
    "Time to render one export in a worker",
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)
EXPORTS_REFUSED = Counter(
    "spwt_exports_refused_total", "Export requests refused, by reason (limited, busy)",
    ["reason"], registry=REGISTRY,
)  # fmt: skip


def exposition() -> bytes:
    return generate_latest(REGISTRY)
