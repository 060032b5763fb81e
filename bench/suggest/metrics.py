"""Adjusted Rand index and pairwise duplicate precision/recall, in plain Python.

Written here rather than taken from scikit-learn so the benchmark needs nothing the
server does not; ``tests/test_suggest_metrics.py`` checks them against known values.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from itertools import combinations


def _pairs(count: int) -> int:
    return count * (count - 1) // 2


def adjusted_rand_index(truth: Sequence[Hashable], predicted: Sequence[Hashable]) -> float:
    """Hubert and Arabie's ARI of two labellings of the same items (1.0 = identical)."""
    if len(truth) != len(predicted):
        raise ValueError("labellings differ in length")
    n = len(truth)
    together = sum(_pairs(c) for c in Counter(zip(truth, predicted, strict=True)).values())
    rows = sum(_pairs(c) for c in Counter(truth).values())
    cols = sum(_pairs(c) for c in Counter(predicted).values())
    total = _pairs(n)
    if total == 0:
        return 1.0
    expected = rows * cols / total
    best = (rows + cols) / 2
    if best == expected:
        return 1.0
    return (together - expected) / (best - expected)


def closure(links: Iterable[tuple[str, str]]) -> set[frozenset[str]]:
    """Every pair of items joined by a chain of links (union-find, then all pairs)."""
    parent: dict[str, str] = {}

    def root(item: str) -> str:
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for a, b in links:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    sets: dict[str, list[str]] = {}
    for item in list(parent):
        sets.setdefault(root(item), []).append(item)
    return {frozenset(p) for members in sets.values() for p in combinations(sorted(members), 2)}


def precision_recall(
    truth: set[frozenset[str]], predicted: set[frozenset[str]]
) -> tuple[float, float]:
    """Pairwise precision and recall; 1.0 where there is nothing to find or nothing found."""
    hits = len(truth & predicted)
    precision = hits / len(predicted) if predicted else 1.0
    recall = hits / len(truth) if truth else 1.0
    return precision, recall
