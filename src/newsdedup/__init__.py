"""newsdedup: clean scraped news text and find near-duplicate wire stories.

>>> import newsdedup
>>> newsdedup.clean("Advertisement\\nIt&#39;s raining.").text
"It's raining."
>>> [o.status for o in newsdedup.dedup(["Rain fell on Paris all day.", "Rain fell on Paris all day!"])]
['kept', 'duplicate']
"""

__version__ = "0.1.0"

import logging as _logging

from .batch import Deduplicator, dedup
from .cleaning import Cleaner, CleanOptions, CleanResult, Edit, WireMeta, apply_edits, clean, map_offset
from .errors import IndexFormatError, InputError, MissingExtra, NewsdedupError
from .explanation import Explanation, explain
from .index import Match, NearDupIndex, stream
from .matching import (
    Member,
    Thresholds,
    Verifier,
    band_params,
    candidate_pairs,
    minhash_signatures,
    shingle_hash,
)
from .matching.shingles import shingles
from .outcome import Outcome
from .records import Fields, InvalidRecord
from .sample import load_sample
from .settings import DedupConfig, MatchSettings

__all__ = [
    "CleanOptions",
    "CleanResult",
    "Cleaner",
    "DedupConfig",
    "Deduplicator",
    "Edit",
    "Explanation",
    "Fields",
    "IndexFormatError",
    "InputError",
    "InvalidRecord",
    "Match",
    "MatchSettings",
    "Member",
    "MissingExtra",
    "NearDupIndex",
    "NewsdedupError",
    "Outcome",
    "Thresholds",
    "Verifier",
    "WireMeta",
    "__version__",
    "apply_edits",
    "band_params",
    "candidate_pairs",
    "clean",
    "dedup",
    "explain",
    "load_sample",
    "map_offset",
    "minhash_signatures",
    "shingle_hash",
    "shingles",
    "stream",
]

# A library logs and lets the application decide where logs go (nowhere, until it says).
_logging.getLogger("newsdedup").addHandler(_logging.NullHandler())
