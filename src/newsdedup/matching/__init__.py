"""Matching kernels: shingles, signatures, LSH bands, the pair verifier and clusters.

Plain functions on numpy arrays, one concept per module: ``shingles`` (tokens and their hashes),
``signatures`` (MinHash, datasketch's ``affine32``), ``lsh`` (bands and candidate pairs),
``verify`` (scores and the :class:`~newsdedup.matching.verify.Verifier`), ``cluster``
(components without chaining and the canonical copy), ``signing`` (clean, shingle and sign a
chunk). Executors (batch, the index, Spark) are elsewhere.

>>> from newsdedup.matching import minhash_signatures
>>> minhash_signatures(["the storm hit the coast"], ngram=2).shape
(1, 128)
"""

from .cluster import Member
from .lsh import band_params, candidate_pairs

# ``shingles`` the function is not imported here: it would hide the module of that name.
from .shingles import shingle_batch, shingle_hash
from .signatures import minhash_signatures
from .verify import Thresholds, Verifier

__all__ = [
    "Member",
    "Thresholds",
    "Verifier",
    "band_params",
    "candidate_pairs",
    "minhash_signatures",
    "shingle_batch",
    "shingle_hash",
]
