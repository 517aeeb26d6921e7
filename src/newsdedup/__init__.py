"""newsdedup: clean scraped news text and find near-duplicate wire stories.

>>> import newsdedup
>>> newsdedup.clean("Advertisement\\nIt&#39;s raining.").text
"It's raining."
>>> [o.status for o in newsdedup.dedup(["Rain fell on Paris all day.", "Rain fell on Paris all day!"])]
['kept', 'duplicate']
"""

from .clean import Cleaner, CleanOptions, CleanResult, Edit, WireMeta, apply_edits, clean, map_offset
from .dedup import (
    DedupConfig,
    Deduplicator,
    IndexFormatError,
    Match,
    Member,
    NearDupIndex,
    Outcome,
    Thresholds,
    band_params,
    candidate_pairs,
    dedup,
    minhash_signatures,
    shingle_hash,
    shingles,
    stream,
)
from .io import Fields, InputError, InvalidRecord
from .sample import load_sample

__version__ = "0.1.0"

__all__ = [
    "CleanOptions",
    "CleanResult",
    "Cleaner",
    "DedupConfig",
    "Deduplicator",
    "Edit",
    "Fields",
    "IndexFormatError",
    "InputError",
    "InvalidRecord",
    "Match",
    "Member",
    "NearDupIndex",
    "Outcome",
    "Thresholds",
    "WireMeta",
    "__version__",
    "apply_edits",
    "band_params",
    "candidate_pairs",
    "clean",
    "dedup",
    "load_sample",
    "map_offset",
    "minhash_signatures",
    "shingle_hash",
    "shingles",
    "stream",
]
