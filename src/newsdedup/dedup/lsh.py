"""LSH banding: datasketch's band parameters, candidate pairs from numpy sorting.

Two documents are candidates when all ``r`` slots of at least one of ``b`` bands of their
signatures are equal, exactly as in ``datasketch.MinHashLSH``. Instead of a hash table per band
we sort each band's rows and pair the runs of equal rows. A run larger than ``max_bucket``
(a boilerplate-only band shared by thousands of pages) gives star edges to its first member
instead of all pairs, which keeps the cost linear; clusters still connect through the star.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from datasketch import MinHashLSH

__all__ = ["band_params", "candidate_pairs"]


@lru_cache(maxsize=64)
def band_params(
    threshold: float, num_perm: int, weights: tuple[float, float] = (0.5, 0.5)
) -> tuple[int, int]:
    """``(b, r)``: bands and rows per band that datasketch's ``MinHashLSH`` picks for these settings.

    >>> band_params(0.5, 128)
    (25, 5)
    """
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=weights)
    return lsh.b, lsh.r


def _band_groups(band: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Order of rows sorted by band value, and the group id of each row in that order."""
    rows = np.ascontiguousarray(band).view(np.dtype((np.void, band.dtype.itemsize * band.shape[1]))).ravel()
    order = np.argsort(rows, kind="stable")
    srt = rows[order]
    new = np.ones(len(srt), dtype=bool)
    new[1:] = srt[1:] != srt[:-1]
    return order, np.cumsum(new) - 1


def _pairs_in_runs(order: np.ndarray, group: np.ndarray, max_bucket: int | None) -> np.ndarray:
    sizes = np.bincount(group)
    size_of = sizes[group]
    keep = size_of > 1
    order, group, size_of = order[keep], group[keep], size_of[keep]
    if len(order) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    out = []
    if max_bucket is not None:
        huge = size_of > max_bucket
        if huge.any():
            h_order, h_group = order[huge], group[huge]
            first = np.ones(len(h_group), dtype=bool)
            first[1:] = h_group[1:] != h_group[:-1]
            # Within a run, order is ascending (stable sort), so the run's first is its minimum.
            hub = np.repeat(h_order[first], np.diff(np.flatnonzero(np.append(first, True))))
            spoke = ~first
            out.append(np.stack([hub[spoke], h_order[spoke]], axis=1))
            order, group = order[~huge], group[~huge]
    d = 1
    while d < len(order):
        same = group[:-d] == group[d:]
        if not same.any():
            break
        out.append(np.stack([order[:-d][same], order[d:][same]], axis=1))
        d += 1
    return np.concatenate(out) if out else np.zeros((0, 2), dtype=np.int64)


def candidate_pairs(signatures: np.ndarray, b: int, r: int, *, max_bucket: int | None = 1000) -> np.ndarray:
    """Unique candidate pairs ``(i, j)``, ``i < j``, sorted, as an ``(k, 2)`` int64 array.

    >>> sig = np.array([[1, 2, 3, 4], [1, 2, 9, 9], [5, 6, 7, 8]], dtype=np.uint32)
    >>> candidate_pairs(sig, b=2, r=2).tolist()
    [[0, 1]]
    """
    if b * r > signatures.shape[1]:
        raise ValueError(f"b * r = {b * r} exceeds the signature length {signatures.shape[1]}")
    found = []
    for i in range(b):
        order, group = _band_groups(signatures[:, i * r : (i + 1) * r])
        found.append(_pairs_in_runs(order, group, max_bucket))
    pairs = np.concatenate(found) if found else np.zeros((0, 2), dtype=np.int64)
    if len(pairs) == 0:
        return pairs.astype(np.int64).reshape(0, 2)
    pairs = np.sort(pairs.astype(np.int64), axis=1)
    # One int64 key per pair: unique on a flat array is far faster than unique(axis=0).
    n = np.int64(len(signatures))
    keys = np.unique(pairs[:, 0] * n + pairs[:, 1])
    return np.stack([keys // n, keys % n], axis=1)
