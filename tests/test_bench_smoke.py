"""Keeps the benchmark harness working: a few seconds of ``workshop`` against our server
and the bare relay, through ``bench.cli.main`` as ``spwt bench`` calls it.

This checks that the harness measures (every op reaches every client, figures are
written), not how fast anything is: benchmarks print figures, they do not pass or fail.
"""

from __future__ import annotations

import importlib.util
import json
import math
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.mix import GUARD, plan, switch_times
from bench.report import load_figures

needs_server = pytest.mark.skipif(
    importlib.util.find_spec("server.cli") is None, reason="the server CLI is not here yet"
)


def test_plan_keeps_the_rate_and_stays_clear_of_phase_switches() -> None:
    import random

    sends = plan({0: 150, 1: 15}, {0: 15.0, 1: 1.5}, 12.0, random.Random(1))
    per_room = {room: sum(1 for _, r, _ in sends if r == room) for room in (0, 1)}
    assert 170 <= per_room[0] <= 180 and 16 <= per_room[1] <= 18, per_room
    assert [at for at, _, _ in sends] == sorted(at for at, _, _ in sends)
    for at, _, _ in sends:
        assert 0 <= at < 12.0
        assert all(abs(at - s) >= GUARD for s in switch_times(12.0))


def test_figures_join_redacted_arrivals_to_their_sender_by_seq() -> None:
    """A receiver that saw only ``{"kind":"hidden"}`` still times the op: by seq."""
    ms = 1_000_000
    result = {
        "sent": {"B1.1": (0, 100 * ms), "B2.1": (0, 200 * ms)},
        "acks": [(0, 7, "B1.1")],  # B2.1 was never acked: its arrivals cannot be timed
        "arrivals": [(0, 7, 103 * ms), (0, 7, 110 * ms), (0, "B2.1", 205 * ms), (0, 8, 1)],
        "rejected": {}, "closed": {}, "lags": [0], "cpu": 0.1, "wall": 1.0,
    }  # fmt: skip
    figures = load_figures([result], joined=[3])
    assert figures["ops_sent"] == 2 and figures["expected"] == 6
    assert figures["delivered"] == 3
    assert figures["p50_ms"] == 5.0 and figures["max_ms"] == 10.0


@pytest.mark.integration
@needs_server
def test_workshop_smoke_run_measures_every_arrival(tmp_path: Path, capsys) -> None:
    from bench.cli import main

    out = tmp_path / "figures.json"
    argv = ["workshop", "--targets", "ours,relay", "--scale", "0.03", "--duration", "0.9",
            "--drain", "1", "--procs", "1", "--json", str(out)]  # fmt: skip
    started = time.monotonic()
    assert main(argv) == 0
    elapsed = time.monotonic() - started

    figures = json.loads(out.read_text())
    rows = {row["target"]: row for row in figures["rows"]}
    assert set(rows) == {"ours", "relay"}
    for row in rows.values():
        assert row["joined"] == 9, row  # 3% of 300 clients
        assert row["deflated"] == 9, row  # they offered deflate as browsers do; it was taken
        assert row["ops_sent"] > 0 and row["expected"] == row["ops_sent"] * row["joined"]
        # Every accepted op reaches every client. The mix follows the phases; on a machine
        # so busy that an op overtakes the phase switch sent 150 ms before it, ours may
        # refuse it for its phase, and nothing else.
        refused = sum(row["rejected"].values())
        assert set(row["rejected"]) <= {"wrong_phase", "forbidden"}, row["rejected"]
        assert refused <= row["ops_sent"] // 4, row["rejected"]
        assert row["delivered"] == row["expected"] - refused * row["joined"], row
        assert 0 < row["p50_ms"] <= row["p99_ms"] <= row["max_ms"] < 5000
        assert math.isfinite(row["server_cpu_s"]) and row["peak_rss_mb"] > 10
    assert {r["baseline"] for r in figures["ratios"]} == {"relay"}
    table = capsys.readouterr().out
    assert "| workshop | ours |" in table and "| workshop | relay |" in table
    assert elapsed < 30, f"the smoke run should take about 5 s, took {elapsed:.1f} s"


