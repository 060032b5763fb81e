"""The Hocuspocus baseline of ``spwt bench``: its client's Yjs bytes, and a smoke run.

The smoke run needs Hocuspocus installed already (``spwt bench workshop --targets
hocuspocus`` installs it once, with npm); a test run never downloads from npm, so without
the install it is skipped and says how to get it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import hocuspocus
from bench.hocuspocus_client import array_append, read_var_uint, var_uint

# What Yjs 13.6 itself writes for ``doc.getArray("ops").push(["x"])`` then ``.push(["y"])``
# by client 123456789 (printed by node from the installed yjs).
YJS_PUSH_X = "0101959aef3a000801036f70730177017800"
YJS_PUSH_Y = "0101959aef3a0188959aef3a000177017900"


def test_varuint_round_trips_across_byte_boundaries() -> None:
    for n in (0, 1, 127, 128, 300, 2**21, 2**31 - 1):
        encoded = var_uint(n)
        assert read_var_uint(encoded + b"\xff", 0) == (n, len(encoded))
    assert var_uint(300) == b"\xac\x02"


def test_appends_are_the_bytes_yjs_writes() -> None:
    """The first item names its root type; the next one points at its left neighbour."""
    assert array_append(123456789, 0, "x").hex() == YJS_PUSH_X
    assert array_append(123456789, 1, "y").hex() == YJS_PUSH_Y


@pytest.mark.integration
@pytest.mark.skipif(
    hocuspocus.installed() is None,
    reason="Hocuspocus is not installed (needs node and npm; `spwt bench workshop "
    "--targets hocuspocus` installs it once into ~/.cache/spwt-bench)",
)
def test_hocuspocus_smoke_run_delivers_every_update(tmp_path: Path, capsys) -> None:
    from bench.cli import main

    out = tmp_path / "figures.json"
    argv = ["workshop", "--targets", "relay,hocuspocus", "--clients", "6", "--duration", "0.9",
            "--drain", "1", "--procs", "1", "--json", str(out)]  # fmt: skip
    assert main(argv) == 0
    rows = {row["target"]: row for row in json.loads(out.read_text())["rows"]}
    assert set(rows) == {"relay", "hocuspocus"}
    row = rows["hocuspocus"]
    assert row["joined"] == 6 and row["ops_sent"] > 0
    assert row["delivered"] == row["expected"] == row["ops_sent"] * 6, row
    assert 0 < row["p50_ms"] <= row["p99_ms"] < 5000 and row["cpu_us_per_delivery"] > 0
    assert "| workshop | hocuspocus |" in capsys.readouterr().out
