"""The memory store: LSH buckets in sorted numpy tables, articles in numpy arrays by slot.

Owns: :class:`MemoryStore`. The buckets are those of datasketch's ``MinHashLSH`` with the same
band parameters (a test compares the candidates), in about 0.5 KB per article instead of its
dict storage's 15 KB. It must not decide outcomes.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..matching.lsh import BandIndex, band_params
from .store import Batch, Store, Stored, Table

if TYPE_CHECKING:
    from ..settings import MatchSettings

__all__ = ["MemoryStore"]


class MemoryStore(Store):
    """Bucket tables in a :class:`~newsdedup.matching.lsh.BandIndex`, records in numpy arrays by slot.

    The buckets are those of datasketch's ``MinHashLSH`` with the same band parameters (a test
    compares the candidates), held in about 0.5 KB per article instead of its dict storage's
    15 KB. Slots are never reused, so a removed article's slot simply stays empty.
    """

    def __init__(self, cfg: MatchSettings) -> None:
        b, r = band_params(cfg.lsh_threshold, cfg.num_perm, cfg.weights)
        self.num_perm = cfg.num_perm
        self.bands = BandIndex(b, r)
        self._slot_of: dict[bytes, int] = {}
        self._keys: list[bytes | None] = []
        self._numbers: list[np.ndarray | None] = []
        self._signatures = np.zeros((1024, cfg.num_perm), dtype=np.uint32)
        self._meta = np.zeros((1024, 3), dtype=np.float64)  # seq, size, date (exact below 2^53)
        self._digests = np.zeros(1024, dtype=np.uint64)
        self._dated: list[tuple[float, int, bytes]] = []  # a heap; stale entries are skipped
        self._next = 0
        self._watermark = math.nan

    def describe(self) -> str:
        return "memory"

    def __len__(self) -> int:
        return len(self._slot_of)

    def band_keys(self, signatures: np.ndarray) -> list[list[Any]]:
        return self.bands.keys(signatures).tolist()

    def contains(self, key: bytes) -> bool:
        return key in self._slot_of

    def contains_many(self, keys: list[bytes]) -> list[bool]:
        return [k in self._slot_of for k in keys]

    def candidates(
        self,
        signatures: np.ndarray,
        bands: list[list[Any]] | None = None,
        max_bucket: int | None = None,
    ) -> list[set[bytes]]:
        # ``bands`` (band_keys' lists) are not reused here: the numpy keys cost less than converting.
        if not self._slot_of:
            return [set() for _ in range(len(signatures))]
        keys = self._keys
        found = self.bands.query(signatures, max_bucket=max_bucket)
        return [set(map(keys.__getitem__, slots)) for slots in found]  # type: ignore[arg-type]

    def meet(
        self,
        signatures: np.ndarray,
        bands: list[list[Any]] | None = None,
        max_bucket: int | None = None,
    ) -> tuple[Table, list[np.ndarray]]:
        # Slots straight to columns: no key, set or Stored per candidate.
        if not self._slot_of:
            return Table.of([], self.num_perm), [np.zeros(0, np.int64) for _ in range(len(signatures))]
        found = self.bands.query_slots(signatures, max_bucket=max_bucket)
        slots = np.unique(np.concatenate(found))
        meta = self._meta[slots]
        listed = slots.tolist()
        table = Table(
            keys=[self._keys[s] for s in listed],  # type: ignore[misc]
            seqs=meta[:, 0].astype(np.int64),
            signatures=self._signatures[slots],
            sizes=meta[:, 1].astype(np.int64),
            dates=meta[:, 2].copy(),
            digests=self._digests[slots],
            numbers=[self._numbers[s] for s in listed],  # type: ignore[misc]
        )
        return table, [np.searchsorted(slots, f) for f in found]

    def _stored(self, key: bytes, slot: int) -> Stored:
        seq, size, date = self._meta[slot].tolist()
        numbers = self._numbers[slot]
        assert numbers is not None, "a live slot"
        return Stored(
            key, int(seq), self._signatures[slot], int(size), numbers, date, int(self._digests[slot])
        )

    def fetch(self, keys: Sequence[bytes]) -> dict[bytes, Stored]:
        slot_of = self._slot_of
        return {k: self._stored(k, slot_of[k]) for k in keys if k in slot_of}

    def insert(
        self, batch: Batch, which: list[int], seqs: np.ndarray, bands: list[list[Any]] | None = None
    ) -> None:
        if not which:
            return
        first = len(self._keys)
        slots = list(range(first, first + len(which)))
        need = first + len(which)
        if need > len(self._signatures):
            grow = max(need, 2 * len(self._signatures))
            self._signatures = np.resize(self._signatures, (grow, self.num_perm))
            self._meta = np.resize(self._meta, (grow, 3))
            self._digests = np.resize(self._digests, grow)
        rows = np.asarray(which)
        self._signatures[first:need] = batch.signatures[rows]
        self._meta[first:need, 0] = seqs[rows]
        self._meta[first:need, 1] = batch.sizes[rows]
        self._meta[first:need, 2] = batch.dates[rows]
        self._digests[first:need] = batch.digests[rows]
        for slot, i in zip(slots, which, strict=True):
            key = batch.keys[i]
            self._slot_of[key] = slot
            self._keys.append(key)
            self._numbers.append(np.asarray(batch.numbers[i], dtype=np.uint32))
            if not math.isnan(batch.dates[i]):
                heapq.heappush(self._dated, (float(batch.dates[i]), int(seqs[i]), key))
        self.bands.add(slots, batch.signatures[rows])

    def delete(self, keys: Iterable[bytes]) -> int:
        n = 0
        for key in keys:
            slot = self._slot_of.pop(key, None)
            if slot is not None:
                self.bands.remove(slot)
                self._keys[slot] = None
                self._numbers[slot] = None
                n += 1
        if len(self._keys) - len(self._slot_of) > max(4096, len(self._slot_of)):
            self._compact()
        return n

    def _compact(self) -> None:
        """Renumber the live articles into fresh arrays, so that a windowed stream stays bounded."""
        live = sorted(self._slot_of.values())
        rows = np.asarray(live, dtype=np.int64)
        self._signatures = self._signatures[rows].copy()
        self._meta = self._meta[rows].copy()
        self._digests = self._digests[rows].copy()
        self._keys = [self._keys[s] for s in live]
        self._numbers = [self._numbers[s] for s in live]
        self._slot_of = {k: i for i, k in enumerate(self._keys)}  # type: ignore[misc]
        self.bands = BandIndex(self.bands.b, self.bands.r)
        self.bands.add(list(range(len(live))), self._signatures)

    def dated_before(self, ts: float) -> list[bytes]:
        out = []
        while self._dated and self._dated[0][0] < ts:
            _, seq, key = heapq.heappop(self._dated)
            slot = self._slot_of.get(key)
            if slot is not None and int(self._meta[slot, 0]) == seq:
                out.append(key)
        return out

    def items(self) -> Iterator[tuple[bytes, Stored]]:
        for key, slot in sorted(self._slot_of.items(), key=lambda kv: self._meta[kv[1], 0]):
            yield key, self._stored(key, slot)

    def reserve(self, n: int) -> np.ndarray:
        out = np.arange(self._next, self._next + n, dtype=np.int64)
        self._next += n
        return out

    def reserve_after(self, seq: int) -> None:
        self._next = max(self._next, seq)

    def watermark(self) -> float:
        return self._watermark

    def set_watermark(self, ts: float) -> None:
        self._watermark = ts if math.isnan(self._watermark) else max(self._watermark, ts)
