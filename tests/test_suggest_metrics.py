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


def _reference_linkage(similarity: np.ndarray, threshold: float) -> list[list[int]]:
    """The plain O(n^3) version: whole-matrix argmax before every merge."""
    n = similarity.shape[0]
    sim = similarity.astype(np.float64, copy=True)
    np.fill_diagonal(sim, -np.inf)
    members: list[list[int]] = [[i] for i in range(n)]
    sizes = np.ones(n)
    while n > 1:
        i, j = divmod(int(np.argmax(sim)), n)
        if sim[i, j] < threshold:
            break
        i, j = min(i, j), max(i, j)
        merged = (sizes[i] * sim[i] + sizes[j] * sim[j]) / (sizes[i] + sizes[j])
        sim[i, :] = merged
        sim[:, i] = merged
        sim[i, i] = -np.inf
        sim[j, :] = -np.inf
        sim[:, j] = -np.inf
        sizes[i] += sizes[j]
        members[i] = sorted(members[i] + members[j])
        members[j] = []
    return sorted((m for m in members if m), key=lambda c: c[0])


@pytest.mark.parametrize("seed", range(40))
def test_average_linkage_matches_the_plain_algorithm(seed: int) -> None:
    """The cached-best-partner version merges exactly as the whole-matrix argmax does,
    ties included (values rounded to one decimal make many)."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 40))
    points = rng.random((n, 4))
    sim = points @ points.T / 4
    if seed % 2:
        sim = np.round(sim, 1)
    for threshold in (0.05, 0.2, 0.3):
        assert average_linkage(sim, threshold) == _reference_linkage(sim, threshold)
