"""MinHash signatures for many documents at once, bit-identical to datasketch's ``affine32``.

datasketch (>= 2.0) hashes each shingle to 32 bits, pre-mixes it with the MurmurHash3 32-bit
finalizer and applies ``a_k * h + b_k`` in uint32 for each permutation k, keeping the minimum.
We do the same arithmetic for a whole batch, in chunks of shingles so memory stays bounded,
with datasketch's own permutation parameters for the seed. So

    MinHash(num_perm, seed=seed, hashfunc=shingle_hash).update_batch(shingles(text)).hashvalues

equals our row for that text, and ``MinHash(hashvalues=row, scheme="affine32")`` rebuilds it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from datasketch import MinHash

from .. import compiled
from .shingles import Kind, ShingleBatch, shingle_batch

__all__ = ["EMPTY", "minhash_signatures", "permutations", "signatures_from_shingles"]

#: The value of every slot of an empty document's signature (datasketch's empty MinHash).
EMPTY = np.uint32(0xFFFFFFFF)

# Shingles processed at a time: one uint32 scratch vector of this length (16 MiB).
_CHUNK = 1 << 22
# Below this many (shingle, permutation) values, one (permutations x shingles) matrix is cheaper
# than a pass per permutation: the case of one article at a time in the streaming index.
_SMALL = 1 << 16


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
    """Signatures (``uint32``, one row per document) from a batch of shingle hashes.

    One permutation at a time over a chunk of documents' shingles: a multiply, an add and a
    segmented minimum (``np.minimum.reduceat``), each a single pass over a flat vector, which is
    several times faster than building the (shingles x permutations) matrix.
    """
    a, b = permutations(num_perm, seed)
    n_docs = len(batch.offsets) - 1
    sig = np.full((n_docs, num_perm), EMPTY, dtype=np.uint32)
    if len(batch.hashes) == 0:
        return sig
    core = compiled.CORE
    if core is not None:
        hashes = np.ascontiguousarray(batch.hashes, dtype=np.uint32)
        core.minhash(hashes, np.ascontiguousarray(batch.offsets, dtype=np.int64), a, b, sig)
        return sig
    offsets = batch.offsets
    nonempty = np.flatnonzero(np.diff(offsets) > 0)
    with np.errstate(over="ignore"):
        mixed = _fmix32(batch.hashes)
        scratch = np.empty(min(len(mixed), _CHUNK), dtype=np.uint32)
        first = 0
        while first < len(nonempty):
            # Whole documents, up to _CHUNK shingles (a longer document goes alone, in pieces).
            lo = offsets[nonempty[first]]
            last = int(np.searchsorted(offsets[nonempty + 1], lo + _CHUNK, side="right"))
            last = max(last, first + 1)
            docs = nonempty[first:last]
            hi = offsets[docs[-1] + 1]
            if hi - lo > _CHUNK:
                sig[docs[0]] = _one_long_document(mixed[lo:hi], a, b, scratch)
            elif (hi - lo) * num_perm <= _SMALL:
                values = mixed[lo:hi][None, :] * a[:, None] + b[:, None]
                sig[docs] = np.minimum.reduceat(values, offsets[docs] - lo, axis=1).T
            else:
                starts = offsets[docs] - lo
                chunk = mixed[lo:hi]
                tmp = scratch[: hi - lo]
                block = np.empty((num_perm, len(docs)), dtype=np.uint32)
                for k in range(num_perm):
                    np.multiply(chunk, a[k], out=tmp)
                    tmp += b[k]
                    block[k] = np.minimum.reduceat(tmp, starts)
                sig[docs] = block.T
            first = last
    return sig


def _one_long_document(mixed: np.ndarray, a: np.ndarray, b: np.ndarray, scratch: np.ndarray) -> np.ndarray:
    row = np.full(len(a), EMPTY, dtype=np.uint32)
    for lo in range(0, len(mixed), len(scratch)):
        part = mixed[lo : lo + len(scratch)]
        tmp = scratch[: len(part)]
        for k in range(len(a)):
            np.multiply(part, a[k], out=tmp)
            tmp += b[k]
            row[k] = min(row[k], tmp.min())
    return row


def minhash_signatures(
    texts: Sequence[str], *, num_perm: int = 128, seed: int = 1, ngram: int = 5, kind: Kind = "word"
) -> np.ndarray:
    """MinHash signatures of ``texts`` as given (no cleaning), shape ``(len(texts), num_perm)``.

    Args:
        texts: the texts, as given (no cleaning).
        num_perm: permutations (slots); seed: datasketch's seed.
        ngram: words (or characters) per shingle; kind: ``"word"`` or ``"char"``.

    >>> sig = minhash_signatures(["the storm hit the coast on monday night"], ngram=3)
    >>> sig.shape, sig.dtype
    ((1, 128), dtype('uint32'))
    """
    if isinstance(texts, (str, bytes)):
        raise TypeError(f"minhash_signatures() takes a sequence of texts, not one {type(texts).__name__}")
    return signatures_from_shingles(shingle_batch(texts, ngram, kind), num_perm=num_perm, seed=seed)
