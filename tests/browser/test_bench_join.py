"""Keeps ``spwt bench join`` working: a 5-card room, both paths, no emulated link and no
wait (the bench measures join times in Chromium; this checks only that it measures)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser
pytest.importorskip("playwright.sync_api")


def test_join_smoke_run_times_both_paths(tmp_path: Path, capsys: Any) -> None:
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("needs Debian's chromium")
    from bench.cli import main

    out = tmp_path / "join.json"
    argv = ["join", "--cards", "5", "--away", "0.4", "--kbit", "100000", "--latency", "0"]
    assert main([*argv, "--json", str(out)]) == 0
    socket, http = json.loads(out.read_text())
    assert (socket["path"], http["path"]) == ("socket", "http")
    for row in (socket, http):
        assert row["first_join_bytes"] > 0 and row["reconnect_bytes"] > 0
        assert row["first_join_s"] > 0 and row["reconnect_s"] >= 0
    assert "| 5 | http |" in capsys.readouterr().out
