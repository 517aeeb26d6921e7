"""The per-record stage of matching: clean, shingle and sign a chunk of texts.

Owns: what a record turns into before it can be compared (:class:`Signed`: signature, shingle
set size, clean length, wire agency, sorted number hashes) and the reason a record has nothing
left to compare. This is the part of a run that parallelises: batch workers, the streaming index
and Spark executors all call :func:`sign` with the run's settings, whole. It must not decide
outcomes or hold state between chunks.

>>> from newsdedup import DedupConfig
>>> signed = sign(DedupConfig(), ["Share\\nRain fell on Paris.", "Advertisement"], [None, None])
>>> signed.signatures.shape, signed.empty[1]
((2, 128), 'no text left after cleaning (removed by boilerplate.advertisement)')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from hashlib import blake2b
from typing import TYPE_CHECKING

import numpy as np

from ..cleaning import CleaningTimeout
from .shingles import shingle_batch
from .signatures import signatures_from_shingles
from .verify import number_hashes

if TYPE_CHECKING:
    from ..settings import MatchSettings

__all__ = ["NO_WORDS", "Signed", "digest", "digest_all", "sign"]

#: The reason given to a text that has no letters or digits to shingle.
NO_WORDS = "no letters or digits to compare"


@dataclass(frozen=True)
class Signed:
    """What :func:`sign` returns for a chunk of texts (arrays aligned with the chunk)."""

    signatures: np.ndarray  # uint32 (n, num_perm); rows of empty records are unused
    sizes: np.ndarray  # distinct shingles per record
    lengths: list[int]  # characters of clean text
    agencies: list[str | None]  # first wire agency the cleaner found
    empty: list[str | None]  # why a record has nothing to compare, or None
    numbers: list[np.ndarray]  # sorted distinct number hashes per record ([] without the check)
    digests: np.ndarray  # uint64 per record: a 64-bit hash of its fingerprint (exact equality)


def sign(settings: MatchSettings, texts: Sequence[str], titles: Sequence[str | None]) -> Signed:
    """Clean (as ``settings`` say), shingle and sign one chunk of texts with their headlines."""
    cleaner = settings.make_cleaner()
    fingerprints: list[str] = []
    lengths: list[int] = []
    agencies: list[str | None] = []
    empty: list[str | None] = []
    for text, title in zip(texts, titles, strict=True):
        reason = None
        if cleaner is not None:
            try:
                result = cleaner.clean(text, title)
            except CleaningTimeout as e:  # this record is rejected, not the run
                fingerprints.append("")
                lengths.append(0)
                agencies.append(None)
                empty.append(str(e))
                continue
            fp = result.fingerprint
            lengths.append(len(result.text))
            agencies.append(result.meta.agencies[0] if result.meta.agencies else None)
            if not fp:
                removed = ", ".join(sorted(result.rules()))
                reason = f"no text left after cleaning (removed by {removed})" if removed else NO_WORDS
        else:
            fp = text
            lengths.append(len(text))
            agencies.append(None)
            reason = None if fp.strip() else NO_WORDS
        fingerprints.append(fp)
        empty.append(reason)
    batch = shingle_batch(fingerprints, settings.ngram, settings.shingle)
    sig = signatures_from_shingles(batch, num_perm=settings.num_perm, seed=settings.seed)
    numbers = [number_hashes(fp) for fp in fingerprints] if settings.min_number_overlap is not None else []
    sizes = batch.set_sizes().astype(np.int32)
    return Signed(sig, sizes, lengths, agencies, empty, numbers, digest_all(fingerprints))


def digest(fingerprint: str) -> int:
    """A 64-bit hash of a fingerprint, for exact equality where 32-bit shingle hashes collide
    (two different one-shingle texts share a 32-bit hash about once in 2^32 pairs); never 0."""
    value = int.from_bytes(
        blake2b(fingerprint.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little"
    )
    return value or 1  # 0 stands for "unknown" (an index from before digests)


def digest_all(fingerprints: Sequence[str]) -> np.ndarray:
    """:func:`digest` of each fingerprint, as uint64."""
    return np.fromiter((digest(fp) for fp in fingerprints), dtype=np.uint64, count=len(fingerprints))
