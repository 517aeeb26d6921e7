"""MinHash signatures for many documents at once, bit-identical to datasketch's ``affine32``.

datasketch (>= 2.0) hashes each shingle to 32 bits, pre-mixes it with the MurmurHash3 32-bit
finalizer and applies ``a_k * h + b_k`` in uint32 for each permutation k, keeping the minimum.
We do the same arithmetic for a whole batch, in blocks of shingles so memory stays bounded,
with datasketch's own permutation parameters for the seed. So

    MinHash(num_perm, seed=seed, hashfunc=shingle_hash).update_batch(shingles(text)).hashvalues

equals our row for that text, and ``MinHash(hashvalues=row, scheme="affine32")`` rebuilds it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from datasketch import MinHash

from .shingles import Kind, ShingleBatch, shingle_batch

__all__ = ["EMPTY", "minhash_signatures", "permutations", "signatures_from_shingles"]

#: The value of every slot of an empty document's signature (datasketch's empty MinHash).
EMPTY = np.uint32(0xFFFFFFFF)

# Rows of (shingles x permutations) computed at a time: 32 MiB at 128 permutations.
_BLOCK = 1 << 16


@lru_cache(maxsize=16)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's ``affine32`` permutation parameters ``(a, b)`` for ``num_perm`` and ``seed``."""
    a, b = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    a.setflags(write=False)
    b.setflags(write=False)
    return a, b


def _fmix32(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def signatures_from_shingles(batch: ShingleBatch, *, num_perm: int = 128, seed: int = 1) -> np.ndarray:
    """Signatures (``uint32``, one row per document) from a batch of shingle hashes."""
    a, b = permutations(num_perm, seed)
    n_docs = len(batch.offsets) - 1
    sig = np.full((n_docs, num_perm), EMPTY, dtype=np.uint32)
    hashes = batch.hashes
    if len(hashes) == 0:
        return sig
    counts = batch.counts
    doc_of = np.repeat(np.arange(n_docs), counts)
    with np.errstate(over="ignore"):
        mixed = _fmix32(hashes)
        for lo in range(0, len(hashes), _BLOCK):
            hi = min(lo + _BLOCK, len(hashes))
            phv = np.multiply.outer(mixed[lo:hi], a)
            phv += b
            docs = doc_of[lo:hi]
            # Segments of consecutive rows that belong to one document.
            cut = np.flatnonzero(np.concatenate(([True], docs[1:] != docs[:-1])))
            mins = np.minimum.reduceat(phv, cut, axis=0)
            ids = docs[cut]
            sig[ids] = np.minimum(sig[ids], mins)
    return sig


def minhash_signatures(
    texts: Sequence[str], *, num_perm: int = 128, seed: int = 1, ngram: int = 5, kind: Kind = "word"
) -> np.ndarray:
    """MinHash signatures of ``texts`` as given (no cleaning), shape ``(len(texts), num_perm)``.

    >>> sig = minhash_signatures(["the storm hit the coast on monday night"], ngram=3)
    >>> sig.shape, sig.dtype
    ((1, 128), dtype('uint32'))
    """
    return signatures_from_shingles(shingle_batch(texts, ngram, kind), num_perm=num_perm, seed=seed)
