"""Scores for candidate pairs: estimated resemblance and containment (DESIGN decision 7).

Resemblance is the share of equal signature slots (the MinHash estimate of Jaccard). Containment
of the smaller shingle set in the larger follows from it and the exact set sizes:
``|A ∩ B| = J (|A| + |B|) / (1 + J)``, divided by ``min(|A|, |B|)``. A truncated wire copy
(60 % of the original) has resemblance about 0.6 but containment near 1.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "Numbers",
    "Thresholds",
    "Verifier",
    "containment",
    "number_hashes",
    "number_table",
    "numbers_agree",
    "resemblance",
    "score_pairs",
]

# Pairs scored at a time (rows of two signatures are compared in blocks).
_BLOCK = 1 << 15


@dataclass(frozen=True)
class Thresholds:
    """A pair is a duplicate when ``resemblance >= resemblance`` or ``containment >= containment``.

    Args:
        resemblance: the resemblance threshold, in (0, 1].
        containment: the containment threshold, in (0, 1], or None for none.

    >>> Thresholds(0.5, 0.8).passes(0.3, 0.9)
    True
    """

    resemblance: float = 0.4
    containment: float | None = 0.7

    def __post_init__(self) -> None:
        if not 0.0 < self.resemblance <= 1.0:
            raise ValueError(f"resemblance threshold must be in (0, 1], got {self.resemblance}")
        if self.containment is not None and not 0.0 < self.containment <= 1.0:
            raise ValueError(f"containment threshold must be in (0, 1] or None, got {self.containment}")

    def passes(self, res: np.ndarray | float, cont: np.ndarray | float) -> np.ndarray | bool:
        ok = np.asarray(res) >= self.resemblance
        if self.containment is not None:
            ok = ok | (np.asarray(cont) >= self.containment)
        return ok if ok.ndim else bool(ok)


def resemblance(sig_a: np.ndarray, sig_b: np.ndarray) -> np.ndarray:
    """Share of equal slots, row by row (or of two single signatures)."""
    equal = np.asarray(sig_a == sig_b)
    # An integer count, then one division: the value np.mean gives, without its float pass.
    return equal.sum(axis=-1, dtype=np.int64) / equal.shape[-1]


def containment(res: np.ndarray, size_a: np.ndarray, size_b: np.ndarray) -> np.ndarray:
    """Estimated share of the smaller set that lies in the larger one, in [0, 1]."""
    res = np.asarray(res, dtype=np.float64)
    size_a = np.asarray(size_a, dtype=np.float64)
    size_b = np.asarray(size_b, dtype=np.float64)
    inter = res * (size_a + size_b) / (1.0 + res)
    smaller = np.minimum(size_a, size_b)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(smaller > 0, inter / smaller, 0.0)
    return np.clip(out, 0.0, 1.0)


def score_pairs(
    signatures: np.ndarray, sizes: np.ndarray, pairs: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Resemblance and containment of each pair ``(i, j)`` of rows."""
    res = np.empty(len(pairs), dtype=np.float64)
    for lo in range(0, len(pairs), _BLOCK):
        p = pairs[lo : lo + _BLOCK]
        res[lo : lo + len(p)] = resemblance(signatures[p[:, 0]], signatures[p[:, 1]])
    cont = containment(res, sizes[pairs[:, 0]], sizes[pairs[:, 1]])
    return res, cont


# --- numbers ----------------------------------------------------------------------------------
#
# Templated news (auction announcements, earnings tables, match results) shares most of its words
# and differs in its numbers; copies of one story keep the numbers. So a pair whose texts both
# carry enough numbers must also share most of them: of the smaller set of distinct numbers, at
# least ``min_overlap`` must be in the other. Truncated and extended copies pass (the smaller set
# is the shorter text's); different reports on one template do not.

_NUMBER = re.compile(r"(?<!\S)\d+(?!\S)")


