"""TF-IDF vectors of stems and of character trigrams, and cosine similarity between cards.

Stems catch the same word in another form ("kerusakan jalan" / "jln rusak"); character
trigrams catch what stemming misses: typos, English plurals, names spelled two ways.
The IDF is the room's own, so a word every card uses ("desa" in a village workshop) counts
for little without a stop list knowing it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

STEM_WEIGHT = 0.75  # share of the stems in the combined vector; the rest is trigrams


def tfidf(docs: Sequence[Sequence[str]]) -> tuple[np.ndarray, list[str]]:
    """Row-normalised TF-IDF matrix (float32) of ``docs`` and its vocabulary, sorted."""
    vocab = sorted({f for doc in docs for f in doc})
    column = {f: i for i, f in enumerate(vocab)}
    matrix = np.zeros((len(docs), len(vocab)), dtype=np.float32)
    for row, doc in enumerate(docs):
        for feature in doc:
            matrix[row, column[feature]] += 1.0
    if not vocab:
        return matrix, vocab
    df = np.count_nonzero(matrix, axis=0)
    n = len(docs)
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    matrix = np.log1p(matrix) * idf.astype(np.float32)
    return _normalise(matrix), vocab


def trigrams(stems: Sequence[str]) -> list[str]:
    """Character trigrams of each stem padded with spaces (" ja", "jal", ..., "an ")."""
    out = []
    for stem in stems:
        padded = f" {stem} "
        out.extend(padded[i : i + 3] for i in range(len(padded) - 2))
    return out


def combined(docs: Sequence[Sequence[str]], stem_weight: float = STEM_WEIGHT) -> np.ndarray:
    """Unit vectors joining stem TF-IDF and trigram TF-IDF, weighted by ``stem_weight``."""
    stems, _ = tfidf(docs)
    grams, _ = tfidf([trigrams(doc) for doc in docs])
    joined = np.hstack(
        [stems * math.sqrt(stem_weight), grams * math.sqrt(1.0 - stem_weight)]
    ).astype(np.float32)
    return _normalise(joined)


def cosine(vectors: np.ndarray) -> np.ndarray:
    """Pairwise cosine similarity of unit row vectors."""
    return vectors @ vectors.T


def _normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms
