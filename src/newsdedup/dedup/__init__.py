"""Near-duplicate detection: shingles, signatures, LSH, verification, clusters, batch and stream."""

from .batch import DedupConfig, Deduplicator, dedup
from .cluster import Member
from .index import IndexFormatError, Match, NearDupIndex, stream
from .lsh import band_params, candidate_pairs
from .outcome import Outcome
from .shingles import shingle_batch, shingle_hash, shingles
from .signatures import minhash_signatures
from .verify import Thresholds

__all__ = [
    "DedupConfig",
    "Deduplicator",
    "IndexFormatError",
    "Match",
    "Member",
    "NearDupIndex",
    "Outcome",
    "Thresholds",
    "band_params",
    "candidate_pairs",
    "dedup",
    "minhash_signatures",
    "shingle_batch",
    "shingle_hash",
    "shingles",
    "stream",
]