@needs_server
def test_exports_smoke_run_times_acks_beside_downloads(tmp_path: Path, capsys) -> None:
    from bench.cli import main

    out = tmp_path / "exports.json"
    argv = ["exports", "--cards", "30", "--loops", "1", "--seconds", "1", "--workers", "1"]
    assert main([*argv, "--json", str(out)]) == 0
    (row,) = json.loads(out.read_text())
    assert row["samples"] == 20 and row["downloads"] >= 1
    assert row["baseline_p50"] > 0 and row["loaded_p99"] >= row["loaded_p50"]
    assert "| 1 (process) |" in capsys.readouterr().out


@needs_server
def test_bigroom_smoke_run_times_the_same_load_in_both_rooms(tmp_path: Path, capsys) -> None:
    from bench.cli import main

    out = tmp_path / "bigroom.json"
    argv = ["bigroom", "--cards", "60", "--people", "12", "--small-cards", "6",
            "--clients", "3", "--rate", "20", "--seconds", "1", "--repeat", "1",
            "--store", "memory"]  # fmt: skip
    assert main([*argv, "--json", str(out)]) == 0
    small, big = json.loads(out.read_text())
    assert (small["room"], big["room"]) == ("small", "big")
    assert small["samples"] == big["samples"] == 20
    assert "big / small p99" in capsys.readouterr().out


@needs_server
# The bigroom run before it leaves its sockets to the collector, which may close them here.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_groups_smoke_run_times_the_same_load_with_and_without_groups(
    tmp_path: Path, capsys
) -> None:
    from bench.cli import main

    out = tmp_path / "groups.json"
    argv = ["groups", "--people", "6", "--groups", "3", "--rate", "20", "--seconds", "1",
            "--repeat", "1"]  # fmt: skip
    assert main([*argv, "--json", str(out)]) == 0
    ungrouped, grouped = json.loads(out.read_text())
    assert (ungrouped["room"], grouped["room"]) == ("ungrouped", "grouped")
    assert ungrouped["samples"] == grouped["samples"] == 40  # 20 written, 20 moved
    assert "grouped / ungrouped p99" in capsys.readouterr().out


@needs_server
# The bench leaves hundreds of sockets to the closing loop (it measures, it does not tidy).
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_wire_smoke_run_counts_bytes_and_memory(tmp_path: Path, capsys) -> None:
    from bench.cli import main

    out = tmp_path / "wire.json"
    argv = ["wire", "--cards", "30", "--events", "10", "--missed", "5", "--idle", "10",
            "--fanout", "3", "--plain"]  # fmt: skip
    assert main([*argv, "--json", str(out)]) == 0
    memory, deflated, plain = json.loads(out.read_text())
    assert memory["connections"] == 10 and memory["cpu_us_per_delivery"] >= 0  # in ticks
    assert 0 < deflated["join_bytes"] < plain["join_bytes"]  # the proxy saw the compression
    assert 0 < deflated["reconnect_bytes"] < deflated["join_bytes"]
    assert deflated["http_encoding"] == "br" and plain["http_encoding"] == "identity"
    assert 0 < deflated["http_join_bytes"] < plain["http_join_bytes"]
    assert "one event (bytes)" in capsys.readouterr().out


@needs_server
def test_capacity_smoke_run_stops_at_its_maximum(tmp_path: Path, capsys) -> None:
    from bench.cli import main

    out = tmp_path / "capacity.json"
    argv = ["capacity", "--targets", "ours,relay", "--start", "1", "--step", "1", "--max", "1",
            "--clients", "3", "--duration", "1", "--p99", "100000"]  # fmt: skip
    assert main([*argv, "--json", str(out)]) == 0
    rows = json.loads(out.read_text())
    assert [(r["target"], r["rooms"]) for r in rows] == [("ours", 1), ("relay", 1)]
    assert all(r["delivered"] == r["expected"] > 0 for r in rows)
    # Every client offered deflate, as browsers do, and both servers took it.
    assert all(r["deflate"] and r["deflated"] == r["joined"] == 3 for r in rows), rows
    assert "| ours | 1+ |" in capsys.readouterr().out


