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
from itertools import repeat
from typing import Any

import numpy as np

from ..matching.cluster import parse_date
from ..matching.verify import Numbers, Verifier, number_table

__all__ = ["Batch", "Pool", "Store", "Stored", "Table", "id_of", "key_of", "timestamp"]


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


@dataclass(frozen=True)
class Table:
    """Articles as columns, aligned: the form scoring reads, so that a candidate costs a few
    array reads and no Python object (a templated report meets thousands of earlier ones)."""

    keys: list[bytes]
    seqs: np.ndarray
    signatures: np.ndarray
    sizes: np.ndarray
    dates: np.ndarray
    digests: np.ndarray
    numbers: list[np.ndarray]

    @classmethod
    def of(cls, stored: Sequence[Stored], num_perm: int) -> Table:
        """The table of ``stored`` articles, in their order."""
        signatures = np.empty((len(stored), num_perm), dtype=np.uint32)
        for row, s in enumerate(stored):
            signatures[row] = s.signature
        return cls(
            keys=[s.key for s in stored],
            seqs=np.array([s.seq for s in stored], dtype=np.int64),
            signatures=signatures,
            sizes=np.array([s.size for s in stored], dtype=np.int64),
            dates=np.array([s.date for s in stored], dtype=np.float64),
            digests=np.array([s.digest for s in stored], dtype=np.uint64),
            numbers=[s.numbers for s in stored],
        )

    @classmethod
    def of_batch(cls, batch: Batch, seqs: np.ndarray) -> Table:
        """The table of a chunk's articles, as they would be stored with sequence numbers ``seqs``."""
        return cls(batch.keys, seqs, batch.signatures, batch.sizes, batch.dates, batch.digests, batch.numbers)


@dataclass(frozen=True)
class Pool:
    """What a chunk is checked against: the parts given (the index's candidates, an overlay's,
    then the chunk itself) as one :class:`Table`, one after another (part ``p`` starts at row
    ``starts[p]``), with the numbers as :func:`~newsdedup.matching.verify.number_table` reads them."""

    table: Table
    numbers: Numbers
    starts: tuple[int, ...]

    @classmethod
    def of(cls, parts: Sequence[Table]) -> Pool:
        """The pool of ``parts``, in order."""
        starts = np.cumsum([0] + [len(t.keys) for t in parts[:-1]]).tolist()
        table = Table(
            keys=[k for t in parts for k in t.keys],
            seqs=np.concatenate([t.seqs for t in parts]).astype(np.int64, copy=False),
            signatures=np.concatenate([t.signatures for t in parts]).astype(np.uint32, copy=False),
            sizes=np.concatenate([t.sizes for t in parts]).astype(np.int64, copy=False),
            dates=np.concatenate([t.dates for t in parts]).astype(np.float64, copy=False),
            digests=np.concatenate([t.digests for t in parts]).astype(np.uint64, copy=False),
            numbers=[],  # held as one number table below
        )
        return cls(table, number_table([x for t in parts for x in t.numbers]), tuple(starts))

    def scores(self, doc: int, rows: np.ndarray, verifier: Verifier) -> tuple[np.ndarray, ...]:
        """Row ``doc`` against ``rows``: ``(resemblance, containment, is_duplicate)``."""
        t = self.table
        return verifier.among(doc, rows, t.signatures, t.sizes, self.numbers, t.digests)


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
    def candidates(
        self,
        signatures: np.ndarray,
        bands: list[list[Any]] | None = None,
        max_bucket: int | None = None,
    ) -> list[set[bytes]]:
        """For each signature, the keys of stored articles sharing a bucket with it (``bands``:
        :meth:`band_keys` already computed for these signatures). A bucket holding more than
        ``max_bucket`` articles gives only its earliest indexed one, as batch dedup gives star
        pairs to a huge bucket's first member (``MatchSettings.max_bucket``)."""

    def meet(
        self,
        signatures: np.ndarray,
        bands: list[list[Any]] | None = None,
        max_bucket: int | None = None,
    ) -> tuple[Table, list[np.ndarray]]:
        """The stored articles that :meth:`candidates` finds for the signatures, as one table,
        and the rows of that table each signature meets."""
        found = self.candidates(signatures, bands, max_bucket)
        data = self.fetch(sorted(set().union(*found)))
        row_of = {k: row for row, k in enumerate(data)}
        rows = []
        for f in found:  # a candidate not fetched was removed meanwhile
            r = np.fromiter(map(row_of.get, f, repeat(-1)), np.int64, len(f))
            rows.append(r[r >= 0])
        return Table.of(list(data.values()), self.num_perm), rows

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
