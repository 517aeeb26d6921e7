"""Where a streaming index keeps its articles: the storage contract, and what is stored.

Owns: :class:`Store`, the small interface every storage implements (memory, Redis), the stored
article (:class:`Stored`), a chunk of signed articles on its way in (:class:`Batch`) and how
ids become storage keys. :class:`~newsdedup.index.NearDupIndex` decides outcomes; a store only
keeps, finds and forgets. It must not score or decide anything.

>>> key_of("w1"), id_of(key_of(7))
(b'"w1"', 7)
"""

from __future__ import annotations

import abc
import contextlib
import json
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..matching.cluster import parse_date

__all__ = ["Batch", "Store", "Stored", "id_of", "key_of", "timestamp"]


def key_of(rid: Any) -> bytes:
    """The storage key of a record id (its JSON, so ``1`` and ``"1"`` stay apart; an id holding a
    lone surrogate, which UTF-8 cannot hold, in its escaped form)."""
    try:
        return json.dumps(rid, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return json.dumps(rid).encode()


def id_of(key: bytes) -> Any:
    """The record id a storage key stands for."""
    return json.loads(key)


def timestamp(value: Any) -> float:
    """Seconds since the epoch of a publication date, NaN when undated or unreadable."""
    dt = parse_date(value)
    return math.nan if dt is None else dt.timestamp()


@dataclass(frozen=True, slots=True)
class Stored:
    """An indexed article as verification needs it.

    ``seq`` orders articles by when they were indexed (the earliest indexed match is the one a
    duplicate points at); ``date`` is seconds since the epoch, NaN when undated.
    """

    key: bytes
    seq: int
    signature: np.ndarray
    size: int
    numbers: np.ndarray
    date: float
    digest: int = 0  # 64-bit hash of the fingerprint; 0 when unknown (stored before digests)


@dataclass
class Batch:
    """Signed articles of one chunk, aligned: what is needed to check and to store each."""

    keys: list[bytes]
    signatures: np.ndarray
    sizes: np.ndarray
    numbers: list[np.ndarray]
    dates: np.ndarray  # seconds since the epoch, NaN when undated
    digests: np.ndarray  # uint64 per article (matching.signing.digest); 0 when unknown

    def stored(self, i: int, seq: int) -> Stored:
        """Article ``i`` as it would be stored with sequence number ``seq``."""
        return Stored(
            self.keys[i],
            seq,
            np.asarray(self.signatures[i], dtype=np.uint32),
            int(self.sizes[i]),
            np.asarray(self.numbers[i], dtype=np.uint32),
            float(self.dates[i]),
            int(self.digests[i]),
        )


class Store(abc.ABC):
    """Where an index keeps its LSH tables and the articles behind them.

    Keys are :func:`key_of` bytes. A store holds each article's signature, set size, numbers
    and date (:class:`Stored`), the LSH buckets of its signature, a sequence counter (the order
    articles were indexed in) and the watermark (the newest date seen, for windows).
    """

    num_perm: int

    @abc.abstractmethod
    def describe(self) -> str:
        """Where the store is, fit to print: "memory", or a URL without its password."""

    @abc.abstractmethod
    def __len__(self) -> int:
        """How many articles are stored."""

    @abc.abstractmethod
    def band_keys(self, signatures: np.ndarray) -> list[list[Any]]:
        """The bucket key of each band of each signature (as this store files them)."""

    @abc.abstractmethod
    def contains(self, key: bytes) -> bool:
        """Whether an article with this key is stored."""

    @abc.abstractmethod
    def contains_many(self, keys: list[bytes]) -> list[bool]:
        """:meth:`contains` for each key, in one round of storage work."""

    @abc.abstractmethod
    def candidates(self, signatures: np.ndarray, bands: list[list[Any]] | None = None) -> list[set[bytes]]:
        """For each signature, the keys of stored articles sharing a bucket with it (``bands``:
        :meth:`band_keys` already computed for these signatures)."""

    @abc.abstractmethod
    def fetch(self, keys: Sequence[bytes]) -> dict[bytes, Stored]:
        """The stored articles of ``keys`` (keys not stored are left out)."""

    @abc.abstractmethod
    def insert(
        self, batch: Batch, which: list[int], seqs: np.ndarray, bands: list[list[Any]] | None = None
    ) -> None:
        """Store articles ``which`` of ``batch`` with their sequence numbers, and their buckets."""

    @abc.abstractmethod
    def delete(self, keys: Iterable[bytes]) -> int:
        """Forget the articles of ``keys`` (and their buckets); returns how many were stored."""

    @abc.abstractmethod
    def dated_before(self, ts: float) -> list[bytes]:
        """The keys of stored articles dated before ``ts`` (seconds since the epoch)."""

    @abc.abstractmethod
    def items(self) -> Iterator[tuple[bytes, Stored]]:
        """Every stored article, in the order they were indexed."""

    @abc.abstractmethod
    def reserve(self, n: int) -> np.ndarray:
        """``n`` fresh sequence numbers, increasing (shared stores: unique across processes)."""

    @abc.abstractmethod
    def reserve_after(self, seq: int) -> None:
        """Make the next sequence numbers come after ``seq`` (after loading a file)."""

    @abc.abstractmethod
    def watermark(self) -> float:
        """The newest publication date seen, NaN when none."""

    @abc.abstractmethod
    def set_watermark(self, ts: float) -> None:
        """Move the watermark forward to ``ts`` (never back)."""

    def errors(self) -> contextlib.AbstractContextManager[None]:
        """Storage failures as the errors this library documents (Redis: ConnectionError)."""
        return contextlib.nullcontext()

    def exclusive(self) -> contextlib.AbstractContextManager[None]:
        """Held around a chunk's check, lookup and insert: no other writer of a shared store
        comes between them (a store of one process has none)."""
        return contextlib.nullcontext()