@needs_server
def test_plain_flag_makes_the_load_clients_offer_no_deflate(tmp_path: Path) -> None:
    from bench.cli import main

    out = tmp_path / "plain.json"
    argv = ["capacity", "--plain", "--targets", "ours,relay", "--start", "1", "--max", "1",
            "--clients", "3", "--duration", "1", "--p99", "100000"]  # fmt: skip
    assert main([*argv, "--json", str(out)]) == 0
    rows = json.loads(out.read_text())
    assert [r["target"] for r in rows] == ["ours", "relay"]
    assert all(r["delivered"] == r["expected"] > 0 for r in rows)
    assert all(not r["deflate"] and r["deflated"] == 0 and r["joined"] == 3 for r in rows), rows


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A redis-server of the test's own on a free port (never the one on 6379)."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    from tests.redis.redisserver import RedisServer

    server = RedisServer(tmp_path / "redis").start()
    yield server.url
    server.stop()


@pytest.mark.redis
@needs_server
def test_capacity_smoke_run_on_two_processes_sharing_redis(
    tmp_path: Path, redis_url: str, capsys
) -> None:
    from bench.cli import main

    out = tmp_path / "capacity-redis.json"
    argv = ["capacity", "--targets", "ours-redis", "--redis-url", redis_url, "--start", "2",
            "--max", "2", "--clients", "3", "--duration", "2", "--p99", "100000"]  # fmt: skip
    assert main([*argv, "--json", str(out)]) == 0
    (row,) = json.loads(out.read_text())
    assert (row["target"], row["rooms"], row["server_processes"]) == ("ours-redis", 2, 2)
    assert row["redis"] and row["delivered"] == row["expected"] > 0, row
    # Read from that Redis's INFO while the load ran: the ops went through it.
    assert row["redis_commands_per_op"] > 1 and row["redis_net_output_bytes_per_op"] > 0, row
    assert row["redis_cpu_per_s"] >= 0, row
    assert "| ours-redis | 2+ |" in capsys.readouterr().out


def test_capacity_retries_a_failed_size_and_not_a_late_generators_round(monkeypatch) -> None:
    """A size is tried ``--tries`` times before a target stops there; a failed round whose
    generator itself sent late (the machine was busy) is run again without counting."""
    from bench import capacity

    script = {  # (target, rooms) -> what each run of it gives, in order
        ("ours", 1): ["held"], ("ours", 2): ["failed", "held"], ("ours", 3): ["failed", "failed"],
        ("relay", 1): ["held"], ("relay", 2): ["late", "late", "held"],
        ("relay", 3): ["held"], ("relay", 4): ["late"] * 6,
    }  # fmt: skip
    calls: list[tuple[str, int]] = []

    def fake_round(args, name, rooms, options, redis, probe):  # type: ignore[no-untyped-def]
        calls.append((name, rooms))
        outcome = script[(name, rooms)].pop(0)
        return {"target": name, "rooms": rooms, "held": outcome == "held",
                "generator_late": outcome == "late"}  # fmt: skip

    monkeypatch.setattr(capacity, "_round", fake_round)
    args = capacity.parser().parse_args(["--targets", "ours,relay", "--start", "1", "--step",
                                         "1", "--max", "9"])  # fmt: skip
    rows = capacity._rounds(args, ["ours", "relay"], None)
    assert calls == [
        ("ours", 1), ("relay", 1),
        ("ours", 2), ("relay", 2), ("ours", 2), ("relay", 2), ("relay", 2),
        ("ours", 3), ("relay", 3), ("ours", 3),
        ("relay", 4), ("relay", 4), ("relay", 4), ("relay", 4), ("relay", 4), ("relay", 4),
    ]  # fmt: skip
    held = {t: max(r["rooms"] for r in rows if r["target"] == t and r["held"]) for t, _ in script}
    assert held == {"ours": 2, "relay": 3}


def test_plain_flag_reaches_the_participants_of_exports_bigroom_and_groups(monkeypatch) -> None:
    from bench import bigroom, cli, exports, groups

    seen: list[tuple[str, bool, list[str]]] = []
    for module in (exports, bigroom, groups):
        name = module.__name__.rsplit(".", 1)[1]

        def fake_main(argv: list[str], name: str = name) -> int:
            seen.append((name, exports.Member.deflate, argv))
            return 0

        monkeypatch.setattr(module, "main", fake_main)
    assert cli.main(["groups", "--people", "6", "--plain"]) == 0
    assert cli.main(["bigroom", "--plain"]) == 0
    assert cli.main(["exports"]) == 0
    assert seen == [("groups", False, ["--people", "6"]), ("bigroom", False, []),
                    ("exports", True, [])]  # fmt: skip
    assert exports.Member.deflate  # back to offering deflate after the run
