"""The benchmark's own measures and the clustering step, against hand-worked values."""

from __future__ import annotations

import numpy as np
import pytest

from bench.suggest.metrics import adjusted_rand_index, closure, precision_recall
from server.suggest.cluster import average_linkage


@pytest.mark.parametrize(
    ("truth", "predicted", "expected"),
    [
        ([0, 0, 1, 1], [0, 0, 1, 1], 1.0),
        ([0, 0, 1, 1], [1, 1, 0, 0], 1.0),
        ([0, 0, 1, 2], [0, 0, 1, 1], 4 / 7),  # scikit-learn's documented example: 0.57
        ([0, 0, 0, 0], [0, 1, 2, 3], 0.0),
        ([0, 0, 1, 1], [0, 1, 0, 1], -0.5),
    ],
)
def test_adjusted_rand_index(truth: list[int], predicted: list[int], expected: float) -> None:
    assert adjusted_rand_index(truth, predicted) == pytest.approx(expected)


def test_closure_joins_chains() -> None:
    pairs = closure([("a", "b"), ("b", "c"), ("x", "y")])
    assert pairs == {
        frozenset("ab"),
        frozenset("bc"),
        frozenset("ac"),
        frozenset("xy"),
    }


def test_precision_recall() -> None:
    truth = {frozenset("ab"), frozenset("cd")}
    assert precision_recall(truth, {frozenset("ab"), frozenset("ef")}) == (0.5, 0.5)
    assert precision_recall(set(), set()) == (1.0, 1.0)


def test_average_linkage_stops_at_the_threshold() -> None:
    sim = np.array(
        [
            [1.0, 0.9, 0.1, 0.0],
            [0.9, 1.0, 0.2, 0.0],
            [0.1, 0.2, 1.0, 0.5],
            [0.0, 0.0, 0.5, 1.0],
        ]
    )
    assert average_linkage(sim, 0.6) == [[0, 1], [2], [3]]
    assert average_linkage(sim, 0.4) == [[0, 1], [2, 3]]
    # {0,1} to {2,3}: mean of 0.1, 0.0, 0.2, 0.0 = 0.075
    assert average_linkage(sim, 0.07) == [[0, 1, 2, 3]]
    assert average_linkage(np.zeros((0, 0)), 0.5) == []