def number_hashes(fingerprint: str) -> np.ndarray:
    """Sorted distinct CRC-32s of the number tokens of a fingerprint (``"rose 35 to 1200"``)."""
    found = {zlib.crc32(n.encode()) for n in _NUMBER.findall(fingerprint)}
    return np.array(sorted(found), dtype=np.uint32)


def numbers_agree(
    values: np.ndarray, offsets: np.ndarray, pairs: np.ndarray, *, min_overlap: float, min_numbers: int = 3
) -> np.ndarray:
    """For each pair, False when both documents have ``min_numbers`` or more distinct numbers and
    fewer than ``min_overlap`` of the smaller set are in the other; True otherwise.

    Document ``d``'s numbers are ``values[offsets[d]:offsets[d + 1]]`` (sorted, distinct). Pairs
    are judged in blocks, without a Python loop per pair: each pair's numbers are tagged with the
    pair and sorted together, and a number both documents hold appears twice in a row.
    """
    # Counts of the pairs' documents only: np.diff of every offset on every call made one
    # cluster member check cost as much as the corpus.
    ca = offsets[pairs[:, 0] + 1] - offsets[pairs[:, 0]]
    cb = offsets[pairs[:, 1] + 1] - offsets[pairs[:, 1]]
    ok = np.ones(len(pairs), dtype=bool)
    judge = np.flatnonzero((ca >= min_numbers) & (cb >= min_numbers))
    if len(judge) and (pairs[judge, 0] == pairs[judge[0], 0]).all():
        # One document against many (the streaming index's checks): look its numbers up, no sort.
        a, b = int(pairs[judge[0], 0]), pairs[judge, 1]
        shared = _shared_with(values[offsets[a] : offsets[a + 1]], values, offsets, b)
        ok[judge] = shared >= min_overlap * np.minimum(ca[judge], cb[judge])
        return ok
    for lo in range(0, len(judge), _BLOCK):
        sel = judge[lo : lo + _BLOCK]
        a, b = pairs[sel, 0], pairs[sel, 1]
        keys = np.concatenate([_tagged(values, offsets, a), _tagged(values, offsets, b)])
        keys.sort()
        twice = keys[1:][keys[1:] == keys[:-1]] >> np.uint64(32)
        shared = np.bincount(twice.astype(np.int64), minlength=len(sel))
        ok[sel] = shared >= min_overlap * np.minimum(ca[sel], cb[sel])
    return ok


