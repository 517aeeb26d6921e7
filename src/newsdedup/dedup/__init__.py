"""Near-duplicate detection: shingles, signatures, LSH, verification, clusters, batch runs."""

from .batch import DedupConfig, Deduplicator, dedup
from .cluster import Member
from .lsh import band_params, candidate_pairs
from .outcome import Outcome
from .shingles import shingle_batch, shingle_hash, shingles
from .signatures import minhash_signatures
from .verify import Thresholds

__all__ = [
    "DedupConfig",
    "Deduplicator",
    "Member",
    "Outcome",
    "Thresholds",
    "band_params",
    "candidate_pairs",
    "dedup",
    "minhash_signatures",
    "shingle_batch",
    "shingle_hash",
    "shingles",
]
