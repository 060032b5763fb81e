"""Keeps the benchmark harness working: a few seconds of ``workshop`` against our server
and the bare relay, through ``bench.cli.main`` as ``spwt bench`` calls it.

This checks that the harness measures (every op reaches every client, figures are
written), not how fast anything is: benchmarks print figures, they do not pass or fail.
"""

from __future__ import annotations

import importlib.util
import json
import math
import time
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        importlib.util.find_spec("server.cli") is None, reason="the server CLI is not here yet"
    ),
]


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
        assert row["ops_sent"] > 0
        assert row["delivered"] == row["expected"] == row["ops_sent"] * row["joined"], row
        assert 0 < row["p50_ms"] <= row["p99_ms"] <= row["max_ms"] < 5000
        assert math.isfinite(row["server_cpu_s"]) and row["peak_rss_mb"] > 10
    assert rows["ours"]["rejected"] == {}, "the mix follows the phases: nothing is refused"
    assert {r["baseline"] for r in figures["ratios"]} == {"relay"}
    table = capsys.readouterr().out
    assert "| workshop | ours |" in table and "| workshop | relay |" in table
    assert elapsed < 10, f"the smoke run should take about 5 s, took {elapsed:.1f} s"
