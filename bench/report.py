"""Figures from the workers' raw records, ratios against the baselines, and the table.

Latency is measured per (op, receiver): from the sender's ``time.time_ns()`` just before
the frame went out to the receiver's ``time.time_ns()`` when the frame carrying it was read.
``delivered / expected`` counts those pairs: every op sent, times every client of its room.
"""

from __future__ import annotations

import statistics
from typing import Any

BASELINES = ("relay", "crdt", "hocuspocus")
COMPARED = ("p50_ms", "p99_ms", "max_ms", "server_cpu_s", "cpu_us_per_delivery", "peak_rss_mb",
            "kb_per_conn", "resume_all_s")  # fmt: skip


def percentile(ordered: list[float], q: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def load_figures(results: list[dict[str, Any]], joined: list[int]) -> dict[str, Any]:
    sent: dict[str, tuple[int, int]] = {}
    by_seq: dict[tuple[int, int], str] = {}
    for result in results:
        sent |= result["sent"]
        by_seq |= {(room, seq): op_id for room, seq, op_id in result["acks"]}
    latencies: list[float] = []
    for result in results:
        for room, key, at in result["arrivals"]:
            op_id = by_seq.get((room, key)) if isinstance(key, int) else key
            origin = sent.get(op_id) if op_id is not None else None
            if origin is not None:
                latencies.append((at - origin[1]) / 1e6)
    latencies.sort()
    expected = sum(joined[room] for room, _ in sent.values())
    rejected: dict[str, int] = {}
    closed: dict[str, int] = {}
    for result in results:
        for code, n in result["rejected"].items():
            rejected[code] = rejected.get(code, 0) + n
        for code, n in result["closed"].items():
            closed[str(code)] = closed.get(str(code), 0) + n
    lags = sorted(lag / 1e6 for result in results for lag in result["lags"])
    return {
        "ops_sent": len(sent),
        "delivered": len(latencies),
        "expected": expected,
        "p50_ms": percentile(latencies, 0.50),
        "p99_ms": percentile(latencies, 0.99),
        "max_ms": latencies[-1] if latencies else float("nan"),
        "rejected": rejected,
        "closed": closed,
        "send_lag_p99_ms": percentile(lags, 0.99),
        "generator_cpu_pct": max(100 * r["cpu"] / max(r["wall"], 1e-9) for r in results),
    }


def idle_figures(rss_before: int, rss_after: int, joined: int) -> dict[str, Any]:
    return {
        "rss_before_mb": rss_before / 2**20,
        "rss_after_mb": rss_after / 2**20,
        "kb_per_conn": (rss_after - rss_before) / 1024 / max(joined, 1),
    }


def storm_figures(resumed: list[dict[str, Any]], downtime: float) -> dict[str, Any]:
    times = sorted(ns / 1e9 for r in resumed for ns in r["ns"])
    return {
        "resumed": sum(r["resumed"] for r in resumed),
        "resume_failed": sum(r["failed"] for r in resumed),
        "resumed_with_full_state": sum(r["full_state"] for r in resumed),
        "restart_s": downtime,
        "resume_p50_s": percentile(times, 0.5),
        "resume_all_s": times[-1] if times else float("nan"),
    }


def aggregate(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per (scenario, target): the median of every figure over the repeats.

    Repeats are interleaved (ours, relay, crdt, ours, …), so a burst of other work on the
    machine lands on one run of each target rather than on every run of one.
    """
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault((row["scenario"], row["target"]), []).append(row)
    out = []
    for runs in groups.values():
        merged = dict(runs[0])
        for key, value in runs[0].items():
            values = [r.get(key) for r in runs]
            if isinstance(value, int | float) and not isinstance(value, bool):
                numbers = [v for v in values if isinstance(v, int | float)]
                if not numbers:
                    continue
                whole = all(isinstance(v, int) for v in numbers)
                middle = statistics.median_low if whole else statistics.median
                merged[key] = middle(numbers)
        merged["repeats"] = len(runs)
        if len(runs) > 1 and "p99_ms" in merged:
            merged["p99_ms_runs"] = [r["p99_ms"] for r in runs]
        out.append(merged)
    return out


def ratios(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """ours / baseline for every figure both have, per scenario and baseline."""
    out = []
    for ours in (r for r in rows if r["target"].startswith("ours")):
        for base in rows:
            if base["scenario"] != ours["scenario"] or base["target"] not in BASELINES:
                continue
            pairs = {
                k: ours[k] / base[k]
                for k in COMPARED
                if isinstance(ours.get(k), float | int) and base.get(k) not in (None, 0)
            }
            baseline = (
                base["target"]
                if ours["target"] == "ours"
                else f"{base['target']} ({ours['target']})"
            )
            out.append({"scenario": ours["scenario"], "baseline": baseline, **pairs})
    return out


def _cell(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return "nan" if value != value else f"{value:.{digits}f}"
    return str(value)


def table(rows: list[dict[str, Any]]) -> str:
    """A Markdown table per kind of scenario, then the ratios (prints well in a terminal)."""
    parts: list[str] = []
    load = [r for r in rows if "p99_ms" in r]
    if load:
        parts.append(_markdown(
            ["scenario", "target", "clients", "ops", "delivered/expected", "p50 ms", "p99 ms",
             "max ms", "server CPU s", "CPU µs / delivery", "peak RSS MB", "gen CPU %",
             "send lag p99 ms", "load", "rejected"],
            [[r["scenario"], r["target"], r["joined"], r["ops_sent"],
              f"{r['delivered']}/{r['expected']}", _cell(r["p50_ms"]), _cell(r["p99_ms"]),
              _cell(r["max_ms"]), _cell(r["server_cpu_s"]),
              _cell(r.get("cpu_us_per_delivery")), _cell(r["peak_rss_mb"], 0),
              _cell(r["generator_cpu_pct"], 0), _cell(r["send_lag_p99_ms"]), _load(r),
              sum(r["rejected"].values())] for r in load],
        ))  # fmt: skip
    idle = [r for r in rows if "kb_per_conn" in r]
    if idle:
        parts.append(_markdown(
            ["scenario", "target", "connections", "connect s", "RSS before MB",
             "RSS after MB", "KB per connection", "peak RSS MB"],
            [[r["scenario"], r["target"], r["joined"], _cell(r["connect_s"]),
              _cell(r["rss_before_mb"]), _cell(r["rss_after_mb"]), _cell(r["kb_per_conn"]),
              _cell(r["peak_rss_mb"], 0)] for r in idle],
        ))  # fmt: skip
    storm = [r for r in rows if "resume_all_s" in r]
    if storm:
        parts.append(_markdown(
            ["scenario", "target", "clients", "resumed", "restart s", "resume p50 s",
             "all resumed s", "server CPU s"],
            [[r["scenario"], r["target"], r["joined"], f"{r['resumed']}/{r['joined']}",
              _cell(r["restart_s"], 2), _cell(r["resume_p50_s"], 3),
              _cell(r["resume_all_s"], 3), _cell(r["server_cpu_s"], 2)] for r in storm],
        ))  # fmt: skip
    compared = ratios(rows)
    if compared:
        keys = [k for k in COMPARED if any(k in c for c in compared)]
        parts.append(_markdown(
            ["scenario", "ours / baseline", *keys],
            [[c["scenario"], c["baseline"], *(_cell(c.get(k), 2) for k in keys)]
             for c in compared],
        ))  # fmt: skip
    return "\n\n".join(parts)


def _load(row: dict[str, Any]) -> str:
    """The machine's 1-minute load average before -> after: other work skews the figures."""
    return f"{row.get('load_before', 0):.1f}->{row.get('load_after', 0):.1f}"


def _markdown(head: list[str], body: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in body]
    return "\n".join(lines)
