"""Scoring clusters against ground truth: pair precision, recall, F1 and the adjusted Rand index.

Two records form a *pair* when they share a cluster. Precision is the share of predicted pairs
that share a true story; recall the share of true pairs that were predicted. Computed from the
contingency table, so it is linear in the number of records, not quadratic.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

__all__ = ["PairScores", "pair_scores"]


@dataclass(frozen=True)
class PairScores:
    """Pair counts and the scores derived from them."""

    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    precision: float
    recall: float
    f1: float
    ari: float


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pair_scores(predicted: Sequence[Hashable], truth: Sequence[Hashable]) -> PairScores:
    """Compare a predicted cluster label per record with the true label per record.

    >>> pair_scores(["a", "a", "b"], [1, 1, 2]).f1
    1.0
    """
    if len(predicted) != len(truth):
        raise ValueError(f"{len(predicted)} predicted labels for {len(truth)} true labels")
    both = sum(_pairs(c) for c in Counter(zip(predicted, truth, strict=True)).values())
    pred = sum(_pairs(c) for c in Counter(predicted).values())
    true = sum(_pairs(c) for c in Counter(truth).values())
    precision = both / pred if pred else 1.0
    recall = both / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    total = _pairs(len(truth))
    expected = pred * true / total if total else 0.0
    top = (pred + true) / 2
    ari = (both - expected) / (top - expected) if top != expected else 1.0
    return PairScores(true, pred, both, precision, recall, f1, ari)
