"""The serving process tunes the collector (server.cli.tune_gc); see its docstring for why."""

from __future__ import annotations

import gc

from server.cli import tune_gc


def test_tune_gc_freezes_startup_objects_and_raises_the_young_threshold() -> None:
    before = gc.get_threshold()
    try:
        tune_gc()
        assert gc.get_threshold()[0] == 10_000
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