def _shared_with(mine: np.ndarray, values: np.ndarray, offsets: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """How many of the sorted, distinct numbers ``mine`` each of ``docs`` holds."""
    tagged = _tagged(values, offsets, docs)
    if not len(mine) or not len(tagged):
        return np.zeros(len(docs), dtype=np.int64)
    theirs = (tagged & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    at = np.minimum(np.searchsorted(mine, theirs), len(mine) - 1)
    hit = mine[at] == theirs
    return np.bincount((tagged[hit] >> np.uint64(32)).astype(np.int64), minlength=len(docs))


def _tagged(values: np.ndarray, offsets: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """The numbers of ``docs[k]`` for every k, each as ``k << 32 | number`` (uint64)."""
    lengths = offsets[docs + 1] - offsets[docs]
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.uint64)
    ends = np.cumsum(lengths)
    # Concatenated ranges offsets[d]..offsets[d + 1] in one arange: shift each run to its start.
    index = np.arange(total, dtype=np.int64) + np.repeat(offsets[docs] - (ends - lengths), lengths)
    tags = np.repeat(np.arange(len(docs), dtype=np.uint64), lengths)
    return (tags << np.uint64(32)) | values[index].astype(np.uint64)


#: Per-document number hashes as one array of values and the offsets of each document's run.
Numbers = tuple[np.ndarray, np.ndarray]


def number_table(numbers: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """``(values, offsets)`` of per-document number hashes, as :func:`numbers_agree` reads them."""
    offsets = np.zeros(len(numbers) + 1, dtype=np.int64)
    np.cumsum([len(x) for x in numbers], out=offsets[1:])
    values = np.concatenate(numbers).astype(np.uint32, copy=False) if len(numbers) else np.zeros(0, np.uint32)
    return values, offsets


@dataclass(frozen=True)
class Verifier:
    """The pair policy: a candidate pair is a duplicate when its scores pass the thresholds and,
    with the number check on, the two texts' numbers agree. Batch, stream and Spark all decide
    pairs through it.

    Args:
        thresholds: the score thresholds.
        min_number_overlap: the share of the smaller set of numbers the other text must
            contain when both carry three or more; None turns the number check off.

    >>> v = Verifier(Thresholds(0.5, None), min_number_overlap=None)
    >>> v.decide(np.array([[0, 1]]), np.array([0.6]), np.array([0.6])).tolist()
    [True]
    """

    thresholds: Thresholds = field(default_factory=Thresholds)
    min_number_overlap: float | None = 0.5

    def decide(
        self,
        pairs: np.ndarray,
        res: np.ndarray,
        cont: np.ndarray,
        numbers: Numbers | Callable[[], Numbers] | None = None,
        exact: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> np.ndarray:
        """Which ``pairs`` (rows of document positions) with scores ``res``/``cont`` are duplicates.

        ``numbers`` is the documents' :func:`number_table` (or a function that makes it, called
        only when some pair passes the thresholds); needed when the number check is on.
        ``exact`` is the documents' ``(set sizes, digests)``: two texts of one shingle each match
        only when their digests are equal (their 32-bit shingle hashes may collide); a digest
        of 0 is unknown and not held against the pair.
        """
        ok = np.asarray(self.thresholds.passes(res, cont), dtype=bool)
        if exact is not None and ok.any():
            sizes, digests = exact
            a, b = pairs[:, 0], pairs[:, 1]
            tiny = (sizes[a] <= 1) & (sizes[b] <= 1) & (digests[a] != 0) & (digests[b] != 0)
            ok &= ~tiny | (digests[a] == digests[b])
        if self.min_number_overlap is not None and ok.any():
            if numbers is None:
                raise ValueError("the number check needs the documents' numbers")
            table = numbers() if callable(numbers) else numbers
            check = ok.copy()
            if exact is not None:  # copies with one digest carry the same numbers: nothing to check
                digests = exact[1]
                check &= (digests[pairs[:, 0]] != digests[pairs[:, 1]]) | (digests[pairs[:, 0]] == 0)
            sel = np.flatnonzero(check)
            ok[sel] = numbers_agree(*table, pairs[sel], min_overlap=self.min_number_overlap)
        return ok

    def against(
        self,
        signature: np.ndarray,
        size: int,
        numbers: np.ndarray,
        others: np.ndarray,
        other_sizes: np.ndarray,
        other_numbers: Sequence[np.ndarray],
        digests: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One document scored against many: ``(resemblance, containment, is_duplicate)``;
        ``digests`` are the document's and then the others' (see :meth:`decide`)."""
        signatures = np.concatenate([np.asarray(signature)[None, :], others])
        sizes = np.concatenate([[size], other_sizes]).astype(np.int64)
        table = lambda: number_table([numbers, *other_numbers])  # noqa: E731 - made only when needed
        return self.among(0, np.arange(1, len(others) + 1), signatures, sizes, table, digests)

    def among(
        self,
        doc: int,
        rows: np.ndarray,
        signatures: np.ndarray,
        sizes: np.ndarray,
        numbers: Numbers | Callable[[], Numbers],
        digests: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Document ``doc`` of a table of documents scored against its ``rows``:
        ``(resemblance, containment, is_duplicate)``. The table is ``signatures``, set ``sizes``,
        its :func:`number_table` and ``digests`` (see :meth:`decide`), made once for many calls."""
        res = resemblance(signatures[rows], signatures[doc])
        cont = containment(res, sizes[rows], sizes[doc])
        pairs = np.stack([np.full(len(rows), doc, dtype=np.int64), rows], axis=1)
        exact = None if digests is None else (sizes, digests)
        return res, cont, self.decide(pairs, res, cont, numbers, exact)
